// The README is the extension's page on the Marketplace and Open VSX: it lists every setting with
// its default, and its moving picture of crash-and-recover is an animated GIF in media/ that the
// page loads from the repository by an absolute URL (the VSIX does not carry it).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('the marketplace page', () => {
  it('lists every setting the extension contributes, with its default', () => {
    const settings = pkg.contributes.configuration.properties as Record<
      string,
      { default: unknown }
    >;
    for (const [name, schema] of Object.entries(settings)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\``));
      assert.ok(row, `the README's settings table has no row for ${name}`);
      assert.ok(
        row.includes(`\`${String(schema.default)}\``),
        `${name}: default ${String(schema.default)}`,
      );
    }
  });

  it('shows crash-and-recover moving, from the repository by an absolute URL', () => {
    const repo = String(pkg.repository.url)
      .replace(/^https:\/\/github\.com\//, '')
      .replace(/\.git$/, '');
    const url = `https://raw.githubusercontent.com/${repo}/main/media/crash-and-recover.gif`;
    assert.ok(readme.includes(`](${url})`), `the README does not show ${url}`);
    const gif = fs.readFileSync(path.join(root, 'media', 'crash-and-recover.gif'));
    assert.equal(gif.toString('latin1', 0, 6), 'GIF89a');
    // A graphic control extension (0x21 0xF9) precedes each frame.
    let frames = 0;
    for (
      let i = gif.indexOf(Buffer.from([0x21, 0xf9]));
      i !== -1;
      i = gif.indexOf(Buffer.from([0x21, 0xf9]), i + 2)
    )
      frames++;
    assert.ok(frames >= 5, `the animation has ${frames} frames`);
    assert.ok(gif.length < 3 * 1024 * 1024, `the animation is ${gif.length} bytes`);
  });

  it('points to the CHANGELOG, the npm package and the requirements of each platform and of Python', () => {
    assert.match(readme, /\]\(CHANGELOG\.md\)/);
    assert.match(readme, /npm i -D durable-run/);
    for (const platform of ['Windows', 'macOS', 'Linux', 'Alpine', 'Open VSX'])
      assert.ok(readme.includes(platform), platform);
    assert.match(readme, /Python 3\.10 or later with\s+`pip install flink-agents apache-flink`/);
  });
});
