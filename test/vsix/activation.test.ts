// What activating the extension loads, pinned on the bundle the VSIX ships (dist/extension.js,
// built by npm test): its cost is measured by bench/activation.ts, and these are the two things
// that once made most of it. Node's net, child_process and crypto take 2 to 6 ms each to load
// in a fresh process, and an external module wrapped afresh in every file that imports it cost a
// third of the rest (scripts/build/sharedExternals.mjs).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { activateInFreshProcess, type FreshActivation } from '../support/freshActivation';

const root = path.join(__dirname, '..', '..');
const bundle = path.join(root, 'dist', 'extension.js');

describe('activating the shipped extension bundle', () => {
  let activation: FreshActivation;
  before(() => {
    assert.ok(fs.existsSync(bundle), `${bundle} is missing: run npm run build first`);
    activation = activateInFreshProcess(bundle, root);
  });

  it('registers its commands, views and providers', () => {
    assert.ok(activation.registrations >= 10, `only ${activation.registrations} registrations`);
  });

  it('loads neither the debug adapter nor the Node modules that only a session needs', () => {
    const heavy = ['node:net', 'node:child_process', 'node:crypto', 'node:worker_threads'];
    const loaded = activation.requests.filter(
      (r) => heavy.includes(r) || r.endsWith('debugAdapter.js'),
    );
    assert.deepEqual(loaded, [], 'these are to be loaded on first use (adapterBundle.ts)');
  });

  it('wraps each external module once for the whole bundle, not once per file', () => {
    const counts = new Map<string, number>();
    for (const r of activation.requests) counts.set(r, (counts.get(r) ?? 0) + 1);
    assert.ok((counts.get('vscode') ?? 0) > 0, 'the bundle never asked for vscode');
    // The shared module asks twice: for its names and for its default export.
    for (const [request, count] of counts)
      assert.ok(
        count <= 2,
        `${request} was required ${count} times: is sharedExternals() a plugin of every bundle in scripts/build.mjs?`,
      );
  });
});
