// Unit tests of the refresh coalescing: bursts of slot events become few fetches, none lost.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Refresher } from './refresher';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    const r = new Refresher(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(20);
      fetches++;
      running--;
    }, 1);
    r.request();
    await sleep(5);
    r.request();
    r.request();
    await sleep(80);
    assert.equal(fetches, 2);
    assert.equal(maxRunning, 1);
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
