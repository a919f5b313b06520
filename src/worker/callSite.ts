// Finds the user's line in the stack of a durable call: the first frame outside this bundle and
// outside Node's internals. Node maps frames through the agent's inline source map.
import type { SourceLocation } from '../runtime/boundaries';

const LOCATION = /^(.*):(\d+):(\d+)$/;

function locationOf(frame: string): RegExpExecArray | null {
  const text = frame.trim();
  const inner = /\((.*)\)$/.exec(text)?.[1] ?? text.replace(/^at\s+(async\s+)?/, '');
  return LOCATION.exec(inner);
}

export function makeCallSiteCapture(ownFile: string): () => SourceLocation | undefined {
  return () => {
    const holder: { stack?: string } = {};
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 40;
    Error.captureStackTrace(holder);
    Error.stackTraceLimit = limit;
    for (const line of (holder.stack ?? '').split('\n').slice(1)) {
      const m = locationOf(line);
      if (!m) continue;
      const file = m[1].replace(/^file:\/\//, '');
      if (file === ownFile || file.startsWith('node:') || file.includes('node_modules')) continue;
      return { file, line: Number(m[2]), column: Number(m[3]) };
    }
    return undefined;
  };
}
