// Security: payloads are decoded without evaluating code. A hand-crafted journal (hostileJournal.ts)
// holds code strings that would write a marker file if run, annotations naming unknown classes and
// types, and `__proto__` / `constructor.prototype` keys and paths. Decoded in this process through
// the runtime's codec, shown by `slots --json` and `timeline --json`, shown in the DAP Slots scope
// and replayed by the worker: they stay data, the marker never appears, and no built-in prototype
// changes (checked here, and by the agent inside the worker that replayed them).
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Slot } from '../../src/runtime/actionState';
import { decode, decodeError } from '../../src/runtime/codec';
import { stateViews } from '../../src/runtime/inspect';
import { JournalStore } from '../../src/runtime/journalStore';
import { codeStrings, HOSTILE_AGENT, hostileSlots, writeHostileJournal } from './hostileJournal';
import { jsonLines, launchToStop, runCli, startDap, tempDir, type DapSession } from './support';

const BUILTINS: Array<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['Error.prototype', Error.prototype],
  ['String.prototype', String.prototype],
];

/** Every own property of the built-in prototypes, with its value or accessors, by identity. */
function snapshot(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, proto] of BUILTINS) {
    out.set(`${name} [[Prototype]]`, Object.getPrototypeOf(proto));
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      out.set(`${name}.${String(key)}`, (d.get ?? d.set) ? [d.get, d.set] : d.value);
    }
  }
  return out;
}

function assertUnchanged(before: Map<string, unknown>): void {
  const after = snapshot();
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
    (k) => before.get(k) !== after.get(k) && !Array.isArray(before.get(k)),
  );
  assert.deepEqual(changed, [], `built-in prototypes changed: ${changed.join(', ')}`);
  assert.equal(before.size, after.size);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(([] as unknown as Record<string, unknown>).polluted, undefined);
}

function markerPath(): string {
  return path.join(tempDir('durable-marker-'), 'payload-code-ran');
}

describe('hostile payloads decoded in this process by the runtime codec', () => {
  const marker = markerPath();
  const slots = hostileSlots(marker).map((s) => ({
    label: s.label,
    slot: JSON.parse(s.json.replace('"@"', '"0000000000000000"')) as Slot,
  }));

  it('are each decoded as data or refused with an error; none of their code runs', () => {
    const outcomes: string[] = [];
    for (const { label, slot } of slots) {
      try {
        const value = slot.result ? decode(slot.result) : decodeError(slot.error!);
        outcomes.push(`${label}: ${typeof value}`);
      } catch (error) {
        assert.ok(error instanceof Error, `${label}: threw a non-Error`);
        outcomes.push(`${label}: refused`);
      }
    }
    assert.equal(outcomes.length, slots.length);
    assert.equal(fs.existsSync(marker), false, 'a payload ran: the marker file exists');
  });

  it('leave Object.prototype and the other built-in prototypes as they were', () => {
    const before = snapshot();
    for (const { slot } of slots) {
      for (let i = 0; i < 3; i++) {
        try {
          if (slot.result) decode(slot.result);
          else decodeError(slot.error!);
        } catch {
          // refused: fine, checked above
        }
      }
    }
    assertUnchanged(before);
  });

  it('a code string decodes to the same string, not to what running it would give', () => {
    const [code] = codeStrings(marker);
    assert.equal(decode(slots[0].slot.result!), code);
    const obj = decode<Record<string, unknown>>(slots[1].slot.result!);
    assert.equal(typeof obj.run, 'string');
    assert.equal(Object.getPrototypeOf(obj), Object.prototype);
  });

  it('a __proto__ key never becomes the prototype of what is decoded', () => {
    const value = decode<Record<string, unknown>>(slots[2].slot.result!);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(value.polluted, undefined);
    assert.equal(value.note, 'data');
  });

  it('a failure whose properties hold __proto__ and whose class name is "constructor" replays as a plain Error', () => {
    const error = decodeError(slots.find((s) => s.slot.status === 'FAILED')!.slot.error!) as Error;
    assert.equal(Object.getPrototypeOf(error), Error.prototype);
    assert.equal((error as unknown as Record<string, unknown>).polluted, undefined);
    assert.equal(error.message, codeStrings(marker)[0]);
  });

  it('are read from the journal file and listed as data (what `slots` prints)', () => {
    const stateDir = path.join(tempDir(), '.durable');
    writeHostileJournal(stateDir, marker);
    const before = snapshot();
    const [state] = stateViews(JournalStore.open(stateDir, { readOnly: true }));
    assert.equal(state.slots.length, slots.length);
    assert.equal(state.slots[0].result, codeStrings(marker)[0]);
    assertUnchanged(before);
    assert.equal(fs.existsSync(marker), false);
  });
});

