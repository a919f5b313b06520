// A Flink Agents Python agent as a runtime agent: its host loads it and reports its actions;
// each action's run hands the event to the host and serves what the action asks for while it
// runs (durable calls through the runtime's own state machine, events, memory) until it is done.
import * as path from 'node:path';
import { ActionExecution } from '../../runtime/actionContext';
import { defineAgent, type ActionContext, type Agent, type AgentEvent } from '../../runtime/agent';
import type { SourceLocation } from '../../runtime/boundaries';
import { encodePythonValue, PYTHON_MARK, type PythonValue } from '../../runtime/pythonPayload';
import { exitWithTree } from '../../platform/processTree';
import { AgentLoadError } from '../agentLoader';
import { findInterpreter, InterpreterError } from './interpreter';
import { PythonHost, type HostMessage } from './pythonHost';
import { pythonCodec, PythonRaised, reportOf, type PythonErrorReport } from './pythonCodec';

/** Where the host keeps a key's memory stores, each as one Python value. */
const MEMORY_PATHS = {
  shortTermMemory: 'python.shortTermMemory',
  sensoryMemory: 'python.sensoryMemory',
} as const;

let executions = 0;
/** The runs of durable functions and reconcilers the host was asked for, by `exec/call`. */
const pendingInvokes = new Map<string, (reply: HostMessage) => void>();

function storedMemory(ctx: ActionContext, which: keyof typeof MEMORY_PATHS): unknown {
  const held = ctx.memory.get<Record<string, unknown>>(MEMORY_PATHS[which]);
  return held?.[PYTHON_MARK] ?? null;
}

/** A call site as the host reports it (null when no frame of the user's was found). */
const siteOf = (reported: unknown): SourceLocation | undefined =>
  (reported as SourceLocation | null) ?? undefined;

/** The call sites already warned about for a function id without a name (once per attempt). */
const unnamedWarned = new Set<string>();

/**
 * Flink Agents names a call `module.qualname`; a callable object (a tool's `func`, a
 * functools.partial) has no qualname, so every such call of its class shares one id and only the
 * args tell them apart on recovery. The id stays the reference's (imported production state must
 * match), and the user is told how to give the call a name of its own.
 */
function warnIfUnnamed(ctx: ActionExecution, functionId: string, site: SourceLocation | undefined) {
  if (!functionId.endsWith('.<unknown>')) return;
  const where = site ? `${site.file}:${site.line}` : functionId;
  if (unnamedWarned.has(where)) return;
  unnamedWarned.add(where);
  ctx.hooks.warning?.(
    `the durable call${site ? ` at ${where}` : ''} has no name to be known by (${functionId}: a callable object, such as a tool's func, has no __qualname__), so every call of such an object shares that id and only its arguments tell them apart on recovery. Pass the function itself (for a tool from ctx.get_resource: tool.func.as_callable())`,
    ctx.exec,
  );
}

/** Serves one durable call the action asked for: the runtime decides, the host runs. */
function serveCall(host: PythonHost, exec: string, ctx: ActionExecution, m: HostMessage): void {
  const call = m.call!;
  warnIfUnnamed(ctx, String(m.functionId), siteOf(m.site));
  const invoke = (which: 'fn' | 'reconciler') => () =>
    new Promise<unknown>((resolve, reject) => {
      pendingInvokes.set(`${exec}/${call}`, (reply) =>
        reply.ok
          ? resolve(reply.value)
          : reject(new PythonRaised(reply.error as PythonErrorReport)),
      );
      host.send({ op: 'invoke', exec, call, which });
    });
  ctx
    .executePrepared({
      functionId: String(m.functionId),
      argsDigest: String(m.argsDigest),
      encodedArgs: encodePythonValue(m.args as PythonValue),
      run: invoke('fn'),
      reconciler: m.hasReconciler ? invoke('reconciler') : undefined,
      callSite: siteOf(m.site),
      codec: pythonCodec,
    })
    .then(
      (value) => host.send({ op: 'settled', exec, call, ok: true, value: value ?? null }),
      (error: unknown) =>
        host.send({ op: 'settled', exec, call, ok: false, error: reportOf(error) }),
    );
}

