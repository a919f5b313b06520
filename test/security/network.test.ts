// Security: the debugger opens no network port. A real DAP session (the standalone adapter over
// stdio, its worker stopped at a breakpoint) is checked from /proc: no process of the session
// owns a listening TCP socket or any UDP socket. The detector is first shown to find the sockets
// of a process that does listen, so a blind detector cannot pass the test. The one socket the
// session listens on is the state folder's lock (stateLock.ts): a Unix socket in the abstract
// namespace, which only processes on this machine can reach, with no file and no port.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  alive,
  builtDist,
  commandLine,
  descendants,
  inetSockets,
  launchToStop,
  lineOf,
  listeningSockets,
  parentOf,
  ROOT,
  socketInodes,
  startDap,
  tempDir,
  type DapSession,
} from './support';

const ORDERS = path.join(ROOT, 'test', 'fixtures', 'dap', 'orders.ts');

/** A process listening on 127.0.0.1 (TCP and UDP); resolves with its pid and ports. */
function listener(): Promise<{ child: ChildProcess; tcp: number; udp: number }> {
  const script = `
    const net = require('node:net');
    const dgram = require('node:dgram');
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const udp = dgram.createSocket('udp4');
      udp.bind(0, '127.0.0.1', () =>
        console.log(JSON.stringify({ tcp: server.address().port, udp: udp.address().port })));
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (line: string) => {
      const ports = JSON.parse(line) as { tcp: number; udp: number };
      resolve({ child, ...ports });
    });
    child.once('exit', (code) => reject(new Error(`the listener exited (${code})`)));
  });
}

describe('the socket detector', () => {
  it('finds the TCP and UDP sockets of a process that listens on 127.0.0.1', async () => {
    const { child, tcp, udp } = await listener();
    try {
      const found = listeningSockets(child.pid!);
      assert.ok(
        found.some((s) => s.table === 'tcp' && s.port === tcp && s.state === '0A'),
        `the TCP listener on port ${tcp} was not found: ${JSON.stringify(found)}`,
      );
      assert.ok(
        found.some((s) => s.table === 'udp' && s.port === udp),
        `the UDP socket on port ${udp} was not found: ${JSON.stringify(found)}`,
      );
      // 127.0.0.1, as /proc writes it (little-endian hex).
      assert.ok(found.every((s) => s.local === '0100007F'));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('does not count a process that only has pipes and unix sockets', () => {
    // This test process talks to the test runner over pipes: it owns no TCP or UDP socket.
    assert.deepEqual(listeningSockets(process.pid), []);
  });
});

describe('a DAP session stopped at a breakpoint', () => {
  let s: DapSession;
  let adapterPid: number;
  let workerPid: number;
  before(async () => {
    builtDist();
    s = await startDap();
    const stop = await launchToStop(
      s,
      {
        program: ORDERS,
        inputs: [{ key: 'alice', input: { id: 'o1', cents: 100 } }],
        stateDir: tempDir(),
      },
      { lines: [{ file: ORDERS, line: lineOf(ORDERS, 'durableExecute(charge') }] },
    );
    assert.equal(stop.body.reason, 'breakpoint');
    workerPid = s.workers[0];
    adapterPid = parentOf(workerPid);
  });
  after(async () => {
    await s.dc.stop();
  });

  it('runs the agent in a worker whose parent is the standalone adapter, over stdio and IPC', () => {
    assert.ok(alive(workerPid));
    assert.ok(
      commandLine(adapterPid).some((a) => a.endsWith('debugAdapter.js')),
      `the worker's parent is ${commandLine(adapterPid).join(' ')}`,
    );
    // The IPC channel to the adapter is a socket: the detector sees the worker's sockets, and
    // none of them is TCP or UDP.
    assert.ok(socketInodes(workerPid).size > 0, 'the worker has no IPC socket at all');
    assert.deepEqual(inetSockets(workerPid), []);
  });

  it("the state folder's lock, held by the adapter and shared with the worker, is a local Unix socket, not a network one", () => {
    // /proc/net/unix: "Num RefCount Protocol Flags Type St Inode Path"; flag 00010000 is listening.
    const listening = fs
      .readFileSync('/proc/net/unix', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f.length >= 8 && f[3] === '00010000' && f[7].startsWith('@durable-run/'))
      .map((f) => Number(f[6]));
    const inodes = (pid: number) => [...socketInodes(pid)].filter((i) => listening.includes(i));
    assert.equal(inodes(adapterPid).length, 1, 'the adapter holds one lock socket');
    assert.deepEqual(inodes(workerPid), inodes(adapterPid), 'the worker shares the same one');
  });

  it('neither the adapter nor the worker, nor anything they started, owns a listening network socket', () => {
    const pids = [adapterPid, ...descendants(adapterPid)];
    assert.ok(pids.includes(workerPid));
    const found = pids.flatMap((pid) => listeningSockets(pid));
    assert.deepEqual(
      found,
      [],
      `listening sockets: ${found.map((f) => `${f.table} port ${f.port} (pid ${f.pid})`).join(', ')}`,
    );
  });
});

describe('the standalone adapter started with --server=PORT', () => {
  it('still speaks DAP over stdio and opens no port', async () => {
    const adapter = path.join(builtDist(), 'debugAdapter.js');
    const { child: probe, tcp: port } = await listener();
    probe.kill('SIGKILL'); // a port that was free a moment ago
    const child = spawn(process.execPath, [adapter, `--server=${port}`], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      const body = JSON.stringify({
        seq: 1,
        type: 'request',
        command: 'initialize',
        arguments: {
          adapterID: 'durable-agent',
          linesStartAt1: true,
          columnsStartAt1: true,
          pathFormat: 'path',
        },
      });
      child.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      const reply = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout!.setEncoding('utf8').on('data', (t: string) => {
          text += t;
          if (text.includes('"command":"initialize"')) resolve(text);
        });
        child.once('exit', (code) => reject(new Error(`the adapter exited (${code})`)));
        // A hang guard, not a timed assertion.
        setTimeout(
          () => reject(new Error(`no initialize response on stdout; got ${JSON.stringify(text)}`)),
          15_000,
        ).unref();
      });
      assert.match(reply, /"success":true/);
      assert.deepEqual(listeningSockets(child.pid!), []);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
