// Runs every unit, protocol and crash test (*.test.ts beside the code and under test/) with
// node's own test runner; the e2e suites under test/e2e run in a real VS Code instead, and the
// tests of the built packages under test/package by npm run test:package, once they are built.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { preparePython } from './python/prepare.mjs';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const separate = [join('test', 'e2e'), join('test', 'package')];
      if (name !== 'node_modules' && !separate.includes(path)) find(path, out);
    } else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const only = process.argv.slice(2);
// A folder among the arguments stands for the test files under it.
const files =
  only.length > 0
    ? only.flatMap((p) => (statSync(p).isDirectory() ? find(p) : [p]))
    : [...find('src'), ...find('test')];
const tsFiles = files.filter((f) => f.endsWith('.ts'));
// The Python agent tests need the project's venv (made once, then cached): made here, before any
// test runs, so that two test processes never build it at the same time.
const needsPython = files.some((f) => f.includes(`test${sep}python${sep}`));
const env = { ...process.env };
if (needsPython) env.DURABLE_RUN_TEST_PYTHON = preparePython();
// The host's own unit tests (pytest) run with the whole set, or when python/ is named.
const pythonUnits = only.length === 0 || only.some((p) => p.startsWith('python'));
if (pythonUnits) {
  env.DURABLE_RUN_TEST_PYTHON ??= preparePython();
  const unit = spawnSync(env.DURABLE_RUN_TEST_PYTHON, ['-m', 'pytest', '-q', 'tests'], {
    cwd: 'python',
    stdio: 'inherit',
  });
  if (unit.status !== 0) process.exit(unit.status ?? 1);
}
if (tsFiles.length === 0) process.exit(0);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...tsFiles],
  {
    stdio: 'inherit',
    env,
  },
);
process.exit(result.status ?? 1);
