// A journal file or an exported state file, opened to be looked at (the read-only viewer): its
// action states and its timeline of attempts. Nothing runs and nothing is written where the file
// is; an export's journal is checked against its hash and read from a scratch copy.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  attemptViews,
  editsBeforeAttempts,
  stateViews,
  type AttemptView,
  type EditView,
  type StateView,
} from './inspect';
import { readHistory, stateAt } from './journalHistory';
import { JOURNAL_FILE } from './journalStore';
import { readExport, type ExportFile } from './stateExport';

export interface JournalFileView {
  file: string;
  kind: 'journal' | 'export';
  agent: string;
  states: StateView[];
  attempts: AttemptView[];
  /** Edits made before any attempt ran. */
  editsBefore: EditView[];
  warnings: string[];
  /** For an export: what it says of itself besides the journal. */
  exported?: Omit<ExportFile, 'journal' | 'journalBase64'>;
}

function viewOf(dir: string, file: string, kind: JournalFileView['kind']): JournalFileView {
  const history = readHistory(dir);
  const store = stateAt(history, history.lines.length);
  return {
    file,
    kind,
    agent: history.agent,
    states: stateViews(store),
    attempts: attemptViews(store.timeline()),
    editsBefore: editsBeforeAttempts(store.timeline()),
    warnings: history.warnings,
  };
}

/** Opens `file`: a journal (journal.jsonl of a state folder) or a durable-run export. */
export function openJournalFile(file: string): JournalFileView {
  if (path.basename(file) === JOURNAL_FILE) return viewOf(path.dirname(file), file, 'journal');
  const { exported, journal } = readExport(file);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-run-view-'));
  try {
    fs.writeFileSync(path.join(scratch, JOURNAL_FILE), journal);
    const { journal: _text, journalBase64: _bytes, ...about } = exported;
    return { ...viewOf(scratch, file, 'export'), exported: about };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
