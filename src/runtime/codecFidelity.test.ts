// Unit tests of the codec's promise, case by case: a value comes back from the journal as it was
// (bytes, an invalid Date, an Error value with its class, "__proto__" and "constructor" keys as
// data), or it is refused when it is encoded, with the path of the part that would not survive.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode, registerClass } from './codec';
import { PayloadEncodingError } from './errors';

function throughJournal<T>(value: T): T {
  return decode<T>(JSON.parse(JSON.stringify(encode(value))));
}

function refused(value: unknown, message: RegExp): void {
  assert.throws(
    () => encode(value, 'the result of fetch'),
    (error: unknown) => {
      assert.ok(error instanceof PayloadEncodingError, String(error));
      assert.match(error.message, message);
      return true;
    },
  );
}

class Invoice {
  constructor(public total = 0) {}
}
registerClass(Invoice);

class CardDeclined extends Error {
  override name = 'CardDeclined';
}
registerClass(CardDeclined);

describe('bytes come back as the same kind with the same bytes', () => {
  it('a Buffer comes back as a Buffer', () => {
    const back = throughJournal({ pdf: Buffer.from('%PDF-1.7\u0000\u00ff', 'latin1') });
    assert.ok(Buffer.isBuffer(back.pdf));
    assert.equal(back.pdf.toString('latin1'), '%PDF-1.7\u0000\u00ff');
  });

  it('every typed array, NaN and -0 in a Float64Array and BigInt arrays included', () => {
    const floats = throughJournal(new Float64Array([NaN, -0, Infinity, 1.5]));
    assert.ok(floats instanceof Float64Array);
    assert.ok(Number.isNaN(floats[0]));
    assert.ok(Object.is(floats[1], -0));
    assert.deepEqual(
      throughJournal(new BigInt64Array([-1n, 2n ** 62n])),
      new BigInt64Array([-1n, 2n ** 62n]),
    );
    assert.deepEqual(
      throughJournal(new BigUint64Array([2n ** 64n - 1n])),
      new BigUint64Array([2n ** 64n - 1n]),
    );
    for (const array of [
      new Int8Array([-1, 2]),
      new Uint8Array([255]),
      new Uint8ClampedArray([7]),
      new Int16Array([-300]),
      new Uint16Array([65535]),
      new Int32Array([-2e9]),
      new Uint32Array([4e9]),
      new Float32Array([0.25]),
    ]) {
      assert.deepEqual(throughJournal(array), array);
    }
  });

  it('a view into part of a larger buffer comes back as those bytes only', () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const back = throughJournal(new Uint16Array(whole.buffer, 2, 2));
    assert.ok(back instanceof Uint16Array);
    assert.deepEqual([...new Uint8Array(back.buffer)], [3, 4, 5, 6]);
  });

  it('an ArrayBuffer and a DataView come back as themselves', () => {
    const buffer = new Uint8Array([9, 8, 7]).buffer;
    const back = throughJournal({ buffer, view: new DataView(buffer, 1) });
    assert.ok(back.buffer instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(back.buffer)], [9, 8, 7]);
    assert.ok(back.view instanceof DataView);
    assert.equal(back.view.getUint8(0), 8);
  });
});

describe('values superjson changes come back as they were', () => {
  it('an invalid Date comes back as an invalid Date, not null', () => {
    const back = throughJournal({ at: new Date('not a date') });
    assert.ok(back.at instanceof Date);
    assert.ok(Number.isNaN(back.at.getTime()));
  });

  it('a RangeError value comes back as a RangeError with its message, stack, cause and properties', () => {
    const original = Object.assign(new RangeError('too far', { cause: new TypeError('bad') }), {
      code: 'E_RANGE',
      at: new Date(0),
    });
    const back = throughJournal({ error: original }).error;
    assert.ok(back instanceof RangeError);
    assert.equal(back.message, 'too far');
    assert.equal(back.stack, original.stack);
    assert.ok(back.cause instanceof TypeError);
    assert.equal((back as unknown as { code: string }).code, 'E_RANGE');
    assert.ok((back as unknown as { at: Date }).at instanceof Date);
  });

  it('a registered Error subclass value comes back as itself', () => {
    const back = throughJournal([new CardDeclined('insufficient funds')])[0];
    assert.ok(back instanceof CardDeclined);
    assert.equal(back.name, 'CardDeclined');
  });

  it('an AggregateError value keeps its errors', () => {
    const back = throughJournal(new AggregateError([new Error('a'), new RangeError('b')], 'both'));
    assert.ok(back instanceof AggregateError);
    assert.deepEqual(
      back.errors.map((e: Error) => `${e.name}: ${e.message}`),
      ['Error: a', 'RangeError: b'],
    );
  });
});

