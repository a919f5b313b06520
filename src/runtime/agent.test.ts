// Unit tests of defineAgent: a bad definition fails at load time with the path of the bad field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentDefinitionError, defineAgent, isAgent, type AgentDefinition } from './agent';

const run = () => undefined;

function refused(definition: unknown, message: RegExp): void {
  assert.throws(
    () => defineAgent(definition as AgentDefinition),
    (error: unknown) =>
      error instanceof AgentDefinitionError &&
      error instanceof TypeError &&
      message.test(error.message),
  );
}

describe('defineAgent', () => {
  it('returns a frozen, branded agent for a valid definition', () => {
    const agent = defineAgent({
      name: 'shop',
      actions: [{ name: 'pay', on: ['InputEvent'], run }],
    });
    assert.equal(isAgent(agent), true);
    assert.ok(Object.isFrozen(agent));
    assert.equal(agent.actions[0].name, 'pay');
    assert.equal(isAgent({ name: 'shop', actions: [] }), false);
    assert.equal(isAgent(null), false);
  });

  it('refuses a missing or blank name and missing or empty actions', () => {
    refused(null, /the argument must be an object/);
    refused({ name: ' ', actions: [] }, /"name" must be a non-empty string/);
    refused({ name: 'shop', actions: [] }, /"actions" must be a non-empty array/);
  });

  it('names the bad action field: name, duplicate name, triggers, run', () => {
    refused(
      { name: 's', actions: [{ name: '', on: ['E'], run }] },
      /actions\[0\]\.name must be a non-empty string/,
    );
    refused(
      {
        name: 's',
        actions: [
          { name: 'a', on: ['E'], run },
          { name: 'a', on: ['E'], run },
        ],
      },
      /actions\[1\]\.name "a" is used by two actions/,
    );
    refused(
      { name: 's', actions: [{ name: 'a', on: [], run }] },
      /actions\[0\]\.on \(action "a"\) must be a non-empty array/,
    );
    refused({ name: 's', actions: [{ name: 'a', on: [''], run }] }, /actions\[0\]\.on/);
    refused(
      { name: 's', actions: [{ name: 'a', on: ['E'], run: 'x' }] },
      /actions\[0\]\.run \(action "a"\) must be a function/,
    );
  });

  it('refuses an action listening to OutputEvent, which triggers no actions', () => {
    refused(
      { name: 's', actions: [{ name: 'a', on: ['OutputEvent'], run }] },
      /cannot listen to OutputEvent/,
    );
  });
});
