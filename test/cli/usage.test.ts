// CLI tests: bad command lines. Each must exit 2 with a message saying what is wrong (and the
// usage text), before any agent runs and without touching any state folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir } from '../crash/cliHarness';

const AGENT = path.join(__dirname, '..', 'fixtures', 'crash', 'ledgerAgent.ts');

async function usageError(args: string[], message: RegExp): Promise<void> {
  const result = await runCli(args);
  assert.equal(result.code, 2, `exit code of durable-run ${args.join(' ')}\n${result.stderr}`);
  assert.match(result.stderr, message);
  assert.match(result.stderr, /usage:\n {2}durable-run run AGENT/);
  assert.equal(result.stdout, '');
}

describe('durable-run usage errors', () => {
  it('no arguments, help, --help and -h print the usage and exit 0', async () => {
    for (const args of [[], ['help'], ['--help'], ['-h']]) {
      const result = await runCli(args);
      assert.equal(result.code, 0);
      assert.match(result.stdout, /usage:/);
      assert.match(result.stdout, /crash points: before-call, after-pending, before-outcome/);
      assert.match(result.stdout, /exit codes: 0 done, 1 the agent failed, 2 bad usage/);
    }
  });

  it('an unknown command is named', async () => {
    await usageError(['frobnicate'], /unknown command "frobnicate"/);
  });

  it('an unknown option is named', async () => {
    await usageError(['run', AGENT, '--turbo'], /unknown option --turbo/);
  });

  it('run and recover need exactly one agent file', async () => {
    await usageError(['run'], /run needs exactly one AGENT file/);
    await usageError(['run', 'a.ts', 'b.ts'], /run needs exactly one AGENT file/);
    await usageError(['recover', '--state', 'x'], /recover needs exactly one AGENT file/);
  });

  it('an option that takes a value says so when the value is missing', async () => {
    await usageError(['run', AGENT, '--inputs'], /--inputs needs a value/);
    await usageError(['run', AGENT, '--state', '--json'], /--state needs a value/);
    await usageError(['run', AGENT, '--crash'], /--crash needs a value/);
  });

  it('recover needs --state and refuses --fresh', async () => {
    await usageError(['recover', AGENT], /recover needs --state DIR/);
    await usageError(['recover', AGENT, '--state', 'x', '--fresh'], /--fresh makes no sense here/);
  });

  it('slots and timeline need --state and take no positional arguments', async () => {
    for (const name of ['slots', 'timeline']) {
      await usageError([name], new RegExp(`${name} needs --state DIR`));
      await usageError([name, 'extra', '--state', 'x'], new RegExp(`${name} takes no positional`));
    }
  });

  it('--crash with an unknown point lists the known points', async () => {
    await usageError(
      ['run', AGENT, '--crash', 'explode'],
      /unknown crash "explode": expected POINT\[:ACTION_OR_FUNCTION\[#CALL_INDEX\]\] with POINT one of before-call, after-pending, before-outcome, after-outcome, before-complete/,
    );
    await usageError(
      ['run', AGENT, '--crash=before-lunch:charge'],
      /unknown crash "before-lunch:charge"/,
    );
  });

  it('--crash with a call index but no target says the index needs one', async () => {
    await usageError(
      ['run', AGENT, '--crash', 'before-call#2'],
      /a call index \(#N\) needs an action name or function id/,
    );
  });

  it('a usage error creates no state folder', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    await usageError(['run', AGENT, '--state', state, '--crash', 'nowhere'], /unknown crash/);
    assert.equal(fs.existsSync(state), false);
  });
});
