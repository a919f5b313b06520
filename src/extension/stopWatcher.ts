// Which durable sessions are stopped, watched on their DAP traffic: the Inject Crash picker offers
// "this call" only then. VS Code's API says which frame is focused, not whether the agent is
// paused, so the stopped and continued events (and the requests that resume) tell it here.
import * as vscode from 'vscode';
import { CUSTOM_EVENTS } from '../adapter/customProtocol';
import { DEBUG_TYPE } from './constants';

/** Requests after which the agent runs again until its next stopped event. */
const RESUMING = new Set([
  'continue',
  'next',
  'stepIn',
  'stepOut',
  'stepBack',
  'reverseContinue',
  'restartFrame',
  'restart',
]);

/** Events after which the agent is no longer where it stopped (a crash kills it). */
const ENDING = new Set(['continued', 'terminated', 'exited', CUSTOM_EVENTS.crash]);

interface DapMessage {
  type?: string;
  command?: string;
  event?: string;
}

export class StopWatcher implements vscode.Disposable {
  private readonly stopped = new Set<string>();
  private readonly registration = vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
    createDebugAdapterTracker: (session) => this.trackerFor(session.id),
  });

  isStopped(sessionId: string): boolean {
    return this.stopped.has(sessionId);
  }

  private trackerFor(id: string): vscode.DebugAdapterTracker {
    return {
      onWillReceiveMessage: (m: DapMessage) => {
        if (m.type === 'request' && m.command && RESUMING.has(m.command)) this.stopped.delete(id);
      },
      onDidSendMessage: (m: DapMessage) => {
        if (m.type !== 'event') return;
        if (m.event === 'stopped') this.stopped.add(id);
        else if (m.event && ENDING.has(m.event)) this.stopped.delete(id);
      },
      onExit: () => this.stopped.delete(id),
      onWillStopSession: () => this.stopped.delete(id),
    };
  }

  dispose(): void {
    this.registration.dispose();
    this.stopped.clear();
  }
}
