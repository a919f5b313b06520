// Unit tests of the payload codec: values and errors survive a trip through the journal's JSON.
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SuperJSON from 'superjson';
import { decode, decodeError, encode, encodeError, registerClass, toPlainJson } from './codec';
import { PayloadEncodingError } from './errors';

/** Encodes, goes through JSON text as the journal does, and decodes. */
function roundTrip<T>(value: T): T {
  return decode<T>(JSON.parse(JSON.stringify(encode(value))));
}

function errorRoundTrip(thrown: unknown): unknown {
  return decodeError(JSON.parse(JSON.stringify(encodeError(thrown))));
}

class CardDeclined extends Error {
  override name = 'CardDeclined';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
registerClass(CardDeclined);

class Money {
  constructor(
    public amount = 0,
    public currency = 'EUR',
  ) {}
  label(): string {
    return `${this.amount} ${this.currency}`;
  }
}
registerClass(Money);

describe('codec round trips', () => {
  it('keeps plain JSON values as they were', () => {
    const value = {
      s: 'text',
      n: 1.5,
      t: true,
      f: false,
      list: [1, 'two', [3]],
      nested: { a: { b: {} } },
    };
    assert.deepEqual(roundTrip(value), value);
    assert.equal(roundTrip('just a string'), 'just a string');
    assert.equal(roundTrip(0), 0);
  });

  it('keeps numbers JSON cannot: NaN, Infinity and -0', () => {
    assert.ok(Number.isNaN(roundTrip(NaN)));
    assert.equal(roundTrip(Infinity), Infinity);
    assert.ok(Object.is(roundTrip(-0), -0));
  });

  it('keeps Date, Map, Set and BigInt with their types, also nested', () => {
    const value = {
      when: new Date('2026-03-04T05:06:07.089Z'),
      byId: new Map<unknown, unknown>([
        [1, { at: new Date(0) }],
        ['two', new Set([1n, 2n])],
      ]),
      big: 123456789012345678901234567890n,
    };
    const back = roundTrip(value);
    assert.ok(back.when instanceof Date);
    assert.equal(back.when.toISOString(), '2026-03-04T05:06:07.089Z');
    assert.ok(back.byId instanceof Map);
    assert.deepEqual(back, value);
  });

  it('keeps null and undefined apart, at the top level and nested', () => {
    assert.equal(roundTrip(null), null);
    assert.equal(roundTrip(undefined), undefined);
    assert.deepEqual(roundTrip([undefined, null]), [undefined, null]);
    const obj = roundTrip({ a: undefined, b: null });
    assert.ok('a' in obj);
    assert.equal(obj.a, undefined);
    assert.equal(obj.b, null);
  });

  it('keeps circular references', () => {
    const node: { name: string; self?: unknown } = { name: 'loop' };
    node.self = node;
    const back = roundTrip(node);
    assert.equal(back.self, back);
  });

  it('rebuilds registered classes with their prototype', () => {
    const back = roundTrip(new Money(12, 'USD'));
    assert.ok(back instanceof Money);
    assert.equal(back.label(), '12 USD');
  });

  it('gives the plain JSON view of a payload for people and --json output', () => {
    assert.deepEqual(toPlainJson(encode({ a: 1 })), { a: 1 });
    assert.equal(toPlainJson(undefined), undefined);
  });
});

describe('codec plain JSON path', () => {
  /** What superjson itself gives, in the form encode returns (no empty meta). */
  const bySuperjson = (value: unknown) => {
    const out = new SuperJSON().serialize(value);
    return out.meta === undefined ? { json: out.json } : out;
  };

  it('encodes plain JSON exactly as superjson does, so a digest never depends on the path taken', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const v of [value, [value, { nested: value }]]) {
          let expected: unknown;
          try {
            expected = bySuperjson(v);
          } catch {
            // superjson refuses "__proto__" and "constructor" keys: encode carries them as data,
            // as plain JSON when nothing else needs an annotation.
            if (v === value) assert.deepEqual(encode(v), { json: v });
            assert.deepEqual(roundTrip(v), v);
            continue;
          }
          assert.deepEqual(encode(v), expected);
        }
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('leaves to superjson what plain JSON cannot say: -0, shared references, undefined', () => {
    const shared = { id: 1 };
    for (const value of [
      -0,
      [shared, shared],
      { a: shared, b: shared },
      [undefined],
      { a: undefined },
    ]) {
      assert.deepEqual(encode(value), bySuperjson(value));
    }
    const back = roundTrip({ a: shared, b: shared });
    assert.equal(back.a, back.b);
  });

  it('encodes an object with a null prototype as the plain object it holds, as it always did', () => {
    const nullProto = Object.assign(Object.create(null), { a: 1 });
    assert.deepEqual(encode(nullProto), { json: { a: 1 } });
    assert.equal(Object.getPrototypeOf(roundTrip(nullProto)), Object.prototype);
  });

  it('copies: changing an encoded value or a decoded one does not change the payload', () => {
    const original = { list: [1, 2], inner: { x: 1 } };
    const encoded = encode(original);
    original.list.push(3);
    original.inner.x = 2;
    const decoded = decode<typeof original>(encoded);
    assert.deepEqual(decoded, { list: [1, 2], inner: { x: 1 } });
    decoded.list.push(4);
    assert.deepEqual(decode(encoded), { list: [1, 2], inner: { x: 1 } });
  });
});

describe('codec refusals', () => {
  it('refuses a function with a PayloadEncodingError naming its path', () => {
    assert.throws(
      () => encode({ items: [{ callback: () => 1 }] }, 'the result of charge'),
      (error: unknown) =>
        error instanceof PayloadEncodingError &&
        error instanceof TypeError &&
        error.message.includes('the result of charge.items.0.callback') &&
        /function/.test(error.message),
    );
  });

  it('refuses a symbol inside a Map value with a PayloadEncodingError naming its path', () => {
    assert.throws(
      () => encode(new Map([['k', Symbol('s')]]), 'args'),
      (error: unknown) =>
        error instanceof PayloadEncodingError && error.message.includes('args.<map value 0>'),
    );
  });

  it('refuses absurdly deep nesting instead of overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 1100; i++) deep = [deep];
    assert.throws(() => encode(deep), PayloadEncodingError);
  });

  it('refuses to register an anonymous class without an id', () => {
    assert.throws(() => registerClass([class {}][0]), TypeError);
  });
});

