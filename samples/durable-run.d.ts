// Type declarations of the `durable-run` module, for agent files outside this repository: the
// editor type-checks an agent with these. They are the `durable-run` npm package's types
// (`npm i -D durable-run`, scripts/packNpm.mjs), and durableRun.createSample writes them beside
// the sample, with a tsconfig.json `paths` entry, for folders without npm. The runtime itself is
// provided by the debugger or the CLI when the agent runs. Hand-written to stay readable and to work with TypeScript 4.5 and later;
// src/extension/durableRunTypes.test.ts fails when they drift from src/runtime/api.ts.

/** An event: a type and JSON-like attributes. Actions are triggered by event types. */
export interface AgentEvent<A extends object = Record<string, unknown>> {
  type: string;
  attributes: A;
}

/** The type of the event each input becomes: `{ type: 'InputEvent', attributes: { key, input } }`. */
export declare const INPUT_EVENT: 'InputEvent';
/** The type of the event that is the agent's output: `{ type: 'OutputEvent', attributes: { output } }`. */
export declare const OUTPUT_EVENT: 'OutputEvent';

export interface ActionDefinition {
  name: string;
  /** Event types that trigger this action. */
  on: string[];
  run: (event: AgentEvent, ctx: ActionContext) => void | Promise<void>;
}

export interface AgentDefinition {
  name: string;
  actions: ActionDefinition[];
}

declare const agentBrand: unique symbol;

/** What defineAgent returns; an agent file exports it as its default export. */
export type Agent = AgentDefinition & { readonly [agentBrand]: true };

/** Checks an agent definition and returns the agent: `export default defineAgent({ name, actions })`. */
export declare function defineAgent(definition: AgentDefinition): Agent;

export interface DurableOptions<R> {
  /** A stable id for the call; defaults to the function's name. */
  id?: string;
  /**
   * Asked, on recovery only, what happened to a call that was in flight when the process died.
   * `null` or `undefined`: no reconciler.
   */
  reconciler?: (() => R | Promise<R>) | null;
}

/** The awaitable that `durableExecuteAsync` returns: nothing happens until it is awaited. */
export interface DeferredCall<R> extends PromiseLike<R> {
  readonly functionId: string;
}

/** Short-term memory of the input's key, kept with the action's state. */
export interface ShortTermMemory {
  get<T = unknown>(path: string): T | undefined;
  set(path: string, value: unknown): void;
}

/** The `ctx` an action receives. */
export interface ActionContext {
  readonly key: string;
  readonly seq: number;
  readonly attempt: number;
  readonly memory: ShortTermMemory;
  sendEvent(event: AgentEvent): void;
  /**
   * Runs `fn(...args)` as a durable call: its outcome is persisted in a slot, and on recovery a
   * finished call is replayed instead of run again; a call in flight goes to its reconciler.
   */
  durableExecute<A extends unknown[], R>(
    fn: (...args: A) => R,
    args?: A,
    options?: DurableOptions<Awaited<R>>,
  ): Promise<Awaited<R>>;
  /** Like durableExecute, but lazy: nothing happens (nor is recorded) until it is awaited. */
  durableExecuteAsync<A extends unknown[], R>(
    fn: (...args: A) => R,
    args?: A,
    options?: DurableOptions<Awaited<R>>,
  ): DeferredCall<Awaited<R>>;
}

/** Registers a class so that its instances survive encoding in slots and events. */
export declare function registerClass(cls: new (...args: never[]) => unknown, id?: string): void;

/** A value given to or returned from a durable call that cannot be persisted. */
export declare class PayloadEncodingError extends TypeError {
  name: string;
}

// Keeps `agentBrand` private: without it every declaration of a .d.ts module is exported.
export {};
