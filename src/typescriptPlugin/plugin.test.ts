// The TypeScript server plugin against the real TypeScript language service: an agent in a folder
// with nothing installed type-checks clean, and an installed `durable-run` package keeps its own
// types. The language service is what tsserver's projects wrap (see plugin.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { fillInDurableRun } from './plugin';

const DECLARATIONS = path.resolve('samples', 'durable-run.d.ts');

const AGENT = `import { defineAgent } from 'durable-run';
interface Email { to: string }
async function send(email: Email): Promise<string> { return email.to; }
export default defineAgent({
  name: 'mailer',
  actions: [{ name: 'send', on: ['InputEvent'], async run(event, ctx) {
    const sent: string = await ctx.durableExecute(send, [event.attributes.input as Email]);
    ctx.sendEvent({ type: 'OutputEvent', attributes: { output: sent } });
  } }],
});
`;

/** A language service over the files of `dir`, as a TypeScript project there would have. */
function serviceFor(dir: string, files: string[], plugin: boolean): ts.LanguageService {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) =>
      fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined,
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    // As tsserver's projects do: the host resolves modules itself, which is what the plugin wraps.
    resolveModuleNameLiterals: (literals, containingFile, _ref, opts) =>
      literals.map((l) => ts.resolveModuleName(l.text, containingFile, opts, ts.sys)),
  };
  if (plugin) fillInDurableRun(host, DECLARATIONS, ts.Extension.Dts);
  return ts.createLanguageService(host);
}

function problems(service: ts.LanguageService, file: string): string[] {
  return [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)].map(
    (d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  );
}

describe('the TypeScript server plugin', () => {
  it("resolves 'durable-run' in a folder where nothing is installed, so an agent has no problems", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-ts-plugin-'));
    try {
      const agent = path.join(dir, 'agent.ts');
      fs.writeFileSync(agent, AGENT);
      assert.match(
        problems(serviceFor(dir, [agent], false), agent).join('\n'),
        /Cannot find module 'durable-run'/,
      );
      assert.deepEqual(problems(serviceFor(dir, [agent], true), agent), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves an installed durable-run package its own types', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-ts-plugin-'));
    try {
      const pkg = path.join(dir, 'node_modules', 'durable-run');
      fs.mkdirSync(pkg, { recursive: true });
      fs.writeFileSync(
        path.join(pkg, 'package.json'),
        '{"name":"durable-run","types":"index.d.ts"}',
      );
      fs.writeFileSync(path.join(pkg, 'index.d.ts'), 'export declare const installed: true;\n');
      const agent = path.join(dir, 'agent.ts');
      fs.writeFileSync(
        agent,
        "import { installed } from 'durable-run';\nexport const x: true = installed;\n",
      );
      assert.deepEqual(problems(serviceFor(dir, [agent], true), agent), []);
      const program = serviceFor(dir, [agent], true).getProgram()!;
      assert.ok(
        program.getSourceFile(path.join(pkg, 'index.d.ts')),
        'the package types are not used',
      );
      assert.equal(program.getSourceFile(DECLARATIONS), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is built as the factory tsserver requires, with the declarations beside it', () => {
    // Built by npm run build (npm test builds first).
    const dir = path.resolve('typescript-plugin');
    // As tsserver loads it: with require, whose result must be the factory itself.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = require(path.join(dir, 'index.js')) as unknown;
    assert.equal(typeof factory, 'function');
    assert.equal(
      fs.readFileSync(path.join(dir, 'durable-run.d.ts'), 'utf8'),
      fs.readFileSync(DECLARATIONS, 'utf8'),
    );
    const module = (factory as (m: { typescript: typeof ts }) => ts.server.PluginModule)({
      typescript: ts,
    });
    assert.equal(typeof module.create, 'function');
  });
});
