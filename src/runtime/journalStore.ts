// The embedded default store: an append-only journal file in the state folder, one JSON record a
// line, each persist flushed to disk before the call goes on. Opening it never changes it: a torn
// last line is tolerated and reported, anything else unreadable is an error naming file and line.
// A write or flush that fails (a full disk, an I/O error, a read-only file system) is never taken
// for a persist: it throws JournalWriteError, and the store writes nothing more, so what the file
// holds stays a journal a recovery can trust. Only the process holding the folder's lock
// (stateLock.ts) writes; readers open it read-only at any time and see a prefix of it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openNoFollow } from '../platform/files';
import { applyMutation, checkMutation, type ActionState, type StateMutation } from './actionState';
import { DurableStateError, PayloadTooLargeError, StateFileError } from './errors';
import {
  describeFsError,
  MAX_LINE_DEPTH,
  MAX_RECORD_BYTES,
  nestedDeeperThan,
  tooLarge,
  writeFailed,
} from './journalErrors';
import { makeFolder } from './makeFolder';
import type { StateStore, TimelineRecord } from './stateStore';
import { runProblem, TimelineLog } from './timelineLog';

export const JOURNAL_FILE = 'journal.jsonl';
export const JOURNAL_FORMAT = 'durable-run-journal';
export const JOURNAL_VERSION = 1;

interface JournalHeader {
  format: typeof JOURNAL_FORMAT;
  version: number;
  agent: string;
  created: string;
}

/** Marks that the line before was torn by a crash, so later opens know it is not corruption. */
interface TornMarker {
  op: 'torn';
  line: number;
}

type JournalRecord = StateMutation | TimelineRecord | TornMarker;

const MUTATIONS = new Set(['init', 'slot', 'truncate', 'complete', 'edit']);
const TIMELINE = new Set(['inputs', 'attempt', 'call', 'calls', 'action', 'crash', 'end']);
/** Replayed calls held back before their runs are written anyway (see noteReplay). */
const REPLAYS_PER_WRITE = 4096;

/**
 * How the store writes and flushes its file: the disk by default; a test hands in one that fails
 * where it is told to (a full disk, an I/O error), to show that no failure is taken for a persist.
 */
export interface JournalIo {
  /** As fs.writeSync: may write fewer bytes than asked (the store writes the rest). */
  write(fd: number, buffer: Buffer, offset: number, length: number): number;
  /** As fs.fdatasyncSync: returns once the bytes written so far are on disk. */
  sync(fd: number): void;
}

export const DISK_IO: JournalIo = {
  write: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  sync: (fd) => fs.fdatasyncSync(fd),
};

export interface JournalOpenOptions {
  /** The agent's name; a journal of another agent is refused. Omit to read any journal. */
  agent?: string;
  /** Start from empty state (the user asked); a corrupt journal is moved aside, not deleted. */
  fresh?: boolean;
  /** Only read: never create the folder or the file, never append. */
  readOnly?: boolean;
  /** Writes and flushes go through this (tests inject storage faults); the disk by default. */
  io?: JournalIo;
}

export class JournalStore implements StateStore {
  persistCount = 0;
  /** Things found on open that were tolerated (a torn last line), for the user to see. */
  readonly warnings: string[] = [];
  private readonly map = new Map<string, ActionState>();
  private log = new TimelineLog();
  private fd: number | undefined;
  /** Lines left unfinished by writes that died (see load); marked before the next record. */
  private tornLines: number[] = [];
  /** The file ends in the middle of a line, so the next write starts with a newline. */
  private endsMidLine = false;
  /** Set when a write failed: some of its bytes may be on disk, so nothing may follow them. */
  private writeFailure: StateFileError | undefined;
  /** Runs of replayed calls not written yet (see noteReplay). */
  private unwritten = new TimelineLog();
  private flushScheduled = false;

  private constructor(
    readonly file: string,
    readonly agent: string | undefined,
    private readonly io: JournalIo,
  ) {}

  static open(stateDir: string, options: JournalOpenOptions = {}): JournalStore {
    const file = path.join(path.resolve(stateDir), JOURNAL_FILE);
    const store = new JournalStore(file, options.agent, options.io ?? DISK_IO);
    let exists = false;
    try {
      const stat = fs.lstatSync(file);
      if (stat.isSymbolicLink()) throw Object.assign(new Error('symlink'), { code: 'ELOOP' });
      if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      exists = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw describeFsError(error, file, 'open');
    }
    if (options.readOnly) {
      if (!exists)
        throw new StateFileError(
          `no journal at ${file}: nothing has run with this stateDir yet`,
          file,
        );
      store.load(false);
      return store;
    }
    if (exists && options.fresh) store.discard();
    else if (exists) store.load(true);
    // A fresh journal replaces the old one in a single rename: a reader never finds none.
    if (!exists || options.fresh) store.create(options.agent ?? 'unknown');
    try {
      store.fd = openNoFollow(file, fs.constants.O_WRONLY | fs.constants.O_APPEND);
    } catch (error) {
      throw describeFsError(error, file, 'open for writing');
    }
    return store;
  }

