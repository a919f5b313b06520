// Unit tests of agent detection and of the launch configuration F5 builds (no VS Code needed).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  agentInEditorInstead,
  defaultStateDir,
  isAgentFileName,
  isAgentSource,
  launchConfigFor,
  resolveLaunchConfig,
  type ResolveContext,
} from './agentFiles';

const folder = path.resolve('/ws');
const agent = path.join(folder, 'payments', 'agent.ts');
const ctx = (over: Partial<ResolveContext> = {}): ResolveContext => ({
  folder,
  defaults: { stateDir: '${workspaceFolder}/.durable', autoRecover: false },
  exists: () => false,
  ...over,
});

describe('isAgentSource', () => {
  it('accepts a file that imports durable-run and calls defineAgent', () => {
    assert.ok(
      isAgentSource(`import { defineAgent } from 'durable-run';\nexport default defineAgent({})`),
    );
    assert.ok(
      isAgentSource(
        `const { defineAgent } = require("durable-run");\nmodule.exports = defineAgent({})`,
      ),
    );
    assert.ok(
      isAgentSource(`import * as dr from 'durable-run'; export default dr.defineAgent ({})`),
    );
  });
  it('rejects helpers and files that only mention one of the two', () => {
    assert.equal(isAgentSource(`import { registerClass } from 'durable-run';`), false);
    assert.equal(isAgentSource(`export function defineAgent() {}\ndefineAgent()`), false);
    assert.equal(
      isAgentSource(`import { defineAgent } from 'durable-run-extra'; defineAgent({})`),
      false,
    );
  });
});

describe('isAgentFileName', () => {
  it('takes what the worker compiles, but not declaration files', () => {
    for (const f of ['a.ts', 'a.mts', 'a.cts', 'a.js', 'a.mjs', 'a.cjs'])
      assert.ok(isAgentFileName(f), f);
    for (const f of ['a.d.ts', 'a.d.mts', 'a.json', 'a.tsx'])
      assert.equal(isAgentFileName(f), false, f);
  });
});

describe('launchConfigFor', () => {
  it('uses ${workspaceFolder} paths inside the folder and the inputs.jsonl beside', () => {
    assert.deepEqual(launchConfigFor(agent, folder, true), {
      type: 'durable-agent',
      request: 'launch',
      name: 'Debug agent agent.ts',
      program: '${workspaceFolder}/payments/agent.ts',
      inputsFile: '${workspaceFolder}/payments/inputs.jsonl',
    });
  });
  it('keeps absolute paths outside the folder and without one', () => {
    const outside = path.resolve('/elsewhere/agent.js');
    assert.equal(launchConfigFor(outside, folder, false).program, outside);
    assert.equal(launchConfigFor(agent, undefined, false).program, agent);
    assert.equal(launchConfigFor(agent, folder, false).inputsFile, undefined);
  });
});

