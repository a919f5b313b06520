// The durable-run command: runs and recovers agents headless (for CI and scripts) and shows
// what a state folder holds. Exit codes: 0 done, 1 the agent failed, 2 bad usage or bad input
// (the state folder held by another writer included), 3 stopped by an injected crash, 4 stopped
// by a storage fault (a write or flush of the journal failed). `run` and `recover` hold the state
// folder's lock for their whole life and share it with their worker; `slots` and `timeline`
// only read, and never lock. State surgery (edit, fork, diff, export, import) is in surgery.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StateFileError, type StateRemedy } from '../runtime/errors';
import { attemptViews, editsBeforeAttempts, stateViews } from '../runtime/inspect';
import { JOURNAL_FILE, JournalStore } from '../runtime/journalStore';
import { acquireStateLock, StateFolderBusyError, type StateLock } from '../runtime/stateLock';
import { InputsFileError, readInputsFile } from '../worker/inputsFile';
import type { FromWorker } from '../worker/protocol';
import { WorkerClient } from '../worker/workerClient';
import { EditError } from '../runtime/stateEdit';
import { parseArgs, USAGE, UsageError, type Command } from './args';
import { describeEvent, slotsTable, timelineTable } from './format';
import { runSurgery } from './surgery';
import { isSurgeryCommand, type SurgeryCommand } from './surgeryArgs';

const EXIT = { done: 0, failed: 1, usage: 2, crashed: 3, storage: 4 } as const;

function jsonLine(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** The `--json` line for a worker message, as documented in the README. */
function jsonEvent(m: FromWorker): object | undefined {
  switch (m.type) {
    case 'attempt':
      return { event: 'attempt', attempt: m.attempt, kind: m.kind };
    case 'call':
      // Field by field: worker messages grow for the debugger, the documented line does not.
      return {
        event: 'call',
        attempt: m.attempt,
        key: m.key,
        seq: m.seq,
        action: m.action,
        index: m.index,
        functionId: m.functionId,
        path: m.path,
        status: m.status,
      };
    case 'crash':
      return {
        event: 'crash',
        point: m.point,
        action: m.action,
        index: m.index,
        functionId: m.functionId,
      };
    case 'output':
      return { event: 'output', key: m.key, seq: m.seq, output: m.output, replayed: m.replayed };
    case 'warning':
      return { event: 'warning', message: m.message };
    case 'done':
      return {
        event: 'done',
        attempt: m.attempt,
        failures: m.failures.map((f) => ({
          key: f.key,
          seq: f.seq,
          action: f.action,
          error: { name: f.error.name, message: f.error.message },
        })),
      };
    default:
      return undefined;
  }
}

/** What to do about a state folder that cannot be used, said with this command's flags. */
function withRemedy(
  message: string,
  remedy: StateRemedy | undefined,
  cmd: { name: string; agent?: string },
): string {
  if (remedy === 'own-state')
    return `${message} Give this agent a state folder of its own with --state DIR.`;
  if (remedy !== 'start-fresh') return message;
  return cmd.name === 'run'
    ? `${message} Run again with --fresh to start from empty state (the damaged journal is then kept aside).`
    : cmd.name === 'recover'
      ? `${message} To start over instead, run "durable-run run ${cmd.agent ?? 'AGENT'} --fresh" (the damaged journal is then kept aside).`
      : message;
}

async function runAgent(cmd: Extract<Command, { name: 'run' | 'recover' }>): Promise<number> {
  const inputs = cmd.inputs === undefined ? undefined : readInputsFile(path.resolve(cmd.inputs));
  const journal = path.join(path.resolve(cmd.state), JOURNAL_FILE);
  if (cmd.name === 'recover' && !fs.existsSync(journal)) {
    // Opening the store would create an empty journal (and the folder) at a mistyped path.
    throw new StateFileError(
      `nothing to recover: there is no journal at ${journal}; check --state, or start with "durable-run run"`,
      journal,
    );
  }
  // Before anything starts: a second writer is refused here, at once, naming the holder.
  const lock = await acquireStateLock(
    cmd.state,
    `durable-run ${cmd.name} ${path.basename(cmd.agent)}`,
  );
  try {
    return await runWorker(cmd, inputs, lock);
  } finally {
    await lock.release();
  }
}

async function runWorker(
  cmd: Extract<Command, { name: 'run' | 'recover' }>,
  inputs: ReturnType<typeof readInputsFile> | undefined,
  lock: StateLock,
): Promise<number> {
  const worker = WorkerClient.spawn({ processGroup: true });
  // The worker has a process group of its own, out of the terminal's reach: a signal that ends
  // this command ends the worker, and whatever the agent started, first.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals): void => {
    worker.killGroup();
    for (const s of signals) process.off(s, onSignal);
    process.kill(process.pid, signal);
  };
  for (const s of signals) process.on(s, onSignal);
  const say = cmd.json
    ? (m: FromWorker) => {
        const line = jsonEvent(m);
        if (line) jsonLine(line);
      }
    : (m: FromWorker) => {
        const line = describeEvent(m);
        if (line) console.log(line);
      };
  // The agent's own console output must not break the --json stream.
  worker.on('stdout', (text) => (cmd.json ? process.stderr : process.stdout).write(text));
  worker.on('stderr', (text) => process.stderr.write(text));
  let outcome: number | undefined;
  worker.on('message', (m) => {
    if (m.type === 'startFailed') {
      outcome = m.failure.kind === 'storage' ? EXIT.storage : EXIT.usage;
      const f = m.failure;
      const message = withRemedy(f.message, f.remedy, cmd);
      if (cmd.json) jsonLine({ event: 'error', kind: f.kind, message, file: f.file, line: f.line });
      console.error(`durable-run: ${message}`);
      return;
    }
    if (m.type === 'ready') for (const w of m.warnings) say({ type: 'warning', message: w });
    say(m);
    if (m.type === 'crash') outcome = EXIT.crashed;
    if (m.type === 'done') outcome = m.failures.length > 0 ? EXIT.failed : EXIT.done;
  });
  try {
    worker.send(
      {
        type: 'start',
        program: path.resolve(cmd.agent),
        inputs,
        stateDir: path.resolve(cmd.state),
        lock: lock.holder,
        fresh: cmd.fresh,
        kind: cmd.name === 'recover' ? 'recover' : 'run',
        crash: cmd.crash,
        python: cmd.python,
      },
      lock.shareable,
    );
  } catch (error) {
    // Left alone, the worker would wait for its start message forever, and this command with it.
    worker.killGroup();
    throw error;
  }
  const exit = await worker.exited;
  // What the agent started and left running would hold our output pipes open: it goes too.
  worker.killGroup();
  for (const s of signals) process.off(s, onSignal);
  if (exit.crashed) return EXIT.crashed;
  if (outcome !== undefined) return outcome;
  console.error(
    `durable-run: the agent's process ended unexpectedly (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}) before the attempt finished; run "recover" to continue`,
  );
  return EXIT.failed;
}

