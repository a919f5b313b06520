// What the DAP client is told of each attempt's life: the process it runs in, its warnings, the
// crash it stops in (a stopped thread of its own until the recovery starts) and the session's
// end. It is the session's AttemptHost: attempts.ts decides, this says it in DAP events.
import {
  BreakpointEvent,
  ContinuedEvent,
  Event,
  ExitedEvent,
  StoppedEvent,
  TerminatedEvent,
  ThreadEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ExceptionFilter } from '../worker/protocol';
import type { AttemptHost, Attempts } from './attempts';
import type { AttemptRun, ReadyMessage } from './attemptRun';
import type { CrashMessage } from './attemptState';
import type { BreakpointMapper } from './breakpointMapper';
import { CUSTOM_EVENTS } from './customProtocol';
import { CRASHED_THREAD_ID, type DebugState } from './debugState';
import type { OutputCategory, WorkerEvents } from './workerEvents';

/** What the presenter needs of the session; read when an attempt reports, not when built. */
export interface PresenterSession {
  readonly attempts: Attempts;
  readonly state: DebugState;
  readonly events: WorkerEvents;
  readonly breakpoints: BreakpointMapper;
  readonly exceptionFilters: ExceptionFilter[];
  sendEvent(event: DebugProtocol.Event): void;
  say(text: string, category: OutputCategory): void;
}

export function attemptPresenter(session: () => PresenterSession): AttemptHost {
  return {
    debugSettings: () => ({
      rules: session().breakpoints.rules(),
      exceptionFilters: session().exceptionFilters,
    }),
    started: (run, ready) => started(session(), run, ready),
    message: (run, m) => session().events.translate(run, m),
    output: (text, category) => session().say(text, category),
    retired: (run) => session().events.retireThreads(run),
    crashed: (crash) => showCrashed(session(), crash),
    leavingCrash: () => leaveCrashed(session()),
    killed: (run) => {
      if (!run.state.finished)
        session().events.attempt({ attempt: run.state.attempt, phase: 'end' });
    },
    ended: (exitCode) => {
      const s = session();
      // A crash that ends unrecovered (Stop, a restart elsewhere) takes its thread along first: a
      // client that kept its focus on it would carry it, stopped, into the next session.
      leaveCrashed(s);
      s.events.flushSlotsChanged();
      s.sendEvent(new ExitedEvent(exitCode));
      s.sendEvent(new TerminatedEvent());
    },
  };
}

function started(s: PresenterSession, run: AttemptRun, ready: ReadyMessage): void {
  s.state.learnActions(ready.actions.map((a) => a.name));
  for (const w of ready.warnings) s.say(`warning: ${w}\n`, 'console');
  for (const bp of s.breakpoints.reverifyFunctions(s.state.known()))
    s.sendEvent(new BreakpointEvent('changed', bp));
  const crash = s.attempts.plan?.crash;
  if (run.kind !== 'rewind' && crash?.functionId !== undefined) {
    const known = s.state.known().functions;
    if (!known.has(crash.functionId)) {
      s.say(
        `warning: "crash.call": no durable call of "${crash.functionId}" is in this agent's source (function ids seen: ${[...known].join(', ') || 'none'}); the crash stays armed for it\n`,
        'console',
      );
    }
  }
  s.sendEvent(
    new Event('process', {
      name: s.attempts.plan!.program,
      systemProcessId: run.pid,
      isLocalProcess: true,
      startMethod: 'launch',
    }),
  );
  s.sendEvent(new Event(CUSTOM_EVENTS.worker, { pid: run.pid, kind: run.kind }));
}

/**
 * A crashed attempt waits for its recovery as a stopped thread of its own, at the line where the
 * crash struck: the client shows that nothing runs (no Pause), and Continue recovers.
 */
function showCrashed(s: PresenterSession, crash: CrashMessage): void {
  s.state.crashed = crash;
  s.say(
    `the attempt crashed: Recover (or Continue) starts attempt ${crash.attempt + 1} over what the journal persisted\n`,
    'console',
  );
  s.sendEvent(new ThreadEvent('started', CRASHED_THREAD_ID));
  const event = new StoppedEvent('crash', CRASHED_THREAD_ID) as DebugProtocol.StoppedEvent;
  event.body.description = `Crashed at ${crash.point}: Recover or Continue starts the recovery`;
  event.body.allThreadsStopped = true;
  s.sendEvent(event);
}

/** The crashed attempt's thread goes when its recovery (or a restart) starts. */
function leaveCrashed(s: PresenterSession): void {
  if (!s.state.crashed) return;
  s.state.crashed = undefined;
  s.sendEvent(new ContinuedEvent(CRASHED_THREAD_ID, true));
  s.sendEvent(new ThreadEvent('exited', CRASHED_THREAD_ID));
}
