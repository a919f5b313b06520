// Which action state an action execution uses. A state is named by key, input sequence number,
// the triggering event's position in the run of its input, and the action (`key#seq/index/action`),
// and it also holds the event that triggered it: a state is used only for that same event, never
// for another one. Inputs that differ from those the states were made for are refused before the
// attempt starts; an event that changed because the agent's code changed gets a state of its own.
import type { ActionState } from './actionState';
import { INPUT_EVENT, type AgentInput } from './agent';
import { encode, type Encoded } from './codec';
import { InputsChangedError } from './errors';
import { stateIdOf, type ExecutionIdentity } from './identity';
import type { StateStore } from './stateStore';

/** The input event of `{ key, input }`, encoded as its action states store it. */
export function encodeInputEvent(key: string, input: unknown): Encoded {
  return encode({ type: INPUT_EVENT, attributes: { key, input } }, `input of key "${key}"`);
}

/** At most `max` characters of a value's JSON, for messages. */
export function shortJson(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** JSON with every object's keys sorted: equal for values that differ only in key order. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

/** The plain-JSON view of an encoded event's attributes (or of its input, for an input event). */
function shownEvent(event: Encoded): string {
  const json = event.json as { type?: unknown; attributes?: { input?: unknown } } | null;
  if (json?.type === INPUT_EVENT) return shortJson(json.attributes?.input);
  return `${String(json?.type)} ${shortJson(json?.attributes)}`;
}

/** Two event encodings are the same event when their JSON text is the same (key order too). */
const textOf = (() => {
  const cache = new WeakMap<object, string>();
  return (state: ActionState): string => {
    let text = cache.get(state.event as object);
    if (text === undefined) {
      text = JSON.stringify(state.event);
      cache.set(state.event as object, text);
    }
    return text;
  };
})();

/**
 * Refuses inputs that are not an extension of those the state folder's action states were made
 * for: per key, each input that has states must be the very input they hold. Inputs may be added
 * after a key's last one (and keys added); an input changed, inserted or moved would have its
 * outcomes replayed for another input.
 */
export function checkInputs(store: StateStore, inputs: AgentInput[]): void {
  const recorded = new Map<string, ActionState>();
  for (const s of store.states()) {
    if (s.eventIndex !== 0) continue;
    const id = `${s.key}#${s.seq}`;
    if (!recorded.has(id)) recorded.set(id, s);
  }
  if (recorded.size === 0) return;
  const changed: string[] = [];
  const seqs = new Map<string, number>();
  let first: { key: string; seq: number; was: ActionState; now: Encoded } | undefined;
  for (const { key, input } of inputs) {
    const seq = seqs.get(key) ?? 0;
    seqs.set(key, seq + 1);
    const state = recorded.get(`${key}#${seq}`);
    if (!state || changed.includes(key)) continue;
    const now = encodeInputEvent(key, input);
    if (JSON.stringify(now) === textOf(state)) continue;
    changed.push(key);
    first ??= { key, seq, was: state, now };
  }
  if (!first) return;
  const was = shownEvent(first.was.event);
  const now = shownEvent(first.now);
  const reordered =
    sortedJson(first.was.event.json) === sortedJson(first.now.json)
      ? ' (the same values with their keys in another order, which durable calls see as other args)'
      : '';
  const others =
    changed.length > 1 ? ` Inputs of ${changed.length - 1} more key(s) changed too.` : '';
  throw new InputsChangedError(
    `the inputs do not match the state folder: input ${first.seq + 1} of key "${first.key}" (seq ${first.seq}) was ${was} and is now ${now}${reordered}.${others} The action states of that input hold what the earlier input did, and would be replayed for the new one. Inputs may only be added after a key's last one; to run these, start from empty state (--fresh, or "fresh": true in a launch configuration) or use another state folder (--state, or "stateDir").`,
    first.key,
    first.seq,
  );
}

/** The state an action execution uses: one made for its event, or a new one. */
export type StateMatch =
  | { found: ActionState }
  | {
      /** The identity (and so the id) of the state to create. */
      create: ExecutionIdentity;
      /** Why the natural id could not be used as it was, for the developer. */
      warning?: string;
    };

/** Matches the action executions of one attempt to states; each state is used once an attempt. */
export class StateMatcher {
  private readonly claimed = new Set<string>();
  /** States by `key#seq/action`, in event order; built at the first event that is not in place. */
  private byExecution?: Map<string, ActionState[]>;

  constructor(private readonly store: StateStore) {}

  match(identity: ExecutionIdentity, event: Encoded): StateMatch {
    const id = stateIdOf(identity);
    const text = JSON.stringify(event);
    const here = this.store.get(id);
    if (here && !this.claimed.has(id) && textOf(here) === text) return this.claim(here);
    // The same event may come at another position now (the agent's actions were reordered).
    const moved = this.statesOf(identity).find(
      (s) => !this.claimed.has(s.id) && textOf(s) === text,
    );
    if (moved) return this.claim(moved);
    if (!here) return this.create(identity);
    const was = shownEvent(here.event);
    const now = shownEvent(event);
    const changed = `action state ${id} was made for another event than the one that triggers "${identity.action}" there now (was ${was}, now ${now}): the agent's actions, or the events they send, changed since.`;
    if (!this.claimed.has(id) && here.slots.length === 0) {
      return this.create(
        identity,
        `${changed} It holds no durable call, so it starts afresh for the new event.`,
      );
    }
    // Its calls belong to its own event, which may still come later in this run: it stays as it
    // is, and this event gets a state at the first free position after its own.
    let free = identity.eventIndex + 1;
    const at = (i: number) => stateIdOf({ ...identity, eventIndex: i });
    while (this.store.get(at(free)) || this.claimed.has(at(free))) free++;
    const create = { ...identity, eventIndex: free };
    return this.create(
      create,
      `${changed} It holds ${here.slots.length} durable call(s) made for its own event, so it is kept as it is and never replayed for another; this event gets the new action state ${at(free)}, and its calls run.`,
    );
  }

  private claim(state: ActionState): StateMatch {
    this.claimed.add(state.id);
    return { found: state };
  }

  private create(identity: ExecutionIdentity, warning?: string): StateMatch {
    this.claimed.add(stateIdOf(identity));
    return { create: identity, warning };
  }

  private statesOf(identity: ExecutionIdentity): ActionState[] {
    if (!this.byExecution) {
      this.byExecution = new Map();
      for (const s of this.store.states()) {
        const k = `${s.key}#${s.seq}/${s.action}`;
        const list = this.byExecution.get(k) ?? [];
        list.push(s);
        this.byExecution.set(k, list);
      }
      for (const list of this.byExecution.values())
        list.sort((a, b) => a.eventIndex - b.eventIndex);
    }
    return this.byExecution.get(`${identity.key}#${identity.seq}/${identity.action}`) ?? [];
  }
}
