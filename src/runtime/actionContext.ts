// The `ctx` an action receives: durable calls, events and short-term memory for one action
// execution. It owns the execution's cursor and collects what completion will persist.
import type {
  ActionContext,
  AgentEvent,
  DeferredCall,
  DurableOptions,
  ShortTermMemory,
} from './agent';
import type { ExecutionInfo, RuntimeHooks, SourceLocation } from './boundaries';
import { encode, type Encoded } from './codec';
import { runDurableCall, type CallHost, type CallRequest } from './durableCall';
import { argsDigest, functionIdOf } from './identity';
import type { KeyMemory } from './keyMemory';
import type { MemoryUpdate } from './actionState';
import type { StateStore } from './stateStore';

export type { ActionContext, DeferredCall, DurableOptions, ShortTermMemory };

export class ActionExecution implements CallHost, ActionContext {
  cursor = 0;
  occurrences = new Map<string, number>();
  inCall = false;
  readonly sentEvents: AgentEvent[] = [];
  readonly memoryUpdates: MemoryUpdate[] = [];
  /** Durable calls of one execution run one at a time, in the order they were awaited. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly exec: ExecutionInfo,
    readonly store: StateStore,
    readonly hooks: RuntimeHooks,
    private readonly keyMemory: KeyMemory,
  ) {}

  get key(): string {
    return this.exec.key;
  }
  get seq(): number {
    return this.exec.seq;
  }
  get attempt(): number {
    return this.exec.attempt;
  }

  readonly memory: ShortTermMemory = {
    get: <T>(path: string) => this.keyMemory.get(path) as T | undefined,
    set: (path: string, value: unknown) => {
      this.refuseInsideCall('ctx.memory.set');
      if (typeof path !== 'string' || path === '')
        throw new TypeError('ctx.memory.set: the path must be a non-empty string');
      const encoded = encode(value, `the memory value at "${path}"`);
      this.keyMemory.set(path, encoded);
      this.memoryUpdates.push({ path, value: encoded });
    },
  };

  sendEvent(event: AgentEvent): void {
    this.refuseInsideCall('ctx.sendEvent');
    if (
      typeof event !== 'object' ||
      event === null ||
      typeof event.type !== 'string' ||
      event.type === ''
    ) {
      throw new TypeError('ctx.sendEvent: an event is { type: string, attributes: object }');
    }
    if (typeof event.attributes !== 'object' || event.attributes === null) {
      throw new TypeError(`ctx.sendEvent: event "${event.type}" needs an "attributes" object`);
    }
    encode(event, `the event "${event.type}"`);
    this.sentEvents.push(event);
  }

  durableExecute<A extends unknown[], R>(
    fn: (...args: A) => R,
    args?: A,
    options?: DurableOptions<NoInfer<Awaited<R>>>,
  ): Promise<Awaited<R>> {
    try {
      const request = this.prepare(fn, args, options, 'durableExecute');
      return this.enqueue(request) as Promise<Awaited<R>>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  durableExecuteAsync<A extends unknown[], R>(
    fn: (...args: A) => R,
    args?: A,
    options?: DurableOptions<NoInfer<Awaited<R>>>,
  ): DeferredCall<Awaited<R>> {
    const request = this.prepare(fn, args, options, 'durableExecuteAsync');
    let started: Promise<unknown> | undefined;
    return {
      functionId: request.functionId,
      then: (onFulfilled, onRejected) => {
        started ??= this.enqueue(request);
        return (started as Promise<Awaited<R>>).then(onFulfilled, onRejected);
      },
    };
  }

  private enqueue(request: CallRequest): Promise<unknown> {
    const run = this.queue.then(() => runDurableCall(this, request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private prepare(
    fn: unknown,
    args: unknown,
    options: DurableOptions<unknown> | undefined,
    api: string,
  ): CallRequest {
    this.refuseInsideCall(`ctx.${api}`);
    if (typeof fn !== 'function')
      throw new TypeError(
        `ctx.${api}: the first argument must be the function to run, got ${typeof fn}`,
      );
    if (args !== undefined && !Array.isArray(args)) {
      throw new TypeError(
        `ctx.${api}: the second argument must be the array of arguments for ${fn.name || 'the function'}, got ${typeof args}`,
      );
    }
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(
        `ctx.${api}: the third argument must be an options object { id?, reconciler? }`,
      );
    }
    const reconciler = options?.reconciler;
    if (reconciler !== undefined) {
      if (typeof reconciler !== 'function') throw new TypeError('reconciler must be a function');
      if (reconciler.length > 0)
        throw new TypeError('reconciler must be a function that takes no arguments');
    }
    const functionId = functionIdOf(fn as (...a: never[]) => unknown, options?.id);
    const list = (args ?? []) as unknown[];
    const encodedArgs = encode(list, `the args of ${functionId}`);
    const callSite: SourceLocation | undefined = this.hooks.captureCallSite?.();
    return {
      fn: fn as (...a: unknown[]) => unknown,
      args: list,
      functionId,
      argsDigest: argsDigest(encodedArgs),
      encodedArgs,
      reconciler: reconciler as (() => unknown) | undefined,
      callSite,
    };
  }

  private refuseInsideCall(api: string): void {
    if (this.inCall) {
      throw new Error(
        `${api} cannot be used inside a durable call: a replayed call does not run again, so the effect would be lost on recovery. Use it in the action, after the call returns.`,
      );
    }
  }

  /** The encoded events this execution sent, for its completion record. */
  encodedEvents(): Encoded[] {
    return this.sentEvents.map((e) => encode(e, `the event "${e.type}"`));
  }
}
