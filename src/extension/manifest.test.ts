// Checks package.json's contributions against the code and DESIGN.md's stable surfaces: every
// command a menu, welcome text or walkthrough names exists, every launch attribute the adapter
// accepts is described, crash points match the worker's, and referenced media exist.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CRASH_POINTS } from '../worker/protocol';
import { COMMANDS, CONFIG_SECTION, DEBUG_TYPE, EXTENSION_ID, SLOTS_VIEW } from './constants';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

interface JsonSchema {
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: string[];
}

describe('package.json', () => {
  it('has the id DESIGN.md and the e2e tests use', () => {
    assert.equal(`${pkg.publisher}.${pkg.name}`, EXTENSION_ID);
    assert.equal(pkg.main, './dist/extension.js');
  });

  it('runs where the agent files and processes are: on the remote side (SSH, WSL, containers)', () => {
    assert.deepEqual(pkg.extensionKind, ['workspace']);
  });

  it('contributes exactly the commands the extension registers', () => {
    const contributed = contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
    for (const c of contributes.commands) assert.equal(c.category, 'Durable Run', c.command);
  });

  it('names only existing commands in menus, welcome texts and the walkthrough', () => {
    const known = new Set<string>(Object.values(COMMANDS));
    for (const [menu, items] of Object.entries(contributes.menus) as [
      string,
      { command: string }[],
    ][]) {
      for (const item of items) assert.ok(known.has(item.command), `${menu}: ${item.command}`);
    }
    const texts = [
      ...contributes.viewsWelcome.map((w: { contents: string }) => w.contents),
      ...contributes.walkthroughs.flatMap((w: { steps: { description: string }[] }) =>
        w.steps.map((s) => s.description),
      ),
    ];
    for (const text of texts) {
      for (const m of text.matchAll(/command:(durableRun\.[\w]+)/g))
        assert.ok(known.has(m[1]), m[1]);
    }
  });

  it('activates lazily: on debug resolution, dynamic configurations, its view and commands', () => {
    const events: string[] = pkg.activationEvents;
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'));
    for (const e of [
      `onDebugResolve:${DEBUG_TYPE}`,
      `onDebugDynamicConfigurations:${DEBUG_TYPE}`,
      `onView:${SLOTS_VIEW}`,
    ]) {
      assert.ok(events.includes(e), e);
    }
    for (const id of [
      'injectCrash',
      'recover',
      'showTimeline',
      'createSample',
      'resetState',
    ] as const) {
      assert.ok(events.includes(`onCommand:${COMMANDS[id]}`), id);
    }
  });

  it("offers Debug Agent File on the editor title's run button of agent files, as the JavaScript debugger does", () => {
    const run = contributes.menus['editor/title/run'];
    assert.deepEqual(
      run.map((m: { command: string; when: string }) => [m.command, m.when]),
      [[COMMANDS.debugAgentFile, 'durableRun.agentFileActive && isWorkspaceTrusted']],
    );
    // The context key is kept by the extension, which must be active once such a file is open.
    for (const language of ['typescript', 'javascript'])
      assert.ok(pkg.activationEvents.includes(`onLanguage:${language}`), language);
  });

  it('puts Inject Crash and Recover on the debug toolbar of durable-agent sessions only', () => {
    const toolbar = contributes.menus['debug/toolBar'];
    assert.deepEqual(
      toolbar.map((m: { command: string }) => m.command),
      [COMMANDS.injectCrash, COMMANDS.recover],
    );
    for (const m of toolbar) assert.equal(m.when, `debugType == '${DEBUG_TYPE}'`);
  });

  it('has the Slots view in Run and Debug, with welcome texts', () => {
    assert.ok(contributes.views.debug.some((v: { id: string }) => v.id === SLOTS_VIEW));
    assert.ok(
      contributes.viewsWelcome.some(
        (w: { view: string; when: string }) =>
          w.view === SLOTS_VIEW && /!durableRun\.hasSessionData/.test(w.when),
      ),
    );
  });

  it('never runs agent code in an untrusted folder', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.description);
  });

  describe('the durable-agent debugger', () => {
    const debuggerContribution = contributes.debuggers.find(
      (d: { type: string }) => d.type === DEBUG_TYPE,
    );
    const launch: JsonSchema = debuggerContribution.configurationAttributes.launch;

    it('is offered for TypeScript, JavaScript and Python, with breakpoints there', () => {
      assert.deepEqual(debuggerContribution.languages, ['typescript', 'javascript', 'python']);
      assert.deepEqual(contributes.breakpoints, [
        { language: 'typescript' },
        { language: 'javascript' },
        { language: 'python' },
      ]);
      assert.ok(debuggerContribution.initialConfigurations.length > 0);
      assert.ok(debuggerContribution.configurationSnippets.length > 0);
    });

    it('describes every launch attribute, nested ones too', () => {
      const undocumented: string[] = [];
      const walk = (schema: JsonSchema, where: string) => {
        for (const [name, prop] of Object.entries(schema.properties ?? {})) {
          if (!prop.description && !prop.markdownDescription) undocumented.push(`${where}${name}`);
          walk(prop, `${where}${name}.`);
          if (prop.items) walk(prop.items, `${where}${name}[].`);
        }
      };
      walk(launch, '');
      assert.deepEqual(undocumented, []);
    });

    it('has a schema entry for every attribute the adapter accepts', () => {
      const source = readFileSync(join(root, 'src', 'adapter', 'launchConfig.ts'), 'utf8');
      const body = /export interface LaunchArguments \{([^}]*)\}/.exec(source)?.[1] ?? '';
      const accepted = [...body.matchAll(/^\s*(\w+)\?:/gm)].map((m) => m[1]);
      assert.ok(
        accepted.includes('program'),
        'LaunchArguments not found in src/adapter/launchConfig.ts',
      );
      assert.deepEqual(Object.keys(launch.properties!).sort(), accepted.sort());
    });

    it('offers the worker crash points, each explained', () => {
      const point = launch.properties!.crash.properties!.point as JsonSchema & {
        enumDescriptions: string[];
      };
      assert.deepEqual(point.enum, [...CRASH_POINTS]);
      assert.equal(point.enumDescriptions.length, CRASH_POINTS.length);
    });
  });

  it('contributes its TypeScript server plugin, which the package depends on under the same name', () => {
    const plugins: { name: string; enableForWorkspaceTypeScriptVersions?: boolean }[] =
      contributes.typescriptServerPlugins;
    assert.deepEqual(
      plugins.map((p) => p.name),
      ['durable-run-typescript-plugin'],
    );
    assert.equal(plugins[0].enableForWorkspaceTypeScriptVersions, true);
    assert.ok(pkg.dependencies[plugins[0].name], 'the plugin is not a dependency');
    const plugin = JSON.parse(
      readFileSync(join(root, 'typescript-plugin', 'package.json'), 'utf8'),
    );
    assert.equal(plugin.name, plugins[0].name);
  });

  it('has the settings the extension reads', () => {
    const props = Object.keys(contributes.configuration.properties);
    for (const s of ['defaultStateDir', 'autoRecover', 'showCodeLens', 'showGutterMarks']) {
      assert.ok(props.includes(`${CONFIG_SECTION}.${s}`), s);
    }
  });

  it('refers only to media that exist (and a PNG icon, as the marketplace requires)', () => {
    const paths = [
      pkg.icon,
      ...contributes.views.debug.map((v: { icon?: string }) => v.icon).filter(Boolean),
      ...contributes.walkthroughs.flatMap(
        (w: { steps: { media: { markdown?: string; image?: string } }[] }) =>
          w.steps.map((s) => s.media.markdown ?? s.media.image),
      ),
    ];
    for (const p of paths) assert.ok(existsSync(join(root, p)), p);
    assert.match(pkg.icon, /\.png$/);
  });

  it('targets a VS Code no older than its API types and its Node 18 bundles allow', () => {
    const engine = /^\^(\d+)\.(\d+)/.exec(pkg.engines.vscode)!;
    const types = /(\d+)\.(\d+)/.exec(pkg.devDependencies['@types/vscode'])!;
    const minor = (m: RegExpExecArray) => Number(m[1]) * 1000 + Number(m[2]);
    assert.ok(
      minor(types) <= minor(engine),
      'vsce refuses @types/vscode newer than engines.vscode',
    );
    // VS Code 1.82 is the first with Node 18 (Electron 25); scripts/build.mjs targets node18.
    assert.ok(minor(engine) >= 1082);
  });

  it('packages only what runs: bundles, esbuild, the TypeScript plugin, the Python agent host, media, the sample files and the docs', () => {
    // `vsce ls` applies .vscodeignore as `vsce package` does, without building anything.
    const vsce = join(
      root,
      'node_modules',
      '.bin',
      process.platform === 'win32' ? 'vsce.cmd' : 'vsce',
    );
    // As `npm run package` does: the TypeScript plugin is the one dependency, a linked folder.
    const out = spawnSync(vsce, ['ls', '--follow-symlinks'], { cwd: root, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const files = out.stdout.split('\n').filter(Boolean);
    const allowed = [
      /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/,
      /^dist\/(extension|debugAdapter|worker)\.js$/,
      /^dist\/esbuild\/esbuild(\.exe)?$/,
      /^media\/[\w-]+\.(png|svg)$/,
      /^media\/timeline\.(js|css)$/,
      /^media\/walkthrough\/[\w-]+\.md$/,
      /^samples\/payments\/(agent\.ts|ledger\.js|inputs\.jsonl)$/,
      /^samples\/payments-python\/(payments_agent\.py|inputs\.jsonl)$/,
      /^python\/pyproject\.toml$/,
      /^python\/durable_run_host\/\w+\.py$/,
      /^node_modules\/durable-run-typescript-plugin\/(package\.json|index\.js|durable-run\.d\.ts)$/,
    ];
    assert.deepEqual(
      files.filter((f) => !allowed.some((a) => a.test(f))),
      [],
    );
    for (const f of [
      'package.json',
      'README.md',
      'LICENSE',
      'media/timeline.js',
      'media/icon.png',
      'node_modules/durable-run-typescript-plugin/index.js',
      'node_modules/durable-run-typescript-plugin/durable-run.d.ts',
    ]) {
      assert.ok(files.includes(f), `${f} is not packaged`);
    }
  });

  it('gives the marketplace page absolute image and link URLs: a repository for vsce to rewrite against', () => {
    assert.match(pkg.repository.url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+(\.git)?$/);
    assert.match(pkg.scripts.package, /scripts\/package\.mjs/);
    const script = readFileSync(join(root, 'scripts', 'package.mjs'), 'utf8');
    for (const flag of ['--no-rewrite-relative-links', '--allow-missing-repository'])
      assert.ok(!script.includes(flag), `npm run package passes ${flag}`);
    // `#1` in a frame name is not a GitHub issue.
    assert.ok(script.includes('--no-gitHubIssueLinking'), 'issue numbers would be linked');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const m of readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const url = m[1];
      if (/^https:\/\//.test(url)) continue;
      assert.ok(!/^[a-z]+:/i.test(url), `${url}: only https images show on the marketplace`);
      assert.ok(existsSync(join(root, url)), `${url} does not exist`);
    }
  });

  it('puts users first in the README: what it does and the Quick Start, contributors at the end', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    assert.equal(headings[0], 'Quick Start');
    assert.equal(headings.at(-1), 'Contributing');
    const intro = readme.slice(0, readme.indexOf('## Quick Start'));
    assert.match(
      intro,
      /!\[[^\]]+\]\(media\/screenshot\.png\)/,
      'the picture comes before the Quick Start',
    );
  });
});
