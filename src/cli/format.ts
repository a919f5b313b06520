// Human-readable output of the CLI: aligned tables of slots and attempts, one line per event.
import type { AttemptView, EditView, StateView } from '../runtime/inspect';
import { pythonValueOf, readablePythonValue } from '../runtime/pythonPayload';
import { table } from '../runtime/textTable';
import type { FromWorker } from '../worker/protocol';

export { table };

function preview(value: unknown, max = 48): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A result for the table; a Python value by its type, repr and pickle size (never unpickled). */
function resultText(result: unknown): string {
  const python = pythonValueOf({ json: result });
  if (!python) return preview(result);
  const bytes = Buffer.byteLength(python.pickle, 'base64');
  return `${python.type} ${preview(readablePythonValue(python), 32)} (${bytes} bytes pickled)`;
}

export function slotsTable(states: StateView[]): string {
  if (states.length === 0) return 'no action states yet';
  const rows = [['STATE', 'ACTION', 'COMPLETED', '#', 'FUNCTION', 'STATUS', 'RESULT / ERROR']];
  for (const s of states) {
    if (s.slots.length === 0)
      rows.push([s.id, s.action, s.completed ? 'yes' : 'no', '-', '-', '-', '']);
    for (const slot of s.slots) {
      const payload = slot.error
        ? `${slot.error.name}: ${slot.error.message}`
        : slot.status === 'SUCCEEDED'
          ? resultText(slot.result)
          : '';
      rows.push([
        s.id,
        s.action,
        s.completed ? 'yes' : 'no',
        String(slot.index),
        slot.functionId,
        slot.status,
        payload,
      ]);
    }
  }
  return table(rows);
}

export function timelineTable(attempts: AttemptView[], editsBefore: EditView[] = []): string {
  const out: string[] = editsBefore.map(
    (e) =>
      `edited before any attempt (${e.at}): ${e.id}${e.index === undefined ? '' : ` #${e.index}`} ${e.kind}: ${e.change}`,
  );
  if (attempts.length === 0) return [...out, 'no attempts yet'].join('\n');
  for (const a of attempts) {
    out.push(`attempt ${a.attempt} (${a.kind}, ${a.at}): ${a.outcome}`);
    const rows = [['  STATE', '#', 'FUNCTION', 'PATH', 'STATUS']];
    for (const c of a.calls) {
      if (c.count === undefined) {
        rows.push([`  ${c.id}`, String(c.index), c.functionId, c.path, c.status]);
        continue;
      }
      const names = [...new Set((c.functions ?? []).map(([f]) => f))];
      const functions = names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
      const span = `${c.index}-${c.index + c.count - 1}`;
      rows.push([`  ${c.id}`, span, `${functions} (${c.count} calls)`, c.path, c.status]);
    }
    if (rows.length > 1) out.push(table(rows));
    for (const act of a.actions)
      if (act.outcome !== 'completed')
        out.push(`  ${act.id}: ${act.outcome}${act.error ? ` (${act.error})` : ''}`);
    if (a.crash)
      out.push(
        `  crash at ${a.crash.point}${a.crash.id ? ` in ${a.crash.id}` : ''}${a.crash.index !== undefined ? ` call #${a.crash.index} (${a.crash.functionId})` : ''}`,
      );
    for (const e of a.edits ?? [])
      out.push(
        `  edited after it (${e.at}): ${e.id}${e.index === undefined ? '' : ` #${e.index}`} ${e.kind}: ${e.change}`,
      );
  }
  return out.join('\n');
}

/** One line for a person per worker message, or undefined for messages a person need not see. */
export function describeEvent(m: FromWorker): string | undefined {
  switch (m.type) {
    case 'attempt':
      return `attempt ${m.attempt} (${m.kind})`;
    case 'call':
      return `  ${m.stateId}  #${m.index} ${m.functionId}  ${m.path} → ${m.status}`;
    case 'action':
      if (m.phase === 'completed' && m.reused)
        return `  ${m.stateId}  completed in an earlier attempt: not run again`;
      if (m.phase === 'end' && m.error)
        return `  ${m.stateId}  threw ${m.error.name}: ${m.error.message}`;
      return undefined;
    case 'output':
      return `  output ${m.key}#${m.seq}${m.replayed ? ' (replayed)' : ''}: ${JSON.stringify(m.output)}`;
    case 'warning':
      return `  warning: ${m.message}`;
    case 'crash':
      return `  CRASH at ${m.point}${m.stateId ? ` in ${m.stateId}` : ''}${m.index !== undefined ? ` call #${m.index} (${m.functionId})` : ''}: the process was killed`;
    case 'done':
      return m.failures.length === 0
        ? `attempt ${m.attempt} done`
        : `attempt ${m.attempt} failed: ${m.failures.map((f) => `${f.stateId}: ${f.error.name}: ${f.error.message}`).join('; ')}`;
    default:
      return undefined;
  }
}
