// The debugger meets the same unusable state folders as the CLI: a corrupt or foreign journal is
// a launch error naming file and line, a torn last line is reported and tolerated, and the
// journal's bytes are never changed by a refusal.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  assertNoWorkerLeft,
  endSession,
  launch,
  ORDERS,
  ORDER_INPUTS,
  startSession,
  tempDir,
  waitForEventWhere,
  type Session,
} from './support';

function journalIn(lines: string, agent = 'orders'): { stateDir: string; file: string } {
  const stateDir = tempDir('durable-dap-state-');
  const file = path.join(stateDir, 'journal.jsonl');
  const header = {
    format: 'durable-run-journal',
    version: 1,
    agent,
    created: '2026-01-01T00:00:00Z',
  };
  fs.writeFileSync(file, JSON.stringify(header) + '\n' + lines);
  return { stateDir, file };
}

async function launchError(s: Session, args: Record<string, unknown>): Promise<string> {
  try {
    await launch(s, args);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('the launch succeeded');
}

describe('state folders the debugger cannot use', () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
    await assertNoWorkerLeft(s.pids);
  });

  it('refuses to recover from a journal with a corrupt middle line, naming file and line, and leaves it as it was', async () => {
    const { stateDir, file } = journalIn(
      'this is not json\n{"op":"end","attempt":1,"outcome":"done"}\n',
    );
    const before = fs.readFileSync(file);
    const message = await launchError(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      stateDir,
      fresh: false,
    });
    assert.ok(message.includes(`${file}:2`), message);
    assert.match(message, /not valid JSON/);
    // In the words of a launch configuration: no CLI flag.
    assert.match(message, /debug again with "fresh": true/);
    assert.doesNotMatch(message, /--fresh/);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('refuses the journal of another agent and says whose it is', async () => {
    const { stateDir, file } = journalIn('', 'billing');
    const before = fs.readFileSync(file);
    const message = await launchError(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      stateDir,
      fresh: false,
    });
    assert.match(message, /holds the journal of agent "billing", and this agent is "orders"/);
    assert.match(message, /Give this agent a "stateDir" of its own/);
    assert.doesNotMatch(message, /--state|--fresh|unreadable/);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('refuses the journal of another agent with "fresh" too, and keeps it where it is', async () => {
    const { stateDir, file } = journalIn('', 'billing');
    const before = fs.readFileSync(file);
    const message = await launchError(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      stateDir,
      fresh: true,
    });
    assert.match(message, /holds the journal of agent "billing".*left untouched/);
    assert.deepEqual(fs.readdirSync(stateDir), ['journal.jsonl']);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it('refuses a journal written by an unknown format version', async () => {
    const stateDir = tempDir('durable-dap-state-');
    const file = path.join(stateDir, 'journal.jsonl');
    fs.writeFileSync(
      file,
      JSON.stringify({ format: 'durable-run-journal', version: 7, agent: 'orders' }) + '\n',
    );
    const message = await launchError(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      stateDir,
      fresh: false,
    });
    assert.match(message, /format version 7/);
  });

  it('tolerates a torn last line: it says so in the console, runs, and keeps the torn bytes', async () => {
    const torn =
      '{"op":"attempt","attempt":1,"kind":"run","at":"2026-01-01T00:00:00Z"}\n{"op":"ini';
    const { stateDir, file } = journalIn(torn);
    const before = fs.readFileSync(file);
    const warned = waitForEventWhere(s, 'output', (b) => /incomplete/.test(String(b.output)));
    const ended = s.dc.waitForEvent('terminated');
    await launch(s, { program: ORDERS, inputs: ORDER_INPUTS, stateDir, fresh: false });
    const warning = await warned;
    assert.ok(String(warning.body.output).includes(`${file}:3`), String(warning.body.output));
    await ended;
    assert.deepEqual(fs.readFileSync(file).subarray(0, before.length), before);
  });

  it('answers slots with an error naming file and line when the journal holds a value nested 100,000 levels deep', async () => {
    const stateDir = tempDir('durable-dap-state-');
    const crashed = s.dc.waitForEvent('durableRun.crash');
    await launch(s, {
      program: ORDERS,
      inputs: ORDER_INPUTS,
      stateDir,
      crash: { point: 'before-outcome', call: 'charge' },
    });
    await crashed;
    // With the worker gone, the views read the journal: a hostile line is appended to it.
    const file = path.join(stateDir, 'journal.jsonl');
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const line = `{"op":"slot","id":"alice#0/0/checkout","index":0,"slot":{"functionId":"price","argsDigest":"0000000000000000","status":"SUCCEEDED","result":{"json":${deep}}}}`;
    fs.appendFileSync(file, line + '\n');
    const lineNo = fs.readFileSync(file, 'utf8').trimEnd().split('\n').length;
    await assert.rejects(
      s.dc.customRequest('slots', {}),
      new RegExp(`journal\\.jsonl:${lineNo}: a value in it is nested more than 2500 levels deep`),
    );
    await assert.rejects(s.dc.customRequest('timeline', {}), /nested more than 2500 levels deep/);
  });
});