  /**
   * `fresh` on an existing journal: a readable one is replaced by create(), an unreadable one is
   * kept aside first (under a second name, so the journal never goes missing meanwhile; once: a
   * byte-identical copy already kept aside is not made again). Another agent's journal is not
   * this agent's to discard: it is refused, as without `fresh`.
   */
  private discard(): void {
    try {
      this.load(true);
      this.warnings.length = 0;
    } catch (error) {
      if (!(error instanceof StateFileError)) throw describeFsError(error, this.file, 'read');
      if (error.remedy === 'own-state') throw error;
      const kept = this.keptCopyOf(this.file);
      const aside =
        kept ??
        this.file.replace(
          /\.jsonl$/,
          `.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`,
        );
      if (!kept) {
        try {
          fs.linkSync(this.file, aside);
        } catch {
          // A file system without hard links: moved aside instead.
          try {
            fs.renameSync(this.file, aside);
          } catch (moveError) {
            throw describeFsError(moveError, this.file, 'keep aside');
          }
        }
      }
      this.warnings.length = 0;
      this.warnings.push(
        `${error.message}\nStarted from empty state; the unreadable journal ${kept ? 'is already kept, byte for byte,' : 'was kept'} as ${aside}`,
      );
    }
    // What load() learnt is about the old file: its torn lines must not be marked in the new one.
    this.tornLines = [];
    this.endsMidLine = false;
    this.map.clear();
    this.log = new TimelineLog();
  }

  /** An unreadable journal kept aside earlier with exactly the bytes of `file`, if any. */
  private keptCopyOf(file: string): string | undefined {
    const dir = path.dirname(file);
    const size = fs.statSync(file).size;
    let bytes: Buffer | undefined;
    for (const name of fs.readdirSync(dir).sort()) {
      if (!/^journal\.unreadable-[\w-]+\.jsonl$/.test(name)) continue;
      const other = path.join(dir, name);
      try {
        const stat = fs.lstatSync(other);
        if (!stat.isFile() || stat.size !== size) continue;
        bytes ??= fs.readFileSync(file);
        if (fs.readFileSync(other).equals(bytes)) return other;
      } catch {
        // Gone or unreadable meanwhile: not a copy to rely on.
      }
    }
    return undefined;
  }

  private create(agent: string): void {
    const header: JournalHeader = {
      format: JOURNAL_FORMAT,
      version: JOURNAL_VERSION,
      agent,
      created: new Date().toISOString(),
    };
    const dir = path.dirname(this.file);
    const temp = path.join(dir, `.${JOURNAL_FILE}.${process.pid}.tmp`);
    try {
      makeFolder(dir);
      // Written aside and renamed, so a crash never leaves a journal without its header. A temp
      // file left by a crash here (pids are reused) is stale, so it goes first.
      fs.rmSync(temp, { force: true });
    } catch (error) {
      throw describeFsError(error, this.file, 'create');
    }
    let fd: number;
    try {
      fd = fs.openSync(temp, 'wx');
    } catch (error) {
      throw describeFsError(error, this.file, 'create');
    }
    try {
      try {
        this.writeAll(fd, Buffer.from(JSON.stringify(header) + '\n', 'utf8'));
        this.io.sync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, this.file);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw writeFailed(error, this.file, 'create');
    }
  }

  /** A write can be short (a full disk, a signal): the rest is written, or the error thrown. */
  private writeAll(fd: number, bytes: Buffer): void {
    for (let done = 0; done < bytes.length;) {
      const wrote = this.io.write(fd, bytes, done, bytes.length - done);
      if (wrote <= 0) throw Object.assign(new Error('nothing was written'), { code: 'EIO' });
      done += wrote;
    }
  }

