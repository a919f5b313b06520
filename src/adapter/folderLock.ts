// The state folder's lock as a debug session holds it: taken at launch, before any worker starts,
// and kept for the session's whole life (between a crash and Recover too), so that no CLI run,
// other session or Reset State writes the folder under it. Each worker the session starts gets
// it along (shared, see stateLock.ts); the session lets go when it ends.
import * as path from 'node:path';
import { StateFileError } from '../runtime/errors';
import { acquireStateLock, type StateLock } from '../runtime/stateLock';

export class FolderLock {
  private lock: StateLock | undefined;
  private folderOf: string | undefined;

  /** The lock while held, to hand to a worker. */
  get current(): StateLock | undefined {
    return this.lock;
  }

  /**
   * Holds `stateDir` for the session (again after a release; a lock on another folder is let go
   * first). Returns why it cannot: the folder is held by another process, named.
   */
  async hold(stateDir: string, program: string): Promise<string | undefined> {
    const folder = path.resolve(stateDir);
    if (this.lock && this.folderOf === folder) return undefined;
    await this.release();
    try {
      this.lock = await acquireStateLock(
        folder,
        `debug session of ${path.basename(program)} (durable-agent)`,
      );
      this.folderOf = folder;
      return undefined;
    } catch (error) {
      if (error instanceof StateFileError) return `cannot launch: ${error.message}`;
      throw error;
    }
  }

  async release(): Promise<void> {
    const lock = this.lock;
    this.lock = undefined;
    this.folderOf = undefined;
    await lock?.release();
  }
}
