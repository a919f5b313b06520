// End-to-end runner: real VS Code (code-server) + chromium, extension-host suites, then UI scenarios.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDriver, root } from './buildDriver.mjs';
import { makeSampleWorkspace } from './workspace.mjs';
import { preparePython } from '../python/prepare.mjs';
import {
  CODE_SERVER_VERSION,
  installedCodeServerVersion,
  openWorkbench,
  startCodeServer,
} from './codeServer.mjs';

// Hang guards, not time limits: the suites may take as long as they need while tests keep
// finishing (the driver marks each one); only this long without one ends the wait.
const RESULTS_IDLE_MS = Number(process.env.DURABLE_E2E_TIMEOUT_MS ?? 240_000);
const UI_SCENARIO_TIMEOUT_MS = 300_000;
const screenshotDir = join(root, '.e2e', 'screenshots');
const uiDir = join(root, 'test', 'e2e', 'ui');
const started = Date.now();
const secs = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const log = (msg) => console.log(`[e2e] ${msg}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups = [];
let cleaning;
function cleanup() {
  // Newest first: the browser goes before the server it is connected to.
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e) => log(`cleanup: ${e.message}`));
  })();
  return cleaning;
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping everything this run started`);
    cleanup().then(() => process.exit(130));
  });
}

