// One writer per state folder: an exclusive lock that the kernel holds for the process and frees
// when it dies, however it dies (SIGKILL included), so no stale lock ever blocks the next writer.
// Node has no flock; a local socket bound to a name derived from the folder does the same job:
// binding it is refused (EADDRINUSE) while a live process holds it. On Linux the name is in the
// abstract namespace (no file at all); on Windows it is a named pipe; elsewhere (macOS) it is a
// socket file in the temp folder, taken over when nobody answers on it (see bindSocketFile).
// Whoever connects gets the holder's facts (pid, command, since), so a refused writer can say who
// holds the folder. Readers never lock: they read a prefix of the journal (journalStore.ts).
//
// The lock can be shared with a child process (ChildProcess.send(message, lock.shareable)): the
// kernel frees it only when every process holding it has died, so a worker left running for an
// instant after its parent was killed still keeps other writers out.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { StateFileError } from './errors';

/** Who holds a state folder, as the holder tells whoever asks. */
export interface LockHolder {
  pid: number;
  /** What the holder is doing, e.g. `durable-run recover agent.ts` or a debug session. */
  command: string;
  /** When it took the lock (ISO time). */
  since: string;
  /** The folder, as its real path. */
  folder: string;
}

/** A held lock. Release it when done; dying releases it too. */
export interface StateLock {
  readonly folder: string;
  readonly holder: LockHolder;
  /** The kernel object: `child.send(message, lock.shareable)` shares it with a child process. */
  readonly handle: net.Server;
  /**
   * The handle where a child process can be given it; undefined on Windows, whose IPC passes
   * only TCP handles (there the parent holds the lock alone, for its children too).
   */
  readonly shareable: net.Server | undefined;
  /** Gives up this process's hold (children it was shared with keep theirs until they exit). */
  release(): Promise<void>;
}

export type LockState = { held: false } | { held: true; holder?: LockHolder };

/** Another process holds the state folder: the message names it, and says what to do. */
export class StateFolderBusyError extends StateFileError {
  override name = 'StateFolderBusyError';
  constructor(
    readonly folder: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      `the state folder ${folder} is in use by ${describeHolder(holder)}: ${BUSY_ADVICE}`,
      folder,
    );
  }
}

const BUSY_ADVICE =
  'one writer at a time (two would run the same side effects twice); wait for it to finish or stop it, then try again. Read-only commands (slots, timeline) work meanwhile';

/** How long a prober waits for the holder's facts; a holder that does not answer is still one. */
const ANSWER_WAIT_MS = 2000;
/** A holder's facts are a short JSON line; anything longer is not from durable-run. */
const MAX_FACTS_BYTES = 4096;

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'another process (it did not say which)';
  const since = holder.since ? `, since ${holder.since}` : '';
  return `pid ${holder.pid} (${holder.command}${since})`;
}

/**
 * The folder as one name whatever path reaches it: the real path of its deepest existing
 * ancestor (links resolved), then the rest, so that a folder not created yet gets the name it
 * will have once it exists.
 */
export function canonicalFolder(stateDir: string): string {
  const rest: string[] = [];
  let dir = path.resolve(stateDir);
  for (;;) {
    try {
      const real = fs.realpathSync.native(dir);
      const full = path.join(real, ...rest.reverse());
      return process.platform === 'win32' ? full.toLowerCase() : full;
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return path.resolve(stateDir);
      rest.push(path.basename(dir));
      dir = parent;
    }
  }
}

/** The socket address of a folder's lock. */
export function lockAddress(folder: string): string {
  const digest = createHash('sha256').update(folder).digest('hex').slice(0, 40);
  if (process.platform === 'linux') return `\0durable-run/${digest}`;
  if (process.platform === 'win32') return `\\\\.\\pipe\\durable-run-${digest}`;
  return path.join(os.tmpdir(), `durable-run-${digest.slice(0, 24)}.sock`);
}

