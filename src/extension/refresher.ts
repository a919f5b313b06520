// Coalesces refresh requests: the adapter may announce slot changes many times a second while a
// run goes unpaused, and each refresh is a round trip to the worker. At most one fetch is in
// flight; requests during it or within `delayMs` are folded into one trailing fetch.
export class Refresher {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private again = false;
  private disposed = false;

  constructor(
    private readonly fetch: () => Promise<void>,
    private readonly delayMs = 100,
  ) {}

  /** Asks for a refresh soon; returns at once. */
  request(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.delayMs);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      await this.fetch();
    } catch {
      // A failed refresh (worker between attempts, session ending) keeps the last data shown.
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.request();
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
