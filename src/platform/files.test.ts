// Opening state files without following links, with O_NOFOLLOW (Linux, macOS) and without it
// (Windows, simulated by leaving the flag out): a link in the journal's place is refused either
// way, and a link higher up the state folder's path (macOS's /tmp) is an ordinary folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { JOURNAL_FILE, JournalStore } from '../runtime/journalStore';
import { openNoFollow } from './files';

const WINDOWS = {}; // fs.constants there has no O_NOFOLLOW
const { O_RDONLY, O_WRONLY, O_APPEND } = fs.constants;

function folder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'durable-nofollow-'));
}

for (const [where, constants] of [
  ['with O_NOFOLLOW', fs.constants],
  ['without O_NOFOLLOW (Windows)', WINDOWS],
] as const) {
  describe(`opening a state file ${where}`, () => {
    it('opens a regular file, for reading and for appending', () => {
      const file = path.join(folder(), 'journal.jsonl');
      fs.writeFileSync(file, 'line\n');
      const fd = openNoFollow(file, O_WRONLY | O_APPEND, constants);
      fs.writeSync(fd, 'more\n');
      fs.closeSync(fd);
      const read = openNoFollow(file, O_RDONLY, constants);
      assert.equal(fs.readFileSync(read, 'utf8'), 'line\nmore\n');
      fs.closeSync(read);
    });

    it('refuses a symbolic link in its place with ELOOP, and writes nothing through it', () => {
      const dir = folder();
      const target = path.join(dir, 'elsewhere.txt');
      fs.writeFileSync(target, 'precious\n');
      const link = path.join(dir, 'journal.jsonl');
      fs.symlinkSync(target, link);
      assert.throws(() => openNoFollow(link, O_WRONLY | O_APPEND, constants), { code: 'ELOOP' });
      assert.equal(fs.readFileSync(target, 'utf8'), 'precious\n');
    });
  });
}

describe('opening a state file without O_NOFOLLOW (Windows)', () => {
  it('refuses a file swapped in between the open and the check, and closes what it opened', () => {
    const dir = folder();
    const file = path.join(dir, 'journal.jsonl');
    fs.writeFileSync(file, 'x\n');
    const closed: number[] = [];
    const swapping = {
      openSync: (p: fs.PathLike, flags: number) => {
        const fd = fs.openSync(p, flags);
        fs.renameSync(file, path.join(dir, 'old.jsonl'));
        fs.writeFileSync(file, 'swapped\n');
        return fd;
      },
      closeSync: (fd: number) => {
        closed.push(fd);
        fs.closeSync(fd);
      },
      fstatSync: fs.fstatSync,
      lstatSync: fs.lstatSync,
    } as unknown as Parameters<typeof openNoFollow>[3];
    assert.throws(() => openNoFollow(file, O_RDONLY, WINDOWS, swapping), { code: 'ELOOP' });
    assert.equal(closed.length, 1);
  });
});

describe('a journal under a linked folder, as on macOS (/tmp and /var link to /private)', () => {
  it('is written and read back through the link: only a link at the journal itself is refused', () => {
    const real = folder();
    const linked = path.join(folder(), 'tmp');
    fs.symlinkSync(real, linked, 'dir');
    const stateDir = path.join(linked, 'state');
    const store = JournalStore.open(stateDir, { agent: 'shop' });
    store.note({ op: 'attempt', attempt: 1, kind: 'run', at: '2026-01-01T00:00:00.000Z' });
    store.close();
    assert.ok(fs.existsSync(path.join(real, 'state', JOURNAL_FILE)));
    const again = JournalStore.open(stateDir, { readOnly: true });
    assert.equal([...again.timeline()].length, 1);
    again.close();
  });
});
