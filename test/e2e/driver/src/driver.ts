// Test-only extension entry: runs the bundled mocha e2e suites inside the extension host.
import * as fs from 'node:fs';
import { SourceMap } from 'node:module';
import * as path from 'node:path';
import Mocha from 'mocha';
import type * as vscode from 'vscode';
import { recordDapTraffic } from './dapLog';
import { failureContext } from './failureContext';

export interface TestRecord {
  title: string;
  fullTitle: string;
  durationMs?: number;
  message?: string;
  stack?: string;
  /** What the suites recorded around the failure (DAP traffic of the session, ...). */
  context?: string;
}

export interface E2EResults {
  passes: TestRecord[];
  failures: TestRecord[];
  pending: TestRecord[];
  durationMs: number;
}

/** A hang guard per test: generous, as a loaded 2-core machine can be many times slower. */
const TEST_TIMEOUT_MS = 180_000;

let bundleMap: SourceMap | null | undefined;

// The extension host ignores the bundle's inline source map, so stacks are mapped back here.
function mapStack(stack: string): string {
  if (bundleMap === undefined) {
    const inline = /sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(
      fs.readFileSync(__filename, 'utf8'),
    );
    bundleMap = inline
      ? new SourceMap(JSON.parse(Buffer.from(inline[1], 'base64').toString()))
      : null;
  }
  const map = bundleMap;
  if (!map) return stack;
  const mapped = stack.replace(/[^\s(]*driver\.js:(\d+):(\d+)/g, (frame, line, column) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return frame;
    // Sources are relative to .e2e/driver/dist, where scripts/e2e/buildDriver.mjs bundles.
    const source = path.posix.normalize(`.e2e/driver/dist/${entry.originalSource}`);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
  return mapped
    .split('\n')
    .filter((l) => !/node_modules\/mocha\/|\(node:internal\//.test(l))
    .join('\n');
}

function errorRecord(title: string, fullTitle: string, err: unknown): TestRecord {
  const e = err instanceof Error ? err : new Error(String(err));
  let stack = e.stack;
  try {
    stack = stack && mapStack(stack);
  } catch {
    // An unmapped stack is still worth reporting.
  }
  return { title, fullTitle, message: e.message, stack };
}

/** Each suite file, by its path, with a function that evaluates it. */
export type SuiteLoaders = [file: string, load: () => unknown][];

async function runSuites(
  suites: SuiteLoaders,
  progress: () => void = () => {},
): Promise<E2EResults> {
  const started = Date.now();
  const results: E2EResults = { passes: [], failures: [], pending: [], durationMs: 0 };
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: TEST_TIMEOUT_MS,
    color: false,
    reporter: 'spec',
    // Set when code-server or VS Code starts, like DURABLE_E2E_RESULTS: focuses a run on some tests.
    grep: process.env.DURABLE_E2E_GREP || undefined,
  });
  // Suites are bundled, not files on disk: install describe/it on globalThis, then evaluate them.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'bundle', mocha);
  for (const [file, load] of suites) {
    try {
      load();
    } catch (err) {
      // One broken file is reported as a failure; the other files still run.
      results.failures.push(errorRecord(`loading ${file}`, `loading ${file}`, err));
    }
  }
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_TEST_END } =
      Mocha.Runner.constants;
    // Each finished test tells the runner the suites are alive (its guard waits on progress).
    runner.on(EVENT_TEST_END, progress);
    runner.on(EVENT_TEST_PASS, (t) =>
      results.passes.push({ title: t.title, fullTitle: t.fullTitle(), durationMs: t.duration }),
    );
    // Hook failures arrive here too, with the hook's title, so setup errors are not lost.
    runner.on(EVENT_TEST_FAIL, (t, err) =>
      results.failures.push({
        ...errorRecord(t.title, t.fullTitle(), err),
        context: failureContext(t.fullTitle()),
      }),
    );
    runner.on(EVENT_TEST_PENDING, (t) =>
      results.pending.push({ title: t.title, fullTitle: t.fullTitle() }),
    );
  });
  results.durationMs = Date.now() - started;
  return results;
}

function writeResults(file: string, results: E2EResults): void {
  // Written aside then renamed, so a reader never sees half a file; 'done' marks the end.
  fs.writeFileSync(`${file}.part`, `${JSON.stringify(results, null, 2)}\ndone\n`);
  fs.renameSync(`${file}.part`, file);
}

export function createDriver(suites: SuiteLoaders) {
  let ran = false;
  return {
    // code-server path: the results file, named by the runner, is the only channel back.
    activate(context?: vscode.ExtensionContext): void {
      // For the whole run, suites and UI scenarios alike: what a failing scenario prints.
      const dapLog = process.env.DURABLE_E2E_DAP_LOG;
      if (dapLog && context) context.subscriptions.push(recordDapTraffic(dapLog));
      const file = process.env.DURABLE_E2E_RESULTS;
      if (!file || ran) return;
      // Every page load starts another extension host; only the first one may run the suites.
      try {
        fs.writeFileSync(`${file}.lock`, String(process.pid), { flag: 'wx' });
      } catch {
        return;
      }
      ran = true;
      // Not awaited: activation must finish so that the suites see a settled extension host.
      setTimeout(() => {
        const progress = () => fs.appendFileSync(`${file}.progress`, '.');
        runSuites(suites, progress)
          .catch((err) => ({
            passes: [],
            failures: [errorRecord('driver', 'driver', err)],
            pending: [],
            durationMs: 0,
          }))
          .then((results) => writeResults(file, results));
      }, 0);
    },
    deactivate(): void {},
    // @vscode/test-electron path: it loads this bundle as extensionTestsPath and awaits run().
    async run(): Promise<void> {
      ran = true;
      const results = await runSuites(suites);
      for (const f of results.failures) {
        console.error(`FAIL ${f.fullTitle}\n${f.stack ?? f.message}`);
        if (f.context) console.error(f.context);
      }
      console.log(`${results.passes.length} passed, ${results.failures.length} failed`);
      if (results.failures.length) throw new Error(`${results.failures.length} e2e test(s) failed`);
    },
  };
}
