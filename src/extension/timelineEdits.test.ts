// Tests that the timeline draws hand edits (state surgery) under the attempt they followed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTimelineModel } from './timelineModel';

describe('the timeline model and edits', () => {
  it('lists the edits made after an attempt under its column, and none elsewhere', () => {
    const model = buildTimelineModel({
      attempts: [
        {
          attempt: 1,
          kind: 'run',
          at: 'x',
          outcome: 'crashed',
          calls: [],
          actions: [],
          edits: [
            { at: 't', id: 'k#0/0/a', kind: 'pending', index: 1, change: 'SUCCEEDED → PENDING' },
          ],
        },
        { attempt: 2, kind: 'recover', at: 'y', outcome: 'done', calls: [], actions: [] },
      ],
      callSites: {},
    });
    assert.deepEqual(model.columns[0].edits, ['then edited k#0/0/a #1: SUCCEEDED → PENDING']);
    assert.equal(model.columns[1].edits, undefined);
  });
});
