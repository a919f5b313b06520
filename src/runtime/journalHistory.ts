// A journal's history: its lines cut where each attempt ended, the state and timeline as they
// stood then, and forks (a new state folder holding the journal up to such a point). The whole
// journal is first opened read-only, so everything here reads a file that JournalStore accepts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StateMutation } from './actionState';
import { StateFileError } from './errors';
import { JOURNAL_FILE, JournalStore } from './journalStore';
import { makeFolder } from './makeFolder';
import { acquireStateLock } from './stateLock';
import { MemoryStore, type TimelineRecord } from './stateStore';

const MUTATIONS = new Set(['init', 'slot', 'truncate', 'complete', 'edit']);

export interface JournalHistory {
  file: string;
  /** The journal's bytes, exactly as read. */
  bytes: Buffer;
  /** Complete lines (header first), without their newlines; a torn last line is left out. */
  lines: string[];
  /** Each line parsed, or undefined for a line a crash tore (the store already skipped it). */
  records: Array<{ op?: unknown; attempt?: unknown } | undefined>;
  /** The agent named in the header. */
  agent: string;
  /** Warnings of the read-only open (a torn line). */
  warnings: string[];
}

export function readHistory(stateDir: string): JournalHistory {
  const store = JournalStore.open(stateDir, { readOnly: true });
  store.close();
  const file = store.file;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new StateFileError(`cannot read ${file}: ${(error as Error).message}`, file);
  }
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  lines.pop();
  const records = lines.map((line) => {
    try {
      return JSON.parse(line) as { op?: unknown; attempt?: unknown };
    } catch {
      return undefined;
    }
  });
  const agent = String((records[0] as { agent?: unknown } | undefined)?.agent ?? 'unknown');
  return { file, bytes, lines, records, agent, warnings: store.warnings };
}

/** The attempt numbers the journal records, in order. */
export function attemptsOf(history: JournalHistory): number[] {
  return history.records
    .filter((r) => r?.op === 'attempt' && typeof r.attempt === 'number')
    .map((r) => r!.attempt as number);
}

/**
 * How many lines make up the journal as it stood at the end of `attempt` (all lines when
 * undefined): up to the next attempt's inputs or start, or the first edit made after it.
 */
export function linesAtEndOf(history: JournalHistory, attempt: number | undefined): number {
  if (attempt === undefined) return history.lines.length;
  const start = history.records.findIndex((r) => r?.op === 'attempt' && r.attempt === attempt);
  if (start === -1) {
    const known = attemptsOf(history);
    throw new StateFileError(
      `${history.file} has no attempt ${attempt}: ${known.length === 0 ? 'no attempt has run yet' : `its attempts are ${known.join(', ')}`}`,
      history.file,
    );
  }
  for (let i = start + 1; i < history.records.length; i++) {
    const op = history.records[i]?.op;
    if (op === 'attempt' || op === 'inputs' || op === 'edit') return i;
  }
  return history.lines.length;
}

/** The state and timeline of the first `count` lines, rebuilt the way a store loads them. */
export function stateAt(history: JournalHistory, count: number): MemoryStore {
  const store = new MemoryStore();
  for (let i = 1; i < count; i++) {
    const r = history.records[i];
    if (!r || typeof r.op !== 'string' || r.op === 'torn') continue;
    if (MUTATIONS.has(r.op)) store.persist(r as StateMutation);
    else store.note(r as TimelineRecord);
  }
  return store;
}

/** Refuses a target folder that already holds a journal: importing or forking never overwrites. */
export function checkEmptyTarget(stateDir: string): string {
  const journal = path.join(path.resolve(stateDir), JOURNAL_FILE);
  if (fs.existsSync(journal))
    throw new StateFileError(
      `${journal} exists already: a fork or an import never overwrites a journal; choose a new folder`,
      journal,
    );
  return journal;
}

/**
 * Writes a journal into a new state folder: under the folder's lock, aside then renamed (a reader
 * never sees half of it), then read back, and removed again if it does not load.
 */
export async function writeNewJournal(
  stateDir: string,
  bytes: Buffer,
  command: string,
): Promise<void> {
  const journal = checkEmptyTarget(stateDir);
  makeFolder(path.dirname(journal));
  const lock = await acquireStateLock(stateDir, command);
  try {
    checkEmptyTarget(stateDir);
    const temp = path.join(path.dirname(journal), `.${JOURNAL_FILE}.${process.pid}.new`);
    fs.writeFileSync(temp, bytes, { flag: 'w' });
    const fd = fs.openSync(temp, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, journal);
    try {
      JournalStore.open(stateDir, { readOnly: true }).close();
    } catch (error) {
      fs.rmSync(journal, { force: true });
      throw error;
    }
  } finally {
    await lock.release();
  }
}

export interface ForkResult {
  /** The attempt the fork ends with, or undefined for "now". */
  attempt?: number;
  lines: number;
  to: string;
}

/** Copies the journal as it stood at the end of `attempt` (or now) into the new folder `to`. */
export async function forkState(
  from: string,
  to: string,
  attempt: number | undefined,
): Promise<ForkResult> {
  if (path.resolve(from) === path.resolve(to))
    throw new StateFileError('a fork needs a folder of its own: --to names --state', to);
  checkEmptyTarget(to);
  const history = readHistory(from);
  const count = linesAtEndOf(history, attempt);
  const text = history.lines.slice(0, count).join('\n') + '\n';
  await writeNewJournal(to, Buffer.from(text, 'utf8'), `durable-run fork --to ${to}`);
  return { attempt, lines: count, to: path.resolve(to) };
}
