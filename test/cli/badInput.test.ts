// CLI tests: bad agents, bad inputs files and state folders with nothing in them. Each must exit 2
// with a message naming the file (and line) and what to do, and --json must report it as an
// `error` event.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { jsonLines, runCli, tempDir, writeAgent, writeInputs } from '../crash/cliHarness';

const ECHO = `import { defineAgent } from 'durable-run';
async function echo(x: unknown) { return x; }
export default defineAgent({
  name: 'echo',
  actions: [{ name: 'a', on: ['InputEvent'], async run(e, ctx) {
    const out = await ctx.durableExecute(echo, [e.attributes.input]);
    ctx.sendEvent({ type: 'OutputEvent', attributes: { output: out } });
  } }],
});
`;

function setup(): { dir: string; agent: string; inputs: string; state: string } {
  const dir = tempDir();
  return {
    dir,
    agent: writeAgent(dir, 'echo.ts', ECHO),
    inputs: writeInputs(dir, [{ key: 'k', input: 1 }]),
    state: path.join(dir, 'state'),
  };
}

async function inputError(
  args: string[],
  message: RegExp,
  stack = false,
): Promise<{ stderr: string; events: ReturnType<typeof jsonLines> }> {
  const result = await runCli(args);
  assert.equal(result.code, 2, `exit code of durable-run ${args.join(' ')}\n${result.stderr}`);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /internal error/);
  if (!stack) assert.doesNotMatch(result.stderr, / {4}at /, 'a clear message, not a stack');
  return { stderr: result.stderr, events: args.includes('--json') ? jsonLines(result.stdout) : [] };
}

describe('durable-run with a bad agent file', () => {
  it('a missing agent file is named, and no state is created', async () => {
    const { dir, inputs, state } = setup();
    const missing = path.join(dir, 'nope.ts');
    const { events } = await inputError(
      ['run', missing, '--inputs', inputs, '--state', state, '--json'],
      new RegExp(`the agent file ${missing} does not exist`),
    );
    assert.deepEqual(events, [
      {
        event: 'error',
        kind: 'agent',
        message: `the agent file ${missing} does not exist; check "program"`,
        file: missing,
      },
    ]);
    assert.equal(fs.existsSync(state), false);
  });

  it('an agent that is not a .ts or .js file is refused', async () => {
    const { dir, inputs, state } = setup();
    const text = writeAgent(dir, 'agent.txt', ECHO);
    await inputError(
      ['run', text, '--inputs', inputs, '--state', state],
      /is not a TypeScript or JavaScript file/,
    );
  });

  it('an agent that does not compile is reported at file:line:column with the source line', async () => {
    const { dir, inputs, state } = setup();
    const broken = writeAgent(
      dir,
      'broken.ts',
      `import { defineAgent } from 'durable-run';\n\nexport default defineAgent({ name: 'b', actions: [ }]);\n`,
    );
    const { stderr, events } = await inputError(
      ['run', broken, '--inputs', inputs, '--state', state, '--json'],
      /broken\.ts:3:\d+: /,
    );
    assert.match(stderr, /export default defineAgent\(\{ name: 'b', actions: \[ \}\]\);/);
    assert.equal(events.length, 1);
    assert.equal(events[0].event, 'error');
    assert.equal(events[0].kind, 'compile');
    assert.equal(events[0].file, broken);
    assert.equal(events[0].line, 3);
    assert.equal(fs.existsSync(state), false);
  });

  it('an agent with no default export says how to export one', async () => {
    const { dir, inputs, state } = setup();
    const none = writeAgent(
      dir,
      'none.ts',
      `import { defineAgent } from 'durable-run';\nexport const notTheAgent = 42;\nvoid defineAgent;\n`,
    );
    await inputError(
      ['run', none, '--inputs', inputs, '--state', state],
      /does not export an agent: write "export default defineAgent\(\{ name, actions \}\)"/,
    );
  });

  it('an agent whose definition is wrong names the offending field', async () => {
    const { dir, inputs, state } = setup();
    const wrong = writeAgent(
      dir,
      'wrong.ts',
      `import { defineAgent } from 'durable-run';\nexport default defineAgent({ name: 'w', actions: [{ name: 'a', on: [], run: async () => {} }] });\n`,
    );
    // Thrown while the agent loads: the stack is shown, and it points at the agent's own line.
    const { stderr } = await inputError(
      ['run', wrong, '--inputs', inputs, '--state', state],
      /threw while loading: AgentDefinitionError: defineAgent: actions\[0\]\.on \(action "a"\) must be a non-empty array/,
      true,
    );
    assert.match(stderr, /at .*wrong\.ts:2:\d+/);
  });
});

