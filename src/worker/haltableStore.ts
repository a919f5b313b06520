// A store that stops persisting the moment a crash is decided. The kill itself waits for the
// crash report to reach the parent, and in that instant another key's call could still persist:
// a real crash would not have let it, so here it is refused.
import type { StateMutation } from '../runtime/actionState';
import type { StateStore, TimelineRecord } from '../runtime/stateStore';

export class CrashInProgress extends Error {
  override name = 'CrashInProgress';
}

export class HaltableStore implements StateStore {
  private halted = false;

  /** `onFailure` hears every error of the inner store's writes (e.g. a full disk) first. */
  constructor(
    readonly inner: StateStore,
    private readonly onFailure?: (error: unknown) => void,
  ) {}

  private guarded(write: () => void): void {
    try {
      write();
    } catch (error) {
      this.onFailure?.(error);
      throw error;
    }
  }

  /** Stops every later persist and note; `last` is written first (the crash record). */
  halt(last?: TimelineRecord): void {
    if (last) this.inner.note(last);
    this.halted = true;
  }

  get persistCount(): number {
    return this.inner.persistCount;
  }
  get(id: string) {
    return this.inner.get(id);
  }
  states() {
    return this.inner.states();
  }
  persist(m: StateMutation): void {
    if (this.halted) throw new CrashInProgress('the process is being killed by an injected crash');
    this.guarded(() => this.inner.persist(m));
  }
  note(r: TimelineRecord): void {
    if (!this.halted) this.guarded(() => this.inner.note(r));
  }
  timeline() {
    return this.inner.timeline();
  }
  close(): void {
    this.inner.close();
  }
}