describe('error round trips', () => {
  it('keeps an Error’s name, message and stack', () => {
    const original = new Error('payment provider timed out');
    const back = errorRoundTrip(original) as Error;
    assert.ok(back instanceof Error);
    assert.equal(back.name, 'Error');
    assert.equal(back.message, 'payment provider timed out');
    assert.equal(back.stack, original.stack);
  });

  it('keeps the chain of causes, each as the error it was, and not enumerable as a native cause is', () => {
    const root = new TypeError('socket closed');
    const middle = new Error('provider unreachable', { cause: root });
    const back = errorRoundTrip(new Error('charge failed', { cause: middle })) as Error;
    const cause = back.cause as Error;
    assert.equal(cause.message, 'provider unreachable');
    assert.ok(cause.cause instanceof TypeError);
    assert.equal((cause.cause as Error).message, 'socket closed');
    assert.deepEqual(Object.keys(back), []);
  });

  it('keeps a cause that is not an Error as the value it was', () => {
    const back = errorRoundTrip(new Error('refused', { cause: { code: 402 } })) as Error;
    assert.deepEqual(back.cause, { code: 402 });
  });

  it('ends a chain of causes at a cycle, and after 8 causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const cyclic = encodeError(a);
    assert.equal(cyclic.cause?.message, 'b');
    assert.equal(cyclic.cause?.cause, undefined);

    let deep = new Error('cause 20');
    for (let i = 19; i >= 0; i--) deep = new Error(`cause ${i}`, { cause: deep });
    let depth = 0;
    for (let e = errorRoundTrip(deep) as Error; e.cause; e = e.cause as Error) depth++;
    assert.equal(depth, 8);
  });

  it('keeps an empty message', () => {
    assert.equal((errorRoundTrip(new Error()) as Error).message, '');
  });

  it('replays a registered error class as the same class, so instanceof still works', () => {
    const back = errorRoundTrip(new CardDeclined('insufficient funds', 'E51'));
    assert.ok(back instanceof CardDeclined);
    assert.ok(back instanceof Error);
    assert.equal(back.name, 'CardDeclined');
    assert.equal(back.message, 'insufficient funds');
    assert.equal(back.code, 'E51');
  });

  it('replays built-in error classes (TypeError, RangeError) as themselves', () => {
    assert.ok(errorRoundTrip(new TypeError('bad type')) instanceof TypeError);
    assert.ok(errorRoundTrip(new RangeError('too far')) instanceof RangeError);
    assert.equal((errorRoundTrip(new RangeError('too far')) as Error).name, 'RangeError');
  });

  it('replays a PayloadEncodingError as a PayloadEncodingError', () => {
    const back = errorRoundTrip(new PayloadEncodingError('cannot store'));
    assert.ok(back instanceof PayloadEncodingError);
    assert.equal((back as Error).message, 'cannot store');
  });

  it('keeps the name, message and custom properties of an unregistered error class', () => {
    class QuotaExceeded extends Error {
      override name = 'QuotaExceeded';
      retryAfter = new Date('2026-01-01T00:00:00.000Z');
      limit = 10;
    }
    const back = errorRoundTrip(new QuotaExceeded('slow down')) as Error & Record<string, unknown>;
    assert.equal(back.name, 'QuotaExceeded');
    assert.equal(back.message, 'slow down');
    assert.equal(back.limit, 10);
    assert.ok(back.retryAfter instanceof Date);
  });

  it('drops error properties that cannot be stored and keeps the rest of the error', () => {
    const error = Object.assign(new Error('with a callback'), { retry: () => 1, code: 7 });
    const back = errorRoundTrip(error) as Error & Record<string, unknown>;
    assert.equal(back.message, 'with a callback');
    assert.equal(back.retry, undefined);
  });

  it('replays non-Error thrown values as the values themselves', () => {
    assert.equal(errorRoundTrip('a string'), 'a string');
    assert.equal(errorRoundTrip(42), 42);
    assert.equal(errorRoundTrip(null), null);
    assert.equal(errorRoundTrip(undefined), undefined);
    assert.deepEqual(errorRoundTrip({ code: 'E1', when: new Date(0) }), {
      code: 'E1',
      when: new Date(0),
    });
  });

  it('records a thrown non-Error that cannot be stored as its string form', () => {
    const encoded = encodeError(Symbol('weird'));
    assert.equal(encoded.name, 'NonError');
    assert.equal(errorRoundTrip(Symbol('weird')), 'Symbol(weird)');
  });
});
