// Execution control requests on the thread (key) they name: continue, the three steps, pause,
// step back, reverse continue and restart frame. The thread model they follow is the worker's
// (debugController.ts): a continue moves every key, a step only its own, a stop holds the rest.
// Each check here answers with the reason a request cannot be done; no DAP session state here.
import { ContinuedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ResumeMode, WorkerFailure } from '../worker/protocol';
import type { AttemptRun } from './attemptRun';
import { describeFailure, type Attempts } from './attempts';
import type { DebugState } from './debugState';
import { reverseContinueTarget, stepBackTarget, type TravelTarget } from './timeTravel';

/** A request's outcome: a refusal with its reason, or the response body (if any). */
export type Outcome = { refused: string } | { body?: object };

export interface ControlHost {
  readonly attempts: Attempts;
  readonly state: DebugState;
  sendEvent(event: DebugProtocol.Event): void;
}

export class ExecutionControl {
  constructor(private readonly host: ControlHost) {}

  private get run(): AttemptRun | undefined {
    return this.host.attempts.run;
  }

  /** The key of a thread of the running attempt, or why there is none. */
  private keyOf(threadId: number | undefined): { key: string; run: AttemptRun } | string {
    const run = this.run;
    if (!run || run.state.finished)
      return 'no attempt is running: launch, restart or recover first';
    const key = threadId === undefined ? undefined : this.host.state.liveKey(threadId);
    if (key === undefined) {
      const keys = run.state.liveKeys.map((k) => `${k} (${this.host.state.threadId(k)})`);
      return `there is no thread ${threadId} in this attempt; its threads are ${keys.join(', ') || 'none yet'}`;
    }
    return { key, run };
  }

  /** Continue (every key) or a step (this thread's key only). */
  resume(threadId: number, mode: ResumeMode): Outcome {
    const found = this.keyOf(threadId);
    if (typeof found === 'string') return { refused: found };
    const { key, run } = found;
    if (!run.state.worldStopped)
      return { refused: 'the agent is running: pause it first, or wait for a breakpoint' };
    const all = mode === 'continue';
    if (all) run.state.continuedAll();
    else run.state.released(key);
    this.host.state.resetVariables();
    // Said before the worker moves, so no later `stopped` can arrive ahead of it.
    this.host.sendEvent(new ContinuedEvent(threadId, all));
    run.client.send({ type: 'resume', mode, key });
    return { body: { allThreadsContinued: all } };
  }

  /** Stops the thread's key where it is held, else the first key to reach a boundary. */
  pause(threadId: number): Outcome {
    const run = this.run;
    if (!run || run.state.finished) return { refused: 'no attempt is running' };
    const key = this.host.state.liveKey(threadId);
    run.client.send({ type: 'pause', key });
    return { body: undefined };
  }

  /** The stop of the thread's key, or why it has none (held and running keys are not stopped). */
  private stopOf(threadId: number) {
    const found = this.keyOf(threadId);
    if (typeof found === 'string') return found;
    const stop = found.run.state.stops.get(found.key);
    if (!stop) {
      const how = found.run.state.held.has(found.key) ? 'held before its next boundary' : 'running';
      return `${found.key} is ${how}, not stopped: step it first`;
    }
    return { ...found, stop };
  }

  /** Step back or reverse continue: the action re-runs in a new worker to an earlier boundary. */
  async travel(threadId: number, direction: 'stepBack' | 'reverseContinue'): Promise<Outcome> {
    const found = this.stopOf(threadId);
    if (typeof found === 'string') return { refused: found };
    const { run, stop } = found;
    const b = stop.boundary;
    const target: TravelTarget =
      direction === 'stepBack'
        ? stepBackTarget(b, run.state.callsMade(b.exec.stateId))
        : reverseContinueTarget(b);
    if ('refused' in target) return { refused: target.refused };
    const failure = await new Promise<WorkerFailure | undefined>((resolve) => {
      void this.host.attempts.rewind({ stateId: b.exec.stateId, ordinal: target.ordinal }, resolve);
    });
    if (failure) {
      void this.host.attempts.end(1);
      return { refused: describeFailure(failure) };
    }
    return { body: undefined };
  }

  /** Restart Frame on an action frame: a crash now, then a recovery stopped at that action's start. */
  restartFrame(frameId: number): Outcome {
    const frame = this.host.state.frame(frameId);
    if (!frame) return { refused: `there is no frame ${frameId} (the agent moved on since)` };
    if (frame.kind !== 'action' || !frame.stopped) {
      return {
        refused:
          'only the action frame of a stopped key can be restarted (it crashes now and recovers to the start of that action)',
      };
    }
    const found = this.stopOf(this.host.state.threadId(frame.threadKey));
    if (typeof found === 'string') return { refused: found };
    this.host.attempts.recoverAfterCrash({ stateId: found.stop.boundary.exec.stateId, ordinal: 1 });
    found.run.client.send({
      type: 'injectCrash',
      crash: { point: 'before-call' },
      now: true,
      key: found.key,
    });
    return { body: undefined };
  }
}
