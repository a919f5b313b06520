// Decoded payloads as DAP variables: typed trees (Map entries, Set items, Date, BigInt, Error
// with its stack, registered classes) with previews and evaluateNames, behind variable handles
// that live until the worker resumes. Long arrays and the slots of an action are paged with
// indexedVariables, so an action with 100k slots expands one page at a time; a long string is
// shown cut, and expands into pages of its text. Cyclic values expand as deep as one likes (a
// child is the same object again): previews never follow a reference past the first level.
import { Handles } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { keyLiteral, propPath } from './valuePath';

/** What a variable handle stands for. */
export type Container =
  /** A decoded value to expand. */
  | { kind: 'value'; value: unknown; path: string }
  /** A scope whose contents need a question to the worker first. */
  | { kind: 'scope'; load: () => Promise<Record<string, unknown>>; path: string }
  /** The slots of one action state, fetched a page at a time. */
  | { kind: 'slots'; stateId: string; count: number; path: string }
  /** A long string, shown a page of text at a time. */
  | { kind: 'text'; text: string; path: string };

/** Where slot pages come from: the running worker, or the journal after a crash. */
export type SlotPager = (
  stateId: string,
  start: number,
  count: number,
) => Promise<Record<string, unknown>[]>;

/** Above this many items an array, Set or Map is shown in pages. */
const PAGE = 100;
const PREVIEW_LENGTH = 120;
/** A string longer than this is shown cut, and expands into pages of this many characters. */
export const TEXT_PAGE = 1000;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (value instanceof Error) return value.name || 'Error';
  if (typeof value === 'object') {
    const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
      ?.constructor?.name;
    return ctor || 'Object';
  }
  return typeof value;
}

function clip(text: string): string {
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
}

function isDateValid(d: Date): boolean {
  return !Number.isNaN(d.getTime());
}

/** A long string's one line: its start, and how long it is. */
function cutString(text: string): string {
  const shown = JSON.stringify(text.slice(0, TEXT_PAGE));
  return `${shown.slice(0, -1)}…" (${text.length} characters; expand for all of it)`;
}

/**
 * A one-line rendering. Only the top level lists its items (`depth` 0): a nested object is
 * `{…}`, so a preview never walks far into a value, and a cyclic one ends.
 */
export function preview(value: unknown, depth = 0): string {
  switch (typeof value) {
    case 'string':
      if (depth > 0) return JSON.stringify(clip(value));
      return value.length > TEXT_PAGE ? cutString(value) : JSON.stringify(value);
    case 'bigint':
      return `${value}n`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
    case 'function':
      return 'ƒ';
    case 'symbol':
      return String(value);
  }
  if (value === null) return 'null';
  if (value instanceof Date) return isDateValid(value) ? value.toISOString() : 'Invalid Date';
  if (value instanceof RegExp) return String(value);
  if (value instanceof Error) return `${value.name}: ${clip(String(value.message))}`;
  // Items are rendered only at the top level: `items` is not called below it.
  const nested = (items: () => string[], open: string, close: string) =>
    depth > 0 ? `${open}…${close}` : clip(`${open}${items().join(', ')}${close}`);
  if (value instanceof Map) {
    const items = () =>
      [...value]
        .slice(0, 5)
        .map(([k, v]) => `${preview(k, depth + 1)} => ${preview(v, depth + 1)}`);
    return `Map(${value.size}) ${nested(items, '{', value.size > 5 ? ', …}' : '}')}`;
  }
  if (value instanceof Set) {
    const items = () => [...value].slice(0, 5).map((v) => preview(v, depth + 1));
    return `Set(${value.size}) ${nested(items, '{', value.size > 5 ? ', …}' : '}')}`;
  }
  if (Array.isArray(value)) {
    const items = () => value.slice(0, 10).map((v) => preview(v, depth + 1));
    return `Array(${value.length}) ${nested(items, '[', value.length > 10 ? ', …]' : ']')}`;
  }
  const keys = Object.keys(value as object);
  const items = () =>
    keys
      .slice(0, 8)
      .map((k) => `${k}: ${preview((value as Record<string, unknown>)[k], depth + 1)}`);
  const name = typeName(value);
  const body = nested(items, '{', keys.length > 8 ? ', …}' : '}');
  return name === 'Object' ? body : `${name} ${body}`;
}

function expandable(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Date || value instanceof RegExp) return false;
  if (value instanceof Map || value instanceof Set || Array.isArray(value)) return true;
  return value instanceof Error || Object.keys(value).length > 0;
}

function sizeOf(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  return undefined;
}

export class VariableTable {
  private handles = new Handles<Container>();
  /** The slot each slot row's handle stands for, so `setVariable` on its fields can edit it. */
  private readonly slotRows = new Map<number, { stateId: string; index: number }>();

  constructor(private readonly pager: SlotPager) {}

  /** Forgets every handle: the values they stood for changed when the worker resumed. */
  reset(): void {
    this.handles.reset();
    this.slotRows.clear();
  }

  /** The slot whose row has this handle, if it is one. */
  slotOf(ref: number): { stateId: string; index: number } | undefined {
    return this.slotRows.get(ref);
  }

  create(container: Container): number {
    return this.handles.create(container);
  }