describe('"__proto__", "constructor" and "prototype" keys are data', () => {
  const payload = () =>
    JSON.parse(
      '{"constructor":{"name":"Widget"},"__proto__":{"polluted":true},"prototype":1,"id":7}',
    ) as Record<string, unknown>;

  it('plain JSON with such keys is stored as that JSON and comes back with them as own keys', () => {
    const value = payload();
    assert.deepEqual(encode(value), { json: value });
    assert.equal(JSON.stringify(encode(value).json), JSON.stringify(value));
    const back = throughJournal(value);
    assert.deepEqual(Object.keys(back), ['constructor', '__proto__', 'prototype', 'id']);
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, '__proto__')?.value, { polluted: true });
    assert.equal((back as { polluted?: unknown }).polluted, undefined);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });

  it('such keys next to values that need annotations (a Date) come back the same way', () => {
    const value = { at: new Date(0), body: payload(), list: [payload()] };
    const back = throughJournal(value);
    assert.ok(back.at instanceof Date);
    assert.deepEqual(Object.keys(back.body), ['constructor', '__proto__', 'prototype', 'id']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(back.list[0], '__proto__')?.value, {
      polluted: true,
    });
    assert.equal(Object.getPrototypeOf(back.body), Object.prototype);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });
});

describe('what would not come back equal is refused when it is encoded, naming its path', () => {
  it('an instance of an unregistered class, with the registerClass hint', () => {
    class Receipt {
      id = 1;
    }
    refused(
      { receipts: [new Receipt()] },
      /^the result of fetch\.receipts\.0 is an instance of Receipt, a class that is not registered.*registerClass\(Receipt\)/,
    );
  });

  it('an unregistered Error subclass value', () => {
    class QuotaExceeded extends Error {}
    refused(
      { error: new QuotaExceeded('slow down') },
      /^the result of fetch\.error is an instance of QuotaExceeded, an Error subclass that is not registered.*registerClass\(QuotaExceeded\)/,
    );
  });

  it('a sparse array, naming the empty index', () => {
    refused(
      { list: [1, , 3] },
      /^the result of fetch\.list is a sparse array \(index 1 is an empty slot\)/,
    );
  });

  it('an array with a property besides its items (a RegExp match)', () => {
    refused(
      /b/.exec('abc'),
      /^the result of fetch is an array with a property besides its items \("index"\)/,
    );
  });

  it('a property keyed by a symbol', () => {
    refused(
      { a: { [Symbol('tag')]: 1 } },
      /^the result of fetch\.a has a property keyed by a symbol/,
    );
  });

  it('a Promise, with the hint of a missing await', () => {
    refused(
      { pending: Promise.resolve(1) },
      /^the result of fetch\.pending is a Promise.*missing "await"/,
    );
  });

  it('a subclass of Map', () => {
    class Registry extends Map {}
    refused(new Registry(), /is an instance of Registry, a subclass of a built-in class/);
  });

  it('a shared object inside an Error, which would come back as a copy', () => {
    const shared = { id: 1 };
    const error = Object.assign(new Error('x'), { a: shared, b: shared });
    refused(error, /is the same object as .*a shared or circular reference inside an Error/);
  });

  it('a getter that throws is a PayloadEncodingError, not a crash of the runtime', () => {
    const value = {
      get broken(): number {
        throw new Error('no access');
      },
    };
    refused(value, /^the result of fetch cannot be persisted: no access/);
  });

  it('registered classes still come back with their prototype', () => {
    const back = throughJournal({ invoice: new Invoice(12) });
    assert.ok(back.invoice instanceof Invoice);
    assert.equal(back.invoice.total, 12);
  });
});
