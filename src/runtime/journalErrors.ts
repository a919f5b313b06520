// How the journal names what goes wrong with its file and its lines: a write or flush the disk
// refused (with what to do about it), a line nested too deep to be one durable-run wrote, and a
// record too large to write. journalStore.ts throws these; nothing here touches the disk.
import type { StateMutation } from './actionState';
import { StateFileError } from './errors';

/**
 * The largest record (one line) the journal takes: it bounds what a reader must hold at once, and
 * is the limit of an inputs line too. Larger payloads belong outside the durable state.
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * A write or flush of the journal failed (ENOSPC, EIO, EROFS...): what failed was not persisted,
 * and the store refuses every later write. `code` is the system's error code.
 */
export class JournalWriteError extends StateFileError {
  override name = 'JournalWriteError';
  constructor(
    message: string,
    file: string,
    readonly code: string | undefined,
  ) {
    super(message, file);
  }
}

const FS_HINTS: Record<string, string> = {
  EACCES: 'permission denied: make the state folder writable or choose another stateDir',
  EPERM: 'operation not permitted: make the state folder writable or choose another stateDir',
  EROFS: 'the file system is read-only: choose a stateDir on a writable disk',
  ENOSPC: 'the disk is full: free some space',
  EDQUOT: 'the disk quota is exceeded: free some space',
  EIO: 'an I/O error: the disk did not store the data; check the disk and the system log',
  EFBIG: 'the file is larger than the file system allows: move the state folder to another disk',
  EISDIR:
    'a directory stands where the journal file should be: move it away or choose another stateDir',
  ENOTDIR: 'a file stands where a folder of the state path should be: choose another stateDir',
  ELOOP: 'the journal is a symbolic link, which is never followed: replace it with a regular file',
};

export function describeFsError(error: unknown, file: string, doing: string): StateFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = (code && FS_HINTS[code]) ?? (error as Error).message;
  return new StateFileError(`cannot ${doing} ${file}: ${why}`, file);
}

/** A failed write or flush, naming the file, what was being done, and the system's reason. */
export function writeFailed(error: unknown, file: string, doing: string): JournalWriteError {
  const code = (error as NodeJS.ErrnoException).code;
  const hint = code && FS_HINTS[code];
  const why = hint ? `${hint} (${code})` : (error as Error).message;
  const next =
    doing === 'create'
      ? 'nothing ran and no journal was made; once the cause is fixed, run again'
      : 'the journal is intact up to its last complete line and nothing after it counts as persisted; once the cause is fixed, recover continues from there';
  return new JournalWriteError(
    `cannot ${doing} ${file}: ${why}. The attempt stopped here: ${next}`,
    file,
    code,
  );
}

/**
 * How deep a journal line's JSON may nest. durable-run refuses to persist payloads nested more
 * than 1000 levels, whose encoding (with superjson's type annotations) nests at most about 2000:
 * a deeper line was not written by it, and would overflow the stack of every reader.
 */
export const MAX_LINE_DEPTH = 2500;

/** True when the JSON text nests brackets deeper than `limit` (strings skipped). */
export function nestedDeeperThan(text: string, limit: number): boolean {
  if (text.length <= 2 * limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

export function tooLarge(m: StateMutation, bytes: number): string {
  const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  const what =
    m.op === 'slot'
      ? `the outcome of call #${m.index} (${m.slot.functionId}) of ${m.id}`
      : m.op === 'complete'
        ? `the completion of ${m.id} (its output events and memory updates)`
        : m.op === 'init'
          ? `the event that triggered ${m.id}`
          : `a record of ${m.id}`;
  return `${what} encodes to ${mib(bytes)}, over the ${mib(MAX_RECORD_BYTES)} a journal record may hold: keep large data outside the durable state (a file or a blob store) and pass a reference to it`;
}
