// Turns the adapter's `timeline` response into what the webview draws: attempts as columns, the
// calls of each action execution as rows, one cell per call per attempt, crashes where they
// struck. Built here (pure, tested) so that media/timeline.js only lays out what it is given.
import type { TimelineResponseBody } from '../adapter/customProtocol';
import type { SlotStatus } from '../runtime/actionState';
import type { CallPath } from '../runtime/callPlan';
import type { AttemptView } from '../runtime/inspect';
// From timelineLog, not inspect: inspect brings the codec, and activation needs none of it.
import { RUN_MIN } from '../runtime/timelineLog';
import { pathLabel } from './slotLabels';

/** What a click on a cell asks the extension to reveal. */
export interface RevealTarget {
  stateId: string;
  index: number;
  functionId: string;
  /** Calls of the same function before this one in the action execution, in that attempt. */
  occurrence: number;
}

export interface TimelineColumn {
  attempt: number;
  title: string;
  subtitle: string;
  outcome: AttemptView['outcome'];
  /** Hand edits made after this attempt (state surgery), in words; drawn under its head. */
  edits?: string[];
}

export interface TimelineCell {
  status?: SlotStatus;
  path?: CallPath;
  /** Short text in the cell. */
  text: string;
  /** Hover text. */
  title: string;
  /** The crash point, when the crash struck at this call. */
  crash?: string;
  target: RevealTarget;
}

export interface TimelineMark {
  kind: 'crash' | 'failed' | 'reused' | 'completed';
  text: string;
}

export interface TimelineRow {
  index: number;
  /** Set when the row stands for the calls `index` to `last`, which every attempt treated alike. */
  last?: number;
  label: string;
  cells: Array<TimelineCell | null>;
}

/**
 * Runs of at least this many consecutive calls that every attempt treated alike (same path and
 * status, no crash) are drawn as one row: an action of 100k calls is a handful of rows, not a grid
 * no webview could draw. Shorter runs keep a row per call, where each call is worth seeing.
 */
export const FOLD_AT = RUN_MIN;

export interface TimelineGroup {
  stateId: string;
  label: string;
  /** Per attempt: how the action execution ended, or where a per-action crash struck. */
  marks: Array<TimelineMark | null>;
  rows: TimelineRow[];
}

export interface TimelineModel {
  columns: TimelineColumn[];
  groups: TimelineGroup[];
  /** Shown above the grid, e.g. "session ended". */
  note?: string;
}

function outcomeText(a: AttemptView): string {
  if (a.outcome === 'crashed') return `crashed at ${a.crash?.point ?? '?'}`;
  if (a.outcome === 'unfinished') return 'running or cut off';
  return a.outcome;
}

/** A stretch of calls of one action execution that one attempt treated alike (a run, or one call). */
interface Span {
  from: number;
  /** One past the last call. */
  to: number;
  path: CallPath;
  status: SlotStatus;
  reason: string;
  functions: Array<[functionId: string, count: number]>;
  /** How many calls of each function id the action made in that attempt before `from`. */
  before: Map<string, number>;
}

type Crash = NonNullable<AttemptView['crash']>;

interface Group {
  marks: Array<TimelineMark | null>;
  /** Per attempt, the spans of calls in index order. */
  spans: Span[][];
  /** Per attempt, the crash that struck at a call of this action execution. */
  crashes: Array<Crash | null>;
  /** Per attempt, how many calls of each function id the action made. */
  totals: Array<Map<string, number>>;
}

/** The function id of the call at `index` of a span, and its occurrence in the action execution. */
function callAt(span: Span, index: number): { functionId: string; occurrence: number } {
  const counted = new Map<string, number>();
  let first = span.from;
  for (const [functionId, n] of span.functions) {
    if (index < first + n)
      return {
        functionId,
        occurrence:
          (span.before.get(functionId) ?? 0) + (counted.get(functionId) ?? 0) + index - first,
      };
    counted.set(functionId, (counted.get(functionId) ?? 0) + n);
    first += n;
  }
  throw new RangeError(`call ${index} is not in the span ${span.from}–${span.to - 1}`);
}

