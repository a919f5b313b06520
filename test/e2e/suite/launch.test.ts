// Extension-host suite: vscode.debug.startDebugging with each launch attribute of the durable-agent debugger.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireStateLock } from '../../../src/runtime/stateLock';
import {
  ALICE,
  debugHooks,
  dialogShown,
  eventually,
  isolated,
  launch,
  needsDialogWatcher,
  nextStop,
  recorder,
  sample,
  sourceFile,
  stopAllSessions,
  terminated,
} from './support';

interface AttemptBody {
  attempt: number;
  phase: 'start' | 'end';
  kind?: string;
  outcome?: string;
}

describe('Launch attributes', () => {
  debugHooks();

  it('runs the program on inline inputs to the end and prints each output', async () => {
    const { agent } = sample();
    const iso = isolated();
    const s = await launch({ program: agent, inputs: ALICE, stateDir: iso.stateDir, env: iso.env });
    await terminated(s.session);
    const output = recorder().output(s.since);
    assert.match(output, /output alice#0: .*"chargeId":"ch_order-1_\w+"/);
    assert.match(output, /attempt 1 done/);
    const exited = recorder().events('exited', s.since)[0];
    assert.equal(exited?.body.exitCode, 0, 'the session exits with code 0');
    assert.deepEqual(
      iso.charges().map((c) => c.orderId),
      ['order-1'],
    );
  });

  it('reads the inputs from inputsFile, one key per line', async () => {
    const { agent, inputsFile } = sample();
    const iso = isolated();
    const s = await launch({ program: agent, inputsFile, stateDir: iso.stateDir, env: iso.env });
    await terminated(s.session);
    const output = recorder().output(s.since);
    assert.match(output, /output alice#0: /);
    assert.match(output, /output bob#0: /);
    assert.deepEqual(
      iso
        .charges()
        .map((c) => c.orderId)
        .sort(),
      ['order-1', 'order-2'],
    );
  });

  it('refuses a launch without inputs and tells the user which attribute to add', async function () {
    needsDialogWatcher(this);
    const iso = isolated();
    const lonely = path.join(iso.dir, 'agent.ts');
    fs.copyFileSync(sample().agent, lonely);
    fs.copyFileSync(sample().ledgerJs, path.join(iso.dir, 'ledger.js'));
    const shownAfter = Date.now();
    // VS Code starts the session; the adapter's launch fails, and VS Code shows its message.
    const s = await launch({ program: lonely, stateDir: iso.stateDir }, { expectFailure: true });
    const response = recorder().response('launch', s.since);
    assert.ok(response, 'no launch response was seen');
    assert.equal(response.success, false);
    assert.match(response.message ?? '', /no inputs: give "inputs".*or "inputsFile"/);
    await dialogShown(/no inputs/, shownAfter);
    assert.equal(iso.charges().length, 0);
  });

  it('refuses a launch on a state folder another writer holds, naming it in the error', async function () {
    needsDialogWatcher(this);
    const iso = isolated();
    // What `durable-run recover` in a terminal takes first (stateLock.ts), held here on its behalf.
    const writer = await acquireStateLock(iso.stateDir, 'durable-run recover agent.ts');
    try {
      const shownAfter = Date.now();
      const s = await launch(
        { program: sample().agent, inputs: ALICE, stateDir: iso.stateDir, env: iso.env },
        { expectFailure: true },
      );
      const response = recorder().response('launch', s.since);
      assert.equal(response?.success, false);
      assert.match(
        response?.message ?? '',
        new RegExp(
          `^cannot launch: the state folder \\S+ is in use by pid ${process.pid} \\(durable-run recover agent\\.ts, since `,
        ),
      );
      await dialogShown(/is in use by pid \d+ \(durable-run recover agent\.ts/, shownAfter);
      assert.equal(recorder().events('durableRun.worker', s.since).length, 0, 'a worker started');
    } finally {
      await writer.release();
    }
    assert.equal(iso.charges().length, 0);
  });

  it('writes the journal into stateDir', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
    });
    await terminated(s.session);
    const journal = path.join(iso.stateDir, 'journal.jsonl');
    assert.ok(fs.existsSync(journal), `${journal} was not written`);
    assert.ok(
      fs.readFileSync(journal, 'utf8').includes('charge'),
      'the journal holds no charge slot',
    );
  });

  it('starts from empty state by default (fresh), so every run is attempt 1', async () => {
    const iso = isolated();
    const config = { program: sample().agent, inputs: ALICE, stateDir: iso.stateDir, env: iso.env };
    const first = await launch(config);
    await terminated(first.session);
    const second = await launch(config);
    await terminated(second.session);
    const starts = recorder()
      .events('durableRun.attempt', second.since)
      .map((e) => e.body as AttemptBody)
      .filter((b) => b.phase === 'start');
    assert.deepEqual(
      starts.map((b) => b.attempt),
      [1],
    );
    // fresh: the second run charged again, since its state started empty.
    assert.equal(iso.charges().length, 2);
  });

  it('recovers from the state folder with fresh: false, reconciling the charge in flight', async () => {
    const iso = isolated();
    const base = { program: sample().agent, stateDir: iso.stateDir, env: iso.env };
    const crashed = await launch({
      ...base,
      inputs: ALICE,
      crash: { point: 'before-outcome', call: 'charge' },
    });
    await recorder().event('durableRun.crash', crashed.since);
    await stopAllSessions();
    assert.equal(iso.charges().length, 1, 'the crash struck after the charge was made');

    const recovering = await launch({ ...base, fresh: false });
    await terminated(recovering.session);
    const starts = recorder()
      .events('durableRun.attempt', recovering.since)
      .map((e) => e.body as AttemptBody)
      .filter((b) => b.phase === 'start');
    assert.deepEqual(
      starts.map((b) => [b.attempt, b.kind]),
      [[2, 'recover']],
    );
    assert.match(recorder().output(recovering.since), /output alice#0: .*ch_order-1/);
    assert.equal(
      iso.charges().length,
      1,
      'the reconciler found the charge: the card was charged once',
    );
  });

  it('stops on entry at the start of the first action', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      stopOnEntry: true,
    });
    const stop = await nextStop(s);
    assert.equal(stop.reason, 'entry');
    assert.match(stop.top.name, /checkout · start/);
    assert.equal(sourceFile(stop.top.source), sample().agent);
    assert.equal(iso.charges().length, 0, 'nothing ran before the entry stop');
  });

  it('kills the agent process at the planned crash point and waits for Recover', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      crash: { point: 'before-outcome', call: 'charge' },
    });
    const crash = await recorder().event<{ point: string; functionId?: string; attempt: number }>(
      'durableRun.crash',
      s.since,
    );
    assert.equal(crash.point, 'before-outcome');
    assert.equal(crash.functionId, 'charge');
    assert.equal(crash.attempt, 1);
    const ends = recorder()
      .events('durableRun.attempt', s.since)
      .map((e) => e.body as AttemptBody)
      .filter((b) => b.phase === 'end');
    assert.deepEqual(
      ends.map((b) => b.outcome),
      ['crashed'],
    );
    // The session stays, without a worker, until Recover: the adapter says so where it would
    // otherwise have ended the session.
    await eventually(
      () =>
        /Recover \(or Continue\) starts attempt 2/.test(recorder().output(s.since))
          ? true
          : undefined,
      'the adapter telling to run Recover after the crash',
    );
    assert.equal(
      recorder().events('terminated', s.since).length,
      0,
      'the session ended after the crash',
    );
    assert.match(recorder().output(s.since), /CRASH at before-outcome/);
    const worker = recorder().events('durableRun.worker', s.since)[0]?.body as { pid: number };
    assert.ok(worker?.pid, 'no worker process was announced');
    assert.throws(() => process.kill(worker.pid, 0), 'the crashed worker process is still alive');
  });

  it('starts the recovery attempt by itself with autoRecover, and the charge is made once', async () => {
    const iso = isolated();
    const s = await launch({
      program: sample().agent,
      inputs: ALICE,
      stateDir: iso.stateDir,
      env: iso.env,
      crash: { point: 'before-outcome', call: 'charge' },
      autoRecover: true,
    });
    await terminated(s.session);
    const attempts = recorder()
      .events('durableRun.attempt', s.since)
      .map((e) => e.body as AttemptBody)
      .map((b) => `${b.attempt} ${b.phase}${b.outcome ? ` ${b.outcome}` : ''}`);
    assert.deepEqual(attempts, ['1 start', '1 end crashed', '2 start', '2 end done']);
    assert.equal(iso.charges().length, 1);
  });
});
