// A hand-crafted journal whose slot payloads are hostile: strings that are code (each would write
// a marker file if it ever ran), superjson annotations naming classes, custom types, symbols and
// typed arrays this process does not know, annotations that walk through `__proto__`,
// `constructor` and `prototype`, and plain JSON with a `__proto__` key. Used by payloads.test.ts;
// written line by line in the journal's own format, for the agent in fixtures/hostilePayloads.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encode } from '../../src/runtime/codec';
import { argsDigest, stateIdOf } from '../../src/runtime/identity';
import { JOURNAL_FILE, JOURNAL_FORMAT, JOURNAL_VERSION } from '../../src/runtime/journalStore';
import { FIXTURES } from './support';

export const HOSTILE_AGENT = path.join(FIXTURES, 'hostilePayloads.ts');
export const IDENTITY = { key: 'k', seq: 0, eventIndex: 0, action: 'read' };
export const STATE_ID = stateIdOf(IDENTITY);

/** Source texts that write `marker` when run, in the shapes an evaluator might run them. */
export function codeStrings(marker: string): string[] {
  const m = JSON.stringify(marker);
  return [
    `require('fs').writeFileSync(${m}, 'ran')`,
    `process.mainModule.require('fs').writeFileSync(${m}, 'ran')`,
    `(() => require('fs').writeFileSync(${m}, 'ran'))()`,
    `\${require('fs').writeFileSync(${m}, 'ran')}`,
    `constructor.constructor("require('fs').writeFileSync(${m.replace(/"/g, '\\"')}, 'ran')")()`,
  ];
}

export interface HostileSlot {
  label: string;
  /** The slot record's `slot` field, as JSON text (so a `__proto__` key stays a key). */
  json: string;
}

/** The hostile slots, in journal order: slot i is the i-th call of `load(i)`. */
export function hostileSlots(marker: string): HostileSlot[] {
  const [code, mainModule, arrow, template, ctor] = codeStrings(marker);
  const c = (s: string) => JSON.stringify(s);
  const ok = (result: string) =>
    `{"functionId":"load","argsDigest":"@","status":"SUCCEEDED","result":${result}}`;
  return [
    { label: 'a string that is code', json: ok(`{"json":${c(code)}}`) },
    {
      label: 'code strings in an object, with a constructor key',
      json: ok(
        `{"json":{"run":${c(mainModule)},"arrow":${c(arrow)},"template":${c(template)},"constructor":${c(ctor)}}}`,
      ),
    },
    {
      label: 'a __proto__ key in plain JSON',
      json: ok(
        `{"json":{"__proto__":{"polluted":"yes","toString":${c(code)}},"constructor":{"prototype":{"polluted":"yes"}},"note":"data"}}`,
      ),
    },
    {
      label: 'an annotation naming an unknown class',
      json: ok(
        `{"json":{"a":{"cmd":${c(code)}}},"meta":{"values":{"a":[["class","Evil"]]},"v":1}}`,
      ),
    },
    {
      label: 'a malformed class annotation',
      json: ok(`{"json":{"a":1},"meta":{"values":["class","Evil"]}}`),
    },
    {
      label: 'an unknown custom type named Function',
      json: ok(`{"json":${c(code)},"meta":{"values":[["custom","Function"]]}}`),
    },
    {
      label: 'a typed array of type Function',
      json: ok(`{"json":[1,2],"meta":{"values":[["typed-array","Function"]]}}`),
    },
    {
      label: 'an unknown symbol whose name is code',
      json: ok(`{"json":${c(code)},"meta":{"values":[["symbol",${c(code)}]]}}`),
    },
    {
      label: 'a BigInt whose digits are code',
      json: ok(`{"json":${c(code)},"meta":{"values":["bigint"]}}`),
    },
    {
      label: 'a value annotation through __proto__',
      json: ok(`{"json":{"x":1},"meta":{"values":{"__proto__.polluted":["undefined"]}}}`),
    },
    {
      label: 'a referential equality through __proto__ and constructor.prototype',
      json: ok(
        `{"json":{"a":{"polluted":"yes"},"b":{}},"meta":{"referentialEqualities":{"a":["__proto__","b.__proto__","b.constructor.prototype"]}}}`,
      ),
    },
    {
      label: 'a failure with a code message, an odd class name and __proto__ in its properties',
      json: `{"functionId":"load","argsDigest":"@","status":"FAILED","error":{"name":"Error","message":${c(code)},"stack":${c(arrow)},"className":"constructor","props":{"json":{"__proto__":{"polluted":"yes"},"code":${c(code)}}}}}`,
    },
    {
      label: 'a thrown non-Error whose value names an unknown class',
      json: `{"functionId":"load","argsDigest":"@","status":"FAILED","error":{"name":"NonError","message":"x","thrown":{"json":{"a":1},"meta":{"values":[["class","Evil"]]}}}}`,
    },
  ];
}

/** Writes the agent's journal: one action state, not completed, holding the hostile slots. */
export function writeHostileJournal(
  stateDir: string,
  marker: string,
): { slots: HostileSlot[]; inputs: Array<{ key: string; input: number }> } {
  const slots = hostileSlots(marker);
  const event = { type: 'InputEvent', attributes: { key: IDENTITY.key, input: slots.length } };
  const lines = [
    JSON.stringify({
      format: JOURNAL_FORMAT,
      version: JOURNAL_VERSION,
      agent: 'hostile-payloads',
      created: new Date().toISOString(),
    }),
    JSON.stringify({ op: 'attempt', attempt: 1, kind: 'run', at: new Date().toISOString() }),
    JSON.stringify({ op: 'init', id: STATE_ID, ...IDENTITY, event: encode(event) }),
    ...slots.map(
      (s, i) =>
        `{"op":"slot","id":${JSON.stringify(STATE_ID)},"index":${i},"slot":${s.json.replace('"@"', JSON.stringify(argsDigest(encode([i]))))}}`,
    ),
  ];
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(path.join(stateDir, JOURNAL_FILE), lines.join('\n') + '\n');
  return { slots, inputs: [{ key: IDENTITY.key, input: slots.length }] };
}
