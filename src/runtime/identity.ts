// Call identity (function id and args digest, spec section 6) and action-state identity.
import * as crypto from 'node:crypto';
import type { Encoded } from './codec';

/** The function id of a durable call: the `id` option, else the function's own name. */
export function functionIdOf(fn: (...args: never[]) => unknown, id: string | undefined): string {
  if (id !== undefined) {
    if (typeof id !== 'string' || id.trim() === '') {
      throw new TypeError(
        `durableExecute: the "id" option must be a non-empty string, got ${JSON.stringify(id)}`,
      );
    }
    return id;
  }
  if (!fn.name) {
    throw new TypeError(
      'durableExecute: the function is anonymous, so it has no stable identity across crashes; ' +
        "give it a name (const charge = async (...) => ...) or pass { id: 'charge' } as the third argument",
    );
  }
  return fn.name;
}

// The one-shot crypto.hash (Node 20.12+) is twice as fast as createHash; older Node (an older
// VS Code's Electron) has only createHash. Both give the same digest.
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;
const sha256Hex = oneShot
  ? (text: string) => oneShot('sha256', text)
  : (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** First 16 hex characters of SHA-256 over the encoded args (DESIGN.md, "Choices already made"). */
export function argsDigest(encodedArgs: Encoded): string {
  return sha256Hex(JSON.stringify(encodedArgs)).slice(0, 16);
}

/**
 * The identity of one action execution: key, input sequence number, the index of the triggering
 * event within the run of that input, and the action. The event index (not its attributes, unlike
 * the reference's section 11.7) keeps two triggers with identical attributes apart.
 */
export interface ExecutionIdentity {
  key: string;
  seq: number;
  eventIndex: number;
  action: string;
}

export function stateIdOf(identity: ExecutionIdentity): string {
  return `${identity.key}#${identity.seq}/${identity.eventIndex}/${identity.action}`;
}
