// Short-term memory of one key: values by path, rebuilt on recovery from completed actions.
import { decode, type Encoded } from './codec';

export class KeyMemory {
  private readonly values = new Map<string, Encoded>();

  /** Returns a fresh copy, so an action cannot change memory without `set`. */
  get(path: string): unknown {
    const encoded = this.values.get(path);
    return encoded === undefined ? undefined : decode(encoded);
  }

  set(path: string, value: Encoded): void {
    this.values.set(path, value);
  }

  snapshot(): Record<string, unknown> {
    return Object.fromEntries([...this.values].map(([k, v]) => [k, decode(v)]));
  }
}
