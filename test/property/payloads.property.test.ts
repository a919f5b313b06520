// Property tests of the codec's promise: a value generated anywhere in its domain either comes
// back equal from the journal, or is refused with a PayloadEncodingError when it is produced;
// never accepted and broken later. At the codec, and through a real agent: a durable call's
// result, an event and a memory value are the same live and on replay.
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '../../src/runtime/codec';
import { PayloadEncodingError } from '../../src/runtime/errors';
import { payloadArb, sameValue } from '../support/payloads';

const SEED = Number(process.env.PROPERTY_SEED ?? 20260815);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** Encodes, goes through JSON text as the journal does, and decodes. */
function throughJournal(value: unknown): unknown {
  return decode(JSON.parse(JSON.stringify(encode(value, 'the value'))));
}

describe('the codec over its whole domain (property)', () => {
  it(`gives back an equal value, or refuses it with a PayloadEncodingError naming it (seed ${SEED})`, () => {
    fc.assert(
      fc.property(payloadArb, ({ value, refused }) => {
        let back: unknown;
        try {
          back = throughJournal(value);
        } catch (error) {
          assert.ok(error instanceof PayloadEncodingError, `not a PayloadEncodingError: ${error}`);
          assert.ok(refused, `refused a value it carries: ${error.message}`);
          assert.match(error.message, /^the value/);
          return;
        }
        assert.ok(!refused, 'accepted a value that does not come back equal');
        assert.equal(sameValue(value, back), undefined);
      }),
      { seed: SEED, numRuns: RUNS * 5 },
    );
  });
});
