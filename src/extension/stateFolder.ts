// Which files of a state folder the runtime wrote, so durableRun.resetState deletes only those:
// a stateDir pointed at the wrong folder by mistake must never cost the user their own files.
// Reset State writes the folder, so it takes the folder's lock like any writer: it refuses while
// a debug session, a `durable-run run` or `recover` holds it (stateLock.ts). The lock's code comes
// from the adapter's bundle, loaded on first use: it loads node:net and node:crypto, which would
// be most of what activating the extension costs (bench/activation.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JOURNAL_FILE } from '../runtime/journalStore';
import { adapterBundle } from './adapterBundle';

const STATE_FILE_PATTERNS = [
  new RegExp(`^${JOURNAL_FILE.replace('.', '\\.')}$`),
  // A journal kept aside because it could not be read (journalStore.ts, discard).
  /^journal\.unreadable-[\w-]+\.jsonl$/,
  // Leftovers of a crash while creating the journal, or of the adapter's write probe.
  /^\.journal\.jsonl\.\d+\.tmp$/,
  /^\.durable-run-probe-\d+$/,
];

export function isStateFile(name: string): boolean {
  return STATE_FILE_PATTERNS.some((p) => p.test(name));
}

export function partitionStateFolder(names: readonly string[]): {
  state: string[];
  other: string[];
} {
  const state: string[] = [];
  const other: string[] = [];
  for (const name of names) (isStateFile(name) ? state : other).push(name);
  return { state, other };
}

/** Why the state in `dir` cannot be reset now (a writer holds the folder), or undefined. */
export async function resetRefusal(dir: string): Promise<string | undefined> {
  const { probeStateLock, describeHolder } = adapterBundle();
  const probed = await probeStateLock(dir);
  if (!probed.held) return undefined;
  return `${dir} is in use by ${describeHolder(probed.holder)}. Stop it before resetting its state.`;
}

/**
 * Deletes the runtime's files `state` from `dir` (and `dir` itself when nothing else is in it),
 * holding the folder's lock meanwhile; throws StateFolderBusyError when a writer holds it.
 */
export async function clearStateFolder(
  dir: string,
  state: readonly string[],
  removeFolder: boolean,
): Promise<void> {
  const lock = await adapterBundle().acquireStateLock(dir, 'Reset State (VS Code)');
  try {
    for (const name of state) fs.rmSync(path.join(dir, name), { force: true });
    if (removeFolder) fs.rmdirSync(dir);
  } finally {
    await lock.release();
  }
}

/**
 * The state folders under a root (the default, one per agent file): the root itself when it holds
 * state (as every agent's did before they had a folder each), and each folder below it that holds
 * state, at most `depth` levels down. Folders that cannot be read are skipped.
 */
export function findStateFolders(root: string, depth = 4): string[] {
  const found: string[] = [];
  const visit = (dir: string, left: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && isStateFile(e.name))) found.push(dir);
    if (left === 0) return;
    for (const e of entries) {
      if (e.isDirectory() && !e.isSymbolicLink()) visit(path.join(dir, e.name), left - 1);
    }
  };
  visit(root, depth);
  return found.sort();
}
