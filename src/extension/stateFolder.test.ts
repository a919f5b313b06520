// Tests of Reset State's hold on the folder: it refuses while a writer holds it, naming the
// writer, and deletes only the runtime's files under the folder's lock.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireStateLock, StateFolderBusyError } from '../runtime/stateLock';
import { clearStateFolder, resetRefusal } from './stateFolder';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-reset-test-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;

function folderWith(names: string[]): string {
  const dir = path.join(root, `state-${++dirs}`);
  fs.mkdirSync(dir);
  for (const name of names) fs.writeFileSync(path.join(dir, name), name);
  return dir;
}

describe('Reset State and the state folder lock', () => {
  it('refuses while a run holds the folder, naming it, and clears it once the run let go', async () => {
    const dir = folderWith(['journal.jsonl']);
    const run = await acquireStateLock(dir, 'durable-run run agent.ts');
    const refusal = await resetRefusal(dir);
    assert.equal(
      refusal,
      `${dir} is in use by pid ${process.pid} (durable-run run agent.ts, since ${run.holder.since}). Stop it before resetting its state.`,
    );
    await assert.rejects(clearStateFolder(dir, ['journal.jsonl'], true), StateFolderBusyError);
    assert.ok(fs.existsSync(path.join(dir, 'journal.jsonl')), 'nothing was deleted');
    await run.release();
    assert.equal(await resetRefusal(dir), undefined);
    await clearStateFolder(dir, ['journal.jsonl'], true);
    assert.equal(fs.existsSync(dir), false);
  });

  it('keeps the folder and the files that are not the runtime’s', async () => {
    const dir = folderWith(['journal.jsonl', 'notes.md']);
    await clearStateFolder(dir, ['journal.jsonl'], false);
    assert.deepEqual(fs.readdirSync(dir), ['notes.md']);
  });
});
