// Editing the state from the debugger: `setVariable` on a slot's status, result or error (the
// Variables view), and the `editState` custom request (the Durable Slots view's context menu).
// An edit is refused while an attempt runs, since its worker writes the state; once the attempt
// crashed or ended it is written as a journal record of its own (runtime/stateEdit.ts), under
// the lock the session holds, or takes the lock when the session has let go.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EditKind } from '../runtime/actionState';
import type { Encoded } from '../runtime/codec';
import { pythonValueOf, readablePythonValue } from '../runtime/pythonPayload';
import {
  EditError,
  editJournal,
  editStateFolder,
  parseJsonValue,
  type EditRequest,
  type PlannedEdit,
} from '../runtime/stateEdit';
import { pythonReencoder } from '../worker/python/pythonEncoder';
import type { Attempts } from './attempts';
import type { Outcome } from './executionControl';

export interface EditHost {
  readonly attempts: Attempts;
  /** The slot a Variables row stands for. */
  slotOf(variablesReference: number): { stateId: string; index: number } | undefined;
  /** The action state a frame looks at. */
  stateOfFrame(frameId: number | undefined): string | undefined;
  /** The state changed: views fetch it again, variables are shown anew. */
  changed(stateId: string): void;
  say(text: string): void;
}

/** `editState` arguments: one change to one slot, or to one action state (`not-completed`). */
export interface EditStateArguments {
  stateId: string;
  index?: number;
  kind: EditKind;
  /** For `succeed`: the new result (JSON). */
  result?: unknown;
  /** For `fail`: the new error's message. */
  message?: string;
}

const KINDS: EditKind[] = ['pending', 'succeed', 'fail', 'drop', 'not-completed'];

/** The request `editState` arguments make, or why they make none. */
export function checkEditArguments(args: unknown): EditRequest | string {
  if (typeof args !== 'object' || args === null)
    return 'editState takes { stateId, index?, kind, result?, message? }';
  const a = args as Partial<EditStateArguments>;
  if (typeof a.stateId !== 'string' || a.stateId === '')
    return '"stateId" must be the id of an action state (such as alice#0/0/checkout)';
  if (!KINDS.includes(a.kind as EditKind))
    return `"kind" must be one of ${KINDS.join(', ')}, got ${JSON.stringify(a.kind)}`;
  if (a.kind === 'not-completed') return { kind: a.kind, id: a.stateId };
  if (typeof a.index !== 'number' || !Number.isInteger(a.index) || a.index < 0)
    return `"index" must be the slot's index (a whole number ≥ 0), got ${JSON.stringify(a.index)}`;
  const { stateId: id, index } = a;
  if (a.kind === 'succeed') {
    if (!('result' in a)) return '"succeed" needs the new "result"';
    return { kind: 'succeed', id, index, result: a.result };
  }
  if (a.kind === 'fail') {
    if (typeof a.message !== 'string') return '"fail" needs the new error\'s "message"';
    return { kind: 'fail', id, index, message: a.message };
  }
  return { kind: a.kind as 'pending' | 'drop', id, index };
}

/** The edit that setting a field of a slot row asks for, or why it asks for none. */
export function editFromVariable(
  slot: { stateId: string; index: number },
  name: string,
  value: string,
): EditRequest | string {
  const { stateId: id, index } = slot;
  const text = value.trim();
  if (name === 'status') {
    const status = text.replace(/^["']|["']$/g, '').toUpperCase();
    if (status === 'PENDING') return { kind: 'pending', id, index };
    return `a slot's status can be set to PENDING (the next recovery asks the reconciler); to make it SUCCEEDED or FAILED, set its result or its error`;
  }
  try {
    if (name === 'result')
      return { kind: 'succeed', id, index, result: parseJsonValue(text, 'the new result') };
    if (name === 'error') {
      // A JSON string, or the message as typed.
      const parsed = text.startsWith('"') ? parseJsonValue(text, 'the new error') : text;
      const message =
        typeof parsed === 'string'
          ? parsed
          : String((parsed as { message?: unknown } | null)?.message ?? text);
      return { kind: 'fail', id, index, message };
    }
  } catch (error) {
    if (error instanceof EditError) return error.message;
    throw error;
  }
  return `only a slot's status, result and error can be set (not "${name}")`;
}

function running(attempts: Attempts): string | undefined {
  if (!attempts.plan) return 'nothing to edit: the session was not launched';
  if (attempts.run)
    return 'an attempt is running and writes this state: edits are refused while it runs. Edit after it stops (a crash, or its end)';
  return undefined;
}

/** Writes the edit; the session's own lock covers it while the session holds the folder. */
async function write(host: EditHost, request: EditRequest): Promise<PlannedEdit> {
  const { plan } = host.attempts;
  const python = pythonReencoder(plan!.python);
  const planned = host.attempts.holdsFolder
    ? await editJournal(plan!.stateDir, request, python)
    : await editStateFolder(
        plan!.stateDir,
        request,
        'a durable-agent debug session (edit)',
        python,
      );
  for (const w of planned.warnings) host.say(`warning: ${w}\n`);
  host.changed(request.id);
  return planned;
}

export async function editState(host: EditHost, args: unknown): Promise<Outcome> {
  const busy = running(host.attempts);
  if (busy) return { refused: busy };
  const request = checkEditArguments(args);
  if (typeof request === 'string') return { refused: request };
  const { edit } = await write(host, request);
  return { body: { edit } };
}

const SLOT_FIELD = /^\s*slots\s*\[\s*(\d+)\s*\]\s*\.\s*(\w+)\s*$/;

/** `setExpression` on `slots[N].status|result|error` of the frame's action state. */
export async function setSlotExpression(
  host: EditHost,
  args: DebugProtocol.SetExpressionArguments,
): Promise<Outcome> {
  const match = SLOT_FIELD.exec(args.expression);
  if (!match)
    return {
      refused: `only slots[N].status, slots[N].result and slots[N].error can be set, not "${args.expression}"`,
    };
  const stateId = host.stateOfFrame(args.frameId);
  if (!stateId)
    return { refused: 'the agent is not stopped in an action: there is no slot to set' };
  const slot = { stateId, index: Number(match[1]) };
  return setSlot(host, slot, match[2], args.value);
}

/** A result as the Variables view shows it: a Python value by its readable form. */
function shown(result: Encoded | undefined): unknown {
  const python = pythonValueOf(result);
  return python ? readablePythonValue(python) : result?.json;
}

async function setSlot(
  host: EditHost,
  slot: { stateId: string; index: number },
  name: string,
  text: string,
): Promise<Outcome> {
  const busy = running(host.attempts);
  if (busy) return { refused: busy };
  const request = editFromVariable(slot, name, text);
  if (typeof request === 'string') return { refused: request };
  const { edit } = await write(host, request);
  const became = edit.became.slots?.[0];
  const value =
    name === 'status'
      ? (became?.status ?? '')
      : name === 'result'
        ? JSON.stringify(shown(became?.result))
        : `Error: ${became?.error?.message ?? ''}`;
  return { body: { value } };
}

export async function setSlotVariable(
  host: EditHost,
  args: DebugProtocol.SetVariableArguments,
): Promise<Outcome> {
  const slot = host.slotOf(args.variablesReference);
  if (!slot)
    return {
      refused:
        'only the status, result or error of a slot (a row of the Slots scope) can be set; nothing else is editable',
    };
  return setSlot(host, slot, args.name, args.value);
}