  get(ref: number): Container | undefined {
    return this.handles.get(ref);
  }

  /** The DAP variable for a decoded value. */
  variable(name: string, value: unknown, evaluateName: string): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = {
      name,
      value: preview(value),
      type: typeName(value),
      evaluateName,
      variablesReference: 0,
    };
    if (typeof value === 'string' && value.length > TEXT_PAGE) {
      v.variablesReference = this.create({ kind: 'text', text: value, path: evaluateName });
      v.indexedVariables = Math.ceil(value.length / TEXT_PAGE);
    } else if (expandable(value)) {
      v.variablesReference = this.create({ kind: 'value', value, path: evaluateName });
      const size = sizeOf(value);
      if (size !== undefined && size > PAGE) v.indexedVariables = size;
    }
    return v;
  }

  async variables(
    ref: number,
    args: DebugProtocol.VariablesArguments,
  ): Promise<DebugProtocol.Variable[]> {
    const container = this.handles.get(ref);
    if (!container) return [];
    if (container.kind === 'scope')
      return this.children(await container.load(), container.path, args);
    if (container.kind === 'value') return this.children(container.value, container.path, args);
    if (container.kind === 'text') return textPages(container.text, container.path, args);
    const start = Math.max(0, args.start ?? 0);
    const count = Math.min(args.count || container.count, container.count - start);
    if (count <= 0) return [];
    const slots = await this.pager(container.stateId, start, count);
    return slots.map((slot, i) => {
      const v = this.variable(`[${start + i}]`, slot, `${container.path}[${start + i}]`);
      v.value = slotPreview(slot);
      v.type = 'slot';
      if (v.variablesReference > 0)
        this.slotRows.set(v.variablesReference, { stateId: container.stateId, index: start + i });
      return v;
    });
  }

  private children(
    value: unknown,
    path: string,
    args: DebugProtocol.VariablesArguments,
  ): DebugProtocol.Variable[] {
    const size = sizeOf(value);
    const paged = size !== undefined && size > PAGE;
    if (paged && args.filter === 'named') return [];
    const start = paged ? Math.max(0, args.start ?? 0) : 0;
    const end = paged ? Math.min(size, start + (args.count || size)) : (size ?? 0);
    if (Array.isArray(value)) {
      const out: DebugProtocol.Variable[] = [];
      for (let i = start; i < end; i++)
        out.push(this.variable(`[${i}]`, value[i], `${path}[${i}]`));
      return out;
    }
    if (value instanceof Set) {
      return [...value]
        .slice(start, end)
        .map((item, i) => this.variable(`[${start + i}]`, item, `${path}.at(${start + i})`));
    }
    if (value instanceof Map) {
      return [...value].slice(start, end).map(([k, v], i) => {
        const literal = keyLiteral(k);
        if (literal !== undefined && !paged)
          return this.variable(literal, v, `${path}.get(${literal})`);
        const entry = { key: k, value: v };
        const out = this.variable(`[${start + i}]`, entry, `${path}.at(${start + i})`);
        out.value = `${preview(k, 1)} => ${preview(v, 1)}`;
        return out;
      });
    }
    if (typeof value !== 'object' || value === null) return [];
    const out: DebugProtocol.Variable[] = [];
    const record = value as Record<string, unknown>;
    if (value instanceof Error) {
      // name, message and stack are not enumerable on a real Error, yet they are what matters.
      for (const k of ['name', 'message', 'stack']) {
        if (record[k] !== undefined) out.push(this.variable(k, record[k], propPath(path, k)));
      }
    }
    for (const k of Object.keys(record)) {
      if (value instanceof Error && (k === 'name' || k === 'message' || k === 'stack')) continue;
      out.push(this.variable(k, record[k], propPath(path, k)));
    }
    return out;
  }
}

/** The pages of a long string asked for (`start`/`count` count pages), each a string of its own. */
function textPages(
  text: string,
  path: string,
  args: DebugProtocol.VariablesArguments,
): DebugProtocol.Variable[] {
  if (args.filter === 'named') return [];
  const pages = Math.ceil(text.length / TEXT_PAGE);
  const start = Math.max(0, args.start ?? 0);
  const end = Math.min(pages, start + (args.count || pages));
  const out: DebugProtocol.Variable[] = [];
  for (let i = start; i < end; i++) {
    const from = i * TEXT_PAGE;
    const to = Math.min(text.length, from + TEXT_PAGE);
    out.push({
      name: `[${from}…${to - 1}]`,
      value: JSON.stringify(text.slice(from, to)),
      type: 'string',
      evaluateName: `${path}.slice(${from}, ${to})`,
      variablesReference: 0,
    });
  }
  return out;
}

/** `charge SUCCEEDED {…}`: the slot row's one line. */
export function slotPreview(slot: Record<string, unknown>): string {
  const parts = [String(slot.functionId), String(slot.status)];
  if (slot.status === 'SUCCEEDED' && 'result' in slot) parts.push(clip(preview(slot.result)));
  if (slot.status === 'FAILED' && slot.error !== undefined) parts.push(clip(preview(slot.error)));
  if (slot.path !== undefined) parts.push(`(${String(slot.path)})`);
  return parts.join(' ');
}
