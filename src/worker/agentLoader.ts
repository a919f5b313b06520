// Compiles an agent file (TypeScript or JavaScript) with esbuild, with an inline source map so
// stack traces and call sites are on the user's own lines, and loads it with `durable-run`
// resolved to the runtime inside this process.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as api from '../runtime/api';
import { isAgent, type Agent } from '../runtime/agent';
import { encodeError } from '../runtime/codec';
import type { WorkerFailure } from './protocol';

export class AgentLoadError extends Error {
  constructor(readonly failure: WorkerFailure) {
    super(failure.message);
  }
}

const AGENT_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

export function compileAgent(program: string): string {
  if (!fs.existsSync(program)) {
    throw new AgentLoadError({
      kind: 'agent',
      message: `the agent file ${program} does not exist; check "program"`,
      file: program,
    });
  }
  if (!fs.statSync(program).isFile()) {
    throw new AgentLoadError({
      kind: 'agent',
      message: `${program} is not a file; "program" must name an agent file (.ts, .js, or a Flink Agents .py)`,
      file: program,
    });
  }
  if (!AGENT_EXTENSIONS.includes(path.extname(program))) {
    throw new AgentLoadError({
      kind: 'agent',
      message: `${program} is not a TypeScript or JavaScript file (${AGENT_EXTENSIONS.join(', ')}) nor a Flink Agents Python file (.py, or file.py:ClassName)`,
      file: program,
    });
  }
  try {
    const result = esbuild.buildSync({
      entryPoints: [program],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      sourcemap: 'inline',
      // Beside the agent, so the source map names its files relative to the agent's folder.
      outfile: path.join(path.dirname(program), '__durable_run_agent__.js'),
      packages: 'external',
      external: ['durable-run'],
      logLevel: 'silent',
    });
    return result.outputFiles[0].text;
  } catch (error) {
    const first = (error as { errors?: esbuild.Message[] }).errors?.[0];
    if (!first) throw error;
    const loc = first.location;
    const file = loc
      ? path.resolve(path.dirname(program), path.relative(path.dirname(program), loc.file))
      : program;
    const where = loc ? `${loc.file}:${loc.line}:${loc.column + 1}` : program;
    throw new AgentLoadError({
      kind: 'compile',
      message: `${where}: ${first.text}${loc?.lineText ? `\n    ${loc.lineText}` : ''}`,
      file: path.isAbsolute(file) ? file : path.resolve(file),
      line: loc?.line,
      column: loc ? loc.column + 1 : undefined,
    });
  }
}

type LoadableModule = Module & { _compile(code: string, filename: string): void; paths: string[] };

/** Runs the compiled agent as a module at the agent's own path and returns its agent. */
export function loadAgent(program: string, code: string): Agent {
  const mod = new Module(program) as LoadableModule;
  mod.filename = program;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(program),
  );
  const baseRequire = mod.require.bind(mod);
  mod.require = Object.assign(
    (id: string) => (id === 'durable-run' ? api : baseRequire(id)),
    baseRequire,
  ) as NodeJS.Require;
  // Node keeps the agent's source map only as long as its module lives (a weak reference), and
  // nothing else holds this module once the agent is loaded: after the first garbage collection,
  // stack traces and call sites would fall back to the compiled lines. In the module cache, as
  // any module Node loads, it lives as long as the process.
  (Module as unknown as { _cache: Record<string, Module> })._cache[program] = mod;
  try {
    mod._compile(code, program);
  } catch (error) {
    // Encoded as any error the user sees: the agent's frames, not the worker's.
    const e = encodeError(error);
    throw new AgentLoadError({
      kind: 'agent',
      message: `the agent ${program} threw while loading: ${e.stack ?? `${e.name}: ${e.message}`}`,
      file: program,
    });
  }
  const exports = mod.exports as { default?: unknown; agent?: unknown };
  const candidate = [exports.default, exports.agent, exports].find(isAgent);
  if (!candidate) {
    throw new AgentLoadError({
      kind: 'agent',
      message: `${program} does not export an agent: write "export default defineAgent({ name, actions })" (defineAgent comes from 'durable-run')`,
      file: program,
    });
  }
  return candidate;
}
