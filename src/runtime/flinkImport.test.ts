// Tests of the Flink Agents importer over dumps built from the format facts (shared spec
// flink-agents-action-state-format.md): both line forms, tombstones and later versions of a key,
// legacy call results without a status, Python payloads kept as opaque pickles, Kryo memory
// envelopes, unknown fields kept, and bad lines refused with nothing written.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { FlinkActionState } from './flinkDump';
import { importFlinkDump, parseFlinkKey } from './flinkImport';
import { JournalStore } from './journalStore';
import { pickledType } from './pickleInfo';
import { pythonErrorOf, pythonValueOf } from './pythonPayload';
import { recordedInputs } from './stateStore';
import { newDir } from '../../test/support/journal';

// Made by the real package (cloudpickle 2.1.0): cloudpickle.dumps({"total": 600, "currency": "EUR"})
// and cloudpickle.dumps(ValueError("card declined")).
const PICKLED_DICT = 'gAWVIQAAAAAAAAB9lCiMBXRvdGFslE1YAowIY3VycmVuY3mUjANFVVKUdS4=';
const PICKLED_ERROR =
  'gAWVLwAAAAAAAACMCGJ1aWx0aW5zlIwKVmFsdWVFcnJvcpSTlIwNY2FyZCBkZWNsaW5lZJSFlFKULg==';
const EVENT_UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const CHECK = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const PAY = '550e8400-e29b-41d4-a716-446655440000';

const key = (k: string, seq: number, action: string) => `${k}_${seq}_${EVENT_UUID}_${action}`;
const input = (value: unknown) => ({
  '@class': 'org.apache.flink.agents.api.InputEvent',
  id: EVENT_UUID,
  input: value,
});

function dumpFile(lines: string[]): string {
  const dir = newDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'dump.txt');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const tab = (k: string, v: FlinkActionState | null) => `${k}\t${JSON.stringify(v)}`;

