// Torture test (`npm run torture`): runs the payments sample and generated agents under the built
// CLI, kills the worker with SIGKILL at random named crash points (--crash) and at random moments
// (from outside, after a random delay, often in the middle of a large journal write), many
// attempts in a row, then recovers until done. After every attempt: reconciled side effects at
// most once in the external ledger, the journal opens cleanly (`slots` exits 0), the CLI never
// reports bad state (exit 2) and never hangs. After each run: outputs, slots and exit code equal
// a crash-free run's. Prints a summary with the runs per minute and exits 1 on any invariant
// violation.
//
// Long mode (`npm run torture -- --long`, or TORTURE_LONG=1) reaches 10,000 crash-and-recover
// runs: most are simulated in this process (test/crash/tortureSim.ts: the same checks, attempts
// killed at named points, random boundaries, in the middle of journal writes, or stopped by
// storage faults), and every 100th is a real one through the CLI with real kills, run by a second
// torture process beside the simulations.
//
// Env: TORTURE_RUNS (default 40; long: 10000) and TORTURE_SECONDS (default 120; long: no limit,
// 0 is none) bound the work, whichever comes first; TORTURE_REAL_EVERY (default 1: every run is
// real; long: 100; 0: none) says which runs go through the CLI; TORTURE_SEED replays the same
// agents and choices (kill timing still varies); TORTURE_SABOTAGE=1 makes the generated
// reconcilers lie (they never look at the ledger), to show that the checks catch a double side
// effect; TORTURE_VERBOSE=1 logs every attempt.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LONG = process.env.TORTURE_LONG === '1' || process.argv.includes('--long');
const RUNS = Number(process.env.TORTURE_RUNS ?? (LONG ? 10_000 : 40));
const SECONDS = Number(process.env.TORTURE_SECONDS ?? (LONG ? 0 : 120));
const REAL_EVERY = Number(process.env.TORTURE_REAL_EVERY ?? (LONG ? 100 : 1));
const SEED = Number(process.env.TORTURE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SABOTAGE = process.env.TORTURE_SABOTAGE === '1';
const VERBOSE = process.env.TORTURE_VERBOSE === '1';
const POINTS = [
  'before-call',
  'after-pending',
  'before-outcome',
  'after-outcome',
  'before-complete',
];
const ATTEMPT_TIMEOUT_MS = 60_000;
const MAX_ATTEMPTS = 40;

// ---------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32), so TORTURE_SEED replays a run's agents and choices.

let seedState = SEED >>> 0;
function random() {
  seedState = (seedState + 0x6d2b79f5) >>> 0;
  let t = seedState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(random() * n);
const pick = (list) => list[int(list.length)];

// ---------------------------------------------------------------------------------------------
// The built CLI, copied aside so that a rebuild (which deletes dist/) cannot pull it away.

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-run-torture-'));
for (const file of ['cli.js', 'worker.js', path.join('esbuild', 'esbuild')]) {
  if (!fs.existsSync(path.join(ROOT, 'dist', file))) {
    console.error(
      `torture: dist/${file} is missing; run "npm run build" first (npm run torture does)`,
    );
    process.exit(2);
  }
}
fs.cpSync(path.join(ROOT, 'dist'), path.join(work, 'dist'), { recursive: true });
const CLI = path.join(work, 'dist', 'cli.js');

// ---------------------------------------------------------------------------------------------
// Generated agents: random sequences of durable calls, some with reconcilers that consult a
// ledger file, some failing deterministically (caught, or failing the action), some returning
// large payloads so that journal writes take long enough to be cut by a kill.

function generateAgent(index) {
  const name = `generated-${index}`;
  const actionCount = 1 + int(3);
  const functions = [];
  const reconciled = [];
  const lines = [];
  const actions = [];
  let hasReconciled = false;
  // Most agents get a call with a large result (MBs), so that kills can land inside its write.
  const bigAt = random() < 0.7 ? int(2) : -1;
  for (let a = 0; a < actionCount; a++) {
    const body = [];
    const callCount = 2 + int(5);
    for (let c = 0; c < callCount; c++) {
      let kind = pick(['pure', 'effect', 'reconciled', 'reconciled', 'caught', 'big', 'async']);
      if (a === 0 && c === bigAt) kind = 'big';
      if (!hasReconciled && a === actionCount - 1 && c === callCount - 1) kind = 'reconciled';
      const fn = `${kind}${a}_${c}`;
      const id = `\`\${ctx.key}/\${ctx.seq}/${a}/${c}\``;
      functions.push(fn);
      if (kind === 'pure') {
        lines.push(`async function ${fn}(acc, k) { return (acc * 31 + k) % 1000003; }`);
        body.push(`acc = await ctx.durableExecute(${fn}, [acc, ${1 + int(97)}]);`);
      } else if (kind === 'async') {
        lines.push(
          `async function ${fn}(acc) { await new Promise((r) => setImmediate(r)); return (acc + 17) % 1000003; }`,
        );
        body.push(`acc = await ctx.durableExecuteAsync(${fn}, [acc]);`);
      } else if (kind === 'effect') {
        lines.push(
          `async function ${fn}(id, acc) { record({ op: 'effect', id }); return (acc * 7 + id.length) % 1000003; }`,
        );
        body.push(`acc = await ctx.durableExecute(${fn}, [${id}, acc]);`);
      } else if (kind === 'reconciled') {
        hasReconciled = true;
        reconciled.push(fn);
        lines.push(
          `async function ${fn}(id, acc) { return record({ op: 'reconciled', id, value: (acc * 13 + 5) % 1000003 }).value; }`,
        );
        // Asked on recovery about a PENDING slot: the ledger says whether the effect happened.
        const reconciler = SABOTAGE
          ? `async () => ${fn}(id, before)`
          : `async () => find('reconciled', id)?.value ?? ${fn}(id, before)`;
        body.push(
          `{ const id = ${id}; const before = acc; acc = await ctx.durableExecute(${fn}, [id, before], { reconciler: ${reconciler} }); }`,
        );
      } else if (kind === 'caught') {
        lines.push(
          `async function ${fn}(id) { throw new RangeError('deterministic failure of ' + id); }`,
        );
        body.push(
          `try { await ctx.durableExecute(${fn}, [${id}]); } catch (e) { if (!(e instanceof RangeError)) throw e; acc = (acc + 3) % 1000003; }`,
        );
      } else {
        const kb = 256 + int(3840);
        lines.push(`async function ${fn}(id, kb) { return id + ':' + 'b'.repeat(kb * 1024); }`);
        body.push(
          `acc = (acc + (await ctx.durableExecute(${fn}, [${id}, ${kb}])).length) % 1000003;`,
        );
      }
    }
    // Sometimes the last action fails for one key, deterministically: that key's run fails.
    if (a === actionCount - 1 && random() < 0.3) {
      const fn = `doomed${a}`;
      functions.push(fn);
      lines.push(
        `async function ${fn}(key) { if (key === 'k1') throw new Error('doomed key ' + key); return key; }`,
      );
      body.push(`await ctx.durableExecute(${fn}, [ctx.key]);`);
    }
    const on = a === 0 ? 'InputEvent' : `Step${a}`;
    const start =
      a === 0 ? 'let acc = Number(event.attributes.input.n);' : 'let acc = event.attributes.acc;';
    const send =
      a === actionCount - 1
        ? "ctx.sendEvent({ type: 'OutputEvent', attributes: { output: { acc } } });"
        : `ctx.sendEvent({ type: 'Step${a + 1}', attributes: { acc } });`;
    actions.push(
      `    { name: 'act${a}', on: ['${on}'], async run(event, ctx) {\n      ${start}\n      ${body.join('\n      ')}\n      ${send}\n    } },`,
    );
  }
  const source = `// Generated by scripts/torture.mjs (seed ${SEED}).
import * as fs from 'node:fs';
import { defineAgent } from 'durable-run';
const LEDGER = process.env.TORTURE_LEDGER;
function record(entry) { fs.appendFileSync(LEDGER, JSON.stringify(entry) + '\\n'); return entry; }
function find(op, id) {
  if (!fs.existsSync(LEDGER)) return undefined;
  return fs.readFileSync(LEDGER, 'utf8').split('\\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.op === op && e.id === id);
}
${lines.join('\n')}
export default defineAgent({
  name: '${name}',
  actions: [
${actions.join('\n')}
  ],
});
`;
  const file = path.join(work, `${name}.js`);
  fs.writeFileSync(file, source);
  const keys = 1 + int(3);
  const inputs = [];
  for (let k = 0; k < keys; k++) {
    for (let s = 0; s <= int(2); s++) inputs.push({ key: `k${k}`, input: { n: int(1000) } });
  }
  return {
    name,
    agent: file,
    inputs,
    targets: [...actions.map((_, a) => `act${a}`), ...functions],
    reconciledTargets: reconciled,
    ledgerEnv: 'TORTURE_LEDGER',
    // Ledger entries as [id, reconciled?].
    effects: (entries) => entries.map((e) => [`${e.op}:${e.id}`, e.op === 'reconciled']),
  };
}

function paymentsCase(index) {
  const cards = ['4242', '5555', '3782', '6011'];
  const keys = ['alice', 'bob', 'carol', 'dave'].slice(0, 1 + int(4));
  const inputs = [];
  let order = 0;
  for (const key of keys) {
    for (let s = 0; s <= int(2); s++) {
      order++;
      inputs.push({
        key,
        input: {
          orderId: `order-${index}-${order}`,
          amountCents: 100 + int(9000),
          card: pick(cards),
        },
      });
    }
  }
  return {
    name: 'payments',
    agent: path.join(ROOT, 'samples', 'payments', 'agent.ts'),
    inputs,
    targets: ['checkout', 'notify', 'priceOrder', 'charge', 'sendReceipt'],
    reconciledTargets: ['charge'],
    ledgerEnv: 'PAYMENTS_LEDGER',
    // Each order is charged once; its charge id is new on every run (random, kept in the
    // journal), so runs are compared with it, and the digests of the args that carry it, left out.
    effects: (entries) => entries.map((e) => [`charge:${e.orderId}`, true]),
    normalize: (text) =>
      text.replace(/\b(ch_[\w-]+?)_[a-z0-9]{6}\b/g, '$1_*').replace(/\b[0-9a-f]{16}\b/g, '*'),
  };
}

// ---------------------------------------------------------------------------------------------
// Running the CLI, finding its worker, killing it.

function childrenOf(pid) {
  const out = [];
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
    return out;
  } catch {
    try {
      return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return out;
    }
  }
}

/** The CLI's worker: its child that runs worker.js (not a short-lived helper it runs first). */
function workerOf(pid) {
  return childrenOf(pid).find((child) => {
    try {
      return fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('worker.js');
    } catch {
      return false;
    }
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The journal's size, and whether it ends in the middle of a line (a write under way). */
function journalTail(file) {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const last = Buffer.alloc(1);
      if (size > 0) fs.readSync(fd, last, 0, 1, size - 1);
      return { size, midLine: size > 0 && last[0] !== 0x0a };
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return { size: -1, midLine: false };
  }
}

/**
 * Runs the CLI. With `kill.afterMs`, SIGKILLs its worker that long after the worker appears;
 * with `kill.midWrite`, watches the journal and SIGKILLs the worker while a write is under way
 * (the file grew and does not end with a newline), skipping the first `kill.skip` such writes.
 */
function cli(args, env, kill = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killSent = false;
    let workerSeenAt;
    let done = false;
    child.stdout.setEncoding('utf8').on('data', (t) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t) => (stderr += t));
    const guard = setTimeout(() => {
      for (const pid of [child.pid, ...childrenOf(child.pid)]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      stderr += '\n[torture: hang guard fired]';
    }, ATTEMPT_TIMEOUT_MS);
    (async () => {
      while (!done) {
        const worker = workerOf(child.pid);
        if (worker !== undefined) {
          workerSeenAt = Date.now();
          const killWorker = () => {
            try {
              process.kill(worker, 'SIGKILL');
              killSent = true;
            } catch {
              // It finished first.
            }
          };
          if (kill.afterMs !== undefined) {
            await sleep(kill.afterMs);
            if (!done) killWorker();
          } else if (kill.midWrite) {
            let skip = kill.skip ?? 0;
            let seen = journalTail(kill.midWrite).size;
            while (!done) {
              const tail = journalTail(kill.midWrite);
              if (tail.size !== seen && tail.midLine && skip-- <= 0) {
                killWorker();
                return;
              }
              seen = tail.size;
              await new Promise((resolve) => setImmediate(resolve));
            }
          }
          return;
        }
        await sleep(2);
      }
    })();
    child.on('close', (code, signal) => {
      done = true;
      clearTimeout(guard);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        killSent,
        hung: stderr.includes('[torture: hang guard fired]'),
        workerMs: workerSeenAt === undefined ? 0 : Date.now() - workerSeenAt,
        ms: Date.now() - started,
      });
    });
  });
}

