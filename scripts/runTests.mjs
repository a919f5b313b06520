// Runs every unit, protocol and crash test (*.test.ts beside the code and under test/) with
// node's own test runner; the e2e suites under test/e2e run in a real VS Code instead, and the
// tests of the built packages under test/package by npm run test:package, once they are built.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
