// Reading a dump of Flink Agents' action-state topic (facts: shared spec
// flink-agents-action-state-format.md): `key<TAB>value` lines as kafka-console-consumer prints them
// with print.key=true, or JSON lines `{"key": ..., "value": ...}`. Each value is an ActionState as
// Flink Agents' ActionStateSerde writes it, or null (a tombstone: the state was pruned). A line
// that is neither is an error naming the line; nothing is decoded beyond JSON here.
import * as fs from 'node:fs';
import { StateFileError } from './errors';

/** One record of the topic: its key, and its ActionState JSON or null for a tombstone. */
export interface FlinkRecord {
  line: number;
  key: string;
  value: FlinkActionState | null;
}

export interface FlinkEvent {
  '@class'?: string;
  type?: string;
  attributes?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface FlinkMemoryUpdate {
  path: string;
  value: unknown;
}

export interface FlinkCallResult {
  functionId: string;
  argsDigest: string;
  resultPayload?: string | null;
  exceptionPayload?: string | null;
  status?: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  [field: string]: unknown;
}

export interface FlinkActionState {
  taskEvent?: FlinkEvent | null;
  sensoryMemoryUpdates?: FlinkMemoryUpdate[];
  shortTermMemoryUpdates?: FlinkMemoryUpdate[];
  outputEvents?: FlinkEvent[];
  callResults?: FlinkCallResult[];
  completed?: boolean;
  [field: string]: unknown;
}

/** The ActionState fields this importer knows; any other field is kept and shown, not dropped. */
export const KNOWN_FIELDS = new Set([
  'taskEvent',
  'sensoryMemoryUpdates',
  'shortTermMemoryUpdates',
  'outputEvents',
  'callResults',
  'completed',
]);
const STATUSES = new Set(['PENDING', 'SUCCEEDED', 'FAILED']);
/** The versions of a versioned value this importer reads (an ActionState had no version field). */
const READABLE_VERSIONS = new Set([1]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What is wrong with a value that should be an ActionState, or undefined when it is one. */
function stateProblem(value: Record<string, unknown>): string | undefined {
  if (!Object.keys(value).some((k) => KNOWN_FIELDS.has(k)))
    return `the value is not a Flink Agents ActionState (it has none of the fields ${[...KNOWN_FIELDS].join(', ')})`;
  if ('version' in value && !READABLE_VERSIONS.has(value.version as number))
    return `the ActionState has format version ${JSON.stringify(value.version)}, which this importer cannot read (it reads the format of Flink Agents 0.3, without a version field or with version 1); import a dump written by that version, or update durable-run`;
  if ('completed' in value && typeof value.completed !== 'boolean')
    return '"completed" is not true or false';
  for (const field of [
    'sensoryMemoryUpdates',
    'shortTermMemoryUpdates',
    'outputEvents',
    'callResults',
  ])
    if (field in value && value[field] !== null && !Array.isArray(value[field]))
      return `"${field}" is not a list`;
  if ('taskEvent' in value && value.taskEvent !== null && !isObject(value.taskEvent))
    return '"taskEvent" is not an event object';
  const calls = (value.callResults ?? []) as unknown[];
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i];
    if (!isObject(c) || typeof c.functionId !== 'string' || typeof c.argsDigest !== 'string')
      return `call result ${i} needs a string "functionId" and "argsDigest"`;
    if (c.status !== undefined && !STATUSES.has(c.status as string))
      return `call result ${i} has status ${JSON.stringify(c.status)}; a status is PENDING, SUCCEEDED or FAILED`;
    for (const p of ['resultPayload', 'exceptionPayload'])
      if (c[p] !== undefined && c[p] !== null && typeof c[p] !== 'string')
        return `call result ${i} has a "${p}" that is not base64 text`;
  }
  for (const field of ['sensoryMemoryUpdates', 'shortTermMemoryUpdates']) {
    const updates = (value[field] ?? []) as unknown[];
    if (updates.some((u) => !isObject(u) || typeof u.path !== 'string'))
      return `"${field}" holds an entry without a string "path"`;
  }
  return undefined;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses a dump file; throws a StateFileError naming the file and line of the first bad line. */
export function readFlinkDump(file: string): FlinkRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StateFileError(`cannot read the dump ${file}: ${(error as Error).message}`, file);
  }
  const records: FlinkRecord[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const fail = (what: string): never => {
      throw new StateFileError(`${file}:${i + 1}: ${what}. Nothing was imported.`, file, i + 1);
    };
    let key: unknown;
    let value: unknown;
    const whole = line.trimStart().startsWith('{') ? parseValue(line) : undefined;
    if (isObject(whole) && 'key' in whole && 'value' in whole) {
      ({ key, value } = whole);
    } else {
      const tab = line.indexOf('\t');
      if (tab === -1)
        fail(
          'the line is neither `key<TAB>value` (as kafka-console-consumer prints with --property print.key=true) nor a JSON line {"key": ..., "value": ...}',
        );
      key = line.slice(0, tab);
      const raw = line.slice(tab + 1);
      value = raw.trim() === 'null' ? null : parseValue(raw);
      if (value === undefined) fail('the value after the tab is not JSON');
    }
    if (typeof key !== 'string' || key === '') fail('the record has no key (a non-empty string)');
    if (value !== null) {
      if (!isObject(value)) fail('the value is not a JSON object (an ActionState) nor null');
      const problem = stateProblem(value as Record<string, unknown>);
      if (problem) fail(problem);
    }
    records.push({ line: i + 1, key: key as string, value: value as FlinkActionState | null });
  }
  if (records.length === 0)
    throw new StateFileError(`${file} holds no records: it is empty. Nothing was imported.`, file);
  return records;
}
