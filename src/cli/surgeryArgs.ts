// The command lines of state surgery (edit, fork, diff, export, import, import-flink), parsed into
// commands; anything off, or contradicting itself, is a usage error before anything is read.
import { parseJsonValue, parseSlotRef, EditError, type EditRequest } from '../runtime/stateEdit';
import { splitFlags, UsageError, type Flags } from './flags';

export const SURGERY_USAGE = `  durable-run edit --state DIR --slot STATE_ID#INDEX (--pending | --succeed JSON | --fail MESSAGE | --drop) [--python PATH] [--json]
  durable-run edit --state DIR --action STATE_ID --not-completed [--json]
  durable-run fork --state DIR --to DIR2 [--attempt N] [--json]
  durable-run diff --state DIR (--attempts A B | --against DIR2) [--json]
  durable-run export --state DIR --out FILE [--agent AGENT] [--json]
  durable-run import FILE --state DIR [--agent AGENT] [--json]
  durable-run import-flink DUMP --state DIR [--agent NAME] [--actions UUID=NAME,...] [--json]`;

export type SurgeryCommand =
  | { name: 'edit'; state: string; edit: EditRequest; python?: string; json: boolean }
  | { name: 'fork'; state: string; to: string; attempt?: number; json: boolean }
  | { name: 'diff'; state: string; attempts?: [number, number]; against?: string; json: boolean }
  | { name: 'export'; state: string; out: string; agent?: string; json: boolean }
  | { name: 'import'; file: string; state: string; agent?: string; json: boolean }
  | {
      name: 'import-flink';
      file: string;
      state: string;
      agent?: string;
      actions?: Record<string, string>;
      json: boolean;
    };

const NAMES = ['edit', 'fork', 'diff', 'export', 'import', 'import-flink'] as const;

export function isSurgeryCommand(name: string): name is SurgeryCommand['name'] {
  return (NAMES as readonly string[]).includes(name);
}

const TAKES_VALUE = new Set([
  '--state',
  '--slot',
  '--action',
  '--succeed',
  '--fail',
  '--to',
  '--attempt',
  '--against',
  '--out',
  '--agent',
  '--actions',
  '--python',
]);
const BARE = new Set(['--json', '--pending', '--drop', '--not-completed']);
const ALLOWED: Record<SurgeryCommand['name'], string[]> = {
  edit: [
    '--slot',
    '--action',
    '--pending',
    '--succeed',
    '--fail',
    '--drop',
    '--not-completed',
    '--python',
  ],
  fork: ['--to', '--attempt'],
  diff: ['--attempts', '--against'],
  export: ['--out', '--agent'],
  import: ['--agent'],
  'import-flink': ['--agent', '--actions'],
};

function attemptNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`${flag} takes an attempt number (1, 2, ...), not "${text}"`);
  return Number(text);
}

function parseEdit(state: string, flags: Flags, json: boolean): SurgeryCommand {
  const slot = flags['--slot'];
  const action = flags['--action'];
  const changes = ['--pending', '--succeed', '--fail', '--drop', '--not-completed'].filter(
    (f) => f in flags,
  );
  if ((slot === undefined) === (action === undefined))
    throw new UsageError('edit needs either --slot STATE_ID#INDEX or --action STATE_ID (one)');
  if (changes.length !== 1)
    throw new UsageError(
      `edit makes one change at a time: give exactly one of --pending, --succeed JSON, --fail MESSAGE, --drop (for --slot) or --not-completed (for --action)${changes.length > 1 ? `; got ${changes.join(', ')}` : ''}`,
    );
  const change = changes[0];
  if (typeof action === 'string') {
    if (change !== '--not-completed')
      throw new UsageError(
        `${change} changes a slot: use it with --slot STATE_ID#INDEX; --action takes --not-completed`,
      );
    return { name: 'edit', state, edit: { kind: 'not-completed', id: action }, json };
  }
  if (change === '--not-completed')
    throw new UsageError('--not-completed changes an action state: use --action STATE_ID');
  try {
    const { id, index } = parseSlotRef(String(slot));
    const edit: EditRequest =
      change === '--succeed'
        ? {
            kind: 'succeed',
            id,
            index,
            result: parseJsonValue(String(flags['--succeed']), '--succeed'),
          }
        : change === '--fail'
          ? { kind: 'fail', id, index, message: String(flags['--fail']) }
          : { kind: change === '--pending' ? 'pending' : 'drop', id, index };
    const python = typeof flags['--python'] === 'string' ? flags['--python'] : undefined;
    return { name: 'edit', state, edit, ...(python === undefined ? {} : { python }), json };
  } catch (error) {
    if (error instanceof EditError) throw new UsageError(error.message);
    throw error;
  }
}

/** `UUID=NAME,UUID=NAME`: the names of the actions a Flink dump names by UUID. */
function actionNames(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1)
      throw new UsageError(
        `--actions takes UUID=NAME pairs separated by commas, and "${pair}" is not one`,
      );
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}

export function parseSurgeryArgs(name: SurgeryCommand['name'], args: string[]): SurgeryCommand {
  const { positional, flags } = splitFlags(args, TAKES_VALUE, BARE, new Set(['--attempts']));
  for (const flag of Object.keys(flags))
    if (!['--state', '--json', ...ALLOWED[name]].includes(flag))
      throw new UsageError(`${name} does not take ${flag}`);
  const json = flags['--json'] === true;
  const state = flags['--state'];
  if (typeof state !== 'string') throw new UsageError(`${name} needs --state DIR`);
  if (name === 'import' || name === 'import-flink') {
    if (positional.length !== 1)
      throw new UsageError(`${name} needs exactly one ${name === 'import' ? 'FILE' : 'DUMP'}`);
    const agent = typeof flags['--agent'] === 'string' ? flags['--agent'] : undefined;
    if (name === 'import') return { name, file: positional[0], state, agent, json };
    const given = flags['--actions'];
    const actions = typeof given === 'string' ? actionNames(given) : undefined;
    return { name, file: positional[0], state, agent, actions, json };
  }
  if (positional.length > 0)
    throw new UsageError(`${name} takes no positional arguments (got "${positional[0]}")`);
  if (name === 'edit') return parseEdit(state, flags, json);
  if (name === 'fork') {
    const to = flags['--to'];
    if (typeof to !== 'string') throw new UsageError('fork needs --to DIR2 (a new folder)');
    const given = flags['--attempt'];
    const attempt = typeof given === 'string' ? attemptNumber(given, '--attempt') : undefined;
    return { name, state, to, attempt, json };
  }
  if (name === 'diff') {
    const attempts = flags['--attempts'];
    const against = flags['--against'];
    if ((attempts === undefined) === (against === undefined))
      throw new UsageError('diff needs either --attempts A B or --against DIR2 (one)');
    if (Array.isArray(attempts))
      return {
        name,
        state,
        attempts: [
          attemptNumber(attempts[0], '--attempts'),
          attemptNumber(attempts[1], '--attempts'),
        ],
        json,
      };
    return { name, state, against: String(against), json };
  }
  const out = flags['--out'];
  if (typeof out !== 'string') throw new UsageError('export needs --out FILE');
  const agent = typeof flags['--agent'] === 'string' ? flags['--agent'] : undefined;
  return { name, state, out, agent, json };
}
