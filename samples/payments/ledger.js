// The payment provider's ledger: a file outside the durable store, so it tells the truth about
// which charges happened, whatever the agent's process went through. Plain JavaScript, so the
// sample opens without errors where Node's type declarations are not installed.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A charge as the provider records it.
 * @typedef {{ chargeId: string, orderId: string, card: string, totalCents: number }} Charge
 */

const LEDGER = process.env.PAYMENTS_LEDGER ?? path.join(__dirname, 'ledger.jsonl');

/** @returns {Charge[]} every charge the provider has made */
export function readLedger() {
  if (!fs.existsSync(LEDGER)) return [];
  return fs
    .readFileSync(LEDGER, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/**
 * Charges the card: the provider appends the charge to its ledger.
 * @param {Charge} charge
 * @returns {Charge}
 */
export function appendLedger(charge) {
  fs.appendFileSync(LEDGER, JSON.stringify(charge) + '\n');
  return charge;
}

/**
 * The charge with this id, if the provider has made it.
 * @param {string} chargeId
 * @returns {Charge | undefined}
 */
export function findCharge(chargeId) {
  return readLedger().find((c) => c.chargeId === chargeId);
}
