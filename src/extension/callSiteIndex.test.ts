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
  const index = buildCallSiteIndex([alice, bob], false);

  it('groups slots by file and line, skipping slots without a call site', () => {
    const lines = index.get(file)!;
    assert.deepEqual([...lines.keys()].sort(), [35, 36]);
    assert.equal(lines.get(35)!.length, 2);
  });

  it('writes one lens per execution, naming the key when several reached the line', () => {
    const lenses = lensTexts(index.get(file)!.get(35)!);
    assert.deepEqual(
      lenses.map((l) => l.title),
      ['alice#0: slot #0 ✓ SUCCEEDED · replayed', 'bob#0: slot #0 ✓ SUCCEEDED · executed'],
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
    assert.equal(normalizeFile('C:\\Work\\Agent.ts', true), 'c:/work/agent.ts');
    assert.equal(normalizeFile('/Work/Agent.ts', false), '/Work/Agent.ts');
    const insensitive = buildCallSiteIndex([alice], true);
    assert.ok(insensitive.has(file.toLowerCase()));
  });
});
