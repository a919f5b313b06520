// Runs every benchmark suite in turn; to add one, write bench/<name>.ts exporting run(), list it.
import * as activation from './activation';
import * as dap from './dap';
import * as durableCall from './durableCall';
import * as journal from './journal';
import * as load from './load';
import * as parentDeath from './parentDeath';
import * as python from './python';
import * as recovery from './recovery';
import * as stateLock from './stateLock';

const suites: Array<{ run(): Promise<void> }> = [
  durableCall,
  journal,
  stateLock,
  recovery,
  dap,
  activation,
  load,
  parentDeath,
  python,
];

async function main(): Promise<void> {
  for (const suite of suites) await suite.run();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
