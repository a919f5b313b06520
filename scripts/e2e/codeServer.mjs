// Helpers to run a throwaway code-server (real VS Code workbench) and drive it from Debian's chromium.
import { execFile, spawn } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';
const cacheDir = process.env.DURABLE_E2E_CACHE || join(homedir(), '.cache', 'durable-run-e2e');
const packageDir = join(cacheDir, 'code-server/node_modules/code-server');
export const codeServerEntry = join(packageDir, 'out/node/entry.js');

// Null when missing: scripts/e2e/prepare.sh installs it.
export function installedCodeServerVersion() {
  try {
    return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// Everything that would put a popup, a walkthrough or a side panel between a test and the workbench.
const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
  'files.hotExit': 'off',
  'chat.commandCenter.enabled': false,
  // As offline: the editor fetches no type declarations, so the sample and the agents the tests
  // write must type-check with what the extension gives (its TypeScript plugin) and nothing else.
  'typescript.disableAutomaticTypeAcquisition': true,
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Descendants via /proc: extension hosts and their children may leave the process group.
function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  const found = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function killTree(pid) {
  const pids = [pid, ...descendants(pid)];
  for (const p of pids) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(100);
  for (const p of pids.filter(alive)) process.kill(p, 'SIGKILL');
}

export async function startCodeServer({ folder, vsixPaths = [], env = {}, port, logFile }) {
  const home = mkdtempSync(join(tmpdir(), 'durable-e2e-cs-'));
  const userDataDir = join(home, 'user-data');
  const extensionsDir = join(home, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir);
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  // Its own config file: otherwise code-server writes ~/.config/code-server and reads a user's.
  const dirs = [
    '--config',
    join(home, 'config.yaml'),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  // One at a time and in order: a dependency installed first is not looked up in a gallery.
  for (const vsix of vsixPaths) {
    const install = [codeServerEntry, ...dirs, '--install-extension', vsix, '--force'];
    await promisify(execFile)(process.execPath, install).catch((err) => {
      rmSync(home, { recursive: true, force: true });
      throw new Error(`installing ${vsix} failed:\n${err.stderr || err.message}`);
    });
  }
  port ??= await freePort();
  const args = [
    codeServerEntry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...dirs,
    folder,
  ];
  logFile ??= join(home, 'code-server.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => (exited = signal ?? code));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => killTree(child.pid);
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited !== null)
      throw new Error(`code-server exited (${exited}) before ready; see ${logFile}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server not healthy within 90 s; see ${logFile}`);
    }
    await sleep(100);
  }
  return {
    url,
    pid: child.pid,
    home,
    userDataDir,
    extensionsDir,
    logFile,
    stop,
    exited: () => exited,
  };
}

export async function openWorkbench(url, folder) {
  const browser = await chromium.launch({
    executablePath: process.env.DURABLE_E2E_CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    // Playwright's own handlers exit the process before the caller has stopped code-server.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      // vscode.env.clipboard goes through the page's clipboard: without these it never answers.
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    return { browser, page };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Resolves once the page has painted twice: whatever an input or a scroll changed is on screen. */
export async function afterPaint(page) {
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
}

// Labels of the command palette rows for `query`; the palette is closed again before returning.
export async function paletteCommands(page, query) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`>${query}`);
  // The palette filters on input, and shows the result in the next frames.
  await afterPaint(page);
  const labels = await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name')
    .allTextContents();
  await page.keyboard.press('Escape');
  return labels.map((l) => l.trim());
}

// Runs a command palette entry by its exact label, waiting for it to be offered.
export async function runCommand(page, label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(`>${label}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
  });
  await row.first().waitFor({ timeout: 30_000 });
  await row.first().click();
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// F5 before debuggers register opens the Run view instead, and while paused it means continue.
export async function waitForDebuggersAvailable(page, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const labels = await paletteCommands(page, 'Debug: Start Debugging');
    if (labels.includes('Debug: Start Debugging')) return;
    if (Date.now() > deadline) {
      throw new Error(`"Debug: Start Debugging" not offered after ${timeoutMs} ms: ${labels}`);
    }
    await page.waitForTimeout(500);
  }
}
