// Runs the state-surgery commands: edit (under the folder's lock), fork, diff, export, import and
// import-flink. Each prints what it did for a person, or one JSON object a line with --json.
import * as path from 'node:path';
import type { Slot, StateEdit } from '../runtime/actionState';
import { forkState, linesAtEndOf, readHistory, stateAt } from '../runtime/journalHistory';
import { importFlinkDump } from '../runtime/flinkImport';
import {
  diffReport,
  diffStates,
  folderSide,
  slotPayload,
  type DiffSide,
} from '../runtime/stateDiff';
import { editStateFolder } from '../runtime/stateEdit';
import { agentFileProblem, exportState, importState, writeExport } from '../runtime/stateExport';
import { pythonReencoder } from '../worker/python/pythonEncoder';
import type { SurgeryCommand } from './surgeryArgs';

type Print = (line: object, text: string) => void;

function printer(json: boolean): Print {
  return json
    ? (line) => process.stdout.write(JSON.stringify(line) + '\n')
    : (_line, text) => console.log(text);
}

function warn(json: boolean, print: Print, message: string): void {
  if (json) print({ event: 'warning', message }, '');
  else console.error(`durable-run: warning: ${message}`);
}

function slotText(slot: Slot | undefined): string {
  if (!slot) return 'nothing';
  const payload = slotPayload(slot);
  return `${slot.status}${payload === undefined ? '' : ` ${JSON.stringify(payload)}`}`;
}

function describeEdit(e: StateEdit): string {
  if (e.kind === 'not-completed')
    return `${e.id}: completed → not completed (the action runs again)`;
  const was = e.was.slots ?? [];
  if (e.kind === 'drop')
    return `${e.id}: dropped slots ${e.index} to ${e.index! + was.length - 1} (${was.map((s) => s.functionId).join(', ')}); the next recovery runs those calls`;
  return `${e.id} #${e.index} ${was[0]?.functionId}: ${slotText(was[0])} → ${slotText(e.became.slots?.[0])}`;
}

async function diff(cmd: Extract<SurgeryCommand, { name: 'diff' }>, print: Print): Promise<void> {
  const history = readHistory(cmd.state);
  for (const w of history.warnings) warn(cmd.json, print, w);
  let left: DiffSide;
  let right: DiffSide;
  if (cmd.attempts) {
    const [a, b] = cmd.attempts;
    left = { label: `attempt ${a}`, store: stateAt(history, linesAtEndOf(history, a)), attempt: a };
    right = {
      label: `attempt ${b}`,
      store: stateAt(history, linesAtEndOf(history, b)),
      attempt: b,
    };
  } else {
    const other = readHistory(String(cmd.against));
    for (const w of other.warnings) warn(cmd.json, print, w);
    left = folderSide(cmd.state, history);
    right = folderSide(String(cmd.against), other);
  }
  const diffs = diffStates(left, right);
  if (cmd.json) for (const d of diffs) print({ event: 'diff', ...d }, '');
  else console.log(diffReport(diffs, left.label, right.label));
}

export async function runSurgery(cmd: SurgeryCommand): Promise<number> {
  const print = printer(cmd.json);
  switch (cmd.name) {
    case 'edit': {
      const { edit, warnings } = await editStateFolder(
        cmd.state,
        cmd.edit,
        'durable-run edit',
        pythonReencoder(cmd.python),
      );
      for (const w of warnings) warn(cmd.json, print, w);
      print({ event: 'edit', ...edit }, `edited ${describeEdit(edit)}`);
      return 0;
    }
    case 'fork': {
      const forked = await forkState(cmd.state, cmd.to, cmd.attempt);
      const when = forked.attempt === undefined ? 'now' : `at the end of attempt ${forked.attempt}`;
      print(
        { event: 'fork', from: path.resolve(cmd.state), ...forked },
        `forked ${cmd.state} as it stands ${when} into ${forked.to} (${forked.lines} journal lines)`,
      );
      return 0;
    }
    case 'diff':
      await diff(cmd, print);
      return 0;
    case 'export': {
      const exported = exportState(cmd.state, cmd.agent);
      writeExport(exported, cmd.out);
      const { agent, journalSha256, inputs } = exported;
      print(
        {
          event: 'export',
          out: path.resolve(cmd.out),
          agent,
          journalSha256,
          inputs: inputs?.length ?? 0,
        },
        `exported ${cmd.state} (agent "${agent}", ${inputs?.length ?? 0} recorded inputs) to ${cmd.out}`,
      );
      return 0;
    }
    case 'import': {
      const { exported, bytes } = await importState(cmd.file, cmd.state);
      const problem = cmd.agent === undefined ? undefined : agentFileProblem(exported, cmd.agent);
      if (problem) warn(cmd.json, print, problem);
      print(
        {
          event: 'import',
          state: path.resolve(cmd.state),
          agent: exported.agent,
          bytes,
          agentFile: exported.agentFile,
        },
        `imported ${cmd.file} (agent "${exported.agent}", ${bytes} journal bytes) into ${cmd.state}${exported.agentFile ? `; it was exported with agent file ${exported.agentFile.name} (sha256 ${exported.agentFile.sha256})` : ''}`,
      );
      return 0;
    }
    case 'import-flink': {
      const { agent, actions } = cmd;
      const result = await importFlinkDump(cmd.file, cmd.state, { agent, actions });
      for (const w of result.warnings) warn(cmd.json, print, w);
      const c = result.counts;
      print(
        { event: 'import-flink', state: path.resolve(cmd.state), ...c },
        `imported ${c.states} action states with ${c.slots} call results from ${c.records} records of ${cmd.file} into ${cmd.state} (${c.skipped} tombstones, ${c.pruned} pruned states left out; ${c.inputs} inputs recorded)`,
      );
      return 0;
    }
  }
}
