// Errors the runtime raises on purpose, each saying what is wrong, where, and how to fix it.

/** A value given to or returned from a durable call that cannot be persisted. */
export class PayloadEncodingError extends TypeError {
  override name = 'PayloadEncodingError';
}

/** A payload that encodes, but to more than a store keeps in one record. */
export class PayloadTooLargeError extends PayloadEncodingError {
  override name = 'PayloadTooLargeError';
}

/**
 * What the user can do about a state folder that cannot be used, which each surface says in its
 * own words (a CLI flag, a launch attribute): `start-fresh`, the journal is damaged and starting
 * from empty state keeps it aside; `own-state`, it is another agent's journal, and this agent
 * needs a state folder of its own.
 */
export type StateRemedy = 'start-fresh' | 'own-state';

/** The state folder or its journal cannot be used; the file is left exactly as it was. */
export class StateFileError extends Error {
  override name = 'StateFileError';
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly remedy?: StateRemedy,
  ) {
    super(message);
  }
}

/** The runtime's own invariants were broken (a bug, or a store edited by hand). */
export class DurableStateError extends Error {
  override name = 'DurableStateError';
}

/**
 * Inputs that are not an extension of those a state folder's action states were made for: their
 * outcomes would be replayed for other inputs. Nothing was run or written.
 */
export class InputsChangedError extends Error {
  override name = 'InputsChangedError';
  constructor(
    message: string,
    readonly key: string,
    readonly seq: number,
  ) {
    super(message);
  }
}