/** The function ids of a span's calls from `from` to `to - 1`. */
function functionsWithin(span: Span, from: number, to: number, into: Set<string>): void {
  let first = span.from;
  for (const [functionId, n] of span.functions) {
    if (first < to && first + n > from) into.add(functionId);
    first += n;
  }
}

export function buildTimelineModel(body: TimelineResponseBody, note?: string): TimelineModel {
  const attempts = [...body.attempts].sort((a, b) => a.attempt - b.attempt);
  const columns: TimelineColumn[] = attempts.map((a) => ({
    attempt: a.attempt,
    title: `Attempt ${a.attempt}`,
    subtitle: `${a.kind} · ${outcomeText(a)}`,
    outcome: a.outcome,
    ...(a.edits?.length
      ? {
          edits: a.edits.map(
            (e) => `then edited ${e.id}${e.index === undefined ? '' : ` #${e.index}`}: ${e.change}`,
          ),
        }
      : {}),
  }));
  const groups = new Map<string, Group>();
  const group = (stateId: string): Group => {
    let g = groups.get(stateId);
    if (!g) {
      g = {
        marks: attempts.map(() => null),
        spans: attempts.map(() => []),
        crashes: attempts.map(() => null),
        totals: attempts.map(() => new Map()),
      };
      groups.set(stateId, g);
    }
    return g;
  };

  attempts.forEach((a, col) => {
    // Calls come in the order they finished, so occurrences count up as they happened.
    for (const c of a.calls) {
      const g = group(c.id);
      const totals = g.totals[col];
      const functions = c.functions ?? [[c.functionId, 1]];
      const count = c.count ?? 1;
      g.spans[col].push({
        from: c.index,
        to: c.index + count,
        path: c.path,
        status: c.status,
        reason: c.reason,
        functions,
        before: new Map(totals),
      });
      for (const [functionId, n] of functions)
        totals.set(functionId, (totals.get(functionId) ?? 0) + n);
    }
    for (const act of a.actions) {
      const g = group(act.id);
      if (act.outcome === 'failed') {
        g.marks[col] = { kind: 'failed', text: `failed${act.error ? `: ${act.error}` : ''}` };
      } else if (act.outcome === 'reused') {
        g.marks[col] = { kind: 'reused', text: 'completed earlier: not run again' };
      } else {
        g.marks[col] = { kind: 'completed', text: act.outcome };
      }
    }
    const crash = a.crash;
    if (crash?.id !== undefined) {
      if (crash.index !== undefined) group(crash.id).crashes[col] = crash;
      else group(crash.id).marks[col] = { kind: 'crash', text: `crash at ${crash.point}` };
    }
  });

  return {
    columns,
    groups: [...groups.entries()].map(([stateId, g]) => ({
      stateId,
      label: stateId,
      marks: g.marks,
      rows: groupRows(stateId, g),
    })),
    ...(note ? { note } : {}),
  };
}

/** Calls from `from` to `to - 1`, held by the same span (or none) in each attempt. */
interface Piece {
  from: number;
  to: number;
  spans: Array<Span | null>;
}

/** Neighbouring pieces every attempt treated alike: drawn as one row when long enough. */
interface Stretch {
  from: number;
  to: number;
  pieces: Piece[];
  crashed: boolean;
}

/**
 * Cuts the calls of an action execution where any attempt's treatment changes (and around each
 * crash), joins neighbouring stretches every attempt treated alike, and draws a long stretch as
 * one row and a short one a row per call.
 */
