// Unit tests of the CodeLens text and gutter status per call site line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildCallSiteIndex,
  lensTexts,
  lineHover,
  lineStatus,
  normalizeFile,
} from './callSiteIndex';
import { slotRow, stateRow } from './testRows';

const file = '/ws/payments/agent.ts';
const site = (line: number) => ({ file, line, column: 30 });

const alice = stateRow({
  key: 'alice',
  action: 'checkout',
  slots: [
    slotRow({ index: 0, functionId: 'priceOrder', path: 'replay', callSite: site(35) }),
    slotRow({ index: 1, functionId: 'charge', status: 'PENDING', callSite: site(36) }),
  ],
});
const bob = stateRow({
  key: 'bob',
  action: 'checkout',
  slots: [
    slotRow({ index: 0, functionId: 'priceOrder', path: 'execute', callSite: site(35) }),
    slotRow({
      index: 1,
      functionId: 'charge',
      status: 'FAILED',
      error: { name: 'E', message: 'm' },
      callSite: site(36),
    }),
    slotRow({ index: 2, functionId: 'unknownSite' }),
  ],
});

describe('call site index', () => {
  const index = buildCallSiteIndex([alice, bob], 'linux');

  it('groups slots by file and line, skipping slots without a call site', () => {
    const lines = index.get(file)!;
    assert.deepEqual([...lines.keys()].sort(), [35, 36]);
    assert.equal(lines.get(35)!.length, 2);
  });

  it('writes one short lens per execution when several keys reached the line, the rest in its tooltip', () => {
    const lenses = lensTexts(index.get(file)!.get(35)!);
    assert.deepEqual(
      lenses.map((l) => l.title),
      ['alice ✓ replayed', 'bob ✓ executed'],
    );
    assert.match(
      lenses[0].tooltip,
      /priceOrder in checkout for alice#0: slot #0 ✓ SUCCEEDED · replayed/,
    );
    // VS Code joins a line's lenses with " | ": three keys stay well under a line's width.
    const three = lensTexts([
      ...index.get(file)!.get(36)!,
      { state: stateRow({ key: 'carol', action: 'checkout' }), slot: alice.slots[1] },
    ]);
    assert.ok(
      three.map((l) => l.title).join(' | ').length < 80,
      three.map((l) => l.title).join(' | '),
    );
    const twoInputs = lensTexts([
      { state: stateRow({ key: 'alice', seq: 0, action: 'a' }), slot: alice.slots[0] },
      { state: stateRow({ key: 'alice', seq: 1, action: 'a' }), slot: alice.slots[0] },
    ]);
    assert.deepEqual(
      twoInputs.map((l) => l.title),
      ['alice#0 ✓ replayed', 'alice#1 ✓ replayed'],
    );
    const single = lensTexts([{ state: alice, slot: alice.slots[1] }]);
    assert.deepEqual(
      single.map((l) => l.title),
      ['slot #1 ⋯ PENDING · in flight'],
    );
    assert.equal(single[0].entry?.slot.functionId, 'charge');
  });

  it('folds executions beyond the limit into "+N more"', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({
      state: stateRow({ key: `k${i}`, action: 'a' }),
      slot: alice.slots[0],
    }));
    const lenses = lensTexts(many, 3);
    assert.equal(lenses.length, 4);
    assert.equal(lenses[3].title, '+2 more');
    assert.equal(lenses[3].tooltip.split('\n').length, 2);
  });

  it('marks a line with its worst status, and says why on hover', () => {
    assert.equal(lineStatus(index.get(file)!.get(35)!), 'SUCCEEDED');
    assert.equal(lineStatus(index.get(file)!.get(36)!), 'FAILED');
    assert.match(lineHover(index.get(file)!.get(36)!), /alice#0 checkout: slot #1 ⋯ PENDING/);
  });

  it('matches paths case-insensitively where the file system does', () => {
    assert.equal(normalizeFile('C:\\Work\\Agent.ts', 'win32'), 'c:/work/agent.ts');
    assert.equal(normalizeFile('c:/work/./agent.ts', 'win32'), 'c:/work/agent.ts');
    assert.equal(normalizeFile('/Work/Agent.ts', 'linux'), '/Work/Agent.ts');
    const insensitive = buildCallSiteIndex([alice], 'darwin');
    assert.ok(insensitive.has(file.toLowerCase()));
  });
});
