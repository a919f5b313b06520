// The worker process: hosts the runtime and the user's agent, reports every boundary to its
// parent (the CLI or the debug adapter) over IPC, stops where the debugger says, and kills
// itself for real at an injected crash. Started by workerClient.ts, never by hand.
import './esbuildEnv';
import type { Server } from 'node:net';
import { exitWithTree, killOwnTree } from '../platform/processTree';
import { validateInputs, AgentRunner } from '../runtime/agentRunner';
import type { Boundary, RuntimeHooks } from '../runtime/boundaries';
import { encodeError, encode, leaveOutHostFrames } from '../runtime/codec';
import { InputsChangedError, StateFileError } from '../runtime/errors';
import { JournalWriteError } from '../runtime/journalErrors';
import { JournalStore } from '../runtime/journalStore';
import {
  acquireStateLock,
  adoptStateLock,
  StateFolderBusyError,
  type StateLock,
} from '../runtime/stateLock';
import { checkInputs } from '../runtime/stateMatch';
import { MemoryStore, recordedInputs } from '../runtime/stateStore';
import { AgentLoadError, compileAgent, loadAgent } from './agentLoader';
import { pythonProgram } from './python/interpreter';
import { loadPythonAgent } from './python/pythonAgent';
import { isWorkerFrame, makeCallSiteCapture, makeCallSiteTrace } from './callSite';
import { unknownCrashAction } from './crashPlan';
import { HaltableStore } from './haltableStore';
import { watchParent } from './parentDeath';
import { summarizeState } from './stateSummary';
import { DebugController } from './debugController';
import type {
  CrashPlan,
  FromWorker,
  Query,
  QueryResult,
  StartRequest,
  ToWorker,
  WorkerFailure,
} from './protocol';

process.setSourceMapsEnabled(true);
// The user sees the agent's frames: this bundle's and Node's stay out of every stack encoded.
leaveOutHostFrames(isWorkerFrame(__filename));

let store: HaltableStore | undefined;
/** Held from before the journal is opened until this process dies: the kernel then frees it. */
let lock: StateLock | undefined;
let controller: DebugController | undefined;
let attempt = 0;
/** Set once a crash is under way: every other key stops where it is, as in a real kill. */
let crashing = false;
const never = new Promise<never>(() => {});

function send(message: FromWorker, then?: () => void): void {
  if (!process.connected) {
    then?.();
    return;
  }
  process.send!(message, undefined, {}, () => then?.());
}

let failed = false;

function stateFailure(error: StateFileError): WorkerFailure {
  const { message, file, line, remedy } = error;
  const kind =
    error instanceof JournalWriteError
      ? 'storage'
      : error instanceof StateFolderBusyError
        ? 'locked'
        : 'state';
  return { kind, message, file, line, remedy };
}

function fail(failure: Extract<FromWorker, { type: 'startFailed' }>['failure']): void {
  if (failed) return;
  failed = true;
  send({ type: 'startFailed', failure }, () => exitWithTree(2));
}

/**
 * The journal cannot be written (a full disk, a read-only file system): the attempt stops right
 * there, as a crash would, with the reason. Going on would run calls whose slots are not saved.
 */
function storeFailed(error: unknown): void {
  if (!(error instanceof StateFileError) || crashing) return;
  crashing = true;
  store?.halt();
  fail(stateFailure(error));
}

function crash(b: Boundary | undefined, plan: CrashPlan | 'now'): Promise<never> {
  if (crashing) return never;
  crashing = true;
  const point = plan === 'now' ? 'now' : plan.point;
  const call = b?.kind === 'call' ? b.call : undefined;
  const where = {
    stateId: b?.exec.stateId,
    action: b?.exec.action,
    index: call?.index,
    functionId: call?.functionId,
  };
  // Written (not synced) before the kill: it survives a process kill, and tells the timeline
  // where the crash struck. Nothing else is flushed, exactly as in a real crash.
  try {
    store?.halt({
      op: 'crash',
      attempt,
      point,
      id: where.stateId,
      index: where.index,
      functionId: where.functionId,
    });
  } catch {
    // The crash record could not be written (e.g. a full disk): the kill goes ahead anyway.
  }
  // With what the agent started: on Windows nothing can find those once this process is gone.
  const kill = () => killOwnTree();
  send({ type: 'crash', attempt, point, ...where, callSite: call?.callSite }, kill);
  setTimeout(kill, 200);
  return never;
}