describe('durable-run with a bad inputs file', () => {
  it('a missing inputs file is named', async () => {
    const { dir, agent, state } = setup();
    const missing = path.join(dir, 'missing.jsonl');
    await inputError(
      ['run', agent, '--inputs', missing, '--state', state],
      new RegExp(`the inputs file ${missing} does not exist`),
    );
    assert.equal(fs.existsSync(state), false);
  });

  it('invalid JSON is reported with its line number', async () => {
    const { dir, agent, state } = setup();
    const file = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(file, '{"key":"a","input":1}\n\n// a comment\n{"key":"b","input":\n');
    await inputError(
      ['run', agent, '--inputs', file, '--state', state],
      new RegExp(`${file}:4: not valid JSON .*each line must be \\{"key": "...", "input": ...\\}`),
    );
    assert.equal(fs.existsSync(state), false);
  });

  it('a line that is not an object, has no key or has no input names its line', async () => {
    const { dir, agent, state } = setup();
    const cases: Array<[string, RegExp]> = [
      ['[1, 2]', /:2: each line must be a JSON object/],
      ['{"input": 1}', /:2: "key" must be a non-empty string/],
      ['{"key": "", "input": 1}', /:2: "key" must be a non-empty string/],
      ['{"key": "k"}', /:2: the object has no "input"/],
    ];
    for (const [line, message] of cases) {
      const file = path.join(dir, 'lines.jsonl');
      fs.writeFileSync(file, `{"key":"ok","input":0}\n${line}\n`);
      await inputError(['run', agent, '--inputs', file, '--state', state], message);
    }
  });

  it('run with no inputs file and nothing recorded says to give one', async () => {
    const { agent, state } = setup();
    await inputError(['run', agent, '--state', state], /no inputs: give an inputs file/);
  });
});

describe('durable-run on a state folder with no journal', () => {
  it('slots and timeline on an empty folder say nothing has run there, and create nothing', async () => {
    const dir = tempDir();
    for (const name of ['slots', 'timeline']) {
      for (const json of [[], ['--json']]) {
        const result = await runCli([name, '--state', dir, ...json]);
        assert.equal(result.code, 2);
        assert.match(
          result.stderr,
          /no journal at .*journal\.jsonl: nothing has run with this stateDir yet/,
        );
        assert.equal(result.stdout, '');
      }
    }
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('slots on a folder that does not exist says the same, and creates nothing', async () => {
    const dir = path.join(tempDir(), 'not-there');
    const result = await runCli(['slots', '--state', dir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no journal at/);
    assert.equal(fs.existsSync(dir), false);
  });

  it('recover on a folder with no journal says there is nothing to recover, and creates nothing', async () => {
    const { dir, agent, inputs } = setup();
    const state = path.join(dir, 'typo');
    for (const extra of [[], ['--inputs', inputs]]) {
      const result = await runCli(['recover', agent, '--state', state, ...extra]);
      assert.equal(result.code, 2);
      assert.match(
        result.stderr,
        /nothing to recover: there is no journal at .*typo.journal\.jsonl/,
      );
    }
    assert.equal(fs.existsSync(state), false);
  });

  it('a state folder the file system will not create is refused at once, not retried for ever', async (t) => {
    if (process.platform !== 'linux') return t.skip('procfs is Linux only');
    const { agent, inputs } = setup();
    // procfs answers ENOENT for a new folder in /proc/1, although /proc/1 exists.
    await inputError(
      ['run', agent, '--inputs', inputs, '--state', '/proc/1/durable'],
      /cannot create \/proc\/1\/durable\/journal\.jsonl: the file system does not let a folder be made in \/proc\/1/,
    );
  });

  it('a journal with a value nested 100,000 levels deep is bad input, named by file and line', async () => {
    const { agent, inputs, state } = setup();
    assert.equal((await runCli(['run', agent, '--inputs', inputs, '--state', state])).code, 0);
    const file = path.join(state, 'journal.jsonl');
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    fs.appendFileSync(
      file,
      `{"op":"slot","id":"k#0/0/a","index":0,"slot":{"functionId":"echo","argsDigest":"0000000000000000","status":"SUCCEEDED","result":{"json":${deep}}}}\n`,
    );
    const line = fs.readFileSync(file, 'utf8').trimEnd().split('\n').length;
    for (const args of [['slots'], ['slots', '--json'], ['timeline', '--json']]) {
      await inputError(
        [...args, '--state', state],
        new RegExp(`journal\\.jsonl:${line}: a value in it is nested more than 2500 levels deep`),
      );
    }
  });
});
