// Unit tests of call identity (function id, args digest) and action-state identity (spec 6, 5.2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from './codec';
import { argsDigest, functionIdOf, stateIdOf } from './identity';
import { MemoryStore } from './stateStore';
import { digestOf, execution } from '../../test/support/runtime';

describe('function id', () => {
  it('is the name of a named function', () => {
    async function chargeCard(): Promise<number> {
      return 1;
    }
    assert.equal(functionIdOf(chargeCard, undefined), 'chargeCard');
  });

  it('is the variable name of an arrow function assigned to a const', () => {
    const sendMail = async () => 1;
    assert.equal(functionIdOf(sendMail, undefined), 'sendMail');
  });

  it('is the id option when one is given, whatever the function is called', () => {
    const sendMail = async () => 1;
    assert.equal(functionIdOf(sendMail, 'mail.send'), 'mail.send');
    assert.equal(
      functionIdOf(() => 1, 'inline'),
      'inline',
    );
  });

  it('of an anonymous function without an id is a TypeError that says how to name it', () => {
    assert.throws(
      () => functionIdOf(() => 1, undefined),
      (error: unknown) =>
        error instanceof TypeError &&
        /anonymous/.test(error.message) &&
        /\{ id: 'charge' \}/.test(error.message),
    );
  });

  it('refuses an empty, blank or non-string id option with a TypeError', () => {
    const f = () => 1;
    assert.throws(() => functionIdOf(f, ''), TypeError);
    assert.throws(() => functionIdOf(f, '   '), TypeError);
    assert.throws(() => functionIdOf(f, 42 as unknown as string), TypeError);
  });

  it('of a method is the method name, shared by every instance (the receiver is not part of it)', () => {
    class Gateway {
      constructor(readonly region: string) {}
      async charge(): Promise<string> {
        return this.region;
      }
    }
    const eu = new Gateway('eu');
    const us = new Gateway('us');
    assert.equal(functionIdOf(eu.charge, undefined), 'charge');
    assert.equal(functionIdOf(us.charge, undefined), functionIdOf(eu.charge, undefined));
  });

  it('of a bound method is "bound <name>", as JavaScript names bound functions', () => {
    class Gateway {
      async charge(): Promise<number> {
        return 1;
      }
    }
    const g = new Gateway();
    assert.equal(functionIdOf(g.charge.bind(g), undefined), 'bound charge');
  });

  it('of an anonymous function is refused by ctx.durableExecute (rejected) and ctx.durableExecuteAsync (thrown)', async () => {
    const ctx = execution(new MemoryStore());
    const anonymous = [async () => 1][0];
    await assert.rejects(ctx.durableExecute(anonymous), TypeError);
    assert.throws(() => ctx.durableExecuteAsync(anonymous), TypeError);
  });
});

describe('args digest', () => {
  it('is 16 lowercase hex characters, also for no arguments', () => {
    assert.match(digestOf([]), /^[0-9a-f]{16}$/);
    assert.match(digestOf([1, 'two', { three: 3 }]), /^[0-9a-f]{16}$/);
  });

  it('is the first 16 hex characters of SHA-256 over the encoded args', async () => {
    const { createHash } = await import('node:crypto');
    const encoded = encode([1, 2]);
    const expected = createHash('sha256')
      .update(JSON.stringify(encoded))
      .digest('hex')
      .slice(0, 16);
    assert.equal(argsDigest(encoded), expected);
  });

  it('is the same for the same args encoded twice, and differs for different args', () => {
    assert.equal(digestOf([1, 'a']), digestOf([1, 'a']));
    assert.notEqual(digestOf([1, 'a']), digestOf([1, 'b']));
  });

  it('depends on argument order: (1, 2) differs from (2, 1)', () => {
    assert.notEqual(digestOf([1, 2]), digestOf([2, 1]));
  });

  it('tells an explicit undefined argument apart from no argument', () => {
    assert.notEqual(digestOf([]), digestOf([undefined]));
    assert.notEqual(digestOf([null]), digestOf([undefined]));
  });

  it('is deterministic for nested complex values (Map, Set, Date, BigInt) built afresh', () => {
    const build = () => [
      {
        when: new Date('2026-01-02T03:04:05.000Z'),
        tags: new Set(['a', 'b']),
        totals: new Map<string, unknown>([
          ['eur', 10n],
          ['usd', { cents: [1, 2, 3] }],
        ]),
      },
      [[['deep']]],
    ];
    assert.equal(digestOf(build()), digestOf(build()));
    const changed = build();
    (changed[0] as { totals: Map<string, unknown> }).totals.set('eur', 11n);
    assert.notEqual(digestOf(changed), digestOf(build()));
  });

  it('tells a Date apart from its ISO string, and a BigInt from its number', () => {
    const date = new Date('2026-01-02T00:00:00.000Z');
    assert.notEqual(digestOf([date]), digestOf([date.toISOString()]));
    assert.notEqual(digestOf([5n]), digestOf([5]));
  });

  it('does not include the reconciler: a call with and without one gets the same digest', async () => {
    const store = new MemoryStore();
    const ctx = execution(store);
    const charge = async (n: number) => n;
    const check = () => 1;
    await ctx.durableExecute(charge, [7]);
    await ctx.durableExecute(charge, [7], { reconciler: check });
    const [a, b] = store.get(ctx.exec.stateId)!.slots;
    assert.equal(a.argsDigest, b.argsDigest);
    assert.equal(a.argsDigest, digestOf([7]));
  });
});

describe('action-state identity', () => {
  it('names key, input sequence number, event index and action', () => {
    assert.equal(
      stateIdOf({ key: 'user-1', seq: 2, eventIndex: 3, action: 'pay' }),
      'user-1#2/3/pay',
    );
  });

  it('differs for two events of the same input at different indexes', () => {
    const a = stateIdOf({ key: 'k', seq: 0, eventIndex: 1, action: 'pay' });
    const b = stateIdOf({ key: 'k', seq: 0, eventIndex: 2, action: 'pay' });
    assert.notEqual(a, b);
  });
});
