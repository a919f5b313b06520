// Follows the durable-agent debug sessions and keeps what the views show: the slots, the
// timeline (only while the timeline panel wants it) and the progress of the current session, or
// of the last one once it ended (a run often ends in a second: its slots stay worth reading).
// The data comes from the adapter's custom requests; its custom events say when to ask again.
import * as vscode from 'vscode';
import {
  CUSTOM_EVENTS,
  type SlotsResponseBody,
  type TimelineResponseBody,
} from '../adapter/customProtocol';
import { adapterBundle } from './adapterBundle';
import { DEBUG_TYPE } from './constants';
import { Refresher } from './refresher';
import { countStatuses, type SessionProgress } from './slotLabels';
import { callSiteKey, type RevealTarget } from './timelineModel';

/** Slots per action the views fetch on each refresh: the Variables view pages through the rest. */
const SLOTS_VIEW_LIMIT = 1000;

export interface CallSite {
  file: string;
  line: number;
  column: number;
}

interface AttemptEventBody {
  attempt?: number;
  phase?: 'start' | 'end';
  outcome?: 'done' | 'failed' | 'crashed';
}

interface CrashEventBody {
  attempt?: number;
  point?: string;
}

/** What the views show about one session. */
export interface SessionView {
  session: vscode.DebugSession;
  /** False once the session ended: the data is its last state, read back from the journal. */
  live: boolean;
  slots?: SlotsResponseBody;
  timeline?: TimelineResponseBody;
  progress: SessionProgress;
  stateDir?: string;
}

const slotKey = (stateId: string, index: number) => `${stateId}\u0000${index}`;

