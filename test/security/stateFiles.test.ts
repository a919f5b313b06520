// Security: the state folder and journal are created with the user's umask (nothing wider), and
// no symbolic link is ever followed out of the state folder: a journal that is a link is refused
// with a clear error by every command, its target untouched, and a link planted where the journal
// is first written (its temporary name) is removed, not written through.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { JOURNAL_FILE, JournalStore } from '../../src/runtime/journalStore';
import { FIXTURES, jsonLines, runCli, tempDir } from './support';

const ECHO = path.join(FIXTURES, 'echo.ts');

function inputsFile(): string {
  const file = path.join(tempDir(), 'inputs.jsonl');
  fs.writeFileSync(file, JSON.stringify({ key: 'k', input: 'hello' }) + '\n');
  return file;
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const octal = (mode: number) => mode.toString(8).padStart(3, '0');

/** A file outside the state folder, with what it held and when it was last written. */
function outsideFile(): { file: string; text: string; mtimeMs: number } {
  const file = path.join(tempDir('durable-outside-'), 'precious.txt');
  const text = 'not a journal: must never be read as one, written to or removed\n';
  fs.writeFileSync(file, text);
  const past = new Date(Date.now() - 3_600_000);
  fs.utimesSync(file, past, past);
  return { file, text, mtimeMs: fs.statSync(file).mtimeMs };
}

function assertUntouched(o: { file: string; text: string; mtimeMs: number }): void {
  assert.equal(fs.readFileSync(o.file, 'utf8'), o.text);
  assert.equal(fs.statSync(o.file).mtimeMs, o.mtimeMs);
}

describe('the state folder and journal take their modes from the umask', () => {
  for (const [umask, dirMode, fileMode] of [
    ['077', 0o700, 0o600],
    ['022', 0o755, 0o644],
  ] as const) {
    it(`with umask ${umask} the new folders are ${octal(dirMode)} and the journal ${octal(fileMode)}`, async () => {
      const root = tempDir();
      const stateDir = path.join(root, 'nested', '.durable');
      const r = await runCli(
        ['run', ECHO, '--inputs', inputsFile(), '--state', stateDir, '--json'],
        {
          umask,
        },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(octal(modeOf(stateDir)), octal(dirMode));
      assert.equal(octal(modeOf(path.join(root, 'nested'))), octal(dirMode));
      assert.equal(octal(modeOf(path.join(stateDir, JOURNAL_FILE))), octal(fileMode));
      // Only the journal is left in the folder: no temporary file with other permissions.
      assert.deepEqual(fs.readdirSync(stateDir), [JOURNAL_FILE]);
    });
  }

  it('a fresh run under umask 077 replaces a journal made under 022 with a private one', async () => {
    const stateDir = path.join(tempDir(), '.durable');
    const inputs = inputsFile();
    let r = await runCli(['run', ECHO, '--inputs', inputs, '--state', stateDir], { umask: '022' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(octal(modeOf(path.join(stateDir, JOURNAL_FILE))), '644');
    r = await runCli(['run', ECHO, '--inputs', inputs, '--state', stateDir, '--fresh'], {
      umask: '077',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(octal(modeOf(path.join(stateDir, JOURNAL_FILE))), '600');
  });
});

describe('a journal that is a symbolic link to a file outside the state folder', () => {
  const commands: Array<[string, (state: string, inputs: string) => string[]]> = [
    ['run', (state, inputs) => ['run', ECHO, '--inputs', inputs, '--state', state]],
    [
      'run --fresh',
      (state, inputs) => ['run', ECHO, '--inputs', inputs, '--state', state, '--fresh'],
    ],
    ['recover', (state) => ['recover', ECHO, '--state', state]],
    ['slots', (state) => ['slots', '--state', state, '--json']],
    ['timeline', (state) => ['timeline', '--state', state]],
  ];
  for (const [name, argv] of commands) {
    it(`is refused by ${name} with a clear error; the link and its target stay as they were`, async () => {
      const outside = outsideFile();
      const stateDir = path.join(tempDir(), '.durable');
      fs.mkdirSync(stateDir);
      const journal = path.join(stateDir, JOURNAL_FILE);
      fs.symlinkSync(outside.file, journal);
      const r = await runCli(argv(stateDir, inputsFile()));
      assert.equal(r.code, 2, `exit ${r.code}; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.match(r.stderr, /journal\.jsonl/);
      assert.match(r.stderr, /symbolic link, which is never followed/);
      assert.equal(jsonLines(r.stdout).filter((l) => l.event !== 'error').length, 0);
      assert.equal(fs.readlinkSync(journal), outside.file);
      assertUntouched(outside);
      assert.deepEqual(fs.readdirSync(stateDir), [JOURNAL_FILE]);
    });
  }

  it('is refused when it points at nothing yet, and nothing is created at its target', async () => {
    const target = path.join(tempDir('durable-outside-'), 'would-be-created.jsonl');
    const stateDir = path.join(tempDir(), '.durable');
    fs.mkdirSync(stateDir);
    fs.symlinkSync(target, path.join(stateDir, JOURNAL_FILE));
    const r = await runCli(['run', ECHO, '--inputs', inputsFile(), '--state', stateDir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /symbolic link, which is never followed/);
    assert.equal(fs.existsSync(target), false);
  });
});

describe('a symbolic link planted at the temporary name the journal is first written under', () => {
  it('is removed, not written through: the journal is a new regular file, the target untouched', () => {
    const outside = outsideFile();
    const stateDir = path.join(tempDir(), '.durable');
    fs.mkdirSync(stateDir);
    // The journal is written as .journal.jsonl.<pid>.tmp then renamed (journalStore.create):
    // in this process, the pid is ours.
    const temp = path.join(stateDir, `.${JOURNAL_FILE}.${process.pid}.tmp`);
    fs.symlinkSync(outside.file, temp);
    const store = JournalStore.open(stateDir, { agent: 'echo' });
    store.close();
    const journal = path.join(stateDir, JOURNAL_FILE);
    assert.ok(fs.lstatSync(journal).isFile());
    assert.match(fs.readFileSync(journal, 'utf8'), /^\{"format":"durable-run-journal"/);
    assert.deepEqual(fs.readdirSync(stateDir), [JOURNAL_FILE]);
    assertUntouched(outside);
  });

  it('pointing at a folder outside, is removed too, and nothing is written in that folder', () => {
    const outsideDir = tempDir('durable-outside-');
    const stateDir = path.join(tempDir(), '.durable');
    fs.mkdirSync(stateDir);
    fs.symlinkSync(outsideDir, path.join(stateDir, `.${JOURNAL_FILE}.${process.pid}.tmp`));
    JournalStore.open(stateDir, { agent: 'echo' }).close();
    assert.ok(fs.lstatSync(path.join(stateDir, JOURNAL_FILE)).isFile());
    assert.deepEqual(fs.readdirSync(outsideDir), []);
  });
});
