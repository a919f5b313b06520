// The payment provider's ledger: a file outside the durable store, so it tells the truth about
// which charges happened, whatever the agent's process went through.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Charge {
  chargeId: string;
  orderId: string;
  card: string;
  totalCents: number;
}

const LEDGER = process.env.PAYMENTS_LEDGER ?? path.join(__dirname, 'ledger.jsonl');

export function readLedger(): Charge[] {
  if (!fs.existsSync(LEDGER)) return [];
  return fs
    .readFileSync(LEDGER, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Charge);
}

export function appendLedger(entry: Charge): Charge {
  fs.appendFileSync(LEDGER, JSON.stringify(entry) + '\n');
  return entry;
}

export function findCharge(orderId: string): Charge | undefined {
  return readLedger().find((c) => c.orderId === orderId);
}
