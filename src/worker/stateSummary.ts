// One action state in a line: what the views list before they ask for any slot. Shared by the
// worker's answers and the adapter's reading of a journal when no worker runs.
import type { ActionState, SlotStatus } from '../runtime/actionState';
import type { StateSummary } from './protocol';

export function summarizeState(s: ActionState): StateSummary {
  const statusCounts: Record<SlotStatus, number> = { PENDING: 0, SUCCEEDED: 0, FAILED: 0 };
  for (const slot of s.slots) statusCounts[slot.status]++;
  return {
    id: s.id,
    key: s.key,
    seq: s.seq,
    eventIndex: s.eventIndex,
    action: s.action,
    completed: s.completed,
    slotCount: s.slots.length,
    statusCounts,
  };
}
