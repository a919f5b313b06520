// How the worker's parent kills it, on Windows (simulated: taskkill on the tree, while the worker
// still lives, since its children cannot be found once it is gone) and here, on a real worker.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { realHost, type ProcessHost } from '../platform/processTree';
import { WorkerClient } from './workerClient';

const WORKER = path.resolve('dist/worker.js');

/** Windows as the client sees it; taskkill is carried out with a real kill of the worker. */
function simulatedWindows(): ProcessHost & { commands: string[] } {
  const commands: string[] = [];
  return {
    platform: 'win32',
    commands,
    kill: realHost.kill,
    run(command, args) {
      commands.push(`${command} ${args.join(' ')}`);
      process.kill(Number(args[1]), 'SIGKILL');
      return { ok: true };
    },
  };
}

describe('killing the worker on Windows (simulated)', () => {
  it('ends its whole tree with taskkill /T /F, never with a signal alone', async () => {
    const host = simulatedWindows();
    const worker = WorkerClient.spawn({ workerScript: WORKER, processGroup: true, host });
    const pid = worker.pid!;
    await worker.kill();
    assert.deepEqual(host.commands, [`taskkill /PID ${pid} /T /F`]);
  });

  it('reaches the tree while the worker lives, and asks nothing once it is gone', async () => {
    const host = simulatedWindows();
    const worker = WorkerClient.spawn({ workerScript: WORKER, processGroup: true, host });
    const pid = worker.pid!;
    worker.killGroup();
    await worker.exited;
    worker.killGroup();
    assert.deepEqual(host.commands, [`taskkill /PID ${pid} /T /F`]);
  });
});

describe('killing the worker here', () => {
  it('SIGKILLs it, and its group is gone with it', async () => {
    const worker = WorkerClient.spawn({ workerScript: WORKER, processGroup: true });
    const exit = await worker.kill();
    assert.equal(exit.signal, process.platform === 'win32' ? null : 'SIGKILL');
    assert.equal(worker.running, false);
    worker.killGroup(); // nothing left to kill: no error
  });
});