describe('import-flink', () => {
  it('maps keys, call results, payloads, memory and output events; the last record of a key wins', async () => {
    const pending: FlinkActionState = {
      taskEvent: input({ order: 'o1' }),
      shortTermMemoryUpdates: [{ path: 'draft', value: null }],
      callResults: [
        {
          functionId: 'shop.check',
          argsDigest: 'ab12',
          resultPayload: PICKLED_DICT,
          exceptionPayload: null,
          status: 'SUCCEEDED',
        },
        {
          functionId: 'shop.pay',
          argsDigest: 'cd34',
          resultPayload: null,
          exceptionPayload: null,
          status: 'PENDING',
        },
      ],
      completed: false,
    };
    const done: FlinkActionState = {
      taskEvent: input({ order: 'o0' }),
      shortTermMemoryUpdates: [
        { path: 'seen', value: { serde: 'kryo', version: 1, payload: 'AQID' } },
      ],
      sensoryMemoryUpdates: [{ path: 'tmp', value: null }],
      outputEvents: [
        {
          '@class': 'org.apache.flink.agents.api.OutputEvent',
          type: 'OutputEvent',
          attributes: { output: 'ok' },
        },
      ],
      callResults: [],
      completed: true,
      futureField: { shard: 3 },
    };
    const legacy: FlinkActionState = {
      taskEvent: input({ order: 'o2' }),
      callResults: [
        {
          functionId: 'shop.check',
          argsDigest: 'ef56',
          resultPayload: null,
          exceptionPayload: PICKLED_ERROR,
        },
        {
          functionId: 'shop.pay',
          argsDigest: 'gh78',
          resultPayload: 'eyJvayI6dHJ1ZX0=',
          exceptionPayload: null,
        },
      ],
      completed: false,
    };
    const file = dumpFile([
      tab(key('alice', 1, CHECK), { ...pending, callResults: [] }),
      tab(key('alice', 1, CHECK), pending),
      JSON.stringify({ key: key('alice', 0, CHECK), value: done }),
      tab(key('bob', 4, PAY), legacy),
      tab(key('carol', 1, PAY), legacy),
      `${key('carol', 1, PAY)}\tnull`,
    ]);
    const dir = newDir();
    const result = await importFlinkDump(file, dir, {
      agent: 'shop',
      actions: { [CHECK]: 'check' },
    });
    assert.deepEqual(result.counts, {
      records: 6,
      states: 3,
      slots: 4,
      skipped: 1,
      pruned: 1,
      inputs: 3,
    });
    assert.ok(result.warnings.some((w) => /unknown field "futureField"/.test(w)));
    assert.ok(result.warnings.some((w) => /--actions UUID=NAME/.test(w)));
    const store = JournalStore.open(dir, { agent: 'shop', readOnly: true });
    const alice1 = store.get('alice#1/0/check')!;
    assert.equal(alice1.imported?.key, key('alice', 1, CHECK));
    assert.deepEqual(alice1.memoryUpdates, [], 'memory updates apply with a completion only');
    assert.deepEqual(alice1.imported?.kept?.shortTermMemoryUpdates, [
      { path: 'draft', value: null },
    ]);
    assert.deepEqual(alice1.event.json, {
      type: 'InputEvent',
      attributes: { key: 'alice', input: { order: 'o1' } },
    });
    assert.deepEqual(
      alice1.slots.map((s) => s.status),
      ['SUCCEEDED', 'PENDING'],
    );
    const dict = pythonValueOf(alice1.slots[0].result)!;
    assert.equal(dict.pickle, PICKLED_DICT, 'the pickle is kept byte for byte');
    assert.equal(dict.type, 'builtins.dict');
    assert.equal(dict.json, undefined, 'nothing was unpickled');
    const alice0 = store.get('alice#0/0/check')!;
    assert.ok(alice0.completed);
    assert.deepEqual(alice0.memoryUpdates, [
      { path: 'seen', value: { json: { serde: 'kryo', version: 1, payload: 'AQID' } } },
    ]);
    assert.deepEqual(alice0.outputEvents[0].json, {
      type: 'OutputEvent',
      attributes: { output: 'ok' },
    });
    assert.deepEqual(alice0.imported?.kept?.futureField, { shard: 3 });
    assert.deepEqual(alice0.imported?.kept?.sensoryMemoryUpdates, [{ path: 'tmp', value: null }]);
    const bob = store.get(`bob#0/0/flink:${PAY}`)!;
    assert.deepEqual(
      bob.slots.map((s) => s.status),
      ['FAILED', 'SUCCEEDED'],
      'legacy results without a status',
    );
    assert.equal(pythonErrorOf(bob.slots[0].error)?.pickle, PICKLED_ERROR);
    assert.equal(bob.slots[0].error?.name, 'ValueError');
    assert.deepEqual(bob.slots[1].result, { json: { ok: true } }, 'a Java JSON payload');
    assert.equal(store.get(`carol#0/0/flink:${PAY}`), undefined, 'a pruned key is left out');
    assert.deepEqual(recordedInputs(store), [
      { key: 'alice', input: { order: 'o0' } },
      { key: 'bob', input: { order: 'o2' } },
      { key: 'alice', input: { order: 'o1' } },
    ]);
  });

  it('a line that is not an action state, or of a version it cannot read, is an error naming the line', async () => {
    const cases: Array<[string, RegExp]> = [
      ['just some text', /:2: the line is neither `key<TAB>value`/],
      ['k_0\t{"hello":1}', /:2: the value is not a Flink Agents ActionState/],
      ['k_0\t{not json', /:2: the value after the tab is not JSON/],
      ['k_0\t{"completed":false,"version":7}', /format version 7, which this importer cannot read/],
      [
        'k_0\t{"callResults":[{"functionId":"f","argsDigest":"","status":"LOST"}]}',
        /status "LOST"/,
      ],
    ];
    for (const [line, message] of cases) {
      const dir = newDir();
      await assert.rejects(importFlinkDump(dumpFile(['', line]), dir), (e: Error) => {
        assert.match(e.message, message);
        assert.match(e.message, /dump\.txt:2: /);
        return true;
      });
      assert.equal(fs.existsSync(dir), false, 'nothing was written');
    }
  });

  it('a key is split into key and sequence number only when its fields parse', () => {
    assert.deepEqual(parseFlinkKey(`a_b_3_${EVENT_UUID}_${PAY}`), {
      key: 'a_b',
      seq: 3,
      action: PAY,
    });
    assert.deepEqual(parseFlinkKey('user-7_12'), { key: 'user-7', seq: 12, action: undefined });
    assert.deepEqual(parseFlinkKey('opaque-key'), { key: 'opaque-key' });
  });

  it('the type of a pickle is read from its first opcodes, never by unpickling', () => {
    assert.equal(pickledType(Buffer.from(PICKLED_DICT, 'base64')), 'builtins.dict');
    assert.equal(pickledType(Buffer.from(PICKLED_ERROR, 'base64')), 'builtins.ValueError');
    assert.equal(pickledType(Buffer.from('{"a":1}')), undefined);
  });
});
