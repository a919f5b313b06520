// Unit tests of how a Python agent's program and interpreter are chosen.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findInterpreter, InterpreterError, pythonProgram } from './interpreter';

describe('a Python program', () => {
  it('is a .py file, or a .py file and one of its classes', () => {
    assert.deepEqual(pythonProgram('/w/my_agent.py'), { file: '/w/my_agent.py' });
    assert.deepEqual(pythonProgram('/w/my_agent.py:Payments'), {
      file: '/w/my_agent.py',
      className: 'Payments',
    });
    assert.deepEqual(pythonProgram('C:\\w\\my_agent.py:Payments'), {
      file: 'C:\\w\\my_agent.py',
      className: 'Payments',
    });
    assert.equal(pythonProgram('/w/agent.ts'), undefined);
    assert.equal(pythonProgram('/w/my_agent.py:not-a-name'), undefined);
  });
});

describe('the interpreter', () => {
  it('given, or from DURABLE_RUN_PYTHON, must run, and the error says where it came from', () => {
    assert.throws(
      () => findInterpreter('/nowhere/python9', {}),
      (e: unknown) => e instanceof InterpreterError && /from "python"/.test(e.message),
    );
    assert.throws(
      () => findInterpreter(undefined, { DURABLE_RUN_PYTHON: '/nowhere/python9' }),
      (e: unknown) =>
        e instanceof InterpreterError &&
        /from DURABLE_RUN_PYTHON/.test(e.message) &&
        /pip install/.test(e.message),
    );
  });

  it('the given one wins over DURABLE_RUN_PYTHON', () => {
    assert.throws(
      () => findInterpreter('/nowhere/given', { DURABLE_RUN_PYTHON: '/nowhere/env' }),
      /\/nowhere\/given/,
    );
  });
});
