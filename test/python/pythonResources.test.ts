// A Flink Agents Python agent's declared resources under this runtime: ctx.get_resource resolves
// them as Flink Agents does locally, on the first attempt and again on recovery, and a tool run
// as a durable call keeps its outcome through a crash like any other call.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { callPaths, eventsOf, readLedger } from '../crash/cliHarness';
import { PY_AGENTS, pythonScenario, runPython } from './pythonHarness';

const AGENT = path.join(PY_AGENTS, 'resource_agent.py');
const ORDER = { name: 'Ada', order: 'o-1', amount: 10 };

describe('a Python agent with declared resources', () => {
  it('gets its prompt and its tool through ctx.get_resource, and the tool as a durable call runs once through a crash', async () => {
    const s = pythonScenario([{ key: 'k', input: ORDER }]);
    const crashed = await runPython('run', AGENT, s, ['--crash', 'after-outcome:handle']);
    assert.equal(crashed.code, 3, crashed.stderr);
    assert.deepEqual(eventsOf(crashed, 'output'), []);
    assert.deepEqual(eventsOf(crashed, 'warning'), [], 'a call of the function itself has a name');

    const recovered = await runPython('recover', AGENT, s);
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.deepEqual(callPaths(recovered), [
      'k handle#0 resource_agent.ResourceAgent.add_tax replay SUCCEEDED',
    ]);
    assert.deepEqual(
      eventsOf(recovered, 'output').map((e) => e.output),
      [{ text: 'Hello Ada, order o-1 is confirmed.', total: 12 }],
    );
    assert.deepEqual(
      readLedger(s.ledger).map((l) => `${String(l.op)}:${String(l.detail)}`),
      ['add_tax:10'],
    );
  });

  it('warns, with the line, about a durable call of a callable object, which has no name of its own', async () => {
    const s = pythonScenario([
      { key: 'k1', input: { ...ORDER, wrapper: true } },
      { key: 'k2', input: { ...ORDER, wrapper: true } },
    ]);
    const run = await runPython('run', AGENT, s);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      callPaths(run).map((c) => c.split(' ')[2]),
      ['flink_agents.plan.function.<unknown>', 'flink_agents.plan.function.<unknown>'],
    );
    const warnings = eventsOf(run, 'warning').map((e) => String(e.message));
    // Once per call site, however often the site is reached.
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /resource_agent\.py:\d+ has no name to be known by/);
    assert.match(warnings[0], /tool\.func\.as_callable\(\)/);
  });

  it('fails the action with Flink Agents’ own message for a resource it does not declare', async () => {
    const s = pythonScenario([{ key: 'k', input: { ...ORDER, missing: true } }]);
    const run = await runPython('run', AGENT, s);
    assert.equal(run.code, 1, run.stderr);
    const [done] = eventsOf(run, 'done');
    assert.deepEqual(
      (done.failures as Array<{ error: unknown }>).map((f) => f.error),
      [
        {
          name: 'KeyError',
          message: `"Resource not found: 'missing' of type ResourceType.PROMPT"`,
        },
      ],
    );
  });
});