describe('resolveLaunchConfig', () => {
  it('F5 with no launch.json debugs the active agent file with the defaults', () => {
    const r = resolveLaunchConfig(
      { type: '', request: '', name: '' },
      ctx({
        activeAgentFile: agent,
        exists: (f) => f === path.join(folder, 'payments', 'inputs.jsonl'),
      }),
    );
    assert.ok('config' in r);
    assert.deepEqual(r.config, {
      type: 'durable-agent',
      request: 'launch',
      name: 'Debug agent agent.ts',
      program: '${workspaceFolder}/payments/agent.ts',
      inputsFile: '${workspaceFolder}/payments/inputs.jsonl',
      fresh: true,
      autoRecover: false,
      cwd: '${workspaceFolder}',
    });
  });

  it('runs the agent in the workspace folder, so relative paths resolve against it, unless cwd is given', () => {
    const relative = resolveLaunchConfig(
      { type: 'durable-agent', request: 'launch', name: 'x', program: 'payments/agent.ts' },
      ctx({ exists: () => false }),
    );
    assert.ok('config' in relative);
    assert.equal(relative.config.cwd, '${workspaceFolder}');
    const given = resolveLaunchConfig(
      { type: 'durable-agent', request: 'launch', name: 'x', program: agent, cwd: '/srv/agents' },
      ctx(),
    );
    assert.ok('config' in given);
    assert.equal(given.config.cwd, '/srv/agents');
    const noFolder = resolveLaunchConfig(
      { type: '', request: '', name: '' },
      ctx({ folder: undefined, activeAgentFile: agent, exists: () => true }),
    );
    assert.ok('config' in noFolder);
    assert.equal(noFolder.config.cwd, undefined);
  });

  it('F5 with no launch.json on a file that is not an agent says what to do', () => {
    const r = resolveLaunchConfig(
      { type: '', request: '', name: '' },
      ctx({ activeFile: path.join(folder, 'util.ts') }),
    );
    assert.ok('error' in r);
    assert.match(r.error, /util\.ts is not an agent file/);
    const none = resolveLaunchConfig({ type: '', request: '', name: '' }, ctx());
    assert.ok('error' in none);
    assert.match(none.error, /no agent file is open/);
  });

  it('a picked debugger type without a program takes the active agent file', () => {
    const r = resolveLaunchConfig(
      { type: 'durable-agent', request: '', name: '' },
      ctx({ activeAgentFile: agent }),
    );
    assert.ok('config' in r);
    assert.equal(r.config.program, '${workspaceFolder}/payments/agent.ts');
  });

  it('keeps what launch.json says and fills only what is missing, settings first', () => {
    const r = resolveLaunchConfig(
      {
        type: 'durable-agent',
        request: 'launch',
        name: 'x',
        program: agent,
        fresh: false,
        stateDir: '/tmp/s',
      },
      ctx({ defaults: { stateDir: '/never', autoRecover: true }, exists: () => true }),
    );
    assert.ok('config' in r);
    assert.equal(r.config.stateDir, '/tmp/s');
    assert.equal(r.config.fresh, false);
    assert.equal(r.config.autoRecover, true);
    // Recovering runs the recorded inputs: no inputs file is added.
    assert.equal(r.config.inputsFile, undefined);
  });

  it('rejects an unknown crash point and inputs given twice before anything starts', () => {
    const bad = resolveLaunchConfig(
      {
        type: 'durable-agent',
        request: 'launch',
        name: 'x',
        program: agent,
        crash: { point: 'midway' },
      },
      ctx(),
    );
    assert.ok('error' in bad);
    assert.match(bad.error, /crash\.point.*before-call/);
    const twice = resolveLaunchConfig(
      {
        type: 'durable-agent',
        request: 'launch',
        name: 'x',
        program: agent,
        inputs: [],
        inputsFile: 'a',
      },
      ctx(),
    );
    assert.ok('error' in twice);
  });
});

describe('defaultStateDir', () => {
  const root = '${workspaceFolder}/.durable';
  it('gives each agent file a folder of its own under the root, after its path in the workspace', () => {
    assert.equal(
      defaultStateDir(root, agent, folder),
      path.join(folder, '.durable', 'payments', 'agent'),
    );
    const mailer = path.join(folder, 'mailer', 'agent.ts');
    assert.notEqual(defaultStateDir(root, mailer, folder), defaultStateDir(root, agent, folder));
    assert.equal(
      defaultStateDir(root, path.join(folder, 'agent.js'), folder),
      path.join(folder, '.durable', 'agent'),
    );
  });
  it('takes the root from the setting, relative to the workspace folder, and a relative program from cwd', () => {
    assert.equal(
      defaultStateDir('state', agent, folder),
      path.join(folder, 'state', 'payments', 'agent'),
    );
    assert.equal(
      defaultStateDir('/var/durable', 'agent.ts', folder, path.join(folder, 'payments')),
      path.join('/var/durable', 'payments', 'agent'),
    );
  });
  it('names an agent outside the workspace folder after its file, and without a folder keeps state beside it', () => {
    const outside = path.resolve('/elsewhere/billing.ts');
    assert.equal(defaultStateDir(root, outside, folder), path.join(folder, '.durable', 'billing'));
    assert.equal(
      defaultStateDir(root, agent, undefined),
      path.join(folder, 'payments', '.durable', 'agent'),
    );
  });
});

