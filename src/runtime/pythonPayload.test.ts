// Python payloads: the journal shape shared by the Python host, the views and state surgery.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodePythonError,
  encodePythonValue,
  pythonErrorOf,
  pythonValueOf,
  readablePythonValue,
} from './pythonPayload';

const dict = { pickle: 'gAR9lC4=', type: 'builtins.dict', repr: '{}', json: {} };

describe('Python payloads in the journal', () => {
  it('reads back the value it encoded', () => {
    assert.deepEqual(pythonValueOf(encodePythonValue(dict)), dict);
  });

  it('does not take a JavaScript value for a Python one', () => {
    assert.equal(pythonValueOf({ json: { amount: 3 } }), undefined);
    assert.equal(pythonValueOf({ json: { $python: { pickle: 1 } } }), undefined);
    assert.equal(pythonValueOf({ json: { $python: dict }, meta: { values: {} } }), undefined);
    assert.equal(pythonValueOf(undefined), undefined);
  });

  it("names an exception by its class's short name and keeps its pickle beside the message", () => {
    const raised = { pickle: 'eA==', type: 'payments.errors.Declined', repr: "Declined('no')" };
    const error = encodePythonError(raised, 'no', 'Traceback (most recent call last): ...');
    assert.equal(error.name, 'Declined');
    assert.equal(error.message, 'no');
    assert.deepEqual(pythonErrorOf(error), raised);
    assert.equal(pythonErrorOf({ name: 'Error', message: 'x' }), undefined);
  });

  it('shows JSON when the value maps to JSON, else its repr', () => {
    assert.deepEqual(readablePythonValue(dict), {});
    assert.equal(readablePythonValue({ ...dict, json: undefined, repr: '<obj>' }), '<obj>');
  });
});