function jsonLines(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      out.push({ event: 'not-json', line });
    }
  }
  return out;
}

function readLedger(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function countEffects(c, file) {
  const counts = new Map();
  for (const [id, reconciled] of c.effects(readLedger(file))) {
    const entry = counts.get(id) ?? { n: 0, reconciled };
    entry.n++;
    counts.set(id, entry);
  }
  return counts;
}

async function slotsOf(state, normalize = (text) => text) {
  const result = await cli(['slots', '--state', state, '--json'], {});
  const states = result.code === 0 ? jsonLines(result.stdout) : [];
  const slots = states
    .map(
      (s) =>
        `${s.id} completed=${s.completed} ${s.slots.map((x) => `#${x.index} ${x.functionId} ${x.argsDigest} ${x.status} ${JSON.stringify(x.result ?? x.error ?? null)}`).join(' | ')}`,
    )
    .map(normalize)
    .sort();
  return { code: result.code, stderr: result.stderr, slots };
}

function outputsOf(events, normalize = (text) => text) {
  return events
    .filter((e) => e.event === 'output')
    .map((e) => normalize(`${e.key}#${e.seq} ${JSON.stringify(e.output)}`))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// One torture run: a crash-free baseline, then crashes and kills until a recovery completes.

const stats = {
  runs: 0,
  attempts: 0,
  crashRuns: 0,
  named: 0,
  struck: 0,
  points: Object.fromEntries(POINTS.map((p) => [p, 0])),
  kills: 0,
  midWriteKills: 0,
  killedMidRun: 0,
  tornByKill: 0,
  cases: {},
};
const violations = [];

async function tortureRun(c, runIndex) {
  const dir = fs.mkdtempSync(path.join(work, `${c.name}-`));
  const inputs = path.join(dir, 'inputs.jsonl');
  fs.writeFileSync(inputs, c.inputs.map((i) => JSON.stringify(i)).join('\n') + '\n');
  const log = [];
  const violation = (what) => {
    violations.push({ run: runIndex, case: c.name, what, dir, agent: c.agent, log: [...log] });
  };

  // Crash-free baseline.
  const baseLedger = path.join(dir, 'baseline-ledger.jsonl');
  const baseState = path.join(dir, 'baseline-state');
  const base = await cli(
    ['run', c.agent, '--inputs', inputs, '--state', baseState, '--fresh', '--json'],
    { [c.ledgerEnv]: baseLedger },
  );
  const baseEvents = jsonLines(base.stdout);
  if (!baseEvents.some((e) => e.event === 'done')) {
    violation(
      `the crash-free run did not finish (exit ${base.code}): ${base.stderr.slice(0, 500)}`,
    );
    return;
  }
  const baseline = {
    code: base.code,
    outputs: outputsOf(baseEvents, c.normalize),
    slots: (await slotsOf(baseState, c.normalize)).slots,
    effects: countEffects(c, baseLedger),
    workerMs: Math.max(base.workerMs, 50),
  };

  // The crash run: several crashes and kills, then recoveries until done.
  const ledger = path.join(dir, 'ledger.jsonl');
  const state = path.join(dir, 'state');
  const env = { [c.ledgerEnv]: ledger };
  const crashes = 1 + int(6);
  let final;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const started = fs.existsSync(path.join(state, 'journal.jsonl'));
    const args = !started ? ['run', c.agent, '--fresh'] : ['recover', c.agent];
    args.push('--inputs', inputs, '--state', state, '--json');
    let mode = 'clean';
    let kill = {};
    if (attempt <= crashes) {
      if (SABOTAGE && attempt === 1) {
        mode = `before-outcome:${c.reconciledTargets[0]}`;
      } else if (random() < 0.5) {
        const target = random() < 0.8 ? pick(c.targets) : undefined;
        mode = `${pick(POINTS)}${target ? `:${target}${random() < 0.3 ? `#${int(2)}` : ''}` : ''}`;
      } else if (random() < 0.5) {
        mode = 'kill';
        kill = { afterMs: Math.floor(random() * baseline.workerMs * 1.3) };
      } else {
        mode = 'kill mid-write';
        kill = { midWrite: path.join(state, 'journal.jsonl'), skip: int(3) };
      }
      if (!mode.startsWith('kill')) args.push('--crash', mode);
    }
    const result = await cli(args, env, kill);
    stats.attempts++;
    const events = jsonLines(result.stdout);
    const crashEvent = events.find((e) => e.event === 'crash');
    const doneEvent = events.find((e) => e.event === 'done');
    const killed = mode.startsWith('kill') && result.killSent && !doneEvent;
    log.push(
      `attempt ${attempt}: ${args[0]} ${mode}${kill.afterMs !== undefined ? ` after ${kill.afterMs} ms` : ''} → exit ${result.code}${crashEvent ? ` (crash at ${crashEvent.point} ${crashEvent.action ?? ''}#${crashEvent.index ?? ''})` : ''}${killed ? ' (killed)' : ''}`,
    );
    if (VERBOSE) console.log(`  ${c.name} run ${runIndex} ${log.at(-1)}`);

    if (mode !== 'clean' && !mode.startsWith('kill')) {
      stats.named++;
      stats.points[mode.split(':')[0]]++;
      if (crashEvent) stats.struck++;
    }
    if (mode.startsWith('kill')) {
      if (mode === 'kill') stats.kills++;
      else stats.midWriteKills++;
      if (killed) {
        stats.killedMidRun++;
        if (journalTail(path.join(state, 'journal.jsonl')).midLine) stats.tornByKill++;
      }
    }
    if (crashEvent || killed) stats.crashRuns++;

    // Invariants after every attempt.
    if (result.hung) violation(`attempt ${attempt} hung (no exit within ${ATTEMPT_TIMEOUT_MS} ms)`);
    if (result.code === 2)
      violation(`attempt ${attempt} exited 2 (bad state or input): ${result.stderr.slice(0, 800)}`);
    if (events.some((e) => e.event === 'not-json' || e.event === 'error')) {
      violation(
        `attempt ${attempt} printed an error or a non-JSON line: ${result.stdout.slice(0, 800)}`,
      );
    }
    if (/internal error/.test(result.stderr))
      violation(`attempt ${attempt}: internal error: ${result.stderr.slice(0, 800)}`);
    for (const [id, { n, reconciled }] of countEffects(c, ledger)) {
      if (reconciled && n > 1)
        violation(`after attempt ${attempt}: reconciled side effect ${id} happened ${n} times`);
    }
    // A kill before the journal was created leaves none: the next attempt is a run again.
    const hasJournal = fs.existsSync(path.join(state, 'journal.jsonl'));
    const opened = hasJournal ? await slotsOf(state) : { code: 0 };
    if (opened.code !== 0)
      violation(
        `after attempt ${attempt}: the journal does not open (slots exit ${opened.code}): ${opened.stderr.slice(0, 800)}`,
      );

    if (doneEvent && !crashEvent) {
      final = { code: result.code, events, attempt };
      break;
    }
    if (violations.length > 0 && violations.at(-1).run === runIndex) break;
  }
  stats.runs++;
  const kind = c.name.replace(/-\d+$/, '');
  stats.cases[kind] = (stats.cases[kind] ?? 0) + 1;
  if (!final) {
    if (!violations.some((v) => v.run === runIndex))
      violation(`no recovery finished within ${MAX_ATTEMPTS} attempts`);
    return;
  }

  // Invariants of the finished run: the same as the crash-free run.
  if (final.code !== baseline.code)
    violation(`final exit ${final.code}, crash-free exit ${baseline.code}`);
  const outputs = outputsOf(final.events, c.normalize);
  if (JSON.stringify(outputs) !== JSON.stringify(baseline.outputs)) {
    violation(
      `outputs differ from the crash-free run:\n    got      ${outputs.join('\n             ')}\n    expected ${baseline.outputs.join('\n             ')}`,
    );
  }
  const slots = (await slotsOf(state, c.normalize)).slots;
  if (JSON.stringify(slots) !== JSON.stringify(baseline.slots)) {
    const missing = baseline.slots.filter((s) => !slots.includes(s));
    const extra = slots.filter((s) => !baseline.slots.includes(s));
    violation(
      `slots differ from the crash-free run (lost or duplicated):\n    missing ${missing.join('\n            ')}\n    extra   ${extra.join('\n            ')}`,
    );
  }
  const effects = countEffects(c, ledger);
  for (const [id, { reconciled }] of baseline.effects) {
    const n = effects.get(id)?.n ?? 0;
    if (reconciled ? n !== 1 : n < 1)
      violation(
        `side effect ${id} happened ${n} times (${reconciled ? 'reconciled: exactly once' : 'completion-only: at least once'})`,
      );
  }
  for (const id of effects.keys())
    if (!baseline.effects.has(id)) violation(`side effect ${id} is not in the crash-free run`);
  if (!violations.some((v) => v.run === runIndex)) fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------

const started = Date.now();
const withinTime = () => SECONDS <= 0 || (Date.now() - started) / 1000 < SECONDS;
const isReal = (run) => REAL_EVERY > 0 && (run - 1) % REAL_EVERY === 0;
console.log(
  `torture: seed ${SEED}${SABOTAGE ? ' (SABOTAGE: reconcilers lie)' : ''}, up to ${RUNS} runs${SECONDS > 0 ? ` or ${SECONDS} s` : ''}, ${REAL_EVERY === 1 ? 'every run' : REAL_EVERY > 0 ? `every ${REAL_EVERY}th run` : 'no run'} through the CLI${REAL_EVERY === 1 ? '' : ', the others simulated in this process'}; work folder ${work}`,
);
// The simulated runs are TypeScript over the runtime's sources: loaded only when needed.
let sim;
let simRoot;
const simStats = { ms: 0 };
// Some run is simulated: all with REAL_EVERY 0, the second one on with REAL_EVERY above 1.
if (RUNS > 0 && (REAL_EVERY === 0 || (REAL_EVERY > 1 && RUNS >= 2))) {
  const { tsImport } = await import('tsx/esm/api');
  sim = await tsImport('../test/crash/tortureSim.ts', import.meta.url);
  simRoot = sim.simulationRoot();
  console.log(`torture: simulation folder ${simRoot}`);
  Object.assign(simStats, sim.newStats());
}
let realMs = 0;
let lastReport = Date.now();

async function simulated(run) {
  const t0 = Date.now();
  const found = await sim.simulatedRun(run, (SEED + run * 7919) >>> 0, simRoot, simStats, SABOTAGE);
  for (const v of found) {
    violations.push({
      run: v.run,
      case: `simulated, seed ${v.seed}`,
      what: v.what,
      dir: v.dir,
      agent: 'generated in process',
      log: v.log,
    });
  }
  simStats.ms += Date.now() - t0;
  if (LONG && Date.now() - lastReport > 60_000) {
    lastReport = Date.now();
    console.log(
      `  … ${simStats.runs} simulated runs in ${((Date.now() - started) / 1000).toFixed(0)} s, ${violations.length} violations`,
    );
  }
}

/**
 * The runs through the CLI, in a torture process of their own beside this one (they mostly wait on
 * the processes they kill, and their kills must not wait on the simulations' CPU): its output is
 * passed on, its figures and violations come back in a file.
 */
function cliRunsBeside(count) {
  const resultFile = path.join(work, 'cli-runs.json');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    env: {
      ...process.env,
      TORTURE_LONG: '0',
      TORTURE_RUNS: String(count),
      TORTURE_REAL_EVERY: '1',
      TORTURE_SECONDS: String(SECONDS),
      TORTURE_SEED: String(SEED),
      TORTURE_RESULT_FILE: resultFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pass = (stream, to) => {
    let rest = '';
    stream.setEncoding('utf8').on('data', (text) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop();
      for (const line of lines) to.write(`  [CLI runs] ${line}\n`);
    });
  };
  pass(child.stdout, process.stdout);
  pass(child.stderr, process.stderr);
  return new Promise((resolve) => {
    child.on('close', () => {
      try {
        resolve(JSON.parse(fs.readFileSync(resultFile, 'utf8')));
      } catch (error) {
        violations.push({
          run: 0,
          case: 'CLI runs',
          what: `the torture process of the CLI runs gave no result: ${error.message}`,
          dir: work,
          agent: '-',
          log: [],
        });
        resolve(undefined);
      }
    });
  });
}

if (REAL_EVERY === 1 || !sim) {
  for (let run = 1; run <= RUNS && withinTime(); run++) {
    const t0 = Date.now();
    const c = !SABOTAGE && run % 3 === 1 ? paymentsCase(run) : generateAgent(run);
    await tortureRun(c, run);
    realMs += Date.now() - t0;
  }
} else {
  const realCount = REAL_EVERY > 0 ? Math.ceil(RUNS / REAL_EVERY) : 0;
  const beside = realCount > 0 ? cliRunsBeside(realCount) : Promise.resolve(undefined);
  for (let run = 1; run <= RUNS && withinTime(); run++) if (!isReal(run)) await simulated(run);
  const cli = await beside;
  if (cli) {
    Object.assign(stats, cli.stats);
    violations.push(...cli.violations);
    realMs = cli.realMs;
  }
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const points = POINTS.map((p) => `${p} ${stats.points[p]}`).join(', ');
const cases = Object.entries(stats.cases).map(([name, n]) => `${name} ×${n}`);
const perMinute = (runs, ms) => (ms > 0 ? ((runs * 60_000) / ms).toFixed(1) : '-');
const simRuns = simStats.runs ?? 0;
console.log(
  `torture: ${stats.runs + simRuns} runs in ${seconds} s: ${stats.runs} through the CLI${cases.length > 0 ? ` (${cases.join(', ')})` : ''}, ${stats.attempts} attempts; ${simRuns} simulated in process, ${simStats.attempts ?? 0} attempts`,
);
console.log(
  `  runs per minute: ${perMinute(stats.runs, realMs)} through the CLI, ${perMinute(simRuns, simStats.ms)} simulated, ${perMinute(stats.runs + simRuns, Date.now() - started)} overall`,
);
console.log(`  crash runs (attempts stopped by a crash or a kill): ${stats.crashRuns}`);
console.log(
  `  named crash points tried: ${stats.named} (${points}); struck: ${stats.struck}, not reached: ${stats.named - stats.struck}`,
);
const allKills = stats.kills + stats.midWriteKills;
console.log(
  `  random kills: ${allKills} (${stats.kills} after a random delay, ${stats.midWriteKills} in the middle of a journal write; ${stats.killedMidRun} struck a running worker, ${stats.tornByKill} left a torn journal line)`,
);
if (simRuns > 0) {
  console.log(
    `  simulated deaths planned: ${simStats.named + simStats.killedAtBoundary + simStats.tornWrites + simStats.storageFaults} (${simStats.named} named crash points, ${simStats.killedAtBoundary} kills at a random boundary, ${simStats.tornWrites} kills in the middle of a journal write, ${simStats.storageFaults} storage faults); simulated attempts they stopped: ${simStats.stopped}`,
  );
}
console.log(`  invariant violations: ${violations.length}`);
for (const v of violations) {
  console.log(
    `\n  VIOLATION in run ${v.run} (${v.case}): ${v.what}\n    agent ${v.agent}\n    state kept in ${v.dir}\n    ${v.log.join('\n    ')}`,
  );
}
if (violations.length === 0) {
  fs.rmSync(work, { recursive: true, force: true });
  if (simRoot) fs.rmSync(simRoot, { recursive: true, force: true });
} else console.log(`\n  replay with TORTURE_SEED=${SEED}`);
if (process.env.TORTURE_RESULT_FILE) {
  const result = { stats, violations, realMs };
  fs.writeFileSync(process.env.TORTURE_RESULT_FILE, JSON.stringify(result));
}
process.exit(violations.length === 0 ? 0 : 1);
