// The custom requests of DESIGN.md §5 (types in customProtocol.ts): injectCrash, recover, slots,
// timeline, and editState (state surgery, slotEdits.ts). Their arguments are checked here, and a bad one is refused saying which and
// why; slots and timeline are answered by the running worker, else from the journal.
import type { WorkerFailure } from '../worker/protocol';
import { describeFailure, type Attempts } from './attempts';
import { crashRequestPlan } from './crashRequest';
import type { InjectCrashArguments, SlotsArguments } from './customProtocol';
import type { DebugState } from './debugState';
import type { Outcome } from './executionControl';
import { editState, type EditHost } from './slotEdits';
import type { OutputCategory } from './workerEvents';
import { slotsBody, timelineBody } from './viewData';

export interface CustomHost {
  readonly attempts: Attempts;
  readonly state: DebugState;
  readonly edits: EditHost;
  say(text: string, category: OutputCategory): void;
}

export const CUSTOM_REQUESTS = [
  'injectCrash',
  'recover',
  'slots',
  'timeline',
  'editState',
] as const;

/** A whole number ≥ 0, or why not. */
function wholeNumber(args: Record<string, unknown>, name: string): string | undefined {
  const v = args[name];
  if (v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0)) return undefined;
  return `"${name}" must be a whole number ≥ 0, got ${JSON.stringify(v)}`;
}

/** The `slots` arguments, checked: a page must be one the user could mean. */
export function checkSlotsArguments(args: unknown): SlotsArguments | string {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args))
    return 'slots takes an object { stateId?, start?, count?, limit? }';
  const a = args as Record<string, unknown>;
  if (a.stateId !== undefined && (typeof a.stateId !== 'string' || a.stateId === ''))
    return `"stateId" must be the id of an action state (such as alice#0/0/checkout), got ${JSON.stringify(a.stateId)}`;
  for (const name of ['start', 'count', 'limit']) {
    const problem = wholeNumber(a, name);
    if (problem) return `slots: ${problem}`;
  }
  return a as SlotsArguments;
}

export class CustomRequests {
  constructor(private readonly host: CustomHost) {}

  async handle(command: string, args: unknown): Promise<Outcome> {
    switch (command) {
      case 'injectCrash':
        return this.injectCrash((args ?? {}) as InjectCrashArguments & { threadId?: unknown });
      case 'recover':
        return this.recover();
      case 'slots': {
        const checked = checkSlotsArguments(args);
        if (typeof checked === 'string') return { refused: checked };
        const { state, attempts } = this.host;
        return {
          body: await slotsBody(state.source(attempts.plan), checked, (f, n) =>
            state.callSite(f, n),
          ),
        };
      }
      case 'timeline': {
        const { state, attempts } = this.host;
        return { body: await timelineBody(state.source(attempts.plan), state.allCallSites()) };
      }
      case 'editState':
        return editState(this.host.edits, args);
      default:
        return { refused: `unknown request "${command}"` };
    }
  }

  private injectCrash(args: InjectCrashArguments & { threadId?: unknown }): Outcome {
    const { attempts, state } = this.host;
    const run = attempts.run;
    if (!run || run.state.finished)
      return { refused: 'no attempt is running to crash: recover first, or start debugging again' };
    let key: string | undefined;
    if (args.threadId !== undefined) {
      key = typeof args.threadId === 'number' ? state.liveKey(args.threadId) : undefined;
      if (key === undefined)
        return { refused: `there is no thread ${String(args.threadId)} in this attempt` };
    }
    const stop = key === undefined ? run.state.stop : run.state.stops.get(key);
    const request = crashRequestPlan(args, stop);
    if (typeof request === 'string') return { refused: request };
    const { crash, now } = request;
    const known = state.known();
    // The worker has said which actions the agent has: another name is a typo.
    if (crash.action !== undefined && !known.actions.has(crash.action)) {
      return {
        refused: `"action": the agent has no action "${crash.action}"; its actions are ${[...known.actions].join(', ')}`,
      };
    }
    // Function ids are known only as calls are seen (or read in the source): warn, keep it armed.
    if (crash.functionId !== undefined && !known.functions.has(crash.functionId)) {
      const seen = [...known.functions].join(', ') || 'none yet';
      this.host.say(
        `warning: no durable call of "${crash.functionId}" is known in this agent so far (function ids seen: ${seen}); the crash stays armed for it\n`,
        'console',
      );
    }
    run.client.send({ type: 'injectCrash', crash, now, key: key ?? stop?.boundary.exec.key });
    if (!now) {
      const where = crash.stateId ?? crash.action;
      const call =
        crash.index !== undefined
          ? ` call #${crash.index}`
          : crash.functionId !== undefined
            ? ` call of ${crash.functionId}`
            : '';
      this.host.say(
        `a crash is armed at ${crash.point}${where ? ` of ${where}` : ''}${call}: continue to let the agent reach it\n`,
        'console',
      );
    }
    return { body: undefined };
  }

  private async recover(): Promise<Outcome> {
    const { attempts } = this.host;
    if (!attempts.plan) return { refused: 'nothing to recover: the session was not launched' };
    if (attempts.ended)
      return { refused: 'nothing to recover: the session has ended; start debugging again' };
    // A crashed worker announces its crash just before it dies: wait for the death.
    if (attempts.run?.state.crash) await attempts.run.client.exited;
    if (attempts.run)
      return {
        refused:
          'nothing to recover: the attempt is still running. Recover starts the next attempt after a crash: inject one first',
      };
    const failure = await new Promise<WorkerFailure | undefined>((resolve) =>
      attempts.recover(undefined, resolve),
    );
    return failure ? { refused: describeFailure(failure) } : { body: undefined };
  }
}
