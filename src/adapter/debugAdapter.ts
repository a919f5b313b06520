// The standalone debug adapter: DAP over stdin/stdout (`node dist/debugAdapter.js`), for any client.
import { DebugSession } from '@vscode/debugadapter';
import { DurableDebugSession } from './durableDebugSession';

DebugSession.run(DurableDebugSession);
