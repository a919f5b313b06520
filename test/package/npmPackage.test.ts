// The durable-run npm package as an agent project meets it: the tarball npm run pack:npm wrote is
// installed into a fresh folder (esbuild comes from the registry, as it would for a user), an
// agent is type-checked with tsc against the package's types (and a wrong one is refused), and
// `npx durable-run` runs it, crashes it for real and recovers it through its reconciler.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';

const root = path.join(__dirname, '..', '..');
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const tarball = path.join(root, 'dist', `durable-run-${version}.tgz`);
const windows = process.platform === 'win32';

const AGENT = `import { defineAgent, type AgentEvent } from 'durable-run';
import * as fs from 'node:fs';

interface Order { id: string; amount: number }
const ledger = 'ledger.jsonl';
const charged = (id: string) =>
  fs.existsSync(ledger) && fs.readFileSync(ledger, 'utf8').includes(\`"\${id}"\`);

async function charge(order: Order): Promise<{ receipt: string }> {
  fs.appendFileSync(ledger, JSON.stringify(order.id) + '\\n');
  return { receipt: \`r-\${order.id}\` };
}

export default defineAgent({
  name: 'payments',
  actions: [
    {
      name: 'checkout',
      on: ['InputEvent'],
      async run(event: AgentEvent, ctx) {
        const order = (event.attributes as { input: Order }).input;
        const receipt = await ctx.durableExecute(charge, [order], {
          reconciler: async () => (charged(order.id) ? { receipt: \`r-\${order.id}\` } : charge(order)),
        });
        ctx.memory.set('last', receipt.receipt);
        ctx.sendEvent({ type: 'OutputEvent', attributes: { output: receipt } });
      },
    },
  ],
});
`;

// A reconciler must take no arguments: the package's types say so, and tsc must refuse this.
const WRONG = `import { defineAgent } from 'durable-run';
export default defineAgent({
  name: 'wrong',
  actions: [{ name: 'a', on: ['InputEvent'], async run(_e, ctx) {
    await ctx.durableExecute(async (n: number) => n, [1], { reconciler: (n: number) => n });
  } }],
});
`;

let dir: string;

function run(command: string, args: string[]) {
  const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8', shell: windows });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const npx = (...args: string[]) =>
  run(windows ? 'npx.cmd' : 'npx', ['--no', 'durable-run', ...args]);
const tsc = (project: string) =>
  run(process.execPath, [
    path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    project,
  ]);
const events = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('the durable-run npm package', () => {
  before(() => {
    assert.ok(fs.existsSync(tarball), `${tarball} is missing: run npm run pack:npm`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-npm-'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "shop", "private": true }\n');
    const installed = run(windows ? 'npm.cmd' : 'npm', [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--save-dev',
      tarball,
    ]);
    assert.equal(installed.code, 0, installed.err);
    fs.writeFileSync(path.join(dir, 'agent.ts'), AGENT);
    fs.writeFileSync(path.join(dir, 'wrong.ts'), WRONG);
    fs.writeFileSync(
      path.join(dir, 'inputs.jsonl'),
      '{"key":"alice","input":{"id":"o-1","amount":30}}\r\n',
    );
    const config = (file: string) => ({
      compilerOptions: {
        strict: true,
        module: 'commonjs',
        moduleResolution: 'node',
        target: 'ES2022',
        noEmit: true,
        types: [] as string[],
        typeRoots: [path.join(root, 'node_modules', '@types')],
      },
      files: [file],
    });
    // Node's own types for the ledger, from this repository (the agent project would install them).
    const withNode = config('agent.ts');
    withNode.compilerOptions.types = ['node'];
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(withNode));
    fs.writeFileSync(path.join(dir, 'tsconfig.wrong.json'), JSON.stringify(config('wrong.ts')));
  });

  it('installs with its bin and types, and esbuild for this platform', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(dir, 'node_modules', 'durable-run', 'package.json'), 'utf8'),
    );
    assert.equal(manifest.bin['durable-run'], 'dist/cli.js');
    assert.ok(fs.existsSync(path.join(dir, 'node_modules', 'durable-run', manifest.types)));
    assert.ok(fs.existsSync(path.join(dir, 'node_modules', 'esbuild', 'package.json')));
  });

  it('type-checks an agent with tsc against the package, and refuses a wrong one', () => {
    const ok = tsc('tsconfig.json');
    assert.equal(ok.code, 0, ok.out + ok.err);
    const wrong = tsc('tsconfig.wrong.json');
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.out, /wrong\.ts\(\d+,\d+\): error TS\d+/);
  });

  it('runs the agent with npx durable-run', () => {
    const r = npx(
      'run',
      'agent.ts',
      '--inputs',
      'inputs.jsonl',
      '--state',
      '.durable',
      '--fresh',
      '--json',
    );
    assert.equal(r.code, 0, r.err);
    const lines = events(r.out);
    assert.deepEqual(lines.find((e) => e.event === 'output')?.output, { receipt: 'r-o-1' });
    assert.deepEqual(lines.at(-1), { event: 'done', attempt: 1, failures: [] });
  });

  it('crashes it for real after the charge, and recovers through the reconciler: charged once', () => {
    fs.rmSync(path.join(dir, 'ledger.jsonl'), { force: true });
    const crashed = npx(
      'run',
      'agent.ts',
      '--inputs',
      'inputs.jsonl',
      '--state',
      '.durable',
      '--fresh',
      '--crash',
      'before-outcome:charge',
      '--json',
    );
    assert.equal(crashed.code, 3, crashed.err);
    assert.equal(events(crashed.out).at(-1).event, 'crash');
    const recovered = npx('recover', 'agent.ts', '--state', '.durable', '--json');
    assert.equal(recovered.code, 0, recovered.err);
    const call = events(recovered.out).find((e) => e.event === 'call');
    assert.equal(call.path, 'reconcile');
    assert.equal(fs.readFileSync(path.join(dir, 'ledger.jsonl'), 'utf8'), '"o-1"\n');
    const slots = npx('slots', '--state', '.durable', '--json');
    assert.equal(slots.code, 0, slots.err);
    assert.equal(events(slots.out)[0].slots[0].status, 'SUCCEEDED');
  });
});