function reportBoundary(b: Boundary): void {
  const base = {
    attempt,
    stateId: b.exec.stateId,
    key: b.exec.key,
    seq: b.exec.seq,
    action: b.exec.action,
  };
  if (b.kind === 'action-start')
    send({ type: 'action', phase: 'start', ...base, reused: b.reused });
  else if (b.kind === 'action-completed')
    send({ type: 'action', phase: 'completed', ...base, reused: b.reused });
  else if (b.kind === 'action-end') {
    send({
      type: 'action',
      phase: 'end',
      ...base,
      reused: false,
      error: b.error === undefined ? undefined : encodeError(b.error),
    });
  } else if (b.phase === 'outcome-persisted' || b.phase === 'replayed') {
    const { index, functionId, plan, outcome, occurrence, callSite } = b.call;
    send({
      type: 'call',
      ...base,
      index,
      functionId,
      path: plan.path,
      status: outcome!.status,
      reason: plan.reason,
      occurrence,
      callSite,
    });
  }
}

function openStore(
  request: StartRequest,
  agentName: string,
): { store: HaltableStore; warnings: string[] } {
  if (request.stateDir === undefined)
    return { store: new HaltableStore(new MemoryStore()), warnings: [] };
  const journal = JournalStore.open(request.stateDir, { agent: agentName, fresh: request.fresh });
  return { store: new HaltableStore(journal, storeFailed), warnings: journal.warnings };
}

/** Only the holder of the folder's lock writes it: the parent's, shared, or one of our own. */
async function lockFolder(request: StartRequest, handle: Server | undefined): Promise<void> {
  if (request.stateDir === undefined || lock) return;
  if (request.lock) {
    // Where the system cannot pass the socket (Windows), the parent holds it alone for us.
    if (handle) lock = adoptStateLock(handle, request.lock);
    return;
  }
  lock = await acquireStateLock(request.stateDir, `durable-run worker (${request.kind})`);
}

