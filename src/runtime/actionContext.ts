// The `ctx` an action receives: durable calls, events and short-term memory for one action
// execution. It owns the execution's cursor, collects what completion will persist (events and
// memory updates, encoded when they are made), and keeps track of the calls still in flight, so
// that an action never completes while one of its calls has no persisted outcome.
import type {
  ActionContext,
  AgentEvent,
  DeferredCall,
  DurableOptions,
  ShortTermMemory,
} from './agent';
import type { MemoryUpdate } from './actionState';
import type { ExecutionInfo, RuntimeHooks, SourceLocation } from './boundaries';
import { encode, type Encoded } from './codec';
import {
  insideDurableCall,
  runDurableCall,
  type CallHost,
  type CallRequest,
  type PreparedDurableCall,
} from './durableCall';
import { describeOutcome, siteOf } from './inFlightMessages';
import { argsDigest, functionIdOf } from './identity';
import type { KeyMemory } from './keyMemory';
import type { StateStore } from './stateStore';

export type { ActionContext, DeferredCall, DurableOptions, ShortTermMemory };
export type { PreparedDurableCall };

/** A call as it was made, before its args are encoded (durableExecuteAsync encodes on await). */
interface PreparedCall {
  fn: (...args: unknown[]) => unknown;
  args: unknown[];
  functionId: string;
  reconciler?: () => unknown;
  callSite?: SourceLocation;
  /** Finds the user's line later, from a stack captured when the call was made (no debugger). */
  traceSite?: () => SourceLocation | undefined;
}

/** A deferred call not awaited yet: ours, or one a guest language's host reported. */
type NotAwaited = Pick<PreparedCall, 'functionId' | 'callSite' | 'traceSite'> & {
  /** How the agent's language spells the call, when not durableExecuteAsync. */
  api?: string;
};

/** A call that was made and has not settled yet. */
interface InFlight {
  call: PreparedCall;
  done: Promise<unknown>;
  outcome?: { failed: boolean; value: unknown };
}

