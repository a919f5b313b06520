// Unit tests of what createSample writes: shipped files, tsconfig, launch configurations, and
// the crash point explanations and state-folder rules the commands use.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CRASH_POINTS } from '../worker/protocol';
import { CRASH_POINT_CHOICES } from './crashPoints';
import {
  launchJson,
  SAMPLES,
  SAMPLE_FILES,
  sampleFolderName,
  sampleLaunchConfigurations,
} from './sampleFiles';
import { findStateFolders, isStateFile, partitionStateFolder } from './stateFolder';

const root = join(__dirname, '..', '..');

describe('sample files', () => {
  it('copies files that exist in the repository and ships in the VSIX', () => {
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
    for (const f of SAMPLE_FILES) {
      assert.ok(existsSync(join(root, f.from)), `${f.from} is missing`);
      assert.ok(ignore.includes(`!${f.from}`), `.vscodeignore does not ship ${f.from}`);
    }
    assert.deepEqual(SAMPLE_FILES.map((f) => f.to).sort(), [
      'agent.ts',
      'inputs.jsonl',
      'ledger.js',
    ]);
  });

  it('offers a Flink Agents Python sample whose files exist and ship in the VSIX', () => {
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
    const python = SAMPLES.python;
    for (const f of python.files) {
      assert.ok(existsSync(join(root, f.from)), `${f.from} is missing`);
      assert.ok(ignore.includes(`!${f.from}`), `.vscodeignore does not ship ${f.from}`);
    }
    assert.ok(python.files.some((f) => f.to === python.agent));
    const source = readFileSync(join(root, 'samples/payments-python/payments_agent.py'), 'utf8');
    assert.match(source, /from flink_agents\.api\.agents\.agent import Agent/);
    assert.match(source, /reconciler=/);
    const [plain, crash] = sampleLaunchConfigurations('payments-python', 'python');
    assert.equal(plain.program, '${workspaceFolder}/payments-python/payments_agent.py');
    assert.deepEqual(crash.crash, { point: 'before-outcome', call: 'charge' });
    assert.equal(
      sampleFolderName((n) => n === 'payments-python', python.baseName),
      'payments-python-2',
    );
  });

  it('never overwrites a folder: payments, then payments-2, ...', () => {
    assert.equal(
      sampleFolderName(() => false),
      'payments',
    );
    const taken = new Set(['payments', 'payments-2']);
    assert.equal(
      sampleFolderName((n) => taken.has(n)),
      'payments-3',
    );
  });

  it('writes a launch.json with a plain run and a planned crash of the charge', () => {
    const json = JSON.parse(launchJson(sampleLaunchConfigurations('payments-2')));
    assert.equal(json.version, '0.2.0');
    const [plain, crash] = json.configurations;
    assert.equal(plain.type, 'durable-agent');
    assert.equal(plain.program, '${workspaceFolder}/payments-2/agent.ts');
    assert.equal(plain.inputsFile, '${workspaceFolder}/payments-2/inputs.jsonl');
    assert.deepEqual(crash.crash, { point: 'before-outcome', call: 'charge' });
    assert.notEqual(plain.name, crash.name);
    // The default applies: a state folder of the sample's own, never one shared by every agent.
    assert.equal(plain.stateDir, undefined);
    assert.equal(crash.stateDir, undefined);
  });
});

describe('crash point choices', () => {
  it('explains every crash point, in the order of a call life', () => {
    assert.deepEqual(
      CRASH_POINT_CHOICES.map((c) => c.point),
      [...CRASH_POINTS],
    );
    for (const c of CRASH_POINT_CHOICES)
      assert.ok(c.detail.length > 30 && !c.detail.includes('\n'), c.point);
    assert.deepEqual(
      CRASH_POINT_CHOICES.filter((c) => !c.perCall).map((c) => c.point),
      ['before-complete'],
    );
  });
});

describe('state folder', () => {
  it('deletes only what the runtime wrote', () => {
    assert.ok(isStateFile('journal.jsonl'));
    assert.ok(isStateFile('journal.unreadable-2026-01-01T00-00-00-000Z.jsonl'));
    assert.ok(isStateFile('.journal.jsonl.1234.tmp'));
    assert.ok(isStateFile('.durable-run-probe-99'));
    assert.deepEqual(
      partitionStateFolder(['journal.jsonl', 'notes.md', 'journal.jsonl.bak', 'src']),
      {
        state: ['journal.jsonl'],
        other: ['notes.md', 'journal.jsonl.bak', 'src'],
      },
    );
  });
});

describe('findStateFolders', () => {
  it('finds the state folder of each agent under the root, and the root when it holds state itself', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-state-folders-'));
    try {
      for (const dir of ['payments/agent', 'mailer/agent', 'empty/agent', 'notes']) {
        fs.mkdirSync(path.join(root, dir), { recursive: true });
      }
      fs.writeFileSync(path.join(root, 'payments/agent/journal.jsonl'), '');
      fs.writeFileSync(path.join(root, 'mailer/agent/journal.unreadable-x.jsonl'), '');
      fs.writeFileSync(path.join(root, 'notes/todo.md'), '');
      assert.deepEqual(findStateFolders(root), [
        path.join(root, 'mailer/agent'),
        path.join(root, 'payments/agent'),
      ]);
      fs.writeFileSync(path.join(root, 'journal.jsonl'), '');
      assert.equal(findStateFolders(root)[0], root);
      assert.deepEqual(findStateFolders(path.join(root, 'missing')), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