function runAction(host: PythonHost, action: string, event: AgentEvent, ctx: ActionContext) {
  if (!(ctx instanceof ActionExecution))
    throw new Error('a Python action runs only under the durable-run runtime');
  const exec = String(++executions);
  return new Promise<void>((resolve, reject) => {
    host.listen(exec, (m) => {
      try {
        if (m.op === 'call') serveCall(host, exec, ctx, m);
        else if (m.op === 'invoked') {
          const key = `${exec}/${m.call}`;
          const settle = pendingInvokes.get(key);
          pendingInvokes.delete(key);
          settle?.(m);
        } else if (m.op === 'event') ctx.sendEvent(m.event as AgentEvent);
        else if (m.op === 'actionDone') {
          host.release(exec);
          const memory = (m.memory ?? {}) as Partial<Record<keyof typeof MEMORY_PATHS, unknown>>;
          for (const which of Object.keys(MEMORY_PATHS) as Array<keyof typeof MEMORY_PATHS>) {
            const value = memory[which];
            if (value !== undefined) ctx.memory.set(MEMORY_PATHS[which], { [PYTHON_MARK]: value });
          }
          for (const u of (m.unawaited ?? []) as Array<{ functionId: string; site: unknown }>)
            ctx.noteUnawaited({
              functionId: u.functionId,
              callSite: siteOf(u.site),
              api: 'ctx.durable_execute_async',
            });
          if (m.error) reject(new PythonRaised(m.error as PythonErrorReport));
          else resolve();
        }
      } catch (error) {
        // A refusal by the runtime (an event it cannot store): the action fails with it.
        host.release(exec);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    host.send({
      op: 'run',
      exec,
      action,
      key: ctx.key,
      seq: ctx.seq,
      event,
      shortTermMemory: storedMemory(ctx, 'shortTermMemory'),
      sensoryMemory: storedMemory(ctx, 'sensoryMemory'),
    });
  });
}

/** Starts the host, loads the agent in it, and returns the agent the runtime runs. */
export async function loadPythonAgent(
  program: { file: string; className?: string },
  python: string | undefined,
): Promise<Agent> {
  let interpreter: string;
  try {
    interpreter = findInterpreter(python);
  } catch (error) {
    if (!(error instanceof InterpreterError)) throw error;
    throw new AgentLoadError({ kind: 'agent', message: error.message, file: program.file });
  }
  const host = PythonHost.start(interpreter, path.dirname(program.file));
  let reply: HostMessage;
  try {
    reply = await host.ask({ op: 'load', program: program.file, className: program.className });
  } catch (error) {
    throw new AgentLoadError({
      kind: 'agent',
      message: `${(error as Error).message} while loading ${program.file} with ${interpreter}; check that it runs Python 3.10+`,
      file: program.file,
    });
  }
  if (reply.op !== 'loaded') {
    throw new AgentLoadError({
      kind: reply.kind === 'compile' ? 'compile' : 'agent',
      message: String(reply.message),
      file: typeof reply.file === 'string' ? reply.file : program.file,
      line: typeof reply.line === 'number' ? reply.line : undefined,
    });
  }
  // The host died under the agent (os._exit, a crash in native code): like any process death in
  // the middle of a call, nothing more is persisted, and a recovery goes on from the journal.
  host.onExit((why) => {
    process.stderr.write(
      `durable-run: the Python agent host ended unexpectedly (${why}); nothing more was persisted: recover to continue\n`,
    );
    exitWithTree(1);
  });
  const actions = reply.actions as Array<{ name: string; on: string[] }>;
  return defineAgent({
    name: String(reply.agent),
    actions: actions.map(({ name, on }) => ({
      name,
      on,
      run: (event, ctx) => runAction(host, name, event, ctx),
    })),
  });
}
