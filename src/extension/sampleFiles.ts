// What durableRun.createSample writes, as data: which shipped files it copies where, and the
// launch.json it generates. Pure, so their content is unit-tested. No type declarations are
// copied: the extension's TypeScript server plugin resolves `durable-run` in any folder.
import { DEBUG_TYPE } from './constants';
import type { DurableLaunchConfig } from './agentFiles';

export type SampleKind = 'typescript' | 'python';

export interface Sample {
  /** What the sample picker shows. */
  label: string;
  detail: string;
  /** The folder it goes to (then `-2`, `-3`, ...). */
  baseName: string;
  /** The agent file, opened once the sample is written. */
  agent: string;
  /** Files shipped in the VSIX (see .vscodeignore), relative to the extension's folder. */
  files: ReadonlyArray<{ from: string; to: string }>;
}

/** The payments story twice: a TypeScript agent, and a Flink Agents Python agent. */
export const SAMPLES: Readonly<Record<SampleKind, Sample>> = {
  typescript: {
    label: 'TypeScript payments agent',
    detail:
      'A durable-run agent in TypeScript: a charge with a reconciler, a ledger outside the state.',
    baseName: 'payments',
    agent: 'agent.ts',
    files: [
      { from: 'samples/payments/agent.ts', to: 'agent.ts' },
      { from: 'samples/payments/ledger.js', to: 'ledger.js' },
      { from: 'samples/payments/inputs.jsonl', to: 'inputs.jsonl' },
    ],
  },
  python: {
    label: 'Flink Agents Python payments agent',
    detail:
      'An unmodified Flink Agents (Python) agent; needs flink-agents 0.3 in the chosen Python.',
    baseName: 'payments-python',
    agent: 'payments_agent.py',
    files: [
      { from: 'samples/payments-python/payments_agent.py', to: 'payments_agent.py' },
      { from: 'samples/payments-python/inputs.jsonl', to: 'inputs.jsonl' },
    ],
  },
};

/** The TypeScript sample's files (the default sample). */
export const SAMPLE_FILES = SAMPLES.typescript.files;
export const SAMPLE_BASE_NAME = SAMPLES.typescript.baseName;

/** `payments`, or `payments-2`, ... : the sample never overwrites a folder that exists. */
export function sampleFolderName(
  taken: (name: string) => boolean,
  baseName = SAMPLE_BASE_NAME,
): string {
  if (!taken(baseName)) return baseName;
  for (let n = 2; ; n++) {
    const name = `${baseName}-${n}`;
    if (!taken(name)) return name;
  }
}

/**
 * The sample's launch configurations: a run that stops on entry, and one that crashes while
 * charging. No stateDir: the sample keeps its state in its own folder under .durable, as any
 * agent does by default.
 */
export function sampleLaunchConfigurations(
  folderName: string,
  kind: SampleKind = 'typescript',
): DurableLaunchConfig[] {
  const dir = `\${workspaceFolder}/${folderName}`;
  const base = {
    type: DEBUG_TYPE,
    request: 'launch',
    program: `${dir}/${SAMPLES[kind].agent}`,
    inputsFile: `${dir}/inputs.jsonl`,
  };
  return [
    { ...base, name: `Debug ${folderName} agent`, stopOnEntry: true },
    {
      ...base,
      name: `Debug ${folderName} agent: crash while charging`,
      crash: { point: 'before-outcome', call: 'charge' },
    },
  ];
}

export function launchJson(configurations: DurableLaunchConfig[]): string {
  return JSON.stringify({ version: '0.2.0', configurations }, null, 2) + '\n';
}
