// The standalone debug adapter: DAP over stdin/stdout (`node dist/debugAdapter.js`), for any client.
// Started by hand, not with DebugSession.run: that would honour `--server=PORT` and listen on every
// network interface, and the debugger opens no network port (test/security/network.test.ts).
import { DurableDebugSession } from './durableDebugSession';

const session = new DurableDebugSession();
process.on('SIGTERM', () => session.shutdown());
session.start(process.stdin, process.stdout);
