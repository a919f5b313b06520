// What durableRun.createSample writes, as data: which shipped files it copies where, and the
// launch.json it generates. Pure, so their content is unit-tested. No type declarations are
// copied: the extension's TypeScript server plugin resolves `durable-run` in any folder.
import { DEBUG_TYPE } from './constants';
import type { DurableLaunchConfig } from './agentFiles';

/** Files shipped in the VSIX (see .vscodeignore), relative to the extension's folder. */
export const SAMPLE_FILES: ReadonlyArray<{ from: string; to: string }> = [
  { from: 'samples/payments/agent.ts', to: 'agent.ts' },
  { from: 'samples/payments/ledger.js', to: 'ledger.js' },
  { from: 'samples/payments/inputs.jsonl', to: 'inputs.jsonl' },
];

export const SAMPLE_BASE_NAME = 'payments';

/** `payments`, or `payments-2`, ... : the sample never overwrites a folder that exists. */
export function sampleFolderName(taken: (name: string) => boolean): string {
  if (!taken(SAMPLE_BASE_NAME)) return SAMPLE_BASE_NAME;
  for (let n = 2; ; n++) {
    const name = `${SAMPLE_BASE_NAME}-${n}`;
    if (!taken(name)) return name;
  }
}

/**
 * The sample's launch configurations: a run that stops on entry, and one that crashes while
 * charging. No stateDir: the sample keeps its state in its own folder under .durable, as any
 * agent does by default.
 */
export function sampleLaunchConfigurations(folderName: string): DurableLaunchConfig[] {
  const dir = `\${workspaceFolder}/${folderName}`;
  const base = {
    type: DEBUG_TYPE,
    request: 'launch',
    program: `${dir}/agent.ts`,
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
