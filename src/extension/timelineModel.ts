// Turns the adapter's `timeline` response into what the webview draws: attempts as columns, the
// calls of each action execution as rows, one cell per call per attempt, crashes where they
// struck. Built here (pure, tested) so that media/timeline.js only lays out what it is given.
import type { TimelineResponseBody } from '../adapter/customProtocol';
import type { SlotStatus } from '../runtime/actionState';
import type { CallPath } from '../runtime/callPlan';
import type { AttemptView } from '../runtime/inspect';
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
export const FOLD_AT = 10;

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

export function buildTimelineModel(body: TimelineResponseBody, note?: string): TimelineModel {
  const attempts = [...body.attempts].sort((a, b) => a.attempt - b.attempt);
  const columns: TimelineColumn[] = attempts.map((a) => ({
    attempt: a.attempt,
    title: `Attempt ${a.attempt}`,
    subtitle: `${a.kind} · ${outcomeText(a)}`,
    outcome: a.outcome,
  }));
  const groups = new Map<
    string,
    { marks: Array<TimelineMark | null>; rows: Map<number, TimelineRow> }
  >();
  const group = (stateId: string) => {
    let g = groups.get(stateId);
    if (!g) {
      g = { marks: attempts.map(() => null), rows: new Map() };
      groups.set(stateId, g);
    }
    return g;
  };
  const row = (stateId: string, index: number) => {
    const g = group(stateId);
    let r = g.rows.get(index);
    if (!r) {
      r = { index, label: '', cells: attempts.map(() => null) };
      g.rows.set(index, r);
    }
    return r;
  };
  const labels = new Map<string, Set<string>>();
  const addLabel = (stateId: string, index: number, functionId: string) => {
    const k = `${stateId}\u0000${index}`;
    const set = labels.get(k) ?? new Set<string>();
    set.add(functionId);
    labels.set(k, set);
  };

  attempts.forEach((a, col) => {
    const seen = new Map<string, number>();
    const occurrenceOf = (stateId: string, functionId: string) => {
      const k = `${stateId}\u0000${functionId}`;
      const n = seen.get(k) ?? 0;
      seen.set(k, n + 1);
      return n;
    };
    // Records are in the order the calls finished, so occurrences count up as they happened.
    for (const c of a.calls) {
      addLabel(c.id, c.index, c.functionId);
      row(c.id, c.index).cells[col] = {
        status: c.status,
        path: c.path,
        text: `${pathLabel(c.path)} · ${c.status}`,
        title: `#${c.index} ${c.functionId}: ${pathLabel(c.path)}, ${c.status}\n${c.reason}`,
        target: {
          stateId: c.id,
          index: c.index,
          functionId: c.functionId,
          occurrence: occurrenceOf(c.id, c.functionId),
        },
      };
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
      const struck = `crash at ${crash.point}: the process was killed here`;
      if (crash.index !== undefined) {
        const r = row(crash.id, crash.index);
        const functionId = crash.functionId ?? '?';
        if (crash.functionId) addLabel(crash.id, crash.index, crash.functionId);
        const existing = r.cells[col];
        r.cells[col] = existing
          ? { ...existing, crash: crash.point, title: `${existing.title}\n${struck}` }
          : {
              text: 'crashed',
              title: `#${crash.index} ${functionId}: ${struck}`,
              crash: crash.point,
              target: {
                stateId: crash.id,
                index: crash.index,
                functionId,
                occurrence: occurrenceOf(crash.id, functionId),
              },
            };
      } else {
        group(crash.id).marks[col] = { kind: 'crash', text: `crash at ${crash.point}` };
      }
    }
  });

  return {
    columns,
    groups: [...groups.entries()].map(([stateId, g]) => {
      const functionsAt = (index: number) => labels.get(`${stateId}\u0000${index}`) ?? new Set();
      const rows = [...g.rows.values()].sort((x, y) => x.index - y.index);
      return { stateId, label: stateId, marks: g.marks, rows: foldRows(rows, functionsAt) };
    }),
    ...(note ? { note } : {}),
  };
}

/** Whether two cells of one attempt column tell the same story. */
function alike(a: TimelineCell | null, b: TimelineCell | null): boolean {
  if (a === null || b === null) return a === b;
  return !a.crash && !b.crash && a.path === b.path && a.status === b.status;
}

/** Labels the rows, folding each long run of consecutive calls treated alike into one row. */
function foldRows(rows: TimelineRow[], functionsAt: (index: number) => Set<string>): TimelineRow[] {
  const out: TimelineRow[] = [];
  for (let start = 0; start < rows.length;) {
    let end = start + 1;
    while (
      end < rows.length &&
      rows[end].index === rows[end - 1].index + 1 &&
      rows[end].cells.every((c, col) => alike(c, rows[start].cells[col]))
    )
      end++;
    if (end - start < FOLD_AT) {
      for (const r of rows.slice(start, end))
        out.push({ ...r, label: `#${r.index} ${[...functionsAt(r.index)].join(' / ')}` });
    } else out.push(foldedRow(rows.slice(start, end), functionsAt));
    start = end;
  }
  return out;
}

function foldedRow(run: TimelineRow[], functionsAt: (index: number) => Set<string>): TimelineRow {
  const first = run[0].index;
  const last = run[run.length - 1].index;
  const functions = new Set<string>();
  for (const r of run) {
    for (const f of functionsAt(r.index)) functions.add(f);
    if (functions.size > 3) break;
  }
  const names = [...functions].slice(0, 3).join(' / ') + (functions.size > 3 ? ' / …' : '');
  const span = `#${first}–#${last}`;
  return {
    index: first,
    last,
    label: `${span} ${names} (${run.length} calls)`,
    cells: run[0].cells.map((c) =>
      c === null
        ? null
        : {
            ...c,
            text: `${c.text} ×${run.length}`,
            title: `${span}: ${run.length} calls, each ${c.text}\nfrom ${c.title}`,
          },
    ),
  };
}

/** The key of `callSites` in the timeline response for a reveal target. */
export function callSiteKey(target: Pick<RevealTarget, 'functionId' | 'occurrence'>): string {
  return `${target.functionId}#${target.occurrence}`;
}
