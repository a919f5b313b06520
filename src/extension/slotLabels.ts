// How a slot, an action execution and a session's progress read in the Slots view, the status
// bar and hovers. Pure text, so the wording is unit-tested without VS Code.
import type { SlotRow, SlotsResponseBody } from '../adapter/customProtocol';
import type { SlotStatus } from '../runtime/actionState';
import type { CallPath } from '../runtime/callPlan';

export type StateRow = SlotsResponseBody['states'][number];

const PATH_LABELS: Record<CallPath, string> = {
  execute: 'executed',
  replay: 'replayed',
  reconcile: 'reconciled',
  'clear-and-execute': 'cleared',
};

/** The path a call took in words: executed / replayed / reconciled / cleared. */
export function pathLabel(path: CallPath | undefined): string {
  return path ? PATH_LABELS[path] : 'not reached in this attempt';
}

/**
 * The path of a slot's call in the latest attempt that reached it. None recorded: a PENDING slot
 * was in flight when the process died; a finished one was not reached again yet.
 */
export function slotPathLabel(slot: Pick<SlotRow, 'path' | 'status'>): string {
  if (slot.path) return PATH_LABELS[slot.path];
  return slot.status === 'PENDING' ? 'in flight' : 'not reached yet';
}

/** Codicon id and theme colour id per status; the tree and the gutter use the same pair. */
export const STATUS_ICONS: Record<SlotStatus, { icon: string; color: string }> = {
  SUCCEEDED: { icon: 'pass', color: 'testing.iconPassed' },
  FAILED: { icon: 'error', color: 'testing.iconFailed' },
  PENDING: { icon: 'watch', color: 'testing.iconQueued' },
};

/** The most alarming status first: a line with a FAILED and a SUCCEEDED slot shows FAILED. */
export function worstStatus(statuses: Iterable<SlotStatus>): SlotStatus | undefined {
  let worst: SlotStatus | undefined;
  const rank: Record<SlotStatus, number> = { SUCCEEDED: 0, PENDING: 1, FAILED: 2 };
  for (const s of statuses) if (worst === undefined || rank[s] > rank[worst]) worst = s;
  return worst;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function json(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** One line: the result, the error, or what a PENDING slot means. */
export function payloadPreview(slot: SlotRow, max = 60): string {
  if (slot.status === 'FAILED') {
    return truncate(slot.error ? `${slot.error.name}: ${slot.error.message}` : 'failed', max);
  }
  if (slot.status === 'PENDING') return 'no outcome persisted';
  return truncate(json(slot.result), max);
}

/** The whole payload, for the clipboard: pretty JSON of the result, or the error. */
export function payloadText(slot: SlotRow): string {
  if (slot.status === 'FAILED') {
    return JSON.stringify(slot.error ?? { name: 'Error', message: 'failed' }, null, 2);
  }
  if (slot.status === 'PENDING') return '';
  return slot.result === undefined ? 'undefined' : JSON.stringify(slot.result, null, 2);
}

export function slotLabel(slot: SlotRow): string {
  return `#${slot.index} ${slot.functionId}`;
}

export function slotDescription(slot: SlotRow): string {
  return `${slot.status} · ${slotPathLabel(slot)} · ${payloadPreview(slot)}`;
}

/** Markdown for the slot's hover: every field, the payload in full (up to a limit). */
export function slotTooltip(slot: SlotRow, state: StateRow, maxPayload = 2000): string {
  const lines = [
    `**#${slot.index} ${escapeMarkdown(slot.functionId)}** — ${slot.status}`,
    '',
    `Action \`${state.action}\` for key \`${state.key}\` (input ${state.seq})`,
    '',
    `Path in the latest attempt: **${slotPathLabel(slot)}**${slot.reason ? ` — ${escapeMarkdown(slot.reason)}` : ''}`,
    '',
    `Args digest: \`${slot.argsDigest}\``,
  ];
  if (slot.callSite) lines.push('', `Call site: line ${slot.callSite.line}`);
  const payload = payloadText(slot);
  if (payload) {
    lines.push(
      '',
      slot.status === 'FAILED' ? 'Error:' : 'Result:',
      '```json',
      truncate(payload, maxPayload),
      '```',
    );
  }
  return lines.join('\n');
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);
}

export function stateLabel(state: StateRow): string {
  return `${state.action} · ${state.key}#${state.seq}`;
}

export function stateDescription(state: StateRow): string {
  const n = state.slotCount;
  const shown = state.slots.length < n ? ` (the latest ${state.slots.length} shown)` : '';
  const slots = `${n} slot${n === 1 ? '' : 's'}${shown}`;
  const event = state.eventIndex > 0 ? ` · event ${state.eventIndex}` : '';
  return `${state.completed ? 'completed' : 'not completed'} · ${slots}${event}`;
}

export interface StatusCounts {
  succeeded: number;
  failed: number;
  pending: number;
}

export function countStatuses(states: readonly StateRow[]): StatusCounts {
  const counts: StatusCounts = { succeeded: 0, failed: 0, pending: 0 };
  for (const { statusCounts } of states) {
    counts.succeeded += statusCounts.SUCCEEDED;
    counts.failed += statusCounts.FAILED;
    counts.pending += statusCounts.PENDING;
  }
  return counts;
}

export interface SessionProgress {
  attempt: number;
  /** Where the attempt is: running, or how it ended. */
  phase: 'starting' | 'running' | 'done' | 'failed' | 'crashed';
  crashPoint?: string;
  counts: StatusCounts;
}

/** The status bar item: attempt number and slot counts, with codicons. */
/**
 * The status bar item of a session, named as VS Code names it (Call Stack, Debug Console): the
 * session's name, then its attempt and slot counts.
 */
export function statusBarText(
  p: SessionProgress,
  session: string,
): { text: string; tooltip: string } {
  const { succeeded, failed, pending } = p.counts;
  const attempt = p.attempt > 0 ? `attempt ${p.attempt}` : 'starting';
  const phase =
    p.phase === 'crashed'
      ? ` $(flame) crashed${p.crashPoint ? ` at ${p.crashPoint}` : ''}`
      : p.phase === 'failed'
        ? ' $(error) failed'
        : p.phase === 'done'
          ? ' $(check) done'
          : '';
  const text = `$(debug-alt) ${session}: ${attempt}${phase} $(pass) ${succeeded} $(watch) ${pending} $(error) ${failed}`;
  const tooltip =
    `Durable Run, ${session}: ${attempt}${p.phase === 'running' || p.phase === 'starting' ? ' running' : `, ${p.phase}`}` +
    `${p.crashPoint && p.phase === 'crashed' ? ` (crash at ${p.crashPoint})` : ''}\n` +
    `Slots: ${succeeded} succeeded, ${pending} pending, ${failed} failed\n` +
    (p.phase === 'crashed' ? 'Click to recover.' : 'Click to show the timeline.');
  return { text, tooltip };
}