function inspectState(cmd: Extract<Command, { name: 'slots' | 'timeline' }>): number {
  const store = JournalStore.open(path.resolve(cmd.state), { readOnly: true });
  for (const w of store.warnings) console.error(`durable-run: warning: ${w}`);
  if (cmd.name === 'slots') {
    const states = stateViews(store);
    if (cmd.json)
      for (const s of states)
        jsonLine({
          key: s.key,
          seq: s.seq,
          action: s.action,
          id: s.id,
          completed: s.completed,
          slots: s.slots,
          ...(s.imported ? { imported: s.imported } : {}),
        });
    else console.log(slotsTable(states));
  } else {
    const attempts = attemptViews(store.timeline());
    if (cmd.json) for (const a of attempts) jsonLine(a);
    else console.log(timelineTable(attempts, editsBeforeAttempts(store.timeline())));
  }
  return EXIT.done;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const cmd = parseArgs(argv);
    if (cmd.name === 'help') {
      console.log(USAGE);
      return EXIT.done;
    }
    if ('fresh' in cmd) return await runAgent(cmd);
    if (isSurgeryCommand(cmd.name)) return await runSurgery(cmd as SurgeryCommand);
    return inspectState(cmd as Extract<Command, { name: 'slots' | 'timeline' }>);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`durable-run: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof StateFolderBusyError && argv.includes('--json')) {
      const { folder, holder } = error;
      jsonLine({ event: 'error', kind: 'locked', message: error.message, file: folder, holder });
    }
    if (error instanceof InputsFileError || error instanceof EditError) {
      console.error(`durable-run: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof StateFileError) {
      console.error(
        `durable-run: ${withRemedy(error.message, error.remedy, { name: argv[0] ?? '' })}`,
      );
      return EXIT.usage;
    }
    throw error;
  }
}

// A reader that stops early (`durable-run slots --json | head`) closes the pipe: that ends this
// command as it ends any other, quietly, not with an internal error. A run's worker dies with it,
// and a recovery continues from what it persisted.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`durable-run: internal error: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
