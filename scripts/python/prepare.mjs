// Prepares the project-local Python environment the Python agent tests and `npm run lint` use:
// .venv-python/ with the pinned Flink Agents release, the PyFlink it needs, ruff and pytest.
// Cached: a stamp file records the requirements it was made from, so a second run does nothing
// unless they changed. Prints the interpreter's path on its last line; other scripts import
// preparePython() instead and get the path back.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const venvDir = join(root, '.venv-python');
const stampFile = join(venvDir, 'durable-run-stamp.txt');
/** What the tests need; a change here rebuilds the environment. */
export const requirements = ['flink-agents==0.3.1', 'apache-flink', 'ruff', 'pytest'];

/** The venv's interpreter path on this platform. */
export function venvPython() {
  return process.platform === 'win32'
    ? join(venvDir, 'Scripts', 'python.exe')
    : join(venvDir, 'bin', 'python');
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status}`;
    throw new Error(`prepare:python: "${command} ${args.join(' ')}" failed (${why})`);
  }
}

/** The interpreter that makes the venv: DURABLE_RUN_BASE_PYTHON, else python3, else python. */
function basePython() {
  const candidates = [process.env.DURABLE_RUN_BASE_PYTHON, 'python3', 'python'].filter(Boolean);
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, [
      '-c',
      'import sys, venv; print(sys.version_info >= (3, 10))',
    ]);
    if (probe.status === 0 && String(probe.stdout).trim() === 'True') return candidate;
  }
  throw new Error(
    'prepare:python: no Python 3.10+ with the venv module was found (tried ' +
      `${candidates.join(', ')}). Install Python 3.10 or later (Debian: apt-get install python3 ` +
      'python3-venv), or set DURABLE_RUN_BASE_PYTHON to its path.',
  );
}

/** Makes (or reuses) the venv and returns its interpreter's path. */
export function preparePython({ quiet = false } = {}) {
  const stamp = requirements.join('\n');
  if (existsSync(venvPython()) && existsSync(stampFile)) {
    if (readFileSync(stampFile, 'utf8') === stamp) return venvPython();
  }
  if (!quiet) console.error(`prepare:python: making ${venvDir} (${requirements.join(', ')})`);
  rmSync(venvDir, { recursive: true, force: true });
  run(basePython(), ['-m', 'venv', venvDir]);
  // The flink-agents sdist would otherwise download Flink jars while it builds; the local
  // runner this project drives needs none of them.
  const env = { ...process.env, FLINK_AGENTS_SKIP_JAR_DOWNLOAD: '1' };
  run(venvPython(), ['-m', 'pip', 'install', '--quiet', '--upgrade', 'pip'], env);
  run(venvPython(), ['-m', 'pip', 'install', '--quiet', ...requirements], env);
  writeFileSync(stampFile, stamp);
  return venvPython();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(preparePython());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
