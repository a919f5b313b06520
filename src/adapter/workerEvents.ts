// Worker messages as DAP events: attempts, threads (one per key), stops, crashes, outputs and the
// throttled slotsChanged event. What the session must do about them (re-arming breakpoints after
// time travel, ending after the last attempt) it is told through the sink.
import {
  ContinuedEvent,
  Event,
  InvalidatedEvent,
  OutputEvent,
  StoppedEvent,
  ThreadEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FromWorker } from '../worker/protocol';
import type { AttemptRun } from './attemptRun';
import { CUSTOM_EVENTS } from './customProtocol';
import type { DebugState } from './debugState';

export interface EventSink {
  sendEvent(event: DebugProtocol.Event): void;
  /** The DAP breakpoint ids behind the stop rules a stop names. */
  breakpointIds(ruleIds: number[] | undefined): number[];
  /** Just before a stopped event goes out. */
  beforeStop(): void;
  /** The attempt ran to its end. */
  attemptDone(exitCode: number): void;
  /** A breakpoint's stop rule cannot work (its condition names something unknown). */
  ruleFailed(ruleId: number, message: string): void;
  /** The client refreshes a thread's stack when told (`invalidated`): it said so at initialize. */
  canInvalidate(): boolean;
}

export type OutputCategory = 'console' | 'stdout' | 'stderr';

/** At most one slotsChanged event per interval: a replay of 100k calls must not flood the client. */
const SLOTS_EVENT_INTERVAL_MS = 100;

export class WorkerEvents {
  private slotsTimer: NodeJS.Timeout | undefined;
  private readonly slotsDirty = new Set<string>();

  constructor(
    private readonly sink: EventSink,
    private readonly state: DebugState,
  ) {}

  say(text: string, category: OutputCategory): void {
    this.sink.sendEvent(new OutputEvent(text, category));
  }

  translate(run: AttemptRun, m: FromWorker): void {
    switch (m.type) {
      case 'attempt':
        this.say(`attempt ${m.attempt} (${m.kind})\n`, 'console');
        this.attempt({ attempt: m.attempt, phase: 'start', kind: m.kind });
        return;
      case 'action':
        if (run.state.keys.length > this.state.announced) this.announceThreads(run);
        return;
      case 'call':
        this.state.noteCallSite(m);
        return;
      case 'slotChanged':
        this.slotsChanged(m.stateId);
        return;
      case 'output': {
        const replayed = m.replayed ? ' (replayed)' : '';
        this.say(`output ${m.key}#${m.seq}${replayed}: ${JSON.stringify(m.output)}\n`, 'stdout');
        return;
      }
      case 'warning':
        this.say(`warning: ${m.message}\n`, 'console');
        return;
      case 'stopped':
        return this.stopped(m);
      case 'held':
        // The client fetched this key's stack when the other key stopped, before it got here.
        if (this.sink.canInvalidate()) {
          const threadId = this.state.threadId(m.boundary.exec.key);
          this.sink.sendEvent(new InvalidatedEvent(['stacks'], threadId));
        }
        return;
      case 'continued':
        // A stop that crossed the continue on its way: the client was told it stopped.
        for (const key of run.state.staleStops)
          this.sink.sendEvent(new ContinuedEvent(this.state.threadId(key), m.all));
        return;
      case 'keyDone':
        this.sink.sendEvent(new ThreadEvent('exited', this.state.threadId(m.key)));
        return;
      case 'ruleFailed':
        this.sink.ruleFailed(m.ruleId, m.message);
        this.say(`warning: ${m.message}; the breakpoint is off\n`, 'console');
        return;
      case 'crash': {
        const call = m.index !== undefined ? ` call #${m.index} (${m.functionId})` : '';
        const where = m.stateId ? ` in ${m.stateId}${call}` : '';
        this.say(
          `CRASH at ${m.point}${where}: the agent's process was killed; only what the journal persisted survives\n`,
          'console',
        );
        const { attempt, point, stateId, action, index, functionId } = m;
        this.sink.sendEvent(
          new Event(CUSTOM_EVENTS.crash, { attempt, point, stateId, action, index, functionId }),
        );
        this.attempt({ attempt: m.attempt, phase: 'end', outcome: 'crashed' });
        this.slotsChanged(m.stateId);
        return;
      }
      case 'done': {
        for (const f of m.failures) {
          const error = f.error.stack ?? `${f.error.name}: ${f.error.message}`;
          this.say(`action ${f.action} (${f.key}#${f.seq}) failed: ${error}\n`, 'stderr');
        }
        const failed = m.failures.length > 0;
        this.attempt({ attempt: m.attempt, phase: 'end', outcome: failed ? 'failed' : 'done' });
        this.say(`attempt ${m.attempt} ${failed ? 'failed' : 'done'}\n`, 'console');
        this.sink.attemptDone(failed ? 1 : 0);
        return;
      }
    }
  }

  attempt(body: {
    attempt: number;
    phase: 'start' | 'end';
    kind?: string;
    outcome?: string;
  }): void {
    this.sink.sendEvent(new Event(CUSTOM_EVENTS.attempt, body));
  }

  private stopped(m: Extract<FromWorker, { type: 'stopped' }>): void {
    this.sink.beforeStop();
    const threadId = this.state.threadId(m.boundary.exec.key);
    const event = new StoppedEvent(m.reason, threadId, m.text) as DebugProtocol.StoppedEvent;
    event.body.description = m.description;
    event.body.allThreadsStopped = true;
    const hit = this.sink.breakpointIds(m.ruleIds);
    if (hit.length > 0) event.body.hitBreakpointIds = hit;
    this.sink.sendEvent(event);
  }

  private announceThreads(run: AttemptRun): void {
    for (const key of run.state.keys.slice(this.state.announced)) {
      this.sink.sendEvent(new ThreadEvent('started', this.state.threadId(key)));
    }
    this.state.announced = run.state.keys.length;
  }

  /** The attempt's keys are gone with its worker; the next attempt announces them again. */
  retireThreads(run: AttemptRun): void {
    for (const key of run.state.liveKeys) {
      this.sink.sendEvent(new ThreadEvent('exited', this.state.threadId(key)));
    }
    this.state.announced = 0;
  }

  slotsChanged(stateId: string | undefined): void {
    if (stateId) this.slotsDirty.add(stateId);
    this.slotsTimer ??= setTimeout(() => this.flushSlotsChanged(), SLOTS_EVENT_INTERVAL_MS);
  }

  flushSlotsChanged(): void {
    if (this.slotsTimer) clearTimeout(this.slotsTimer);
    this.slotsTimer = undefined;
    if (this.slotsDirty.size === 0) return;
    const ids = [...this.slotsDirty];
    this.slotsDirty.clear();
    const stateId = ids.length === 1 ? ids[0] : undefined;
    this.sink.sendEvent(new Event(CUSTOM_EVENTS.slotsChanged, { stateId, stateIds: ids }));
  }
}