export class ActionExecution implements CallHost, ActionContext {
  cursor = 0;
  occurrences = new Map<string, number>();
  running = 0;
  /** The events this execution sent (OutputEvents included), encoded when they were sent. */
  readonly sentEvents: Encoded[] = [];
  readonly memoryUpdates: MemoryUpdate[] = [];
  /** Durable calls of one execution run one at a time, in the order they were awaited. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly inFlight = new Set<InFlight>();
  /** durableExecuteAsync calls not awaited yet. */
  private readonly deferred = new Set<NotAwaited>();
  /** 'settling' once the action's function has returned or thrown; 'done' once its calls settled. */
  private phase: 'running' | 'settling' | 'done' = 'running';

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
      this.refuse('ctx.memory.set');
      if (typeof path !== 'string' || path === '')
        throw new TypeError('ctx.memory.set: the path must be a non-empty string');
      const encoded = encode(value, `the memory value at "${path}"`);
      this.keyMemory.set(path, encoded);
      this.memoryUpdates.push({ path, value: encoded });
    },
  };

  sendEvent(event: AgentEvent): void {
    this.refuse('ctx.sendEvent');
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
    // Encoded now: what the next actions get, live, is what a recovery gets from the journal.
    this.sentEvents.push(encode(event, `the event "${event.type}"`));
  }

  durableExecute<A extends unknown[], R>(
    fn: (...args: A) => R,
    args?: A,
    options?: DurableOptions<NoInfer<Awaited<R>>>,
  ): Promise<Awaited<R>> {
    try {
      const call = this.prepare(fn, args, options, 'durableExecute');
      return this.enqueue(call, this.request(call)) as Promise<Awaited<R>>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  durableExecuteAsync<A extends unknown[], R>(
    fn: (...args: A) => R,
    args?: A,
    options?: DurableOptions<NoInfer<Awaited<R>>>,
  ): DeferredCall<Awaited<R>> {
    const call = this.prepare(fn, args, options, 'durableExecuteAsync');
    this.deferred.add(call);
    let started: Promise<unknown> | undefined;
    return {
      functionId: call.functionId,
      then: (onFulfilled, onRejected) => {
        if (!started) {
          this.deferred.delete(call);
          try {
            // Lazy all the way: the args are encoded (and refused) only now that it is awaited.
            this.refuse('ctx.durableExecuteAsync');
            started = this.enqueue(call, this.request(call));
          } catch (error) {
            started = Promise.reject(error);
          }
        }
        return (started as Promise<Awaited<R>>).then(onFulfilled, onRejected);
      },
    };
  }

  /**
   * Makes a call that the agent's host identified and will run itself: the same state machine,
   * cursor, boundaries and crash points as durableExecute, none of its identity or encoding.
   */
  executePrepared(prepared: PreparedDurableCall): Promise<unknown> {
    try {
      this.refuse('ctx.durable_execute');
      const call: PreparedCall = {
        fn: prepared.run,
        args: [],
        functionId: prepared.functionId,
        reconciler: prepared.reconciler,
        callSite: prepared.callSite,
      };
      return this.enqueue(call, {
        fn: prepared.run,
        args: [],
        functionId: prepared.functionId,
        argsDigest: prepared.argsDigest,
        encodedArgs: prepared.encodedArgs,
        reconciler: prepared.reconciler,
        callSite: prepared.callSite,
        codec: prepared.codec,
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * A deferred call of a guest language's agent that its action returned without awaiting (the
   * Python host reports them with the action's end): it did not run, and settle() warns about it
   * as about ours.
   */
  noteUnawaited(call: { functionId: string; callSite?: SourceLocation; api: string }): void {
    this.deferred.add(call);
  }

  /**
   * Called once the action's function returned or threw: waits until every call it made has
   * settled (their outcomes persisted), also calls made while waiting, and warns about each call
   * that was still in flight, naming it and its line. Only then may the action complete; from then
   * on this context refuses to be used, as what it was given would not be persisted.
   */
  async settle(): Promise<void> {
    this.phase = 'settling';
    for (const call of this.deferred) {
      this.hooks.warning?.(
        `action "${this.exec.action}" (${this.exec.stateId}) returned without awaiting ${call.api ?? 'durableExecuteAsync'}(${call.functionId})${siteOf(call)}: it did not run and nothing was recorded (a deferred call runs only when awaited); await it if it should run`,
        this.exec,
      );
    }
    this.deferred.clear();
    while (this.inFlight.size > 0) {
      const stray = [...this.inFlight];
      await Promise.allSettled(stray.map((f) => f.done));
      for (const f of stray) {
        this.hooks.warning?.(
          `action "${this.exec.action}" (${this.exec.stateId}) returned while its durable call ${f.call.functionId}${siteOf(f.call)} was still in flight (a missing "await"?): the action waited for it before completing, and ${describeOutcome(f.outcome)}. Await the call, or its result and any error are lost to the action`,
          this.exec,
        );
      }
    }
    this.phase = 'done';
  }

  /** Encodes the args: the call's identity (digest) and what the debugger shows. */
  private request(call: PreparedCall): CallRequest {
    const encodedArgs = encode(call.args, `the args of ${call.functionId}`);
    return {
      fn: call.fn,
      args: call.args,
      functionId: call.functionId,
      argsDigest: argsDigest(encodedArgs),
      encodedArgs,
      reconciler: call.reconciler,
      callSite: call.callSite,
    };
  }

  private enqueue(call: PreparedCall, request: CallRequest): Promise<unknown> {
    const run = this.queue.then(() => runDurableCall(this, request));
    const entry: InFlight = { call, done: run };
    this.inFlight.add(entry);
    // The next call waits for this one, which never fails the queue. Attached before the caller
    // gets the promise, so the entry is gone before the caller's own await goes on.
    this.queue = run.then(
      (value: unknown) => {
        entry.outcome = { failed: false, value };
        this.inFlight.delete(entry);
      },
      (error: unknown) => {
        entry.outcome = { failed: true, value: error };
        this.inFlight.delete(entry);
      },
    );
    return run;
  }

  private prepare(
    fn: unknown,
    args: unknown,
    options: DurableOptions<unknown> | undefined,
    api: 'durableExecute' | 'durableExecuteAsync',
  ): PreparedCall {
    this.refuse(`ctx.${api}`);
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
    // `null` says "no reconciler" as plainly as leaving it out.
    const reconciler = options?.reconciler ?? undefined;
    if (reconciler !== undefined) {
      if (typeof reconciler !== 'function') throw new TypeError('reconciler must be a function');
      if (reconciler.length > 0)
        throw new TypeError('reconciler must be a function that takes no arguments');
    }
    const functionId = functionIdOf(fn as (...a: never[]) => unknown, options?.id);
    const callSite = this.hooks.captureCallSite?.();
    return {
      fn: fn as (...a: unknown[]) => unknown,
      args: (args ?? []) as unknown[],
      functionId,
      reconciler: reconciler as (() => unknown) | undefined,
      callSite,
      traceSite: callSite ? undefined : this.hooks.traceCallSite?.(),
    };
  }

  /** Refuses what cannot be made durable: inside a durable call's own code, or after completion. */
  private refuse(api: string): void {
    // Only while one of this execution's calls runs can the caller be inside one of them.
    if (this.running > 0 && insideDurableCall()) {
      throw new Error(
        `${api} cannot be used inside a durable call: a replayed call does not run again, so the effect would be lost on recovery. Use it in the action, after the call returns.`,
      );
    }
    if (this.phase === 'done') {
      throw new Error(
        `${api} was used after action "${this.exec.action}" (${this.exec.stateId}) had finished: its completion is persisted from what it did before, so this would be lost on recovery. Await everything the action starts before it returns.`,
      );
    }
  }
}