describe('F5 with a launch.json while the editor shows another agent file', () => {
  const mailer = path.join(folder, 'mailer', 'agent.ts');
  const sampleConfig = {
    type: 'durable-agent',
    request: 'launch',
    name: 'Debug payments agent',
    program: '${workspaceFolder}/payments/agent.ts',
    inputsFile: '${workspaceFolder}/payments/inputs.jsonl',
    stopOnEntry: true,
  };
  const withLaunchJson = (over: Partial<ResolveContext> = {}) =>
    ctx({
      launchJson: [sampleConfig],
      exists: (f) => f === path.join(folder, 'mailer', 'inputs.jsonl'),
      ...over,
    });

  it('debugs the agent file in the editor when no configuration names it, and says so', () => {
    const r = resolveLaunchConfig(sampleConfig, withLaunchJson({ activeAgentFile: mailer }));
    assert.ok('config' in r);
    assert.equal(r.config.program, '${workspaceFolder}/mailer/agent.ts');
    assert.equal(r.config.inputsFile, '${workspaceFolder}/mailer/inputs.jsonl');
    assert.equal(r.config.stopOnEntry, undefined, "the sample's attributes are not carried over");
    assert.match(
      r.note ?? '',
      /^Debugging mailer\/agent\.ts, the agent file in the editor: no launch configuration names it, so "Debug payments agent" \(payments\/agent\.ts\) was not used/,
    );
  });

  it('runs the configuration when the editor shows its own agent, one another configuration names, or no agent', () => {
    assert.equal(
      agentInEditorInstead(sampleConfig, withLaunchJson({ activeAgentFile: agent })),
      undefined,
    );
    const both = [sampleConfig, { ...sampleConfig, name: 'mailer', program: 'mailer/agent.ts' }];
    assert.equal(
      agentInEditorInstead(
        sampleConfig,
        withLaunchJson({ activeAgentFile: mailer, launchJson: both }),
      ),
      undefined,
    );
    assert.equal(agentInEditorInstead(sampleConfig, withLaunchJson()), undefined);
    const anyFile = [{ ...sampleConfig, program: '${file}' }];
    assert.equal(
      agentInEditorInstead(
        anyFile[0],
        withLaunchJson({ activeAgentFile: mailer, launchJson: anyFile }),
      ),
      undefined,
    );
  });

  it('leaves configurations that are not from launch.json alone (Debug Agent File, the dynamic ones)', () => {
    const made = { ...launchConfigFor(agent, folder, true) };
    assert.equal(
      agentInEditorInstead(made, withLaunchJson({ activeAgentFile: mailer })),
      undefined,
    );
  });

  it('says how to give inputs to an agent file without any, instead of launching it', () => {
    const r = resolveLaunchConfig(
      sampleConfig,
      withLaunchJson({ activeAgentFile: mailer, exists: () => false }),
    );
    assert.ok('error' in r);
    assert.equal(r.inputsFor, mailer);
    assert.match(r.error, /mailer\/agent\.ts has no inputs: put an inputs\.jsonl beside it/);
    const noJson = resolveLaunchConfig(
      { type: '', request: '', name: '' },
      ctx({ activeAgentFile: mailer }),
    );
    assert.ok('error' in noJson);
    assert.equal(noJson.inputsFor, mailer);
  });
});

describe('Flink Agents Python agent files', () => {
  const agent = `from flink_agents.api.agents.agent import Agent
from flink_agents.api.decorators import action


class Payments(Agent):
    pass
`;

  it('a .py file that imports Agent and subclasses it is an agent file', () => {
    assert.ok(isAgentFileName('/w/payments_agent.py'));
    assert.ok(isAgentSource(agent));
  });

  it('a Python helper that only mentions Agent, or imports it without a subclass, is not', () => {
    assert.ok(!isAgentSource('class Payments(Agent):\n    pass\n'));
    assert.ok(!isAgentSource('from flink_agents.api.agents.agent import Agent\n'));
    assert.ok(!isAgentSource('# Agent subclasses go here\nimport os\n'));
  });
});