function groupRows(stateId: string, g: Group): TimelineRow[] {
  const cuts = new Set<number>();
  for (const spans of g.spans) for (const span of spans) cuts.add(span.from).add(span.to);
  for (const crash of g.crashes) if (crash) cuts.add(crash.index!).add(crash.index! + 1);
  const points = [...cuts].sort((x, y) => x - y);
  const sorted = g.spans.map((spans) => [...spans].sort((x, y) => x.from - y.from));
  const next = sorted.map(() => 0);
  const stretches: Stretch[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const [from, to] = [points[k], points[k + 1]];
    const spans = sorted.map((list, col) => {
      while (next[col] < list.length && list[next[col]].to <= from) next[col]++;
      const span = list[next[col]];
      return span && span.from <= from ? span : null;
    });
    const crashed = g.crashes.some((c) => c !== null && c.index === from);
    if (!crashed && spans.every((span) => span === null)) continue;
    const last = stretches[stretches.length - 1];
    const piece = { from, to, spans };
    if (
      last &&
      last.to === from &&
      !last.crashed &&
      !crashed &&
      alike(last.pieces[0].spans, spans)
    ) {
      last.to = to;
      last.pieces.push(piece);
    } else stretches.push({ from, to, pieces: [piece], crashed });
  }
  return stretches.flatMap((st) =>
    st.to - st.from >= FOLD_AT && !st.crashed
      ? [foldedRow(stateId, st)]
      : Array.from({ length: st.to - st.from }, (_, i) => callRow(stateId, g, st, st.from + i)),
  );
}

/** Whether every attempt treated two stretches alike. */
function alike(a: Array<Span | null>, b: Array<Span | null>): boolean {
  return a.every((x, col) => {
    const y = b[col];
    if (x === null || y === null) return x === y;
    return x.path === y.path && x.status === y.status && x.reason === y.reason;
  });
}

function cellFor(stateId: string, span: Span, index: number): TimelineCell {
  const { functionId, occurrence } = callAt(span, index);
  return {
    status: span.status,
    path: span.path,
    text: `${pathLabel(span.path)} · ${span.status}`,
    title: `#${index} ${functionId}: ${pathLabel(span.path)}, ${span.status}\n${span.reason}`,
    target: { stateId, index, functionId, occurrence },
  };
}

function callRow(stateId: string, g: Group, st: Stretch, index: number): TimelineRow {
  const functions = new Set<string>();
  const piece = st.pieces.find((p) => index < p.to)!;
  const cells = piece.spans.map((span, col): TimelineCell | null => {
    const cell = span && cellFor(stateId, span, index);
    if (cell) functions.add(cell.target.functionId);
    const crash = g.crashes[col];
    if (!crash || crash.index !== index) return cell;
    const struck = `crash at ${crash.point}: the process was killed here`;
    if (cell) return { ...cell, crash: crash.point, title: `${cell.title}\n${struck}` };
    const functionId = crash.functionId ?? '?';
    if (crash.functionId) functions.add(crash.functionId);
    return {
      text: 'crashed',
      title: `#${index} ${functionId}: ${struck}`,
      crash: crash.point,
      target: { stateId, index, functionId, occurrence: g.totals[col].get(functionId) ?? 0 },
    };
  });
  return { index, label: `#${index} ${[...functions].join(' / ')}`, cells };
}

function foldedRow(stateId: string, st: Stretch): TimelineRow {
  const count = st.to - st.from;
  const span = `#${st.from}–#${st.to - 1}`;
  const functions = new Set<string>();
  for (const piece of st.pieces)
    for (const s of piece.spans) if (s) functionsWithin(s, piece.from, piece.to, functions);
  const names = [...functions].slice(0, 3).join(' / ') + (functions.size > 3 ? ' / …' : '');
  return {
    index: st.from,
    last: st.to - 1,
    label: `${span} ${names} (${count} calls)`,
    cells: st.pieces[0].spans.map((s) => {
      if (!s) return null;
      const first = cellFor(stateId, s, st.from);
      return {
        ...first,
        text: `${first.text} ×${count}`,
        title: `${span}: ${count} calls, each ${first.text}\nfrom ${first.title}`,
      };
    }),
  };
}

/** The key of `callSites` in the timeline response for a reveal target. */
export function callSiteKey(target: Pick<RevealTarget, 'functionId' | 'occurrence'>): string {
  return `${target.functionId}#${target.occurrence}`;
}
