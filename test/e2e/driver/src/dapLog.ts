// Test-only: appends the DAP traffic of every durable-agent session to a file, for the UI scenarios' failure reports.
import * as fs from 'node:fs';
import * as vscode from 'vscode';

const MAX_LINE = 800;

function describe(message: {
  type?: string;
  command?: string;
  event?: string;
  success?: boolean;
  message?: string;
  arguments?: unknown;
  body?: unknown;
}): string {
  if (message.type === 'request')
    return `request ${message.command} ${JSON.stringify(message.arguments ?? {})}`;
  if (message.type === 'response') {
    const outcome = message.success ? 'ok' : `FAILED ${message.message ?? ''}`;
    return `response ${message.command} ${outcome} ${JSON.stringify(message.body ?? {})}`;
  }
  return `event ${message.event} ${JSON.stringify(message.body ?? {})}`;
}

/** One line a message: time, session, direction (→ to the adapter, ← from it), the message. */
export function recordDapTraffic(file: string): vscode.Disposable {
  const write = (session: vscode.DebugSession, arrow: string, message: unknown) => {
    const time = new Date().toISOString().slice(11, 23);
    let line = `${time} [${session.name}] ${arrow} ${describe(message as Parameters<typeof describe>[0])}`;
    if (line.length > MAX_LINE) line = `${line.slice(0, MAX_LINE - 1)}…`;
    try {
      fs.appendFileSync(file, `${line.replace(/\n/g, '\\n')}\n`);
    } catch {
      // A log that cannot be written must not break the session it observes.
    }
  };
  return vscode.debug.registerDebugAdapterTrackerFactory('durable-agent', {
    createDebugAdapterTracker: (session) => ({
      onWillReceiveMessage: (m) => write(session, '→', m),
      onDidSendMessage: (m) => write(session, '←', m),
      onError: (e) =>
        write(session, '!', { type: 'event', event: 'trackerError', body: e.message }),
      onExit: (code, signal) =>
        write(session, '!', { type: 'event', event: 'adapterExit', body: { code, signal } }),
    }),
  });
}
