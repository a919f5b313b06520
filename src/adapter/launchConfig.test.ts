// Unit tests of the launch checks for Flink Agents Python agents: a .py program (or
// file.py:ClassName) is accepted with its interpreter, and its state folder is the file's own.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkLaunchArguments, LaunchConfigError } from './launchConfig';

function folderWith(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-launch-'));
  fs.writeFileSync(path.join(dir, name), '');
  return dir;
}

const inputs = [{ key: 'k', input: 1 }];

describe('a launch of a Python agent', () => {
  it('takes a .py program and the python attribute', () => {
    const cwd = folderWith('my_agent.py');
    const plan = checkLaunchArguments({ program: 'my_agent.py', python: '/opt/py', inputs, cwd });
    assert.equal(plan.program, path.join(cwd, 'my_agent.py'));
    assert.equal(plan.python, '/opt/py');
    assert.equal(plan.stateDir, path.join(cwd, '.durable', 'my_agent'));
  });

  it('takes file.py:ClassName, checking the file and keeping the class for the worker', () => {
    const cwd = folderWith('my_agent.py');
    const plan = checkLaunchArguments({ program: 'my_agent.py:Payments', inputs, cwd });
    assert.equal(plan.program, `${path.join(cwd, 'my_agent.py')}:Payments`);
    assert.equal(plan.stateDir, path.join(cwd, '.durable', 'my_agent'));
    assert.throws(
      () => checkLaunchArguments({ program: 'other.py:Payments', inputs, cwd }),
      /other\.py does not exist/,
    );
  });

  it('refuses a file that is neither TypeScript, JavaScript nor Python, naming the three', () => {
    const cwd = folderWith('notes.txt');
    assert.throws(
      () => checkLaunchArguments({ program: 'notes.txt', inputs, cwd }),
      (error: unknown) =>
        error instanceof LaunchConfigError &&
        /TypeScript, JavaScript or Python/.test(error.message),
    );
    assert.throws(
      () => checkLaunchArguments({ program: 'notes.txt', python: '', inputs, cwd }),
      LaunchConfigError,
    );
  });
});
