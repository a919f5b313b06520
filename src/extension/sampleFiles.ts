// What durableRun.createSample writes, as data: which shipped files it copies where, and the
// launch.json and tsconfig.json it generates. Pure, so their content is unit-tested.
import { DEBUG_TYPE, DEFAULT_STATE_DIR } from './constants';
import type { DurableLaunchConfig } from './agentFiles';

/** Files shipped in the VSIX (see .vscodeignore), relative to the extension's folder. */
export const SAMPLE_FILES: ReadonlyArray<{ from: string; to: string }> = [
  { from: 'samples/payments/agent.ts', to: 'agent.ts' },
  { from: 'samples/payments/ledger.ts', to: 'ledger.ts' },
  { from: 'samples/payments/inputs.jsonl', to: 'inputs.jsonl' },
  { from: 'samples/durable-run.d.ts', to: 'durable-run.d.ts' },
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
 * The sample's own tsconfig.json: `paths` maps `durable-run` to the declarations beside it, so
 * the editor type-checks the agent without installing anything. Node's types (for the ledger's
 * fs calls) come from automatic type acquisition, or from `npm i -D @types/node`.
 */
export function sampleTsconfig(): string {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      moduleResolution: 'node',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      paths: { 'durable-run': ['./durable-run.d.ts'] },
    },
    typeAcquisition: { enable: true, include: ['node'] },
  };
  return JSON.stringify(config, null, 2) + '\n';
}

/** The sample's launch configurations: a plain run, and one that crashes while charging. */
export function sampleLaunchConfigurations(folderName: string): DurableLaunchConfig[] {
  const dir = `\${workspaceFolder}/${folderName}`;
  const base = {
    type: DEBUG_TYPE,
    request: 'launch',
    program: `${dir}/agent.ts`,
    inputsFile: `${dir}/inputs.jsonl`,
    stateDir: DEFAULT_STATE_DIR,
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
