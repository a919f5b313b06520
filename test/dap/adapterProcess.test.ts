// The standalone adapter as a process: it ends when its client goes away (stdin closed, or
// SIGTERM), whatever it was doing, and takes its worker with it.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { ADAPTER, assertNoWorkerLeft, ORDERS, ORDER_INPUTS, tempDir } from './support';

/** A raw DAP client over the adapter's stdio: frames out, events and responses in. */
function rawAdapter() {
  const child = spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'inherit'] });
  // Whatever a test does, no adapter outlives it (SIGKILL is a no-op once it has exited).
  after(() => child.kill('SIGKILL'));
  const messages: Array<Record<string, unknown>> = [];
  let buffer = Buffer.alloc(0);
  child.stdout!.on('data', (data: Buffer) => {
    buffer = Buffer.concat([buffer, data]);
    for (;;) {
      const header = buffer.indexOf('\r\n\r\n');
      if (header === -1) return;
      const length = Number(
        /Content-Length: (\d+)/.exec(buffer.subarray(0, header).toString())![1],
      );
      if (buffer.length < header + 4 + length) return;
      messages.push(JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString()));
      buffer = buffer.subarray(header + 4 + length);
    }
  });
  let seq = 1;
  const send = (command: string, args: unknown) => {
    const body = JSON.stringify({ seq: seq++, type: 'request', command, arguments: args });
    child.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  const until = async (match: (m: Record<string, unknown>) => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!messages.some(match)) {
      if (Date.now() > deadline) assert.fail(`no ${what} from the adapter`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return messages.find(match)!;
  };
  return { child, send, until };
}

function exitOf(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', resolve);
  });
}

async function stoppedOnEntry() {
  const a = rawAdapter();
  a.send('initialize', { adapterID: 'durable-agent', linesStartAt1: true, columnsStartAt1: true });
  a.send('launch', {
    program: ORDERS,
    inputs: ORDER_INPUTS,
    stateDir: tempDir(),
    stopOnEntry: true,
  });
  a.send('configurationDone', {});
  await a.until((m) => m.event === 'stopped', 'stopped event');
  const worker = (await a.until((m) => m.event === 'durableRun.worker', 'worker event')) as {
    body: { pid: number };
  };
  return { ...a, worker: worker.body.pid };
}

describe('the standalone adapter process', () => {
  it('ends, with its worker, when its client closes stdin', async () => {
    const a = await stoppedOnEntry();
    const exited = exitOf(a.child);
    a.child.stdin!.end();
    await exited;
    await assertNoWorkerLeft([a.worker]);
  });

  it('ends, with its worker, on SIGTERM', async () => {
    const a = await stoppedOnEntry();
    const exited = exitOf(a.child);
    a.child.kill('SIGTERM');
    await exited;
    await assertNoWorkerLeft([a.worker]);
  });

  it('answers a launch on a state folder the file system will not create, then ends with stdin', async (t) => {
    if (process.platform !== 'linux') return t.skip('procfs is Linux only');
    const a = rawAdapter();
    a.send('initialize', { adapterID: 'durable-agent' });
    a.send('launch', { program: ORDERS, inputs: ORDER_INPUTS, stateDir: '/proc/1/durable' });
    const response = (await a.until((m) => m.command === 'launch', 'launch response')) as {
      success: boolean;
      message: string;
    };
    assert.equal(response.success, false);
    assert.match(response.message, /the file system does not let a folder be made in \/proc\/1/);
    const exited = exitOf(a.child);
    a.child.stdin!.end();
    await exited;
  });
});