  private load(checkAgent: boolean): void {
    let bytes: Buffer;
    try {
      // Read through a descriptor opened without following links: a symlink swapped in after the
      // check in open() is refused here too. Non-blocking, so a FIFO put there cannot hang us.
      const { O_RDONLY, O_NONBLOCK = 0 } = fs.constants;
      const fd = openNoFollow(this.file, O_RDONLY | O_NONBLOCK);
      try {
        if (!fs.fstatSync(fd).isFile())
          throw new Error(
            'it is not a regular file (a pipe, socket or device): move it away or choose another stateDir',
          );
        // Bytes, cut into lines below: a journal may outgrow the longest string V8 can make.
        bytes = fs.readFileSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      throw describeFsError(error, this.file, 'read');
    }
    // How to go on is the surface's to say (a CLI flag, a launch attribute): see StateRemedy.
    const fail = (line: number, what: string): never => {
      throw new StateFileError(
        `${this.file}:${line}: ${what}. The file was left untouched.`,
        this.file,
        line,
        'start-fresh',
      );
    };
    if (bytes.length === 0)
      fail(
        1,
        'the journal is empty (0 bytes), so it has no header; it was not written by durable-run',
      );
    // Where each line ends; the text after the last newline is a torn last line, if any. Lines
    // are decoded one at a time below: holding them all (and all their parsed values) at once
    // would cost several times the journal's size.
    const ends: number[] = [];
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) ends.push(at);
    const lineCount = ends.length;
    const lineStart = (i: number) => (i === 0 ? 0 : ends[i - 1] + 1);
    const text = (i: number) => bytes.toString('utf8', lineStart(i), ends[i]);
    const parsed = (i: number): unknown => {
      try {
        return JSON.parse(text(i));
      } catch {
        return undefined;
      }
    };
    const torn = bytes.toString('utf8', lineCount === 0 ? 0 : ends[lineCount - 1] + 1);
    const header = this.parse(lineCount > 0 ? text(0) : '', 1, fail) as Partial<JournalHeader>;
    if (header.format !== JOURNAL_FORMAT)
      fail(1, 'this is not a durable-run journal (its first line is not a journal header)');
    if (header.version !== JOURNAL_VERSION) {
      fail(
        1,
        `the journal has format version ${String(header.version)}, and this version of durable-run reads version ${JOURNAL_VERSION}; use the durable-run version that wrote it`,
      );
    }
    if (checkAgent && this.agent !== undefined && header.agent !== this.agent) {
      throw new StateFileError(
        `${path.dirname(this.file)} holds the journal of agent "${header.agent}", and this agent is "${this.agent}": one state folder belongs to one agent. The journal was left untouched.`,
        this.file,
        1,
        'own-state',
      );
    }
    // The lines torn markers name (only lines that mention "torn" can be markers).
    const knownTorn = new Set<number>();
    const tornWord = Buffer.from('"torn"');
    for (let i = 1; i < lineCount; i++) {
      const at = bytes.indexOf(tornWord, lineStart(i));
      if (at === -1) break;
      if (at > ends[i]) {
        // Skip to the line holding the next mention.
        while (i + 1 < lineCount && ends[i + 1] < at) i++;
        continue;
      }
      const value = parsed(i) as Partial<TornMarker> | undefined;
      if (value?.op === 'torn' && typeof value.line === 'number') knownTorn.add(value.line);
    }
    // Lines that are not JSON after the last real record were left by writes that never
    // finished: the torn last line, and the start of a repair (newline, torn marker) that died
    // too. Every write that finishes marks them first, so one in the middle is corruption.
    const tornAtEnd: number[] = [];
    for (let i = lineCount - 1; i >= 1; i--) {
      const value = parsed(i);
      if (value !== undefined && (value as { op?: unknown } | null)?.op !== 'torn') break;
      if (value === undefined && !knownTorn.has(i + 1)) tornAtEnd.unshift(i + 1);
    }
    for (const line of tornAtEnd) {
      this.tornLines.push(line);
      this.warnings.push(
        `${this.file}:${line}: the line is incomplete (the process died while writing it, and nothing was persisted after it); it is ignored, as the write it belongs to never finished.`,
      );
    }
    if (torn !== '') {
      this.tornLines.push(lineCount + 1);
      this.endsMidLine = true;
      this.warnings.push(
        `${this.file}:${lineCount + 1}: the last line is incomplete (the process died while writing it); it is ignored, as the write it belongs to never finished.`,
      );
    }
    const skip = new Set([...knownTorn, ...this.tornLines]);
    for (let i = 1; i < lineCount; i++) {
      const lineNo = i + 1;
      if (skip.has(lineNo)) continue;
      const line = text(i);
      const record = this.parse(line, lineNo, fail) as JournalRecord;
      if (record.op === 'torn') continue;
      if (MUTATIONS.has(record.op)) {
        try {
          applyMutation(this.map, record as StateMutation);
          if (record.op === 'edit') this.log.addEdit(record);
        } catch (error) {
          if (error instanceof DurableStateError) fail(lineNo, error.message);
          throw error;
        }
      } else if (TIMELINE.has(record.op)) {
        if (record.op === 'calls') {
          const problem = runProblem(record, this.map.get(record.id)?.slots.length);
          if (problem) fail(lineNo, problem);
        }
        this.log.add(record as TimelineRecord);
      } else fail(lineNo, `unknown record type ${JSON.stringify((record as { op: unknown }).op)}`);
    }
  }

