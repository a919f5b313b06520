// Prepares the Python environment the Python agent tests and `npm run lint` use: a venv with the
// pinned Flink Agents release, the PyFlink it needs, ruff and pytest. Cached like code-server for
// the e2e tests: the venv lives in ~/.cache/durable-run-python (DURABLE_RUN_PYTHON_CACHE), one per
// set of requirements, so a fresh clone reuses it, and the project's .venv-python links to it (for
// editors). A stamp file records the requirements it was made from. Prints the interpreter's path
// on its last line; other scripts import preparePython() instead and get the path back.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** What the tests need; a change here makes another environment. */
export const requirements = ['flink-agents==0.3.1', 'apache-flink', 'ruff', 'pytest'];
const cacheDir =
  process.env.DURABLE_RUN_PYTHON_CACHE || join(homedir(), '.cache', 'durable-run-python');
const key = createHash('sha256')
  .update(`${process.platform}-${process.arch}\n${requirements.join('\n')}`)
  .digest('hex')
  .slice(0, 12);
export const venvDir = join(cacheDir, `venv-${key}`);
const projectLink = join(root, '.venv-python');
const stampFile = join(venvDir, 'durable-run-stamp.txt');

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
    if (readFileSync(stampFile, 'utf8') === stamp) return linked(venvPython());
  }
  if (!quiet) console.error(`prepare:python: making ${venvDir} (${requirements.join(', ')})`);
  rmSync(venvDir, { recursive: true, force: true });
  // On Debian, what making the venv needs (python3-venv, a C compiler) is installed first.
  if (process.platform === 'linux' && spawnSync('dpkg-query', ['--version']).status === 0)
    run('bash', [join(root, 'scripts', 'python', 'debianPackages.sh')]);
  run(basePython(), ['-m', 'venv', venvDir]);
  // The flink-agents sdist would otherwise download Flink jars while it builds; the local
  // runner this project drives needs none of them.
  const env = { ...process.env, FLINK_AGENTS_SKIP_JAR_DOWNLOAD: '1' };
  run(venvPython(), ['-m', 'pip', 'install', '--quiet', '--upgrade', 'pip'], env);
  run(venvPython(), ['-m', 'pip', 'install', '--quiet', ...requirements], env);
  writeFileSync(stampFile, stamp);
  return linked(venvPython());
}

/** Points the project's .venv-python at the cached venv (a folder of that name is left alone). */
function linked(python) {
  let current;
  try {
    current = lstatSync(projectLink).isSymbolicLink() ? readlinkSync(projectLink) : null;
  } catch {
    current = undefined;
  }
  if (current === venvDir || current === null) return python;
  if (current !== undefined) unlinkSync(projectLink);
  try {
    symlinkSync(venvDir, projectLink, 'junction');
  } catch {
    // A link is a convenience for editors; the tests use the path returned.
  }
  return python;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(preparePython());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
