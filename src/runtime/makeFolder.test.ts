// Making a state folder a level at a time: missing parents are made, a file in the way is named,
// and a folder the file system refuses (procfs) fails at once instead of being retried for ever.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { makeFolder } from './makeFolder';

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'durable-folder-'));

describe('makeFolder', () => {
  it('makes the folder and its missing parents, and accepts one that exists', () => {
    const dir = path.join(temp(), 'a', 'b', 'c');
    makeFolder(dir);
    assert.ok(fs.statSync(dir).isDirectory());
    makeFolder(dir);
  });

  it('names a file that stands where a folder of the path should be', () => {
    const file = path.join(temp(), 'file');
    fs.writeFileSync(file, '');
    assert.throws(() => makeFolder(path.join(file, 'state')), {
      code: 'ENOTDIR',
      message: `${file} is a file, not a folder`,
    });
    assert.throws(() => makeFolder(file), { code: 'EEXIST' });
  });

  it('fails at once where the file system will not make a folder', (t) => {
    if (process.platform !== 'linux') return t.skip('procfs is Linux only');
    assert.throws(() => makeFolder('/proc/1/durable/state'), {
      code: 'ENOENT',
      message: 'the file system does not let a folder be made in /proc/1',
    });
  });
});
