// Crash tests: one writer per state folder, through the built CLI. Two recoveries started
// together: exactly one runs, the other is refused at once (exit 2, naming the holder), and no
// side effect happens twice. A holder killed with SIGKILL leaves nothing that blocks the next
// attempt; a worker that outlives its killed CLI keeps the folder until it dies too. Readers
// (slots, timeline) work while a writer holds the folder, and see a consistent journal.
// The gated fixture holds a run in the middle of its work until the test opens its gate.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { JournalStore } from '../../src/runtime/journalStore';
import { probeStateLock } from '../../src/runtime/stateLock';
import {
  FIXTURES,
  eventsOf,
  goneForGood,
  jsonLines,
  killTree,
  readLedger,
  runCli,
  slotsOf,
  tempDir,
  waitFor,
  workerOf,
  writeInputs,
  type CliResult,
} from './cliHarness';

const AGENT = path.join(FIXTURES, 'gatedAgent.ts');
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];
const STEPS = 40;

function setup() {
  const dir = tempDir();
  const state = path.join(dir, 'state');
  const ledger = path.join(dir, 'ledger.jsonl');
  const gate = path.join(dir, 'gate');
  const inputs = writeInputs(
    dir,
    KEYS.map((key) => ({ key, input: null })),
  );
  return { dir, state, ledger, gate, inputs, env: { CRASH_LEDGER: ledger } };
}

