// Crash tests: a small, bounded run of the torture script (scripts/torture.mjs) so that CI runs
// it on every change: random crash points and random kills (some in the middle of a journal
// write) over the payments sample and generated agents, with zero invariant violations. A
// sabotaged run (reconcilers that never look at the ledger) shows that the checks catch a
// double side effect, so the clean result means something.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, builtCli, killTree } from './cliHarness';

function torture(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  builtCli(); // fails clearly when dist/ was not built
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'torture.mjs')], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (output += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (output += t));
    const guard = setTimeout(() => {
      killTree(child.pid!);
      reject(new Error(`the torture run did not finish within 150 s:\n${output}`));
    }, 150_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

function count(output: string, pattern: RegExp): number {
  const match = pattern.exec(output);
  assert.ok(match, `${pattern} in the summary:\n${output}`);
  return Number(match[1]);
}

describe('the torture run (bounded)', () => {
  it('random crash points and random kills over many attempts break no invariant', async () => {
    const { code, output } = await torture({ TORTURE_RUNS: '5', TORTURE_SECONDS: '30' });
    assert.equal(count(output, /invariant violations: (\d+)/), 0, output);
    assert.equal(code, 0, output);
    assert.ok(count(output, /torture: (\d+) runs/) >= 1, output);
    assert.ok(
      count(output, /crash runs \(attempts stopped by a crash or a kill\): (\d+)/) >= 1,
      output,
    );
  });

  it('simulated in process, hundreds of crash-and-recover runs a minute break no invariant', async () => {
    const { code, output } = await torture({
      TORTURE_REAL_EVERY: '0',
      TORTURE_RUNS: '150',
      TORTURE_SECONDS: '30',
    });
    assert.equal(count(output, /invariant violations: (\d+)/), 0, output);
    assert.equal(code, 0, output);
    assert.ok(count(output, /(\d+) simulated in process/) >= 1, output);
    assert.match(output, /runs per minute: - through the CLI, [\d.]+ simulated/);
    // Every kind of death was tried: named points, random boundaries, torn writes, storage faults.
    for (const kind of [
      /\((\d+) named crash points/,
      /(\d+) kills at a random boundary/,
      /(\d+) kills in the middle of a journal write/,
      /(\d+) storage faults\)/,
    ])
      assert.ok(count(output, kind) >= 1, `${kind}\n${output}`);
  });

  it('simulated reconcilers that never look at the ledger are caught too', async () => {
    const { code, output } = await torture({
      TORTURE_SABOTAGE: '1',
      TORTURE_REAL_EVERY: '0',
      TORTURE_RUNS: '3',
      TORTURE_SEED: '7',
    });
    // A failing run keeps its folders for inspection; this one was meant to fail.
    for (const pattern of [/work folder (\S+)/, /simulation folder (\S+)/]) {
      const dir = pattern.exec(output)?.[1];
      if (dir?.includes('durable-run-torture-')) fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(code, 1, output);
    assert.match(
      output,
      /VIOLATION in run \d+ \(simulated, seed \d+\): .*reconciled side effect \S+ happened 2 times/,
    );
  });

  it('reconcilers that never look at the ledger are caught charging twice, and the run exits 1', async () => {
    const { code, output } = await torture({
      TORTURE_SABOTAGE: '1',
      TORTURE_RUNS: '1',
      TORTURE_SECONDS: '30',
      TORTURE_SEED: '7',
    });
    // A failing run keeps its work folder for inspection; this one was meant to fail.
    const work = /work folder (\S+)/.exec(output)?.[1];
    if (work?.includes('durable-run-torture-')) fs.rmSync(work, { recursive: true, force: true });
    assert.equal(code, 1, output);
    assert.ok(count(output, /invariant violations: (\d+)/) >= 1, output);
    assert.match(
      output,
      /VIOLATION in run 1 \(generated-1\): .*reconciled side effect \S+ happened 2 times/,
    );
    assert.match(output, /replay with TORTURE_SEED=7/);
  });
});