export class SessionTracker implements vscode.Disposable {
  private readonly live = new Map<string, { view: SessionView; refresher: Refresher }>();
  private currentId: string | undefined;
  /** The last session that ended, while no live one is current. */
  private ended: SessionView | undefined;
  private timelineWanted = false;
  /** Call sites seen in this window, so a timeline read from disk can still reveal lines:
   *  by execution and slot index (from slots), and by `functionId#occurrence` (timelines). */
  private readonly slotSites = new Map<string, CallSite>();
  private readonly timelineSites = new Map<string, CallSite>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** Fires when the current session, its slots, its timeline or its progress changed. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => this.started(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.terminated(s)),
      vscode.debug.onDidChangeActiveDebugSession((s) => {
        if (s && s.id !== this.currentId && this.live.has(s.id)) {
          this.currentId = s.id;
          this.changed.fire();
        }
      }),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => this.customEvent(e)),
    );
    // Activation can come after a session started (a command run mid-session).
    const active = vscode.debug.activeDebugSession;
    if (active?.type === DEBUG_TYPE) this.started(active);
  }

  /** The live durable session commands act on. */
  current(): vscode.DebugSession | undefined {
    return this.currentId ? this.live.get(this.currentId)?.view.session : undefined;
  }

  /** A live durable session by id (the debug toolbar passes the focused session's id). */
  liveSession(id: string): vscode.DebugSession | undefined {
    return this.live.get(id)?.view.session;
  }

  /** The session the views show: the current live one, else the last one that ended. */
  view(): SessionView | undefined {
    return (this.currentId ? this.live.get(this.currentId)?.view : undefined) ?? this.ended;
  }

  /** Forgets an ended session's data (the Slots view's Clear button). */
  clearEnded(): void {
    if (!this.ended) return;
    this.ended = undefined;
    this.changed.fire();
  }

  /** The state folder of the session shown, or of the last one. */
  get lastStateDir(): string | undefined {
    return this.view()?.stateDir;
  }

  /** The state folders live durable sessions write to. */
  stateDirsInUse(): string[] {
    return [...this.live.values()].flatMap((t) => (t.view.stateDir ? [t.view.stateDir] : []));
  }

  /** Where the call of a timeline cell is in the source, if it was ever seen. */
  callSiteFor(target: RevealTarget): CallSite | undefined {
    const view = this.view();
    const slot = view?.slots?.states
      .find((s) => s.id === target.stateId)
      ?.slots.find((s) => s.index === target.index && s.functionId === target.functionId);
    return (
      slot?.callSite ??
      view?.timeline?.callSites[callSiteKey(target)] ??
      this.slotSites.get(slotKey(target.stateId, target.index)) ??
      this.timelineSites.get(callSiteKey(target))
    );
  }

  /** The timeline panel asks for timeline data only while it is open: it costs a round trip. */
  setTimelineWanted(wanted: boolean): void {
    this.timelineWanted = wanted;
    if (wanted) this.refresh();
  }

  refresh(): void {
    if (this.currentId) this.live.get(this.currentId)?.refresher.request();
    // An ended session's data is the journal's: read again (after an edit of the folder).
    else if (this.ended) void this.readBack(this.ended);
  }

  private started(session: vscode.DebugSession): void {
    if (session.type !== DEBUG_TYPE || this.live.has(session.id)) return;
    const stateDir: unknown = session.configuration.stateDir;
    const view: SessionView = {
      session,
      live: true,
      progress: { attempt: 0, phase: 'starting', counts: { succeeded: 0, failed: 0, pending: 0 } },
      stateDir: typeof stateDir === 'string' ? stateDir : undefined,
    };
    const refresher = new Refresher(() => this.fetch(view));
    this.live.set(session.id, { view, refresher });
    this.currentId = session.id;
    this.ended = undefined;
    this.changed.fire();
    refresher.request();
  }

  private terminated(session: vscode.DebugSession): void {
    const tracked = this.live.get(session.id);
    if (!tracked) return;
    tracked.refresher.dispose();
    this.live.delete(session.id);
    if (this.currentId !== session.id) return;
    const active = vscode.debug.activeDebugSession;
    this.currentId = active && this.live.has(active.id) ? active.id : [...this.live.keys()].pop();
    const view = tracked.view;
    view.live = false;
    if (view.progress.phase === 'running' || view.progress.phase === 'starting') {
      view.progress.phase = 'done';
    }
    this.ended = view;
    this.changed.fire();
    // The last slot changes arrive just before the session ends, too late to be fetched from
    // it: read the journal's final state, keeping the paths and call sites already known.
    void this.readBack(view);
  }

  private async readBack(view: SessionView): Promise<void> {
    if (!view.stateDir) return;
    try {
      const known = new Map<string, CallSite>();
      for (const s of view.slots?.states ?? []) {
        for (const slot of s.slots)
          if (slot.callSite) known.set(slotKey(s.id, slot.index), slot.callSite);
      }
      const { slotsBody, journalSource } = adapterBundle();
      const body = await slotsBody(
        journalSource(view.stateDir),
        { limit: SLOTS_VIEW_LIMIT },
        (functionId, occurrence) => this.timelineSites.get(`${functionId}#${occurrence}`),
      );
      for (const s of body.states) {
        for (const slot of s.slots) slot.callSite ??= known.get(slotKey(s.id, slot.index));
      }
      view.slots = body;
      view.progress.counts = countStatuses(body.states);
      if (this.ended === view) this.changed.fire();
    } catch {
      // The journal is gone or unreadable (reset meanwhile): the last fetched data stays.
    }
  }

  private customEvent(e: vscode.DebugSessionCustomEvent): void {
    const tracked = this.live.get(e.session.id);
    if (!tracked) return;
    const p = tracked.view.progress;
    if (e.event === CUSTOM_EVENTS.attempt) {
      const body = (e.body ?? {}) as AttemptEventBody;
      if (typeof body.attempt === 'number') p.attempt = body.attempt;
      if (body.phase === 'start') {
        p.phase = 'running';
        p.crashPoint = undefined;
      } else if (body.phase === 'end' && body.outcome) {
        p.phase = body.outcome;
      }
    } else if (e.event === CUSTOM_EVENTS.crash) {
      const body = (e.body ?? {}) as CrashEventBody;
      if (typeof body.attempt === 'number') p.attempt = body.attempt;
      p.phase = 'crashed';
      p.crashPoint = body.point;
    } else if (e.event !== CUSTOM_EVENTS.slotsChanged) {
      return;
    }
    if (e.session.id === this.currentId) this.changed.fire();
    tracked.refresher.request();
  }

  private async fetch(view: SessionView): Promise<void> {
    const session = view.session;
    const slots = (await session.customRequest('slots', { limit: SLOTS_VIEW_LIMIT })) as
      SlotsResponseBody | undefined;
    if (!view.live) return;
    if (slots && Array.isArray(slots.states)) {
      view.slots = slots;
      view.progress.counts = countStatuses(slots.states);
      if (slots.attempt > view.progress.attempt) view.progress.attempt = slots.attempt;
      for (const state of slots.states) {
        for (const slot of state.slots) {
          if (slot.callSite) this.slotSites.set(slotKey(state.id, slot.index), slot.callSite);
        }
      }
    }
    if (this.timelineWanted) {
      const timeline = (await session.customRequest('timeline')) as
        TimelineResponseBody | undefined;
      if (!view.live) return;
      if (timeline && Array.isArray(timeline.attempts)) {
        view.timeline = timeline;
        for (const [key, site] of Object.entries(timeline.callSites ?? {})) {
          this.timelineSites.set(key, site);
        }
      }
    }
    if (session.id === this.currentId) this.changed.fire();
  }

  dispose(): void {
    for (const t of this.live.values()) t.refresher.dispose();
    this.live.clear();
    for (const d of this.disposables) d.dispose();
  }
}
