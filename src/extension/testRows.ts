// Slot and state rows for the extension's unit tests, shaped as the adapter's `slots` response.
import type { SlotRow } from '../adapter/customProtocol';
import type { StateRow } from './slotLabels';

export function slotRow(over: Partial<SlotRow> & Pick<SlotRow, 'index' | 'functionId'>): SlotRow {
  return { argsDigest: '0123456789abcdef', status: 'SUCCEEDED', result: null, ...over };
}

export function stateRow(over: Partial<StateRow> & Pick<StateRow, 'key' | 'action'>): StateRow {
  const seq = over.seq ?? 0;
  const slots = over.slots ?? [];
  const statusCounts = { PENDING: 0, SUCCEEDED: 0, FAILED: 0 };
  for (const slot of slots) statusCounts[slot.status]++;
  return {
    id: `${over.key}#${seq}/0/${over.action}`,
    seq,
    eventIndex: 0,
    completed: false,
    slotCount: slots.length,
    statusCounts,
    ...over,
    slots,
  };
}
