// Test-only helpers for the runtime unit tests: seeded stores, a spying store, executions.
import { ActionExecution } from '../../src/runtime/actionContext';
import { defineAgent, type ActionDefinition, type Agent } from '../../src/runtime/agent';
import type { ActionState, Slot, StateMutation } from '../../src/runtime/actionState';
import type { Boundary, ExecutionInfo, RuntimeHooks } from '../../src/runtime/boundaries';
import { encode, encodeError } from '../../src/runtime/codec';
import { argsDigest, stateIdOf, type ExecutionIdentity } from '../../src/runtime/identity';
import { KeyMemory } from '../../src/runtime/keyMemory';
import { MemoryStore, type StateStore, type TimelineRecord } from '../../src/runtime/stateStore';

export const IDENTITY: ExecutionIdentity = { key: 'k', seq: 0, eventIndex: 0, action: 'act' };
export const STATE_ID = stateIdOf(IDENTITY);

/** The digest a call with these args gets. */
export function digestOf(args: unknown[]): string {
  return argsDigest(encode(args));
}

export function succeeded(functionId: string, args: unknown[], value: unknown): Slot {
  return { functionId, argsDigest: digestOf(args), status: 'SUCCEEDED', result: encode(value) };
}

export function failed(functionId: string, args: unknown[], error: unknown): Slot {
  return { functionId, argsDigest: digestOf(args), status: 'FAILED', error: encodeError(error) };
}

export function pending(functionId: string, args: unknown[]): Slot {
  return { functionId, argsDigest: digestOf(args), status: 'PENDING' };
}

/**
 * Writes what a crashed attempt would have left: the action state's init and its slots, as the
 * reference's operator tests preload their in-memory store.
 */
export function seed(
  store: StateStore,
  slots: Slot[] = [],
  identity: ExecutionIdentity = IDENTITY,
  event: unknown = { type: 'InputEvent', attributes: { key: identity.key, input: 1 } },
): string {
  const id = stateIdOf(identity);
  if (!store.get(id)) store.persist({ op: 'init', id, ...identity, event: encode(event) });
  slots.forEach((slot, index) => store.persist({ op: 'slot', id, index, slot }));
  return id;
}

/** A fresh action execution over the seeded state `STATE_ID` (seeding it when missing). */
export function execution(
  store: StateStore,
  hooks: RuntimeHooks = {},
  memory: KeyMemory = new KeyMemory(),
): ActionExecution {
  seed(store);
  const exec: ExecutionInfo = {
    ...IDENTITY,
    stateId: STATE_ID,
    attempt: 1,
    event: { type: 'InputEvent', attributes: { key: IDENTITY.key, input: 1 } },
  };
  return new ActionExecution(exec, store, hooks, memory);
}

export function slotsOf(store: StateStore, id = STATE_ID): Slot[] {
  return store.get(id)?.slots ?? [];
}

/**
 * A store that names each operation the way the reference's fake Python bridge does: `peek`
 * (reading the state), `append_pending`, `finalize` (a terminal slot over a PENDING one),
 * `record` (a terminal slot appended), `clear` (a truncation), `init`, `complete`.
 */
export class SpyStore implements StateStore {
  readonly inner = new MemoryStore();
  readonly ops: string[] = [];

  get persistCount(): number {
    return this.inner.persistCount;
  }
  get(id: string): ActionState | undefined {
    this.ops.push('peek');
    return this.inner.get(id);
  }
  states(): Iterable<ActionState> {
    return this.inner.states();
  }
  persist(m: StateMutation): void {
    this.ops.push(this.classify(m));
    this.inner.persist(m);
  }
  note(r: TimelineRecord): void {
    this.inner.note(r);
  }
  timeline(): readonly TimelineRecord[] {
    return this.inner.timeline();
  }
  close(): void {}
  /** Forgets the operations so far (the seeding). */
  reset(): void {
    this.ops.length = 0;
  }

  private classify(m: StateMutation): string {
    if (m.op !== 'slot') return m.op === 'truncate' ? 'clear' : m.op;
    if (m.slot.status === 'PENDING') return 'append_pending';
    const before = this.inner.get(m.id)?.slots[m.index];
    return before?.status === 'PENDING' ? 'finalize' : 'record';
  }
}

/** Hooks that record every boundary as `kind` or `call:phase`, and every warning. */
export function recordingHooks(): RuntimeHooks & { seen: string[]; warnings: string[] } {
  const seen: string[] = [];
  const warnings: string[] = [];
  return {
    seen,
    warnings,
    boundary(b: Boundary) {
      seen.push(b.kind === 'call' ? `call:${b.phase}` : b.kind);
    },
    warning(message: string) {
      warnings.push(message);
    },
  };
}

/** Counts calls of a function, so a test can say how often a side effect happened. */
export function counted<A extends unknown[], R>(
  name: string,
  impl: (...args: A) => R,
): ((...args: A) => R) & { calls: A[] } {
  const calls: A[] = [];
  const fn = {
    [name](...args: A): R {
      calls.push(args);
      return impl(...args);
    },
  }[name] as ((...args: A) => R) & { calls: A[] };
  fn.calls = calls;
  return fn;
}

/** Thrown at a boundary to stop an attempt the way a killed process stops. */
export class CrashSignal extends Error {
  override name = 'CrashSignal';
}

/** Hooks that "kill the process" at the first boundary `when` accepts: that boundary and every later one throw. */
export function crashAt(when: (b: Boundary) => boolean, more: RuntimeHooks = {}): RuntimeHooks {
  let dead = false;
  return {
    ...more,
    boundary(b) {
      if (dead || when(b)) {
        dead = true;
        throw new CrashSignal('crash');
      }
    },
  };
}

/** An agent named "test-agent" with these actions. */
export function agentOf(...actions: ActionDefinition[]): Agent {
  return defineAgent({ name: 'test-agent', actions });
}

/** The event that makes `value` the agent's output. */
export const output = (value: unknown) => ({ type: 'OutputEvent', attributes: { output: value } });

/** A store that, once its process is "dead", refuses every write, as a killed process makes none. */
export class MortalStore implements StateStore {
  dead = false;
  constructor(private readonly inner: StateStore) {}
  get persistCount(): number {
    return this.inner.persistCount;
  }
  get(id: string): ActionState | undefined {
    return this.inner.get(id);
  }
  states(): Iterable<ActionState> {
    return this.inner.states();
  }
  persist(m: StateMutation): void {
    if (this.dead) throw new CrashSignal('the process is dead');
    this.inner.persist(m);
  }
  note(r: TimelineRecord): void {
    if (this.dead) throw new CrashSignal('the process is dead');
    this.inner.note(r);
  }
  timeline(): readonly TimelineRecord[] {
    return this.inner.timeline();
  }
  close(): void {}
}