  private parse(text: string, line: number, fail: (line: number, what: string) => never): unknown {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    return this.check(value, text, line, fail);
  }

  /** `value` is the parsed `text` of a line, or undefined when it is not JSON. */
  private check(
    value: unknown,
    text: string,
    line: number,
    fail: (line: number, what: string) => never,
  ): unknown {
    if (value === undefined) {
      const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text;
      fail(
        line,
        `the line is not valid JSON (${JSON.stringify(preview)}), and it is not the last line, so it is not a torn write`,
      );
    }
    if (
      typeof value !== 'object' ||
      value === null ||
      (line > 1 && typeof (value as { op?: unknown }).op !== 'string')
    ) {
      fail(line, 'the line is not a journal record (an object with an "op")');
    }
    if (nestedDeeperThan(text, MAX_LINE_DEPTH)) {
      fail(
        line,
        `a value in it is nested more than ${MAX_LINE_DEPTH} levels deep, which durable-run never writes (it refuses payloads nested that deep), and which no view could show`,
      );
    }
    return value;
  }

  /** `line` is one serialized record, without its newline. */
  private append(line: string | undefined, sync: boolean): void {
    if (this.fd === undefined)
      throw new StateFileError(`the journal ${this.file} is open read-only`, this.file);
    if (this.writeFailure) throw this.writeFailure;
    let text = this.unwritten.records.map((r) => JSON.stringify(r) + '\n').join('');
    if (line !== undefined) text += line + '\n';
    if (this.tornLines.length > 0) {
      const markers = this.tornLines.map(
        (line) => JSON.stringify({ op: 'torn', line } satisfies TornMarker) + '\n',
      );
      text = (this.endsMidLine ? '\n' : '') + markers.join('') + text;
    }
    const bytes = Buffer.from(text, 'utf8');
    let step = 'write to';
    try {
      this.writeAll(this.fd, bytes);
      step = 'flush (fsync)';
      if (sync) this.io.sync(this.fd);
    } catch (error) {
      // Part of this write may be on disk. A later write would leave it in the middle of the
      // journal, where it reads as corruption; refused, it stays a torn last line. A failed
      // flush is no persist either, even though the bytes may be in the file: the attempt stops,
      // and a recovery trusts what the file then holds, as after a crash right after the write.
      this.writeFailure = writeFailed(error, this.file, step);
      throw this.writeFailure;
    }
    if (this.unwritten.records.length > 0) this.unwritten = new TimelineLog();
    this.tornLines = [];
    this.endsMidLine = false;
  }

  /**
   * Replayed calls are the bulk of a recovery's timeline, with no persist of their own, so their
   * runs are written later: with the next persist or other note (so the file keeps the order of
   * each action's records, and the worker's crash note brings them along), when many have piled
   * up, at close, and when the event loop turns (a debugger pause). A replay changes no state, so
   * a kill from outside in the middle of a run of replays can only lose some of these notes; the
   * notes of calls that ran, and every persist, are written at once.
   */
  private noteReplay(r: TimelineRecord): void {
    this.unwritten.add(r);
    if (this.unwritten.calls >= REPLAYS_PER_WRITE) this.append(undefined, false);
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        if (this.fd === undefined || this.unwritten.records.length === 0) return;
        try {
          this.append(undefined, false);
        } catch {
          // Kept for the next write, which reports the failure to its caller.
        }
      });
    }
  }

  get(id: string): ActionState | undefined {
    return this.map.get(id);
  }
  states(): Iterable<ActionState> {
    return this.map.values();
  }
  persist(m: StateMutation): void {
    checkMutation(this.map, m);
    const line = JSON.stringify(m);
    // A string's length is at most its UTF-8 size, so only long lines are measured.
    if (line.length > MAX_RECORD_BYTES / 3 && Buffer.byteLength(line) > MAX_RECORD_BYTES)
      throw new PayloadTooLargeError(tooLarge(m, Buffer.byteLength(line)));
    this.append(line, true);
    applyMutation(this.map, m);
    if (m.op === 'edit') this.log.addEdit(m);
    this.persistCount++;
  }
  note(r: TimelineRecord): void {
    if (r.op === 'call' && r.path === 'replay' && this.fd !== undefined) this.noteReplay(r);
    else this.append(JSON.stringify(r), false);
    this.log.add(r);
  }
  timeline(): readonly TimelineRecord[] {
    return this.log.records;
  }
  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    try {
      if (this.unwritten.records.length > 0) this.append(undefined, false);
    } finally {
      fs.closeSync(fd);
      this.fd = undefined;
    }
  }
}