/** Answers every connection with the holder's facts; returns the connections still open. */
function serveFacts(server: net.Server, holder: LockHolder): Set<net.Socket> {
  const facts = JSON.stringify(holder) + '\n';
  const open = new Set<net.Socket>();
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    // A prober that hangs up early is no concern of the holder's.
    socket.on('error', () => {});
    socket.end(facts);
  });
  // Errors after listening (none are expected) must not kill the holder.
  server.on('error', () => {});
  // The lock never keeps a process alive: it lives exactly as long as its holder does.
  server.unref();
  return open;
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    server.once('error', failed);
    server.listen(address, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

/** Asks whoever listens at `address` for its facts: not held when nobody listens there. */
function ask(address: string): Promise<LockState> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    let text = '';
    let connected = false;
    const finish = (state: LockState) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(state);
    };
    const facts = (): LockHolder | undefined => {
      try {
        const value = JSON.parse(text.split('\n')[0]) as Partial<LockHolder>;
        if (typeof value.pid === 'number' && typeof value.command === 'string')
          return {
            pid: value.pid,
            command: value.command,
            since: String(value.since ?? ''),
            folder: String(value.folder ?? ''),
          };
      } catch {
        // Not a durable-run holder's answer.
      }
      return undefined;
    };
    // A holder that is stopped (SIGSTOP, a debugger) cannot answer, and still holds.
    const timer = setTimeout(() => finish({ held: true }), ANSWER_WAIT_MS);
    socket.on('connect', () => (connected = true));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n') || text.length > MAX_FACTS_BYTES)
        finish({ held: true, holder: facts() });
    });
    socket.on('end', () => finish({ held: true, holder: facts() }));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // Refused (or no socket file): nobody listens. Anything else (a full backlog: EAGAIN) is
      // a listener that does not keep up, and still holds.
      const nobody = !connected && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT');
      finish(nobody ? { held: false } : { held: true, holder: facts() });
    });
  });
}

/**
 * macOS and other systems without an abstract namespace: the socket is a file, which a killed
 * holder leaves behind. Nobody answering on it (ECONNREFUSED) means its holder is dead: the file
 * is removed and bound again. Two processes taking over the same dead lock at the same instant
 * could both succeed; the abstract socket (Linux) and the named pipe (Windows) have no such gap.
 */
async function bindSocketFile(server: net.Server, address: string): Promise<void> {
  try {
    await listen(server, address);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if ((await ask(address)).held) throw error;
    fs.rmSync(address, { force: true });
    await listen(server, address);
  }
}

/**
 * Takes the lock of a state folder for this process, or throws StateFolderBusyError naming the
 * holder. `command` says what this process is doing, for whoever is refused.
 */
export async function acquireStateLock(stateDir: string, command: string): Promise<StateLock> {
  const folder = canonicalFolder(stateDir);
  const address = lockAddress(folder);
  const holder: LockHolder = { pid: process.pid, command, since: new Date().toISOString(), folder };
  // The holder may let go between a refused bind and the question: then binding is tried again.
  for (let tries = 0; ; tries++) {
    const server = net.createServer();
    try {
      if (process.platform === 'linux' || process.platform === 'win32')
        await listen(server, address);
      else await bindSocketFile(server, address);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        throw new StateFileError(
          `cannot lock the state folder ${folder}: ${(error as Error).message}`,
          folder,
        );
      }
      const state = await ask(address);
      if (state.held || tries >= 3)
        throw new StateFolderBusyError(folder, state.held ? state.holder : undefined);
      continue;
    }
    return heldLock(server, holder, serveFacts(server, holder));
  }
}

function heldLock(server: net.Server, holder: LockHolder, open: Set<net.Socket>): StateLock {
  let released: Promise<void> | undefined;
  return {
    folder: holder.folder,
    holder,
    handle: server,
    shareable: process.platform === 'win32' ? undefined : server,
    release: () =>
      (released ??= new Promise((resolve) => {
        if (!server.listening) return resolve();
        // close() waits for open connections: a prober that never reads must not hold us up.
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      })),
  };
}

/** In a child process: keeps the lock its parent shared with it (`child.send(m, lock.shareable)`). */
export function adoptStateLock(handle: net.Server, holder: LockHolder): StateLock {
  return heldLock(handle, holder, serveFacts(handle, holder));
}

/** Whether a state folder is held, and by whom; never takes the lock, not even for an instant. */
export function probeStateLock(stateDir: string): Promise<LockState> {
  return ask(lockAddress(canonicalFolder(stateDir)));
}
