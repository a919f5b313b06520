// Unit tests of the timeline: the model the webview draws, and the page's security policy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttemptView } from '../runtime/inspect';
import { contentSecurityPolicy, makeNonce, timelineHtml } from './timelineHtml';
import { buildTimelineModel, callSiteKey, FOLD_AT } from './timelineModel';

const A = 'alice#0/0/checkout';
const N = 'alice#0/1/notify';
const ok = 'the slot holds a SUCCEEDED outcome';

const attempts: AttemptView[] = [
  {
    attempt: 1,
    kind: 'run',
    at: '2026-01-01T00:00:00Z',
    outcome: 'crashed',
    calls: [
      {
        id: A,
        index: 0,
        functionId: 'priceOrder',
        path: 'execute',
        status: 'SUCCEEDED',
        reason: 'no slot',
      },
    ],
    actions: [],
    crash: { point: 'before-outcome', id: A, index: 1, functionId: 'charge' },
  },
  {
    attempt: 2,
    kind: 'recover',
    at: '2026-01-01T00:00:01Z',
    outcome: 'crashed',
    calls: [
      {
        id: A,
        index: 0,
        functionId: 'priceOrder',
        path: 'replay',
        status: 'SUCCEEDED',
        reason: ok,
      },
      {
        id: A,
        index: 1,
        functionId: 'charge',
        path: 'reconcile',
        status: 'SUCCEEDED',
        reason: 'PENDING',
      },
    ],
    actions: [],
    crash: { point: 'before-complete', id: A },
  },
  {
    attempt: 3,
    kind: 'recover',
    at: '2026-01-01T00:00:02Z',
    outcome: 'done',
    calls: [
      {
        id: A,
        index: 0,
        functionId: 'priceOrder',
        path: 'replay',
        status: 'SUCCEEDED',
        reason: ok,
      },
      { id: A, index: 1, functionId: 'charge', path: 'replay', status: 'SUCCEEDED', reason: ok },
      {
        id: N,
        index: 0,
        functionId: 'sendReceipt',
        path: 'execute',
        status: 'SUCCEEDED',
        reason: 'no slot',
      },
    ],
    actions: [
      { id: A, outcome: 'completed' },
      { id: N, outcome: 'failed', error: 'Error: smtp down' },
    ],
  },
];

