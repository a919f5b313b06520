// The agent model and the API an agent file sees: events, inputs, actions, the `ctx` an action
// gets, and the definition an agent file exports (spec section 2). It imports nothing, so every
// other module of the runtime may depend on it.

/** An event: a type and JSON-like attributes. Actions are triggered by event types. */
export interface AgentEvent<A extends object = Record<string, unknown>> {
  type: string;
  attributes: A;
}

export const INPUT_EVENT = 'InputEvent';
export const OUTPUT_EVENT = 'OutputEvent';

/** One input of an attempt: it becomes `{ type: 'InputEvent', attributes: { key, input } }`. */
export interface AgentInput {
  key: string;
  input: unknown;
}

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

export interface ShortTermMemory {
  get<T = unknown>(path: string): T | undefined;
  set(path: string, value: unknown): void;
}

/** The `ctx` an action receives (implemented by ActionExecution in actionContext.ts). */
export interface ActionContext {
  readonly key: string;
  readonly seq: number;
  readonly attempt: number;
  readonly memory: ShortTermMemory;
  sendEvent(event: AgentEvent): void;
  durableExecute<A extends unknown[], R>(
    fn: (...args: A) => R,
    args?: A,
    options?: DurableOptions<NoInfer<Awaited<R>>>,
  ): Promise<Awaited<R>>;
  durableExecuteAsync<A extends unknown[], R>(
    fn: (...args: A) => R,
    args?: A,
    options?: DurableOptions<NoInfer<Awaited<R>>>,
  ): DeferredCall<Awaited<R>>;
}

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

/** What an agent file's default export is checked to be, once loaded. */
export const AGENT_BRAND = Symbol.for('durable-run.agent');

export type Agent = AgentDefinition & { readonly [AGENT_BRAND]: true };

export class AgentDefinitionError extends TypeError {
  override name = 'AgentDefinitionError';
}

/**
 * Checks an agent definition up front, so that a typo fails at load time with the path of the
 * offending field instead of as a silent "nothing happened" at run time.
 */
export function defineAgent(definition: AgentDefinition): Agent {
  const fail = (where: string, what: string): never => {
    throw new AgentDefinitionError(`defineAgent: ${where} ${what}`);
  };
  if (typeof definition !== 'object' || definition === null)
    fail('the argument', 'must be an object { name, actions }');
  if (typeof definition.name !== 'string' || definition.name.trim() === '')
    fail('"name"', 'must be a non-empty string');
  if (!Array.isArray(definition.actions) || definition.actions.length === 0)
    fail('"actions"', 'must be a non-empty array of { name, on, run }');
  const seen = new Set<string>();
  definition.actions.forEach((action, i) => {
    const where = `actions[${i}]`;
    if (typeof action !== 'object' || action === null)
      fail(where, 'must be an object { name, on, run }');
    if (typeof action.name !== 'string' || action.name.trim() === '')
      fail(`${where}.name`, 'must be a non-empty string');
    if (seen.has(action.name))
      fail(`${where}.name`, `"${action.name}" is used by two actions; names must be unique`);
    seen.add(action.name);
    if (
      !Array.isArray(action.on) ||
      action.on.length === 0 ||
      action.on.some((t) => typeof t !== 'string' || t === '')
    )
      fail(
        `${where}.on`,
        `(action "${action.name}") must be a non-empty array of event type names`,
      );
    if (action.on.includes(OUTPUT_EVENT))
      fail(
        `${where}.on`,
        `(action "${action.name}") cannot listen to ${OUTPUT_EVENT}: output events trigger no actions`,
      );
    if (typeof action.run !== 'function')
      fail(`${where}.run`, `(action "${action.name}") must be a function (event, ctx) => ...`);
  });
  return Object.freeze({ ...definition, [AGENT_BRAND]: true as const });
}

export function isAgent(value: unknown): value is Agent {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[AGENT_BRAND] === true
  );
}