async function start(request: StartRequest, handle: Server | undefined): Promise<void> {
  try {
    await lockFolder(request, handle);
  } catch (error) {
    if (error instanceof StateFileError) return fail(stateFailure(error));
    throw error;
  }
  let agent;
  try {
    const python = pythonProgram(request.program);
    agent = python
      ? await loadPythonAgent(python, request.python)
      : loadAgent(request.program, compileAgent(request.program));
  } catch (error) {
    if (error instanceof AgentLoadError) return fail(error.failure);
    throw error;
  }
  const crashProblem =
    request.crash &&
    unknownCrashAction(
      request.crash,
      agent.name,
      agent.actions.map((a) => a.name),
    );
  if (crashProblem) return fail({ kind: 'agent', message: crashProblem });
  let warnings: string[];
  try {
    ({ store, warnings } = openStore(request, agent.name));
  } catch (error) {
    if (error instanceof StateFileError) return fail(stateFailure(error));
    throw error;
  }
  let inputs;
  try {
    inputs = validateInputs(request.inputs ?? recordedInputs(store) ?? []);
    // Before the inputs are recorded: refused ones leave the state folder as it was.
    checkInputs(store, inputs);
  } catch (error) {
    return fail({ kind: 'input', message: (error as Error).message });
  }
  if (request.inputs === undefined && inputs.length === 0) {
    return fail({
      kind: 'input',
      message:
        'no inputs: give an inputs file (none are recorded in the state folder from an earlier attempt)',
    });
  }
  if (
    request.inputs !== undefined &&
    JSON.stringify(request.inputs) !== JSON.stringify(recordedInputs(store))
  ) {
    store.note({ op: 'inputs', inputs: request.inputs });
  }
  const ctl = new DebugController(request.debug, request.crash, { send, crash });
  controller = ctl;
  const hooks: RuntimeHooks = {
    boundary: (b) => {
      if (crashing) return never;
      reportBoundary(b);
      return ctl.onBoundary(b);
    },
    output: (o) => send({ type: 'output', ...o, output: encode(o.output).json }),
    warning: (message) => send({ type: 'warning', message }),
    persisted: request.debug
      ? (m) => {
          if (m.op === 'slot')
            send({ type: 'slotChanged', stateId: m.id, index: m.index, slot: m.slot });
          else if (m.op === 'truncate')
            send({ type: 'slotChanged', stateId: m.id, index: m.from, slot: null });
        }
      : undefined,
    captureCallSite: request.debug ? makeCallSiteCapture(__filename) : undefined,
    traceCallSite: request.debug ? undefined : makeCallSiteTrace(__filename),
    keyDone: request.debug ? (key) => ctl.keyDone(key) : undefined,
  };
  const runner = new AgentRunner({ agent, store, hooks, kind: request.kind });
  attempt = runner.attempt;
  send({
    type: 'ready',
    agent: agent.name,
    actions: agent.actions.map((a) => ({ name: a.name, on: a.on })),
    attempt,
    warnings,
  });
  send({ type: 'attempt', attempt, kind: request.kind });
  const result = await runner.run(inputs);
  // 'unhandledRejection' fires once the microtasks drain, and the worker exits right after
  // 'done': one turn of the event loop lets such a warning out first.
  await new Promise((resolve) => setImmediate(resolve));
  const failures = result.failures.map((f) => ({
    key: f.key,
    seq: f.seq,
    action: f.action,
    stateId: f.stateId,
    error: encodeError(f.error),
  }));
  send({ type: 'done', attempt, failures }, () => {
    // A debugger keeps the worker for questions about the final state; the CLI is done.
    if (!request.debug) exitWithTree(0);
  });
}

function answer(query: Query): QueryResult {
  if (!store) throw new Error('the worker has not opened a store yet');
  switch (query.kind) {
    case 'states':
      return {
        kind: 'states',
        states: [...store.states()].map(summarizeState),
      };
    case 'state': {
      const s = store.get(query.stateId);
      if (!s) return { kind: 'state', state: undefined };
      const { slots, ...rest } = s;
      return { kind: 'state', state: { ...rest, slotCount: slots.length } };
    }
    case 'slots':
      return {
        kind: 'slots',
        slots: store.get(query.stateId)?.slots.slice(query.start, query.start + query.count) ?? [],
      };
    case 'timeline':
      return { kind: 'timeline', records: [...store.timeline()] };
  }
}

/** Resolves once the parent is watched: no agent code runs before. */
const watched = watchParent();

process.on('message', (message: ToWorker, handle?: Server) => {
  switch (message.type) {
    case 'start':
      watched
        .then(() => start(message, handle))
        .catch((error) =>
          error instanceof StateFileError
            ? fail(stateFailure(error))
            : error instanceof InputsChangedError
              ? fail({ kind: 'input', message: error.message })
              : fail({ kind: 'internal', message: (error as Error).stack ?? String(error) }),
        );
      return;
    case 'resume':
      controller?.resume(message.mode, message.key);
      return;
    case 'pause':
      controller?.pause(message.key);
      return;
    case 'debug':
      controller?.update(message.debug);
      return;
    case 'injectCrash':
      void controller?.injectCrash(message.crash, message.now, message.key);
      return;
    case 'query':
      try {
        send({ type: 'response', id: message.id, result: answer(message.query) });
      } catch (error) {
        send({ type: 'response', id: message.id, error: (error as Error).message });
      }
  }
});

// The parent went away and the event loop is free to hear it: a worker is never left behind.
// When the agent keeps the loop busy, or the parent was SIGKILLed, parentDeath.ts acts at once.
process.on('disconnect', () => {
  killOwnTree();
  process.exit(0);
});
process.on('unhandledRejection', (reason) => {
  const e = encodeError(reason);
  send({
    type: 'warning',
    message: `unhandled promise rejection in the agent: ${e.name}: ${e.message}`,
  });
});