describe('timeline model', () => {
  const model = buildTimelineModel({ attempts: [...attempts].reverse(), callSites: {} });

  it('has one column per attempt, in order, saying how each ended', () => {
    assert.deepEqual(
      model.columns.map((c) => [c.title, c.subtitle]),
      [
        ['Attempt 1', 'run · crashed at before-outcome'],
        ['Attempt 2', 'recover · crashed at before-complete'],
        ['Attempt 3', 'recover · done'],
      ],
    );
  });

  it('has one row per call of each action execution, one cell per attempt', () => {
    assert.deepEqual(
      model.groups.map((g) => g.stateId),
      [A, N],
    );
    const [price, charge] = model.groups[0].rows;
    assert.equal(price.label, '#0 priceOrder');
    assert.deepEqual(
      price.cells.map((c) => c?.path),
      ['execute', 'replay', 'replay'],
    );
    assert.equal(charge.label, '#1 charge');
    assert.deepEqual(
      charge.cells.map((c) => c?.text),
      ['crashed', 'reconciled · SUCCEEDED', 'replayed · SUCCEEDED'],
    );
    // The notify action ran only in attempt 3.
    assert.deepEqual(
      model.groups[1].rows[0].cells.map((c) => c === null),
      [true, true, false],
    );
  });

  it('marks crashes where they struck: at a call, or at the action', () => {
    const charge = model.groups[0].rows[1].cells[0]!;
    assert.equal(charge.crash, 'before-outcome');
    assert.equal(charge.status, undefined);
    assert.match(charge.title, /crash at before-outcome/);
    assert.deepEqual(model.groups[0].marks[1], { kind: 'crash', text: 'crash at before-complete' });
  });

  it('says how each action execution ended', () => {
    assert.deepEqual(model.groups[0].marks[2], { kind: 'completed', text: 'completed' });
    assert.deepEqual(model.groups[1].marks[2], {
      kind: 'failed',
      text: 'failed: Error: smtp down',
    });
  });

  it('gives each cell what is needed to find its call site', () => {
    const cell = model.groups[0].rows[1].cells[2]!;
    assert.deepEqual(cell.target, { stateId: A, index: 1, functionId: 'charge', occurrence: 0 });
    assert.equal(callSiteKey(cell.target), 'charge#0');
  });

  it('counts occurrences of a function within an action execution', () => {
    const twice = buildTimelineModel({
      attempts: [
        {
          ...attempts[2],
          calls: [
            { id: A, index: 0, functionId: 'f', path: 'execute', status: 'SUCCEEDED', reason: '' },
            { id: A, index: 1, functionId: 'g', path: 'execute', status: 'SUCCEEDED', reason: '' },
            { id: A, index: 2, functionId: 'f', path: 'execute', status: 'SUCCEEDED', reason: '' },
          ],
          actions: [],
        },
      ],
      callSites: {},
    });
    assert.deepEqual(
      twice.groups[0].rows.map((r) => r.cells[0]?.target.occurrence),
      [0, 0, 1],
    );
  });

  it('labels a slot whose function changed between attempts with both ids', () => {
    const changed = buildTimelineModel({
      attempts: [
        {
          ...attempts[2],
          attempt: 1,
          actions: [],
          calls: [
            {
              id: A,
              index: 0,
              functionId: 'old',
              path: 'execute',
              status: 'SUCCEEDED',
              reason: '',
            },
          ],
        },
        {
          ...attempts[2],
          attempt: 2,
          actions: [],
          calls: [
            {
              id: A,
              index: 0,
              functionId: 'new',
              path: 'clear-and-execute',
              status: 'SUCCEEDED',
              reason: '',
            },
          ],
        },
      ],
      callSites: {},
    });
    assert.equal(changed.groups[0].rows[0].label, '#0 old / new');
  });

  describe('an action of many calls', () => {
    type Call = AttemptView['calls'][number];
    const call = (
      index: number,
      path: Call['path'],
      status: Call['status'] = 'SUCCEEDED',
    ): Call => ({
      id: A,
      index,
      functionId: index % 2 ? 'fetch' : 'step',
      path,
      status,
      reason: path,
    });
    const range = (n: number, path: Call['path']) =>
      Array.from({ length: n }, (_, i) => call(i, path));
    const calls = 100_000;
    // Attempt 1 ran every call but the last, and was killed in the last one's charge; attempt 2
    // replayed them and reconciled the last.
    const big = buildTimelineModel({
      attempts: [
        {
          ...attempts[0],
          calls: range(calls - 1, 'execute'),
          crash: { point: 'before-outcome', id: A, index: calls - 1, functionId: 'charge' },
        },
        {
          ...attempts[2],
          attempt: 2,
          actions: [],
          calls: [
            ...range(calls - 1, 'replay'),
            { ...call(calls - 1, 'reconcile'), functionId: 'charge' },
          ],
        },
      ],
      callSites: {},
    });

    it('folds a long run of calls every attempt treated alike into one row', () => {
      const rows = big.groups[0].rows;
      assert.deepEqual(
        rows.map((r) => [r.index, r.last, r.label]),
        [
          [0, calls - 2, `#0–#${calls - 2} step / fetch (${calls - 1} calls)`],
          [calls - 1, undefined, `#${calls - 1} charge`],
        ],
      );
      assert.deepEqual(
        rows[0].cells.map((c) => c?.text),
        [`executed · SUCCEEDED ×${calls - 1}`, `replayed · SUCCEEDED ×${calls - 1}`],
      );
      // A click on the folded row goes to its first call.
      assert.deepEqual(rows[0].cells[1]?.target, {
        stateId: A,
        index: 0,
        functionId: 'step',
        occurrence: 0,
      });
    });

    it('keeps the row where a crash struck apart, and runs shorter than the fold a row a call', () => {
      const short = buildTimelineModel({
        attempts: [{ ...attempts[2], actions: [], calls: range(FOLD_AT - 1, 'execute') }],
        callSites: {},
      });
      assert.equal(short.groups[0].rows.length, FOLD_AT - 1);
      assert.equal(big.groups[0].rows[1].cells[0]?.crash, 'before-outcome');
    });

    it('cuts runs of calls where any attempt changed course, and counts occurrences across them', () => {
      const run = (
        attempt: number,
        path: Call['path'],
        count: number,
        functions: Array<[string, number]>,
      ) => ({
        ...attempts[2],
        attempt,
        actions: [],
        calls: [
          {
            id: A,
            index: 0,
            functionId: functions[0][0],
            path,
            status: 'SUCCEEDED' as const,
            reason: path,
            count,
            functions,
          },
        ],
      });
      const model = buildTimelineModel({
        attempts: [
          {
            ...run(1, 'execute', 100, [
              ['a', 50],
              ['b', 50],
            ]),
            crash: { point: 'before-call', id: A, index: 100, functionId: 'c' },
          },
          run(2, 'replay', 100, [
            ['a', 50],
            ['b', 50],
          ]),
          {
            ...run(3, 'replay', 40, [['a', 40]]),
            crash: { point: 'before-outcome', id: A, index: 40, functionId: 'a' },
          },
        ],
        callSites: {},
      });
      const rows = model.groups[0].rows;
      assert.deepEqual(
        rows.map((r) => [r.label, r.cells.map((c) => c?.text ?? null)]),
        [
          [
            '#0–#39 a (40 calls)',
            ['executed · SUCCEEDED ×40', 'replayed · SUCCEEDED ×40', 'replayed · SUCCEEDED ×40'],
          ],
          ['#40 a', ['executed · SUCCEEDED', 'replayed · SUCCEEDED', 'crashed']],
          [
            '#41–#99 a / b (59 calls)',
            ['executed · SUCCEEDED ×59', 'replayed · SUCCEEDED ×59', null],
          ],
          ['#100 c', ['crashed', null, null]],
        ],
      );
      assert.deepEqual(rows[2].cells[0]?.target, {
        stateId: A,
        index: 41,
        functionId: 'a',
        occurrence: 41,
      });
      assert.deepEqual(rows[1].cells[2]?.target, {
        stateId: A,
        index: 40,
        functionId: 'a',
        occurrence: 40,
      });
    });

    it('breaks a run where any attempt treated a call differently', () => {
      const failedAt = 500;
      const mixed = buildTimelineModel({
        attempts: [
          {
            ...attempts[2],
            actions: [],
            calls: range(1000, 'execute').map((c) =>
              c.index === failedAt ? { ...c, status: 'FAILED' as const } : c,
            ),
          },
        ],
        callSites: {},
      });
      assert.deepEqual(
        mixed.groups[0].rows.map((r) => [r.index, r.last]),
        [
          [0, failedAt - 1],
          [failedAt, undefined],
          [failedAt + 1, 999],
        ],
      );
    });
  });

  it('is empty with no attempts, and carries a note', () => {
    const empty = buildTimelineModel({ attempts: [], callSites: {} }, 'nothing yet');
    assert.deepEqual(empty, { columns: [], groups: [], note: 'nothing yet' });
  });
});

