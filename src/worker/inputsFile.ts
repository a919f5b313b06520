// Reads an inputs file: JSON lines of { "key": string, "input": any }, with the line number of
// anything wrong. Shared by the CLI (--inputs) and the adapter (inputsFile). Files written on
// Windows read the same: CRLF line ends, a UTF-8 byte order mark, and UTF-16 (what Windows
// PowerShell 5's `>` writes).
import * as fs from 'node:fs';
import type { AgentInput } from '../runtime/agentRunner';

export class InputsFileError extends Error {
  override name = 'InputsFileError';
}

const MAX_LINE = 64 * 1024 * 1024;
/** Payloads persist up to 1000 levels deep (codec.ts), and the input event wraps the input in two. */
export const MAX_INPUT_DEPTH = 900;

/** How deep `value` nests, counted without recursion, stopping once past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The text of an inputs file, by its byte order mark: UTF-16 (either order), else UTF-8. */
export function decodeInputs(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString('utf16le', 2);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const even = bytes.subarray(2, bytes.length - (bytes.length % 2));
    return Buffer.from(even).swap16().toString('utf16le');
  }
  return bytes.toString('utf8');
}

export function parseInputs(text: string, file: string): AgentInput[] {
  const inputs: AgentInput[] = [];
  text.split('\n').forEach((raw, i) => {
    // trim() also drops the \r of a CRLF line end and a UTF-8 byte order mark (U+FEFF).
    const line = raw.trim();
    if (line === '' || line.startsWith('//')) return;
    const where = `${file}:${i + 1}`;
    if (line.length > MAX_LINE)
      throw new InputsFileError(
        `${where}: the line is ${line.length} characters long; the limit is ${MAX_LINE}`,
      );
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputsFileError(
        `${where}: not valid JSON (${(error as Error).message}); each line must be {"key": "...", "input": ...}`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputsFileError(
        `${where}: each line must be a JSON object {"key": "...", "input": ...}`,
      );
    }
    const { key, input } = value as { key?: unknown; input?: unknown };
    if (typeof key !== 'string' || key === '')
      throw new InputsFileError(`${where}: "key" must be a non-empty string`);
    if (!('input' in value)) throw new InputsFileError(`${where}: the object has no "input"`);
    if (depthOf(input, MAX_INPUT_DEPTH) > MAX_INPUT_DEPTH) {
      throw new InputsFileError(
        `${where}: "input" is nested more than ${MAX_INPUT_DEPTH} levels deep, which cannot be persisted; flatten it`,
      );
    }
    inputs.push({ key, input });
  });
  return inputs;
}

export function readInputsFile(file: string): AgentInput[] {
  let text: string;
  try {
    text = decodeInputs(fs.readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputsFileError(
      code === 'ENOENT'
        ? `the inputs file ${file} does not exist`
        : `cannot read the inputs file ${file}: ${(error as Error).message}`,
    );
  }
  return parseInputs(text, file);
}
