// Groups a session's slots by the source line of their call site, for the CodeLens above each
// durable call and the gutter marks: pure, so the lens text and the mark per line are unit-tested.
import type { SlotRow } from '../adapter/customProtocol';
import { pathKey } from '../platform/paths';
import type { SlotStatus } from '../runtime/actionState';
import { slotPathLabel, worstStatus, type StateRow } from './slotLabels';

export interface CallSiteEntry {
  state: StateRow;
  slot: SlotRow;
}

/** Slots by file (normalised) then by 1-based line. */
export type CallSiteIndex = Map<string, Map<number, CallSiteEntry[]>>;

/** Paths compare as the platform's file system does (see platform/paths.ts). */
export function normalizeFile(file: string, platform: NodeJS.Platform = process.platform): string {
  return pathKey(file, platform);
}

export function buildCallSiteIndex(
  states: readonly StateRow[],
  platform: NodeJS.Platform = process.platform,
): CallSiteIndex {
  const index: CallSiteIndex = new Map();
  for (const state of states) {
    for (const slot of state.slots) {
      if (!slot.callSite) continue;
      const file = normalizeFile(slot.callSite.file, platform);
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
 * The lenses above one call site: one per action execution that reached it (up to `max`). One
 * execution: slot index, status and path in the last attempt. Several (VS Code draws them on one
 * line): each says only whose it is and how it went (`alice ✓ reconciled`), the rest is in its
 * tooltip, so the line stays short with several keys.
 */
export function lensTexts(entries: readonly CallSiteEntry[], max = 3): LensText[] {
  const tooltip = (e: CallSiteEntry) =>
    `${e.slot.functionId} in ${e.state.action} for ${e.state.key}#${e.state.seq}: ${entryText(e)}${e.slot.reason ? `\n${e.slot.reason}` : ''}\n(click to show the slot)`;
  if (entries.length === 1)
    return [{ title: entryText(entries[0]), tooltip: tooltip(entries[0]), entry: entries[0] }];
  // The input's number only where a key reached the line for several of its inputs.
  const seqs = new Map<string, Set<number>>();
  for (const e of entries)
    seqs.set(e.state.key, (seqs.get(e.state.key) ?? new Set()).add(e.state.seq));
  const who = (e: CallSiteEntry) =>
    seqs.get(e.state.key)!.size > 1 ? `${e.state.key}#${e.state.seq}` : e.state.key;
  const shown: LensText[] = entries.slice(0, max).map((e) => ({
    title: `${who(e)} ${STATUS_MARK[e.slot.status]} ${slotPathLabel(e.slot)}`,
    tooltip: tooltip(e),
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
