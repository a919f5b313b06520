// What the VSIX holds, pinned: `vsce ls` applies .vscodeignore exactly as `vsce package` does, and
// its list must equal test/vsix/files.txt. A file that comes or goes is a decision, made by
// updating the list (node scripts/package/vsixFiles.mjs --update), never a side effect.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

type VsixFiles = typeof import('../../scripts/package/vsixFiles.mjs');
const load = (): Promise<VsixFiles> => import('../../scripts/package/vsixFiles.mjs');

describe('the VSIX file list', () => {
  it('is exactly the pinned one', async () => {
    const { vsixFiles, pinnedFiles, root } = await load();
    assert.ok(
      fs.existsSync(path.join(root, 'dist', 'extension.js')),
      'run npm run build first: vsce ls lists only files that exist',
    );
    assert.deepEqual(
      vsixFiles(),
      pinnedFiles(),
      'the VSIX would hold other files than test/vsix/files.txt pins: if that is meant, run node scripts/package/vsixFiles.mjs --update',
    );
  });

  it('takes the Python agent host without caches, tests, virtual environments or .pyc files', async () => {
    const { vsixFiles, root } = await load();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-vsix-'));
    for (const f of ['.vscodeignore', 'README.md', 'LICENSE', 'CHANGELOG.md'])
      fs.copyFileSync(path.join(root, f), path.join(dir, f));
    // Without its dependencies, which this folder has no node_modules for: only python/ counts.
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    delete manifest.dependencies;
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
    const shipped = [
      'python/pyproject.toml',
      'python/durable_run_host/__init__.py',
      'python/durable_run_host/host.py',
      'python/durable_run_host/nested/part.py',
    ];
    const leftOut = [
      'python/durable_run_host/__pycache__/host.cpython-311.pyc',
      'python/durable_run_host/stale.pyc',
      'python/tests/test_host.py',
      'python/tests/.pytest_cache/v/cache/lastfailed',
      'python/.venv/lib/python3.11/site-packages/flink_agents/__init__.py',
      'python/venv/lib/x.py',
      'python/.ruff_cache/0.1/123',
      'python/.mypy_cache/3.11/x.json',
      'python/__pycache__/x.pyc',
      'python/.coverage',
    ];
    for (const f of [...shipped, ...leftOut]) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), '#\n');
    }
    const python = vsixFiles(dir).filter((f) => f.startsWith('python/'));
    assert.deepEqual(python, [...shipped].sort());
  });
});
