// Finds the user's line in the stack of a durable call: the first frame outside this bundle and
// outside Node's internals. Node maps frames through the agent's inline source map. The same rule
// keeps the worker's own frames out of the stacks the user sees.
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../runtime/boundaries';

const LOCATION = /^(.*):(\d+):(\d+)$/;

function locationOf(frame: string): RegExpExecArray | null {
  const text = frame.trim();
  const inner = /\((.*)\)$/.exec(text)?.[1] ?? text.replace(/^at\s+(async\s+)?/, '');
  return LOCATION.exec(inner);
}

/** A frame's file as the path the editor knows (a file URL, `file:///C:/x/agent.ts` on Windows). */
function pathOf(location: string): string {
  if (!location.startsWith('file://')) return location;
  try {
    return fileURLToPath(location);
  } catch {
    return location.replace(/^file:\/\//, ''); // A URL with a host: as it is written.
  }
}

/** Whether a stack frame line is the worker's (this bundle, Node's internals), not the user's. */
export function isWorkerFrame(ownFile: string): (frame: string) => boolean {
  return (frame) => {
    const m = locationOf(frame);
    if (!m) return /^\s*at (async )?node:|\(node:/.test(frame);
    return isWorkerFile(pathOf(m[1]), ownFile);
  };
}

function isWorkerFile(file: string, ownFile: string): boolean {
  return file === ownFile || file.startsWith('node:');
}

/** Where the first frame of a stack that names a file is (the throw site of a user stack). */
export function firstFrameLocation(stack: string | undefined): SourceLocation | undefined {
  for (const line of (stack ?? '').split('\n')) {
    if (!/^\s+at /.test(line)) continue;
    const m = locationOf(line);
    const file = m && pathOf(m[1]);
    if (m && file && !file.startsWith('node:')) {
      return { file, line: Number(m[2]), column: Number(m[3]) };
    }
  }
  return undefined;
}

/** The user's frame in a stack: the first outside `ownFile`, Node's internals and node_modules. */
function userFrame(stack: string | undefined, ownFile: string): SourceLocation | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = locationOf(line);
    if (!m) continue;
    const file = pathOf(m[1]);
    if (isWorkerFile(file, ownFile) || file.includes('node_modules')) continue;
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

/** Captures the stack now (the frames only: V8 formats it when it is first read). */
function captureStack(): { stack?: string } {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  return holder;
}

/** Finds the user's line at once (a debugger shows it for every call). */
export function makeCallSiteCapture(ownFile: string): () => SourceLocation | undefined {
  return () => userFrame(captureStack().stack, ownFile);
}

/**
 * Captures the stack at once and finds the user's line only when asked: formatting a stack
 * through the agent's source map costs far more than capturing it, and without a debugger the
 * line is needed only for a message about a call still in flight when its action returned.
 */
export function makeCallSiteTrace(ownFile: string): () => () => SourceLocation | undefined {
  return () => {
    const holder = captureStack();
    return () => userFrame(holder.stack, ownFile);
  };
}
