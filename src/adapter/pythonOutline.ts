// The outline of a Flink Agents Python agent file (see agentOutline.ts for what an outline is
// for): its `ctx.durable_execute(...)` / `durable_execute_async(...)` calls and its `@action`
// methods. A line scanner, not a parser: comments and string contents are blanked first, blocks
// end where the indentation drops back.
import * as path from 'node:path';
import type { AgentOutline, OutlineAction, OutlineCall } from './agentOutline';

/** The line with `#` comments and the inside of one-line strings blanked (lengths kept). */
function blank(line: string): string {
  return line
    .replace(/("""|''')/g, '   ')
    .replace(/(["'])(?:\\.|(?!\1).)*\1/g, (s) => s[0] + ' '.repeat(s.length - 2) + s[0])
    .replace(/#.*$/, (s) => ' '.repeat(s.length));
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/** The last line (0-based) of the block opened by the `def` on line `at`. */
function blockEnd(lines: string[], at: number): number {
  const own = indentOf(lines[at]);
  let last = at;
  for (let i = at + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    if (indentOf(lines[i]) <= own) break;
    last = i;
  }
  return last;
}

/** The line (0-based) of the parenthesis that closes the one opened at (line, column). */
function closingLine(lines: string[], line: number, column: number): number {
  let depth = 0;
  for (let i = line; i < lines.length; i++) {
    for (let c = i === line ? column : 0; c < lines[i].length; c++) {
      const ch = lines[i][c];
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') {
        depth--;
        if (depth === 0) return i;
      }
    }
  }
  return line;
}

export function outlinePythonSource(text: string, file: string): AgentOutline {
  const lines = text.split(/\r?\n/).map(blank);
  const module = path.basename(file, '.py');
  const defs = new Map<string, number>();
  lines.forEach((l, i) => {
    const def = /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(l);
    if (def) defs.set(def[1], i);
  });
  const actions: OutlineAction[] = [];
  const calls: OutlineCall[] = [];
  lines.forEach((l, i) => {
    if (/^\s*@action\s*\(/.test(l)) {
      for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) {
        const def = /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(lines[j]);
        if (!def) continue;
        actions.push({
          name: def[1],
          runLine: j + 1,
          bodyStart: j + 1,
          bodyEnd: blockEnd(lines, j) + 1,
        });
        break;
      }
    }
    const call = /\bdurable_execute(_async)?\s*\(/.exec(l);
    if (!call) return;
    const open = call.index + call[0].length - 1;
    const end = closingLine(lines, i, open);
    const span = lines.slice(i, end + 1).join('\n');
    const first = /^\s*([A-Za-z_][\w.]*)/.exec(span.slice(open + 1));
    const outlineCall: OutlineCall = {
      line: i + 1,
      column: call.index + 1,
      api: call[1] ? 'durableExecuteAsync' : 'durableExecute',
      // A plain name is a function of this module; `payments.refund` names its module itself.
      functionId: first ? (first[1].includes('.') ? first[1] : `${module}.${first[1]}`) : undefined,
      endLine: end + 1,
    };
    const reconcilerLine = lines.slice(i, end + 1).findIndex((s) => /\breconciler\s*=/.test(s));
    if (reconcilerLine >= 0) {
      const at = i + reconcilerLine;
      const ranges: Array<[number, number]> = [[at + 1, at + 1]];
      const named = /\breconciler\s*=\s*([A-Za-z_]\w*)\s*(?:[,)]|$)/.exec(lines[at]);
      const def = named ? defs.get(named[1]) : undefined;
      if (def !== undefined) ranges.push([def + 1, blockEnd(lines, def) + 1]);
      outlineCall.reconciler = ranges;
    }
    calls.push(outlineCall);
  });
  return { calls, actions };
}
