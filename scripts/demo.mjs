// The demo (`npm run demo`, after a build): crash the payments sample after a card was charged
// and before the charge's outcome was saved, look at the PENDING slot, recover, and show from the
// payment provider's ledger that each card was charged exactly once (exit 1 if not). Uses its own
// files, reset at start: samples/payments/.durable and samples/payments/ledger.jsonl.
// `npm run demo -- --json` prints JSON lines only (the CLI's, plus the demo's own), for machines.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JSON_MODE = process.argv.includes('--json');
const CLI = path.join('dist', 'cli.js');
const AGENT = 'samples/payments/agent.ts';
const INPUTS = 'samples/payments/inputs.jsonl';
const STATE = 'samples/payments/.durable';
const LEDGER = 'samples/payments/ledger.jsonl';

function say(step, title, lines = []) {
  if (JSON_MODE) {
    console.log(JSON.stringify({ demo: 'step', step, title, notes: lines }));
    return;
  }
  console.log(`\n== ${step}. ${title}`);
  for (const line of lines) console.log(`   ${line}`);
}

function fail(message) {
  if (JSON_MODE) console.log(JSON.stringify({ demo: 'failed', message }));
  else console.error(`\ndemo FAILED: ${message}`);
  process.exit(1);
}

/** Runs the CLI with its output shown as it comes; returns its exit code. */
function durableRun(args) {
  const all = [...args, ...(JSON_MODE ? ['--json'] : [])];
  if (!JSON_MODE) console.log(`   $ durable-run ${all.join(' ')}\n`);
  const result = spawnSync(process.execPath, [CLI, ...all], {
    cwd: ROOT,
    env: { ...process.env, PAYMENTS_LEDGER: path.join(ROOT, LEDGER) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.error) fail(`could not start the CLI: ${result.error.message}`);
  return result.status;
}

function ledger() {
  const file = path.join(ROOT, LEDGER);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

function showLedger() {
  const charges = ledger();
  if (JSON_MODE) {
    console.log(JSON.stringify({ demo: 'ledger', charges }));
    return;
  }
  if (charges.length === 0) console.log('   (no charges yet)');
  for (const c of charges) {
    console.log(
      `   ${c.chargeId}  order ${c.orderId}  card ${c.card}  ${(c.totalCents / 100).toFixed(2)} EUR`,
    );
  }
}

if (!fs.existsSync(path.join(ROOT, CLI)))
  fail('dist/cli.js is missing: run "npm run build" (npm run demo does)');

// The demo's own files: a fresh journal and an empty ledger.
fs.rmSync(path.join(ROOT, STATE), { recursive: true, force: true });
fs.rmSync(path.join(ROOT, LEDGER), { force: true });
const orders = fs
  .readFileSync(path.join(ROOT, INPUTS), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line).input);

say(1, 'Run the checkout, and crash it right after the card is charged', [
  `Two orders (${orders.map((o) => `${o.orderId}, card ${o.card}`).join('; ')}).`,
  'The crash point before-outcome:charge#0 kills the worker process (SIGKILL) after the first',
  'charge() ran, before its outcome was saved. Exit code 3 means: stopped by the injected crash.',
]);
const crashed = durableRun([
  'run',
  AGENT,
  '--inputs',
  INPUTS,
  '--state',
  STATE,
  '--fresh',
  '--crash',
  'before-outcome:charge#0',
]);
if (crashed !== 3)
  fail(`the crashed run exited ${crashed}, expected 3 (stopped by the injected crash)`);

say(2, "The payment provider's ledger (outside the durable store): the card is already charged");
showLedger();

say(3, 'The journal: the charge slot is PENDING, its outcome was never saved', [
  'Without a reconciler, recovery could only run charge() again: a second charge.',
]);
if (durableRun(['slots', '--state', STATE]) !== 0) fail('slots could not read the journal');

say(4, 'Recover: the PENDING charge goes to its reconciler, which asks the ledger', [
  'Finished calls are replayed (not run again); the reconciler finds the charge and saves it.',
]);
const recovered = durableRun(['recover', AGENT, '--state', STATE]);
if (recovered !== 0) fail(`the recovery exited ${recovered}, expected 0 (done)`);

say(5, 'The journal after recovery: every slot holds its outcome');
if (durableRun(['slots', '--state', STATE]) !== 0) fail('slots could not read the journal');

say(6, 'The timeline: each attempt, and the path every call took');
if (durableRun(['timeline', '--state', STATE]) !== 0) fail('timeline could not read the journal');

say(7, 'The ledger: each card was charged exactly once');
showLedger();
const counts = new Map(orders.map((o) => [o.orderId, 0]));
for (const c of ledger()) counts.set(c.orderId, (counts.get(c.orderId) ?? 0) + 1);
const wrong = [...counts].filter(([, n]) => n !== 1);
if (JSON_MODE)
  console.log(
    JSON.stringify({
      demo: 'result',
      charges: Object.fromEntries(counts),
      exactlyOnce: wrong.length === 0,
    }),
  );
if (wrong.length > 0) fail(wrong.map(([order, n]) => `${order} was charged ${n} times`).join('; '));
if (!JSON_MODE)
  console.log(
    `\n   OK: ${[...counts.keys()].join(' and ')} charged once each, through a crash mid-charge.`,
  );
