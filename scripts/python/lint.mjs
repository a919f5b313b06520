// `npm run lint:python`: ruff's linter and formatter check over the Python agent host and the
// Python test agents, with the project's venv (scripts/python/prepare.mjs makes it once).
import { spawnSync } from 'node:child_process';
import { preparePython } from './prepare.mjs';

const python = preparePython();
const targets = ['python', 'test/python/agents', 'samples'];
for (const args of [
  ['check', ...targets],
  ['format', '--check', ...targets],
]) {
  const result = spawnSync(python, ['-m', 'ruff', ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
