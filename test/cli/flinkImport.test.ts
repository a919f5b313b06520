// CLI test of import-flink: a dump of Flink Agents' action-state topic, as kafka-console-consumer
// prints it, imported into a state folder and recovered by the TypeScript ledger agent: the
// finished call replays, the PENDING one goes to its reconciler, the one never made executes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { encode } from '../../src/runtime/codec';
import { argsDigest } from '../../src/runtime/identity';
import {
  FIXTURES,
  eventsOf,
  jsonLines,
  ledgerCounts,
  runCli,
  slotsOf,
  tempDir,
} from '../crash/cliHarness';

const AGENT = path.join(FIXTURES, 'ledgerAgent.ts');
const ORDER_ACTION = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const EVENT = '0f8fad5b-d9cb-469f-a165-70867728950e';
const digest = (args: unknown[]) => argsDigest(encode(args));
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('durable-run import-flink', () => {
  it('imports a kafka-console-consumer dump, and a recovery replays, reconciles and executes', async () => {
    const dir = tempDir();
    const order = { id: 'o1', cents: 500 };
    // Java-style payloads (Jackson JSON bytes), as a Java agent's state holds them.
    const state = {
      taskEvent: {
        '@class': 'org.apache.flink.agents.api.InputEvent',
        id: EVENT,
        input: order,
      },
      sensoryMemoryUpdates: [],
      shortTermMemoryUpdates: [],
      outputEvents: [],
      callResults: [
        {
          functionId: 'quote',
          argsDigest: digest([order]),
          resultPayload: base64(600),
          exceptionPayload: null,
          status: 'SUCCEEDED',
        },
        {
          functionId: 'charge',
          argsDigest: digest([order, 600]),
          resultPayload: null,
          exceptionPayload: null,
          status: 'PENDING',
        },
      ],
      completed: false,
    };
    const dump = path.join(dir, 'topic.txt');
    fs.writeFileSync(dump, `alice_0_${EVENT}_${ORDER_ACTION}\t${JSON.stringify(state)}\n`);
    const folder = path.join(dir, 'state');
    const imported = await runCli([
      'import-flink',
      dump,
      '--state',
      folder,
      '--agent',
      'ledger-agent',
      '--actions',
      `${ORDER_ACTION}=order`,
      '--json',
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    const line = jsonLines(imported.stdout).find((e) => e.event === 'import-flink');
    assert.deepEqual([line?.states, line?.slots, line?.inputs], [1, 2, 1]);
    const slots = await slotsOf(folder);
    assert.equal(slots[0].id, 'alice#0/0/order');
    assert.equal(
      (slots[0] as unknown as { imported: { key: string } }).imported.key,
      `alice_0_${EVENT}_${ORDER_ACTION}`,
    );
    const ledger = path.join(dir, 'ledger.jsonl');
    const recovered = await runCli(['recover', AGENT, '--state', folder, '--json'], {
      env: { CRASH_LEDGER: ledger },
    });
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.deepEqual(
      eventsOf(recovered, 'call')
        .filter((e) => e.action === 'order')
        .map((e) => `#${e.index} ${e.functionId} ${e.path}`),
      ['#0 quote replay', '#1 charge reconcile', '#2 email execute'],
    );
    assert.deepEqual(ledgerCounts(ledger), { 'charge:o1': 1, 'email:o1': 1, 'label:o1': 1 });
  });

  it('a dump line that is not an action state is refused, naming the line, and nothing is written', async () => {
    const dir = tempDir();
    const dump = path.join(dir, 'topic.txt');
    fs.writeFileSync(dump, 'k_0\t{"completed":false}\nk_1\t[1,2]\n');
    const folder = path.join(dir, 'state');
    const result = await runCli(['import-flink', dump, '--state', folder]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /topic\.txt:2: the value is not a JSON object \(an ActionState\)/);
    assert.equal(fs.existsSync(folder), false);
  });
});