describe('hostile payloads through the CLI', () => {
  const marker = markerPath();
  let stateDir: string;
  before(() => {
    stateDir = path.join(tempDir(), '.durable');
    writeHostileJournal(stateDir, marker);
  });

  it('slots --json prints every payload as the JSON it was stored as, and runs none', async () => {
    const r = await runCli(['slots', '--state', stateDir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [state, ...rest] = jsonLines(r.stdout);
    assert.equal(rest.length, 0);
    const printed = state.slots as Array<Record<string, unknown>>;
    const expected = hostileSlots(marker);
    assert.equal(printed.length, expected.length);
    const [code] = codeStrings(marker);
    assert.equal(printed[0].result, code);
    // The __proto__ key is printed as a key, with its value: data, shown as stored.
    const proto = printed[2].result as Record<string, unknown>;
    assert.deepEqual(Object.keys(proto), ['__proto__', 'constructor', 'note']);
    assert.equal(
      JSON.stringify(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value),
      JSON.stringify({ polluted: 'yes', toString: code }),
    );
    const failed = printed.find((s) => s.status === 'FAILED')!;
    assert.deepEqual(failed.error, { name: 'Error', message: code });
    assert.equal(fs.existsSync(marker), false, 'a payload ran: the marker file exists');
  });

  it('slots and timeline without --json print tables, and run none', async () => {
    for (const args of [
      ['slots', '--state', stateDir],
      ['timeline', '--state', stateDir, '--json'],
      ['timeline', '--state', stateDir],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.equal(fs.existsSync(marker), false, 'a payload ran: the marker file exists');
  });
});

describe('hostile journal records', () => {
  for (const index of ['"__proto__"', '"length"', '"constructor"']) {
    it(`a slot record whose index is ${index} is refused as corrupt, naming its line, and the file is untouched`, async () => {
      const stateDir = path.join(tempDir(), '.durable');
      writeHostileJournal(stateDir, markerPath());
      const journal = path.join(stateDir, 'journal.jsonl');
      const lines = fs.readFileSync(journal, 'utf8').split('\n');
      lines.splice(4, 0, lines[3].replace('"index":0', `"index":${index}`));
      fs.writeFileSync(journal, lines.join('\n'));
      const text = fs.readFileSync(journal, 'utf8');
      const r = await runCli(['slots', '--state', stateDir, '--json']);
      assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
      assert.match(r.stderr, /journal\.jsonl:5: slot index .* is not a whole number/);
      assert.equal(fs.readFileSync(journal, 'utf8'), text);
    });
  }
});

describe('hostile payloads in a debug session', () => {
  const marker = markerPath();
  let s: DapSession;
  let frameId: number;
  let slotsRef: number;
  let rows: DebugProtocol.Variable[];
  const expected = hostileSlots(marker);

  before(async () => {
    const stateDir = path.join(tempDir(), '.durable');
    const { inputs } = writeHostileJournal(stateDir, marker);
    s = await startDap();
    const stop = await launchToStop(s, {
      program: HOSTILE_AGENT,
      inputs,
      stateDir,
      fresh: false,
      stopOnEntry: true,
    });
    const frames = await s.dc.stackTraceRequest({ threadId: stop.body.threadId! });
    frameId = frames.body.stackFrames[0].id;
    const scopes = (await s.dc.scopesRequest({ frameId })).body.scopes;
    const slots = scopes.find((sc) => sc.name.startsWith('Slots'))!;
    assert.equal(slots.indexedVariables, expected.length);
    slotsRef = slots.variablesReference;
    rows = (
      await s.dc.variablesRequest({
        variablesReference: slotsRef,
        filter: 'indexed',
        start: 0,
        count: expected.length,
      })
    ).body.variables;
  });
  after(async () => {
    await s.dc.stop();
  });

  async function childrenOf(ref: number): Promise<Map<string, DebugProtocol.Variable>> {
    const vars = (await s.dc.variablesRequest({ variablesReference: ref })).body.variables;
    return new Map(vars.map((v) => [v.name, v]));
  }

  it('the Slots scope lists every slot, each one a row, none failing the page', () => {
    assert.deepEqual(
      rows.map((r) => r.name),
      expected.map((_, i) => `[${i}]`),
    );
  });

  it('a code string is shown as a string', async () => {
    const slot = await childrenOf(rows[0].variablesReference);
    assert.equal(slot.get('result')?.value, JSON.stringify(codeStrings(marker)[0]));
  });

  it('a __proto__ key is shown as a key holding data, in the payload as it was stored', async () => {
    const slot = await childrenOf(rows[2].variablesReference);
    const result = await childrenOf(slot.get('result')!.variablesReference);
    assert.match(result.get('reason')?.value ?? '', /holds a __proto__ key/);
    const json = await childrenOf(result.get('json')!.variablesReference);
    assert.deepEqual([...json.keys()], ['__proto__', 'constructor', 'note']);
    const proto = await childrenOf(json.get('__proto__')!.variablesReference);
    assert.equal(proto.get('polluted')?.value, '"yes"');
    assert.equal(proto.get('toString')?.value, JSON.stringify(codeStrings(marker)[0]));
  });

  it('a payload naming an unknown class is shown as its stored JSON, with why it was not decoded', async () => {
    const slot = await childrenOf(rows[3].variablesReference);
    const result = await childrenOf(slot.get('result')!.variablesReference);
    assert.match(result.get('reason')?.value ?? '', /unknown class/);
    const json = await childrenOf(result.get('json')!.variablesReference);
    const a = await childrenOf(json.get('a')!.variablesReference);
    assert.equal(a.get('cmd')?.value, JSON.stringify(codeStrings(marker)[0]));
  });

  it('every slot can be opened, down to its leaves', async () => {
    const queue = rows.map((r) => r.variablesReference);
    let opened = 0;
    while (queue.length > 0 && opened < 500) {
      const ref = queue.shift()!;
      if (ref === 0) continue;
      opened++;
      for (const v of (await s.dc.variablesRequest({ variablesReference: ref })).body.variables)
        queue.push(v.variablesReference);
    }
    assert.ok(opened >= rows.length);
    assert.equal(fs.existsSync(marker), false, 'a payload ran: the marker file exists');
  });

  it('Watch expressions are looked up, not run: a payload path gives data, code is refused', async () => {
    const value = await s.dc.evaluateRequest({
      expression: 'slots[2].result.json["__proto__"].polluted',
      frameId,
      context: 'watch',
    });
    assert.equal(value.body.result, '"yes"');
    for (const expression of codeStrings(marker)) {
      await assert.rejects(s.dc.evaluateRequest({ expression, frameId, context: 'repl' }));
    }
    assert.equal(fs.existsSync(marker), false, 'an expression ran: the marker file exists');
  });

  it('the worker replays every hostile slot, runs none, and its prototypes stay unchanged', async () => {
    const output = new Promise<string>((resolve) => {
      const seen = (e: DebugProtocol.OutputEvent) => {
        if (!e.body.output.startsWith('output k#0')) return;
        s.dc.removeListener('output', seen);
        resolve(e.body.output);
      };
      s.dc.on('output', seen);
    });
    const ended = s.dc.waitForEvent('terminated');
    await s.dc.continueRequest({ threadId: 1 });
    const line = await output;
    await ended;
    const report = JSON.parse(line.slice(line.indexOf(':') + 1)) as {
      outcomes: string[];
      changed: string[];
      polluted: unknown;
    };
    assert.equal(report.outcomes.length, expected.length);
    assert.equal(report.outcomes[0], 'string');
    assert.deepEqual(report.changed, []);
    assert.equal(report.polluted, null);
    assert.equal(fs.existsSync(marker), false, 'a payload ran: the marker file exists');
  });
});
