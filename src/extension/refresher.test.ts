// Unit tests of the refresh coalescing: bursts of slot events become few fetches, none lost.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Refresher } from './refresher';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds (a hang guard of 10 s, never reached when all is well). */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    assert.ok(Date.now() < deadline, 'timed out waiting for the refresher');
    await sleep(1);
  }
}

describe('Refresher', () => {
  it('folds a burst of requests into one fetch', async () => {
    let fetches = 0;
    const r = new Refresher(async () => void fetches++, 10);
    for (let i = 0; i < 100; i++) r.request();
    await sleep(40);
    assert.equal(fetches, 1);
    r.dispose();
  });

  it('runs one more fetch for requests made while one was in flight, never two at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let fetches = 0;
    // Each fetch lasts until the test lets it end: no timing decides what overlaps.
    const ends: Array<() => void> = [];
    const r = new Refresher(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      fetches++;
      await new Promise<void>((resolve) => ends.push(resolve));
      running--;
    }, 1);
    r.request();
    await until(() => fetches === 1);
    r.request();
    r.request();
    ends.shift()!();
    await until(() => fetches === 2);
    ends.shift()!();
    await until(() => running === 0);
    assert.equal(maxRunning, 1);
    assert.equal(fetches, 2, 'the two requests made during the first fetch are folded into one');
    r.dispose();
  });

  it('survives a failed fetch and stops after dispose', async () => {
    let fetches = 0;
    const r = new Refresher(async () => {
      fetches++;
      throw new Error('session ended');
    }, 1);
    r.request();
    await sleep(10);
    r.request();
    await sleep(10);
    assert.equal(fetches, 2);
    r.dispose();
    r.request();
    await sleep(10);
    assert.equal(fetches, 2);
  });
});
