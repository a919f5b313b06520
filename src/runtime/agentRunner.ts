// One attempt of an agent over its inputs: per-key ordered processing, per-key sequence numbers,
// event dispatch to actions, and the action-level lifecycle of spec section 9 (a completed
// action is not run again: its events are re-sent and its memory updates re-applied).
import { OUTPUT_EVENT, type Agent, type AgentEvent, type AgentInput } from './agent';
import { ActionExecution } from './actionContext';
import type { ExecutionInfo, RuntimeHooks } from './boundaries';
import type { StateMutation } from './actionState';
import { decode, encodeError, type Encoded } from './codec';
import { PayloadTooLargeError } from './errors';
import { stateIdOf, type ExecutionIdentity } from './identity';
import { KeyMemory } from './keyMemory';
import { checkInputs, encodeInputEvent, StateMatcher } from './stateMatch';
import { nextAttemptNumber, type AttemptKind, type StateStore } from './stateStore';

export type { AgentInput };

export interface ActionFailure {
  key: string;
  seq: number;
  action: string;
  stateId: string;
  error: unknown;
}

export interface AttemptResult {
  attempt: number;
  outputs: Array<{ key: string; seq: number; output: unknown; replayed: boolean }>;
  failures: ActionFailure[];
}

export interface AttemptOptions {
  agent: Agent;
  store: StateStore;
  hooks?: RuntimeHooks;
  kind?: AttemptKind;
}

export function validateInputs(inputs: unknown): AgentInput[] {
  if (!Array.isArray(inputs)) throw new TypeError('inputs must be an array of { key, input }');
  inputs.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new TypeError(`inputs[${i}] must be an object { "key": string, "input": any }`);
    }
    const key = (item as { key?: unknown }).key;
    if (typeof key !== 'string' || key === '')
      throw new TypeError(
        `inputs[${i}].key must be a non-empty string, got ${JSON.stringify(key)}`,
      );
  });
  return inputs as AgentInput[];
}

export class AgentRunner {
  readonly attempt: number;
  private readonly hooks: RuntimeHooks;
  private readonly result: AttemptResult;
  private readonly matcher: StateMatcher;

  constructor(private readonly options: AttemptOptions) {
    this.hooks = options.hooks ?? {};
    this.attempt = nextAttemptNumber(options.store);
    this.result = { attempt: this.attempt, outputs: [], failures: [] };
    this.matcher = new StateMatcher(options.store);
  }

  /**
   * Runs every input; keys run side by side, the inputs of one key strictly in order. Inputs that
   * do not extend those the store's states were made for are refused first (InputsChangedError),
   * before anything is written.
   */
  async run(inputs: AgentInput[]): Promise<AttemptResult> {
    const { store } = this.options;
    checkInputs(store, validateInputs(inputs));
    store.note({
      op: 'attempt',
      attempt: this.attempt,
      kind: this.options.kind ?? 'run',
      at: new Date().toISOString(),
    });
    const byKey = new Map<string, unknown[]>();
    for (const { key, input } of validateInputs(inputs)) {
      const list = byKey.get(key) ?? [];
      list.push(input);
      byKey.set(key, list);
    }
    // allSettled, not all: when a hook throws for one key (a crash), the attempt settles only once
    // every key has stopped, so no work of it goes on behind the caller (or a recovery's) back.
    const keys = await Promise.allSettled([...byKey].map(([key, list]) => this.runKey(key, list)));
    const stopped = keys.find((k): k is PromiseRejectedResult => k.status === 'rejected');
    if (stopped) throw stopped.reason;
    store.note({
      op: 'end',
      attempt: this.attempt,
      outcome: this.result.failures.length > 0 ? 'failed' : 'done',
    });
    return this.result;
  }

  private async runKey(key: string, inputs: unknown[]): Promise<void> {
    const memory = new KeyMemory();
    for (let seq = 0; seq < inputs.length; seq++) {
      const ok = await this.runInput(key, seq, inputs[seq], memory);
      // A failed input stops its key: later inputs of the key would see a state it never reached.
      if (!ok) break;
    }
    this.hooks.keyDone?.(key);
  }

