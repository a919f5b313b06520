// Tests of the read-only journal viewer's page over real files: a journal and an export of it
// show the same states, timeline and edits; nothing in the file can run (no script allowed,
// everything escaped); a damaged export is refused.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openJournalFile } from '../runtime/journalFile';
import { JournalStore } from '../runtime/journalStore';
import { editStateFolder } from '../runtime/stateEdit';
import { exportState, writeExport } from '../runtime/stateExport';
import { init, journalOf, newDir, slot0done } from '../../test/support/journal';
import { STATE_ID } from '../../test/support/runtime';
import { journalViewerHtml } from './journalViewerHtml';

async function journalWithEdit(): Promise<string> {
  const dir = newDir();
  const store = JournalStore.open(dir, { agent: 'shop' });
  store.note({ op: 'attempt', attempt: 1, kind: 'run', at: '2026-01-01T00:00:00.000Z' });
  store.persist(init);
  store.persist({ ...slot0done, slot: { ...slot0done.slot, functionId: '<script>x()</script>' } });
  store.close();
  await editStateFolder(dir, { kind: 'pending', id: STATE_ID, index: 0 });
  return dir;
}

describe('the journal viewer page', () => {
  it('shows a journal and its export alike: states, slots, the timeline and its edits', async () => {
    const dir = await journalWithEdit();
    const out = path.join(dir, '..', `${path.basename(dir)}.durable.json`);
    writeExport(exportState(dir), out);
    for (const file of [journalOf(dir), out]) {
      const view = openJournalFile(file);
      const html = journalViewerHtml(view, 'NONCE');
      assert.match(html, /<h1>shop /);
      assert.match(html, /k#0\/0\/act — not completed/);
      assert.match(html, /class="PENDING">PENDING/);
      assert.match(html, /edited k#0\/0\/act #0 \(pending\): SUCCEEDED → PENDING/);
      assert.match(html, file === out ? /exported state/ : /\(journal, read-only/);
    }
  });

  it("lets nothing run: no script is allowed and the file's text is escaped", async () => {
    const html = journalViewerHtml(openJournalFile(journalOf(await journalWithEdit())), 'N');
    assert.match(html, /content="default-src 'none'; style-src 'nonce-N'"/);
    assert.doesNotMatch(html, /<script/);
    assert.match(html, /&lt;script&gt;x\(\)&lt;\/script&gt;/);
  });

  it('refuses an export whose journal was changed after export', async () => {
    const dir = await journalWithEdit();
    const out = `${dir}.durable.json`;
    const exported = exportState(dir);
    writeExport({ ...exported, journal: `${exported.journal}x` }, out);
    assert.throws(() => openJournalFile(out), /does not match its "journalSha256"/);
    assert.ok(fs.existsSync(out));
  });
});