function extensionVsix() {
  const override = process.env.DURABLE_E2E_VSIX;
  if (override) {
    if (!existsSync(override)) throw new Error(`DURABLE_E2E_VSIX=${override} does not exist`);
    log(`using DURABLE_E2E_VSIX=${override}`);
    return override;
  }
  try {
    execFileSync('npm', ['run', 'package'], { cwd: root, stdio: 'inherit' });
  } catch {
    throw new Error(
      'npm run package failed (DURABLE_E2E_VSIX=x.vsix runs a prebuilt VSIX instead)',
    );
  }
  const vsix = join(root, 'dist', 'durable-run-debugger.vsix');
  if (!existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
  return vsix;
}

// The driver never activates when the extension it depends on fails to: say so at once.
function failedActivation(server) {
  for (const file of extHostLogs(server.userDataDir)) {
    const failed = /Activating extension (durable-run\.[\w-]+) failed/.exec(
      readFileSync(file, 'utf8'),
    );
    if (failed) return `${failed[1]} failed to activate (see ${file})`;
  }
  return null;
}

// A modal dialog (a failed launch's error, a confirmation) would hold the suite's call until a
// person answers it: while the suites run, each one is written down for them to check, then closed.
async function closeDialogs(page, dialogsFile) {
  const dialog = page.locator('.monaco-dialog-box');
  if ((await dialog.count().catch(() => 0)) === 0) return;
  const text = await dialog
    .first()
    .innerText({ timeout: 1000 })
    .catch(() => '');
  appendFileSync(dialogsFile, `${JSON.stringify({ at: Date.now(), text })}\n`);
  log(`closed a dialog during the suites: ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
  await page.keyboard.press('Escape');
  await dialog
    .first()
    .waitFor({ state: 'detached', timeout: 2000 })
    .catch(() => undefined);
}

/** When the driver last marked a finished test (its progress file), or `since`. */
function lastProgress(file, since) {
  try {
    return Math.max(since, statSync(`${file}.progress`).mtimeMs);
  } catch {
    return since;
  }
}

async function waitForResults(file, server, page, dialogsFile) {
  const since = Date.now();
  while (Date.now() - lastProgress(file, since) < RESULTS_IDLE_MS) {
    await closeDialogs(page, dialogsFile);
    if (server.exited() !== null) throw new Error(`code-server exited (${server.exited()})`);
    const activationError = failedActivation(server);
    if (activationError) throw new Error(activationError);
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      if (/\ndone\n?$/.test(text)) return JSON.parse(text.replace(/\ndone\n?$/, ''));
    }
    await sleep(250);
  }
  throw new Error(
    `the extension-host suites made no progress (no test finished) for ${RESULTS_IDLE_MS / 1000} s`,
  );
}

function printSuiteReport(results) {
  console.log('');
  for (const t of results.passes) console.log(`  ✓ ${t.fullTitle} (${t.durationMs ?? 0} ms)`);
  for (const t of results.pending) console.log(`  - ${t.fullTitle}`);
  results.failures.forEach((t, i) => console.log(`  ${i + 1}) ${t.fullTitle}`));
  results.failures.forEach((t, i) => {
    console.log(`\n  ${i + 1}) ${t.fullTitle}:\n${String(t.message).replace(/^/gm, '     ')}`);
    if (t.stack) console.log(t.stack.replace(/^/gm, '      '));
    if (t.context) console.log(t.context.replace(/^/gm, '      '));
  });
  console.log(`\nsuite: ${results.passes.length} passed, ${results.failures.length} failed\n`);
}

// The text a person would read on screen when something went wrong: popups, palette, debug views.
async function relevantDomText(page) {
  return page
    .evaluate(() => {
      const selectors = [
        '.notifications-toasts',
        '.notifications-center',
        '.quick-input-widget',
        '.monaco-dialog-box',
        '.part.sidebar',
        '.part.panel',
        '.debug-toolbar',
        '.statusbar',
      ];
      const visible = (el) => el.offsetParent !== null || el.getClientRects().length > 0;
      return selectors
        .flatMap((s) => [...document.querySelectorAll(s)].filter(visible))
        .map((el) => `--- ${el.className.split(' ').slice(0, 3).join('.')}\n${el.innerText.trim()}`)
        .map((text) => text.slice(0, 800))
        .join('\n');
    })
    .catch((e) => `(no DOM text: ${e.message})`);
}

async function reportFailureScene(page, name) {
  if (!page) return;
  const file = join(screenshotDir, `${name}-failure.png`);
  await page.screenshot({ path: file }).catch((e) => log(`screenshot failed: ${e.message}`));
  console.log(`    screenshot: ${relative(root, file)}\n    DOM text:`);
  console.log((await relevantDomText(page)).replace(/^/gm, '      '));
}

// The DAP traffic of the sessions a failed scenario started (the driver extension records it).
function printDapTraffic(file, fromByte, lines = 80) {
  if (!existsSync(file)) return;
  const text = readFileSync(file).subarray(fromByte).toString('utf8').trimEnd();
  if (!text) return console.log('    DAP traffic: none (no durable-agent session started)');
  const all = text.split('\n');
  const cut = all.length > lines ? ` (last ${lines} of ${all.length} messages)` : '';
  console.log(`    DAP traffic (→ to the adapter, ← from it)${cut}:`);
  console.log(all.slice(-lines).join('\n').replace(/^/gm, '      '));
}

function tailOf(file, lines = 30) {
  if (!file || !existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function extHostLogs(userDataDir) {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return [];
  return readdirSync(logs, { recursive: true })
    .filter((f) => f.endsWith('remoteexthost.log'))
    .map((f) => join(logs, f));
}

async function runUiScenarios(context) {
  const only = process.env.DURABLE_E2E_UI;
  const files = existsSync(uiDir)
    ? readdirSync(uiDir).filter((f) => f.endsWith('.ui.mjs') && (!only || f.includes(only)))
    : [];
  let passed = 0;
  let failed = 0;
  for (const file of files.sort()) {
    const name = basename(file, '.ui.mjs');
    const t0 = Date.now();
    const dapLogStart = statSync(context.dapLogFile).size;
    const scenario = {
      ...context,
      log: (...args) => console.log(`    [${name}]`, ...args),
      screenshot: async (label) => {
        const path = join(screenshotDir, `${name}-${label}.png`);
        await context.page.screenshot({ path });
        console.log(`    [${name}] screenshot ${relative(root, path)}`);
        return path;
      },
    };
    try {
      // Leftover palettes or popups from the previous scenario would swallow keystrokes.
      await context.page.keyboard.press('Escape');
      const { run } = await import(pathToFileURL(join(uiDir, file)).href);
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('scenario timed out')), UI_SCENARIO_TIMEOUT_MS);
      });
      await Promise.race([run(scenario), timeout]).finally(() => clearTimeout(timer));
      passed++;
      console.log(`  ✓ ui ${name} (${secs(t0)})`);
    } catch (err) {
      failed++;
      console.log(`  ✗ ui ${name} (${secs(t0)})\n    ${err.stack ?? err}`);
      await reportFailureScene(context.page, `ui-${name}`);
      printDapTraffic(context.dapLogFile, dapLogStart);
    }
  }
  console.log(`\nui: ${passed} passed, ${failed} failed\n`);
  return { passed, failed };
}

/**
 * The venv interpreter the Python agent scenario launches with (made once, cached), or null with
 * the reason logged: a machine that cannot make it still runs every other scenario.
 */
function pythonForScenarios() {
  const only = process.env.DURABLE_E2E_UI;
  if (only && !'08-python-agent'.includes(only)) return null;
  try {
    return preparePython({ quiet: true });
  } catch (err) {
    log(`no Python venv for the Python agent scenario: ${err.message}`);
    return null;
  }
}

async function main() {
  const installed = installedCodeServerVersion();
  if (installed !== CODE_SERVER_VERSION) {
    throw new Error(
      `code-server ${installed ?? 'missing'}, need ${CODE_SERVER_VERSION}: run prepare.sh`,
    );
  }
  rmSync(screenshotDir, { recursive: true, force: true });
  mkdirSync(screenshotDir, { recursive: true });
  let t0 = Date.now();
  const vsix = extensionVsix();
  const { vsixPath: driverVsix } = await buildDriver();
  log(`built in ${secs(t0)}`);

  const runDir = mkdtempSync(join(tmpdir(), 'durable-e2e-run-'));
  const workspace = makeSampleWorkspace(root, runDir, log);
  const resultsFile = join(runDir, 'results.json');
  const dialogsFile = join(runDir, 'dialogs.jsonl');
  writeFileSync(dialogsFile, '');
  // The driver extension writes every durable-agent session's DAP traffic here.
  const dapLogFile = join(runDir, 'dap.log');
  writeFileSync(dapLogFile, '');
  // Logs and user data stay for a post-mortem unless the run passes.
  let keep = true;
  let keptReported = false;
  const keepOrRemove = (dir) => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else if (!keptReported) log(`kept ${dir}`);
  };
  cleanups.push(async () => keepOrRemove(runDir));

  t0 = Date.now();
  const server = await startCodeServer({
    folder: workspace,
    vsixPaths: [vsix, driverVsix],
    env: {
      DURABLE_E2E_RESULTS: resultsFile,
      DURABLE_E2E_DIALOGS: dialogsFile,
      DURABLE_E2E_DAP_LOG: dapLogFile,
    },
  });
  cleanups.push(async () => {
    await server.stop();
    keepOrRemove(server.home);
  });
  log(`code-server ${server.url} (pid ${server.pid}) up with extensions in ${secs(t0)}`);

  t0 = Date.now();
  // The extension host starts only once a page connects, and only if it stays until the host is up.
  const { browser, page } = await openWorkbench(server.url, workspace);
  cleanups.push(() => browser.close());
  log(`workbench loaded in ${secs(t0)}`);

  t0 = Date.now();
  let passed = 0;
  let failed = 0;
  try {
    const results = await waitForResults(resultsFile, server, page, dialogsFile);
    log(`extension-host suites finished in ${secs(t0)}`);
    printSuiteReport(results);
    passed += results.passes.length;
    failed += results.failures.length;
  } catch (err) {
    if (interrupted) return 1;
    failed++;
    console.log(`  ✗ extension-host suites: ${err.message}`);
    await reportFailureScene(page, 'suite');
    for (const file of [server.logFile, ...extHostLogs(server.userDataDir)]) {
      console.log(`    tail of ${file}:\n${tailOf(file).replace(/^/gm, '      ')}`);
    }
  }
  if (server.exited() === null) {
    const ui = await runUiScenarios({ page, workspace, dapLogFile, python: pythonForScenarios() });
    passed += ui.passed;
    failed += ui.failed;
  }
  keep = process.env.DURABLE_E2E_KEEP === '1' || failed > 0;
  // Reported here so that the summary stays the last line, where CI reads it.
  if (keep) log(`kept ${runDir} (workspace) and ${server.home} (code-server log, user data)`);
  keptReported = true;
  log(`whole run ${secs(started)}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}

let failed = 1;
try {
  failed = await main();
} catch (err) {
  console.error(`[e2e] ERROR: ${err.stack ?? err}`);
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
