// Groups a session's slots by the source line of their call site, for the CodeLens above each
// durable call and the gutter marks: pure, so the lens text and the mark per line are unit-tested.
import type { SlotRow } from '../adapter/customProtocol';
import type { SlotStatus } from '../runtime/actionState';
import { slotPathLabel, worstStatus, type StateRow } from './slotLabels';

export interface CallSiteEntry {
  state: StateRow;
  slot: SlotRow;
}

/** Slots by file (normalised) then by 1-based line. */
export type CallSiteIndex = Map<string, Map<number, CallSiteEntry[]>>;

/** Paths compare case-insensitively where the file system does (Windows, macOS by default). */
export function normalizeFile(file: string, caseInsensitive: boolean): string {
  const unified = file.replace(/\\/g, '/');
  return caseInsensitive ? unified.toLowerCase() : unified;
}

export function buildCallSiteIndex(
  states: readonly StateRow[],
  caseInsensitive: boolean,
): CallSiteIndex {
  const index: CallSiteIndex = new Map();
  for (const state of states) {
    for (const slot of state.slots) {
      if (!slot.callSite) continue;
      const file = normalizeFile(slot.callSite.file, caseInsensitive);
      let lines = index.get(file);
      if (!lines) index.set(file, (lines = new Map()));
      const entries = lines.get(slot.callSite.line) ?? [];
      entries.push({ state, slot });
      lines.set(slot.callSite.line, entries);
    }
  }
  return index;
}

export interface LensText {
  title: string;
  tooltip: string;
  /** The entry a click on this lens reveals in the Slots view (none for the "+N more" lens). */
  entry?: CallSiteEntry;
}

const STATUS_MARK: Record<SlotStatus, string> = { SUCCEEDED: '✓', FAILED: '✗', PENDING: '⋯' };

function entryText(e: CallSiteEntry): string {
  return `slot #${e.slot.index} ${STATUS_MARK[e.slot.status]} ${e.slot.status} · ${slotPathLabel(e.slot)}`;
}

/**
 * The lenses above one call site: one per action execution that reached it (up to `max`), each
 * with slot index, status and path in the last attempt; the key says which execution when the
 * line ran for several keys or inputs.
 */
export function lensTexts(entries: readonly CallSiteEntry[], max = 3): LensText[] {
  const several = entries.length > 1;
  const shown = entries.slice(0, max).map((e) => ({
    title: several ? `${e.state.key}#${e.state.seq}: ${entryText(e)}` : entryText(e),
    tooltip: `${e.slot.functionId} in ${e.state.action} for ${e.state.key}#${e.state.seq}${e.slot.reason ? `: ${e.slot.reason}` : ''} (click to show the slot)`,
    entry: e,
  }));
  if (entries.length > max) {
    const rest = entries.slice(max);
    shown.push({
      title: `+${rest.length} more`,
      tooltip: rest.map((e) => `${e.state.key}#${e.state.seq}: ${entryText(e)}`).join('\n'),
      entry: rest[0],
    });
  }
  return shown;
}

/** The gutter mark of a line: the worst status among its slots. */
export function lineStatus(entries: readonly CallSiteEntry[]): SlotStatus | undefined {
  return worstStatus(entries.map((e) => e.slot.status));
}

/** Hover text for the gutter mark. */
export function lineHover(entries: readonly CallSiteEntry[]): string {
  return entries
    .map((e) => `${e.state.key}#${e.state.seq} ${e.state.action}: ${entryText(e)}`)
    .join('\n\n');
}