  private async runInput(
    key: string,
    seq: number,
    input: unknown,
    memory: KeyMemory,
  ): Promise<boolean> {
    // Events travel encoded, as they are persisted: each action gets its own decoded copy, live
    // as on recovery, so no action sees what another changed in its event.
    const queue: Array<{ event: Encoded; index: number }> = [
      { event: encodeInputEvent(key, input), index: 0 },
    ];
    let nextIndex = 1;
    while (queue.length > 0) {
      const { event, index } = queue.shift()!;
      const type = (event.json as { type: string }).type;
      for (const action of this.options.agent.actions) {
        if (!action.on.includes(type)) continue;
        const sent = await this.runAction(action, event, { key, seq, eventIndex: index }, memory);
        if (sent === undefined) return false;
        for (const e of sent) {
          if ((e.event.json as { type?: unknown }).type === OUTPUT_EVENT) {
            const { output } = decode<AgentEvent<{ output?: unknown }>>(e.event).attributes;
            this.result.outputs.push({ key, seq, output, replayed: e.replayed });
            this.hooks.output?.({ key, seq, output, replayed: e.replayed });
          } else {
            queue.push({ event: e.event, index: nextIndex });
          }
          nextIndex++;
        }
      }
    }
    return true;
  }

  /** Returns the events the action sent (encoded), or undefined when it failed. */
  private async runAction(
    action: Agent['actions'][number],
    event: Encoded,
    where: { key: string; seq: number; eventIndex: number },
    memory: KeyMemory,
  ): Promise<Array<{ event: Encoded; replayed: boolean }> | undefined> {
    const { store } = this.options;
    const match = this.matcher.match({ ...where, action: action.name }, event);
    const identity: ExecutionIdentity =
      'found' in match
        ? {
            key: match.found.key,
            seq: match.found.seq,
            eventIndex: match.found.eventIndex,
            action: match.found.action,
          }
        : match.create;
    const stateId = stateIdOf(identity);
    const exec: ExecutionInfo = {
      ...identity,
      stateId,
      attempt: this.attempt,
      event: decode<AgentEvent>(event),
    };
    const existing = 'found' in match ? match.found : undefined;

    if (existing?.completed) {
      await this.hooks.boundary?.({ kind: 'action-start', exec, reused: true });
      for (const update of existing.memoryUpdates) memory.set(update.path, update.value);
      store.note({ op: 'action', attempt: this.attempt, id: stateId, outcome: 'reused' });
      await this.hooks.boundary?.({ kind: 'action-completed', exec, reused: true });
      return existing.outputEvents.map((e) => ({ event: e, replayed: true }));
    }
    if (!existing) {
      if ('create' in match && match.warning) this.hooks.warning?.(match.warning, exec);
      if (!this.persistOrFail(exec, { op: 'init', id: stateId, ...identity, event }))
        return undefined;
    }
    const execution = new ActionExecution(exec, store, this.hooks, memory);
    await this.hooks.boundary?.({ kind: 'action-start', exec, reused: false });
    let failure: { error: unknown } | undefined;
    try {
      await action.run(exec.event, execution);
    } catch (error) {
      failure = { error };
    }
    // Calls still in flight (a missing await) settle, their outcomes persisted, before the action
    // may end: a completed action is never run again, so an outcome lost here is lost for good.
    await execution.settle();
    if (failure) {
      await this.hooks.boundary?.({ kind: 'action-end', exec, error: failure.error });
      this.fail(exec, failure.error);
      return undefined;
    }
    await this.hooks.boundary?.({ kind: 'action-end', exec });
    const m = {
      op: 'complete' as const,
      id: stateId,
      outputEvents: execution.sentEvents,
      memoryUpdates: execution.memoryUpdates,
    };
    if (!this.persistOrFail(exec, m)) return undefined;
    store.note({ op: 'action', attempt: this.attempt, id: stateId, outcome: 'completed' });
    await this.hooks.boundary?.({ kind: 'action-completed', exec, reused: false });
    return execution.sentEvents.map((e) => ({ event: e, replayed: false }));
  }

  /** Persists a record of the action; one too large for the store fails the action, saying so. */
  private persistOrFail(exec: ExecutionInfo, m: StateMutation): boolean {
    try {
      this.options.store.persist(m);
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      this.fail(exec, error);
      return false;
    }
    this.hooks.persisted?.(m);
    return true;
  }

  private fail(exec: ExecutionInfo, error: unknown): void {
    const encoded = encodeError(error);
    this.options.store.note({
      op: 'action',
      attempt: this.attempt,
      id: exec.stateId,
      outcome: 'failed',
      error: `${encoded.name}: ${encoded.message}`,
    });
    this.result.failures.push({
      key: exec.key,
      seq: exec.seq,
      action: exec.action,
      stateId: exec.stateId,
      error,
    });
  }
}

export function runAttempt(inputs: AgentInput[], options: AttemptOptions): Promise<AttemptResult> {
  return new AgentRunner(options).run(inputs);
}
