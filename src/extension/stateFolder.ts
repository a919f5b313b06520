// Which files of a state folder the runtime wrote, so durableRun.resetState deletes only those:
// a stateDir pointed at the wrong folder by mistake must never cost the user their own files.
import { JOURNAL_FILE } from '../runtime/journalStore';

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