describe('timeline page', () => {
  const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

  it('allows only local styles and the one script with the nonce', () => {
    const csp = contentSecurityPolicy(cspSource, 'abc123');
    assert.equal(
      csp,
      `default-src 'none'; style-src ${cspSource}; img-src ${cspSource}; font-src ${cspSource}; script-src 'nonce-abc123'`,
    );
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  it('loads its assets from media/ with the nonce on its only script, and nothing remote', () => {
    const html = timelineHtml({
      cspSource,
      nonce: 'n0nce+/=',
      scriptUri: `${cspSource}/ext/media/timeline.js`,
      styleUri: `${cspSource}/ext/media/timeline.css`,
    });
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none';[^"]*script-src 'nonce-n0nce\+\/='">/,
    );
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /<script nonce="n0nce\+\/=" src="[^"]*\/media\/timeline\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="[^"]*\/media\/timeline\.css">/);
    assert.doesNotMatch(html, /\sstyle=|<style|\son[a-z]+=/);
    const urls = [...html.matchAll(/https?:\/\/[^\s"';]+/g)].map((m) => m[0]);
    assert.ok(
      urls.every((u) => u.startsWith(cspSource)),
      `remote resources: ${urls.join(', ')}`,
    );
  });

  it('makes a fresh, unguessable nonce each time', async () => {
    const nonces = new Set(await Promise.all(Array.from({ length: 50 }, makeNonce)));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9+/]{24}$/);
  });
});