/** Each step of each key happened exactly once (the ledger is the outside world's record). */
function everyStepOnce(ledger: string): void {
  const counts = new Map<string, number>();
  for (const e of readLedger(ledger)) counts.set(String(e.id), (counts.get(String(e.id)) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
  assert.deepEqual(twice, [], 'side effects that happened more than once');
  assert.equal(counts.size, KEYS.length * STEPS, 'every step happened');
}

/** Starts the CLI and returns it running, with its pid. */
function started(
  args: string[],
  env: NodeJS.ProcessEnv,
): { done: Promise<CliResult>; child: ChildProcess } {
  let child: ChildProcess | undefined;
  const done = runCli(args, { env, onSpawn: (c) => (child = c) });
  return { done, child: child! };
}

/** Waits until the folder's lock is held by `pid` (the CLI took it and its worker runs). */
async function heldBy(state: string, pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const probed = await probeStateLock(state);
    if (probed.held && probed.holder?.pid === pid) return;
    // A hang guard, not a timed assertion.
    if (Date.now() > deadline) assert.fail(`the CLI (pid ${pid}) never held ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until every key's action has started (the gated run is at its gate). */
async function atTheGate(state: string): Promise<void> {
  const ok = await waitFor(() => {
    try {
      return [...JournalStore.open(state, { readOnly: true }).states()].length === KEYS.length;
    } catch {
      return false;
    }
  }, 30_000);
  assert.ok(ok, 'the gated run never reached its gate');
}

describe('one writer per state folder', () => {
  it('two recoveries started together: exactly one runs, the other is refused naming it, and no side effect happens twice', async () => {
    const s = setup();
    const crashed = await runCli(
      ['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--crash', 'before-outcome:step#17'],
      { env: s.env },
    );
    assert.equal(crashed.code, 3, crashed.stderr);
    const env = { ...s.env, GATE_FILE: s.gate };
    const args = ['recover', AGENT, '--state', s.state, '--json'];
    const runs = [started(args, env), started(args, env)];
    // The winner waits at its gate, so the loser cannot come after it: it is refused, at once.
    const first = await Promise.race(runs.map((r, i) => r.done.then((result) => ({ result, i }))));
    const loser = first.result;
    const winner = runs[1 - first.i];
    assert.equal(loser.code, 2, `the refused recovery: ${loser.stderr}`);
    const folder = fs.realpathSync(s.state);
    assert.match(
      loser.stderr,
      new RegExp(
        `^durable-run: the state folder ${folder} is in use by pid ${winner.child.pid} \\(durable-run recover gatedAgent\\.ts, since \\d{4}-[\\d-]+T[\\d:.]+Z\\): one writer at a time`,
      ),
    );
    const [error] = eventsOf(loser, 'error');
    assert.equal(error.kind, 'locked');
    assert.equal((error.holder as { pid: number }).pid, winner.child.pid);
    assert.deepEqual(
      jsonLines(loser.stdout).map((e) => e.event),
      ['error'],
      'the refused recovery ran nothing',
    );
    fs.writeFileSync(s.gate, '');
    const won = await winner.done;
    assert.equal(won.code, 0, won.stderr);
    assert.equal(eventsOf(won, 'output').length, KEYS.length);
    everyStepOnce(s.ledger);
  });

  it('a holder killed with SIGKILL (the CLI and its worker) leaves no lock: the next recovery runs at once', async () => {
    const s = setup();
    const holder = started(['run', AGENT, '--inputs', s.inputs, '--state', s.state], {
      ...s.env,
      GATE_FILE: s.gate,
    });
    await heldBy(s.state, holder.child.pid!);
    const worker = await workerOf(holder.child.pid!);
    await atTheGate(s.state);
    killTree(holder.child.pid!);
    assert.equal((await holder.done).signal, 'SIGKILL');
    assert.ok(await waitFor(() => goneForGood(worker)), `the worker ${worker} outlived SIGKILL`);
    // No waiting for a stale lock to expire: there is none.
    const recovered = await runCli(['recover', AGENT, '--state', s.state, '--json'], {
      env: s.env,
    });
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.equal(eventsOf(recovered, 'output').length, KEYS.length);
    everyStepOnce(s.ledger);
  });

  it('a worker frozen when its CLI is killed dies with it, so the folder is free at once', async () => {
    const s = setup();
    const holder = started(['run', AGENT, '--inputs', s.inputs, '--state', s.state], {
      ...s.env,
      GATE_FILE: s.gate,
    });
    await heldBy(s.state, holder.child.pid!);
    const worker = await workerOf(holder.child.pid!);
    await atTheGate(s.state);
    // Stopped, the worker cannot notice its parent's death itself: on Linux the kernel's
    // parent-death signal kills it anyway, and with it goes its hold on the folder.
    process.kill(worker, 'SIGSTOP');
    holder.child.kill('SIGKILL');
    await holder.done;
    assert.ok(await waitFor(() => goneForGood(worker)), `the worker ${worker} outlived its CLI`);
    const recovered = await runCli(['recover', AGENT, '--state', s.state], { env: s.env });
    assert.equal(recovered.code, 0, recovered.stderr);
    everyStepOnce(s.ledger);
  });

  it('slots and timeline read a folder while a writer holds it, and --fresh is refused there too', async () => {
    const s = setup();
    const holder = started(['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--json'], {
      ...s.env,
      GATE_FILE: s.gate,
    });
    await heldBy(s.state, holder.child.pid!);
    await atTheGate(s.state);
    const states = await slotsOf(s.state);
    assert.deepEqual(states.map((st) => st.key).sort(), KEYS);
    const timeline = await runCli(['timeline', '--state', s.state, '--json']);
    assert.equal(timeline.code, 0, timeline.stderr);
    const fresh = await runCli(
      ['run', AGENT, '--inputs', s.inputs, '--state', s.state, '--fresh'],
      { env: s.env },
    );
    assert.equal(fresh.code, 2, fresh.stderr);
    assert.match(fresh.stderr, /is in use by pid \d+ \(durable-run run gatedAgent\.ts/);
    assert.equal(
      [...JournalStore.open(s.state, { readOnly: true }).states()].length,
      KEYS.length,
      'the refused --fresh discarded nothing',
    );
    fs.writeFileSync(s.gate, '');
    assert.equal((await holder.done).code, 0);
    everyStepOnce(s.ledger);
  });

  it('a reader opening the journal again and again while a writer appends always gets a consistent journal', async () => {
    const s = setup();
    const env = { ...s.env, STEPS: '200' };
    const writer = started(['run', AGENT, '--inputs', s.inputs, '--state', s.state], env);
    let running = true;
    void writer.done.then(() => (running = false));
    let opens = 0;
    let last = 0;
    while (running) {
      let slots = 0;
      // Before the writer made the journal there is none; once there, every open must succeed.
      const made = fs.existsSync(path.join(s.state, 'journal.jsonl'));
      try {
        for (const st of JournalStore.open(s.state, { readOnly: true }).states())
          slots += st.slots.length;
      } catch (error) {
        if (made) throw error;
      }
      assert.ok(
        slots >= last,
        `a later read saw fewer slots (${slots}) than an earlier one (${last})`,
      );
      last = slots;
      opens++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal((await writer.done).code, 0);
    assert.ok(opens > 0);
    assert.equal((await slotsOf(s.state)).flatMap((st) => st.slots).length, KEYS.length * 200);
  });
});
