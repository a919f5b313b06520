// Shared by the security tests: a private copy of the built files (a rebuild beside the tests
// deletes dist/), the CLI run under a chosen umask, a DAP client on the standalone adapter, the
// /proc reader that finds a process's listening TCP/UDP sockets, and a stand-in `vscode` module
// so the extension's own code can be loaded outside VS Code.
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(__dirname, 'fixtures');
const DIST = path.join(ROOT, 'dist');
const scratch: string[] = [];
let distCopy: string | undefined;

process.on('exit', () => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test process exits. */
export function tempDir(prefix = 'durable-security-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A private copy of dist/ (cli.js, debugAdapter.js, worker.js, esbuild), made once per process. */
export function builtDist(): string {
  if (distCopy) return distCopy;
  for (const file of ['cli.js', 'debugAdapter.js', 'worker.js', path.join('esbuild', 'esbuild')]) {
    if (!fs.existsSync(path.join(DIST, file)))
      throw new Error(`dist/${file} is missing: run npm run build first, then the tests again`);
  }
  const copy = tempDir('durable-security-dist-');
  fs.cpSync(DIST, copy, { recursive: true });
  distCopy = copy;
  return copy;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args`, under `umask` when given (octal text such as '077'). */
export function runCli(args: string[], options: { umask?: string } = {}): Promise<CliResult> {
  const cli = path.join(builtDist(), 'cli.js');
  const [command, argv] =
    options.umask === undefined
      ? [process.execPath, [cli, ...args]]
      : [
          '/bin/sh',
          ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, cli, ...args],
        ];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    // A hang guard, not a timed assertion: a CLI that never ends fails the test instead of hanging it.
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`durable-run ${args.join(' ')} hung; stderr:\n${stderr}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The objects of a `--json` output, one a line. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// ---- DAP ------------------------------------------------------------------------------------

export interface DapSession {
  dc: DebugClient;
  /** The worker processes the session announced (durableRun.worker events). */
  workers: number[];
  /** Every output event's text. */
  output: string[];
}

export async function startDap(): Promise<DapSession> {
  const adapter = path.join(builtDist(), 'debugAdapter.js');
  const dc = new DebugClient(process.execPath, adapter, 'durable-agent');
  dc.defaultTimeout = 20_000;
  const s: DapSession = { dc, workers: [], output: [] };
  dc.on('durableRun.worker', (e: DebugProtocol.Event) => s.workers.push(e.body.pid));
  dc.on('output', (e: DebugProtocol.OutputEvent) => s.output.push(e.body.output));
  await dc.start();
  return s;
}

/** Launches as VS Code does (breakpoints, then configurationDone) and resolves with the first stop. */
export async function launchToStop(
  s: DapSession,
  args: Record<string, unknown>,
  bps: { lines?: Array<{ file: string; line: number }>; functions?: string[] } = {},
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = s.dc.waitForEvent('stopped');
  const configure = s.dc.waitForEvent('initialized').then(async () => {
    for (const b of bps.lines ?? [])
      await s.dc.setBreakpointsRequest({
        source: { path: b.file },
        breakpoints: [{ line: b.line }],
      });
    if (bps.functions)
      await s.dc.setFunctionBreakpointsRequest({
        breakpoints: bps.functions.map((name) => ({ name })),
      });
    await s.dc.configurationDoneRequest();
  });
  await Promise.all([configure, s.dc.launch(args)]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

/** The 1-based line of the first line of `file` that contains `needle`. */
export function lineOf(file: string, needle: string): number {
  const index = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`${needle} is not in ${file}`);
  return index + 1;
}

// ---- processes and sockets, from /proc -------------------------------------------------------

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The parent pid of a process (field 4 of /proc/<pid>/stat; the name in field 2 may hold spaces). */
export function parentOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

export function commandLine(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

/** Every process below `pid`, children first. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let parent: number;
    try {
      parent = parentOf(Number(name));
    } catch {
      continue; // gone meanwhile
    }
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** The inodes of the sockets among a process's open file descriptors. */
export function socketInodes(pid: number): Set<number> {
  const out = new Set<number>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) out.add(Number(m[1]));
  }
  return out;
}

export interface InetSocket {
  pid: number;
  table: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  /** Local address as /proc shows it (hex), and the port in decimal. */
  local: string;
  port: number;
  /** The kernel's state code: 0A is TCP LISTEN, 07 an unconnected UDP socket. */
  state: string;
  inode: number;
}

const TABLES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;

/** The TCP and UDP sockets a process owns (unix sockets, such as the IPC channel, are not). */
export function inetSockets(pid: number): InetSocket[] {
  const mine = socketInodes(pid);
  const out: InetSocket[] = [];
  for (const table of TABLES) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue; // no IPv6 in this kernel
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const inode = Number(f[9]);
      if (!mine.has(inode)) continue;
      const [local, port] = f[1].split(':');
      out.push({ pid, table, local, port: parseInt(port, 16), state: f[3], inode });
    }
  }
  return out;
}

/** The sockets that can take connections or datagrams: TCP in LISTEN, and every UDP socket. */
export function listeningSockets(pid: number): InetSocket[] {
  return inetSockets(pid).filter((s) => (s.table.startsWith('tcp') ? s.state === '0A' : true));
}

// ---- a stand-in `vscode` module ---------------------------------------------------------------

const STUB_FILE = path.join(__dirname, '__vscode_stand_in__.js');

/**
 * Makes `require('vscode')` return `stub` in this process, so extension modules load outside VS
 * Code. Load them after this with `createRequire`, not with a static import (which runs first).
 */
export function installVscodeStub(stub: object): void {
  const loader = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
  };
  const original = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? STUB_FILE : original.call(this, request, ...rest);
  };
  const cached = new Module(STUB_FILE);
  cached.filename = STUB_FILE;
  cached.loaded = true;
  cached.exports = stub;
  require.cache[STUB_FILE] = cached;
}
