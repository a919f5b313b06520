// Sharing a state folder: one portable JSON file holding the journal byte for byte (as text, or
// base64 when its bytes are not UTF-8 text), its SHA-256, the recorded inputs, the agent file's
// hash when given, and the format versions; and the import that writes it back into a new folder.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentInput } from './agent';
import { StateFileError } from './errors';
import { readHistory, stateAt, writeNewJournal, checkEmptyTarget } from './journalHistory';
import { JOURNAL_VERSION } from './journalStore';
import { recordedInputs } from './stateStore';

export const EXPORT_FORMAT = 'durable-run-export';
export const EXPORT_VERSION = 1;

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: number;
  journalVersion: number;
  exported: string;
  agent: string;
  agentFile?: { name: string; sha256: string };
  inputs?: AgentInput[];
  journalSha256: string;
  journal?: string;
  journalBase64?: string;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The export of a state folder; `agentFile`, when given, is hashed so an importer can check it. */
export function exportState(stateDir: string, agentFile?: string): ExportFile {
  const history = readHistory(stateDir);
  const store = stateAt(history, history.lines.length);
  const text = history.bytes.toString('utf8');
  const exact = Buffer.from(text, 'utf8').equals(history.bytes);
  let agent: ExportFile['agentFile'];
  if (agentFile !== undefined) {
    try {
      agent = { name: path.basename(agentFile), sha256: sha256(fs.readFileSync(agentFile)) };
    } catch (error) {
      throw new StateFileError(
        `cannot read the agent file ${agentFile}: ${(error as Error).message}`,
        agentFile,
      );
    }
  }
  const inputs = recordedInputs(store);
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    journalVersion: JOURNAL_VERSION,
    exported: new Date().toISOString(),
    agent: history.agent,
    ...(agent ? { agentFile: agent } : {}),
    ...(inputs ? { inputs } : {}),
    journalSha256: sha256(history.bytes),
    ...(exact ? { journal: text } : { journalBase64: history.bytes.toString('base64') }),
  };
}

/** Writes the export to `out`, refusing to overwrite an existing file. */
export function writeExport(exported: ExportFile, out: string): void {
  try {
    fs.writeFileSync(out, JSON.stringify(exported, null, 1) + '\n', { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StateFileError(
      code === 'EEXIST'
        ? `${out} exists already: an export never overwrites a file; choose another --out`
        : `cannot write ${out}: ${(error as Error).message}`,
      out,
    );
  }
}

/** Reads and checks an export file; the journal's bytes are returned once their hash matches. */
export function readExport(file: string): { exported: ExportFile; journal: Buffer } {
  const fail = (what: string): never => {
    throw new StateFileError(`${file}: ${what}. Nothing was imported.`, file);
  };
  let value: Partial<ExportFile>;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ExportFile>;
  } catch (error) {
    return fail(`not a readable JSON file (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || value.format !== EXPORT_FORMAT)
    fail(`not a durable-run export (its "format" is not "${EXPORT_FORMAT}")`);
  if (value.version !== EXPORT_VERSION)
    fail(
      `the export has format version ${String(value.version)}, and this durable-run reads version ${EXPORT_VERSION}; import it with the durable-run version that exported it`,
    );
  let journal: Buffer;
  if (typeof value.journal === 'string') journal = Buffer.from(value.journal, 'utf8');
  else if (typeof value.journalBase64 === 'string')
    journal = Buffer.from(value.journalBase64, 'base64');
  else return fail('it holds no journal ("journal" or "journalBase64")');
  if (sha256(journal) !== value.journalSha256)
    fail(
      'the journal in it does not match its "journalSha256": the file was changed or damaged after export',
    );
  return { exported: value as ExportFile, journal };
}

/**
 * Whether `agentFile` is the agent file the export was made with, when the export names one:
 * a warning when it is not (the recorded calls may not be those its code makes), else undefined.
 */
export function agentFileProblem(exported: ExportFile, agentFile: string): string | undefined {
  if (!exported.agentFile) return undefined;
  let digest: string;
  try {
    digest = sha256(fs.readFileSync(agentFile));
  } catch (error) {
    return `cannot read the agent file ${agentFile}: ${(error as Error).message}`;
  }
  if (digest === exported.agentFile.sha256) return undefined;
  return `${agentFile} is not the agent file the state was exported with (${exported.agentFile.name}, sha256 ${exported.agentFile.sha256.slice(0, 12)}…): a recovery replays the recorded calls against this code, and calls that changed are cleared and run again`;
}

/** Imports an export file into a new state folder (one without a journal). */
export async function importState(
  file: string,
  stateDir: string,
): Promise<{ exported: ExportFile; bytes: number }> {
  checkEmptyTarget(stateDir);
  const { exported, journal } = readExport(file);
  await writeNewJournal(stateDir, journal, `durable-run import ${path.basename(file)}`);
  return { exported, bytes: journal.length };
}
