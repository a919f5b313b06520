// The adapter's bundle, dist/debugAdapter.js. Run as a program (`node dist/debugAdapter.js`), it
// is the standalone debug adapter: DAP over stdin/stdout, for any client. Required by the
// extension (src/extension/adapterBundle.ts) on the first session or the first journal read, it
// lends the session and the journal readers, so that activating the extension loads none of them
// (bench/activation.ts).
// Started by hand, not with DebugSession.run: that would honour `--server=PORT` and listen on every
// network interface, and the debugger opens no network port (test/security/network.test.ts).
import { DurableDebugSession } from './durableDebugSession';

export { DurableDebugSession } from './durableDebugSession';
export { journalSource } from './stateSource';
export { slotsBody } from './viewData';
export { JournalStore } from '../runtime/journalStore';
export { attemptViews, stateViews } from '../runtime/inspect';
export { editStateFolder } from '../runtime/stateEdit';
export { pythonReencoder } from '../worker/python/pythonEncoder';
export { diffFolders } from '../runtime/stateDiff';
export { openJournalFile } from '../runtime/journalFile';
export { acquireStateLock, describeHolder, probeStateLock } from '../runtime/stateLock';

if (require.main === module) {
  const session = new DurableDebugSession();
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}
