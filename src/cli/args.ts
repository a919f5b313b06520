// Parses the durable-run command line into a command, with a usage error for anything off.
import { parseCrashSpec } from '../worker/crashPlan';
import type { CrashPlan } from '../worker/protocol';
import { UsageError } from './flags';
import {
  isSurgeryCommand,
  parseSurgeryArgs,
  SURGERY_USAGE,
  type SurgeryCommand,
} from './surgeryArgs';

export { UsageError };

export const USAGE = `usage:
  durable-run run AGENT [--inputs FILE.jsonl] [--state DIR] [--fresh] [--crash POINT[:ACTION[#CALL]]] [--json]
  durable-run recover AGENT --state DIR [--inputs FILE.jsonl] [--crash ...] [--json]
  durable-run slots --state DIR [--json]
  durable-run timeline --state DIR [--json]
${SURGERY_USAGE}

crash points: before-call, after-pending, before-outcome, after-outcome, before-complete
exit codes: 0 done, 1 the agent failed, 2 bad usage or bad input (or the state folder is in use
  by another run, recover or debug session), 3 stopped by an injected crash, 4 stopped because
  the journal could not be written (a full disk, an I/O error, a read-only file system)`;

export type Command =
  | {
      name: 'run' | 'recover';
      agent: string;
      inputs?: string;
      state: string;
      fresh: boolean;
      crash?: CrashPlan;
      json: boolean;
    }
  | { name: 'slots' | 'timeline'; state: string; json: boolean }
  | SurgeryCommand
  | { name: 'help' };

export function parseArgs(argv: string[]): Command {
  const [given, ...rest] = argv;
  if (given === undefined || given === 'help' || given === '--help' || given === '-h')
    return { name: 'help' };
  if (isSurgeryCommand(given)) return parseSurgeryArgs(given, rest);
  const commands = ['run', 'recover', 'slots', 'timeline'] as const;
  const name = commands.find((c) => c === given);
  if (!name) throw new UsageError(`unknown command "${given}"`);
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  const takesValue = new Set(['--inputs', '--state', '--crash']);
  const known = new Set([...takesValue, '--fresh', '--json']);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    if (!known.has(flag)) throw new UsageError(`unknown option ${flag}`);
    if (takesValue.has(flag)) {
      const value = inline ?? rest[++i];
      if (value === undefined || value.startsWith('--'))
        throw new UsageError(`${flag} needs a value`);
      flags[flag] = value;
    } else flags[flag] = true;
  }
  const json = flags['--json'] === true;
  const state = typeof flags['--state'] === 'string' ? flags['--state'] : undefined;
  if (name === 'slots' || name === 'timeline') {
    if (positional.length > 0) throw new UsageError(`${name} takes no positional arguments`);
    if (!state) throw new UsageError(`${name} needs --state DIR`);
    return { name, state, json };
  }
  if (positional.length !== 1) throw new UsageError(`${name} needs exactly one AGENT file`);
  if (name === 'recover' && !state)
    throw new UsageError('recover needs --state DIR (the folder the crashed run used)');
  if (name === 'recover' && flags['--fresh'])
    throw new UsageError('recover continues from the state folder; --fresh makes no sense here');
  let crash: CrashPlan | undefined;
  if (typeof flags['--crash'] === 'string') {
    try {
      crash = parseCrashSpec(flags['--crash']);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return {
    name,
    agent: positional[0],
    inputs: typeof flags['--inputs'] === 'string' ? flags['--inputs'] : undefined,
    state: state ?? '.durable',
    fresh: flags['--fresh'] === true,
    crash,
    json,
  };
}
