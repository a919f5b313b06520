// Identifiers the extension shares with package.json, tests and docs (DESIGN.md §5). Kept free of
// `vscode` so unit tests and the manifest test can import them.

export const DEBUG_TYPE = 'durable-agent';
export const EXTENSION_ID = 'durable-run.durable-run-debugger';
export const SLOTS_VIEW = 'durableRun.slots';
export const TIMELINE_VIEW_TYPE = 'durableRun.timeline';
/** The read-only custom editor of journals and exported state files (journalViewer.ts). */
export const JOURNAL_VIEWER = 'durableRun.journalViewer';
export const CONFIG_SECTION = 'durableRun';

export const COMMANDS = {
  injectCrash: 'durableRun.injectCrash',
  recover: 'durableRun.recover',
  showTimeline: 'durableRun.showTimeline',
  createSample: 'durableRun.createSample',
  resetState: 'durableRun.resetState',
  // Not part of the stable surface: the slot view's context menu and click targets.
  copyPayload: 'durableRun.copyPayload',
  injectCrashAtSlot: 'durableRun.injectCrashAtSlot',
  revealCallSite: 'durableRun.revealCallSite',
  revealSlot: 'durableRun.revealSlot',
  refreshSlots: 'durableRun.refreshSlots',
  clearSlots: 'durableRun.clearSlots',
  debugAgentFile: 'durableRun.debugAgentFile',
  // State surgery (surgeryCommands.ts).
  editSlot: 'durableRun.editSlot',
  markNotCompleted: 'durableRun.markNotCompleted',
  diffStates: 'durableRun.diffStates',
} as const;

/** Context keys: the Slots view has a session to show (live or ended), a session is live. */
export const CONTEXT_HAS_DATA = 'durableRun.hasSessionData';
export const CONTEXT_RUNNING = 'durableRun.sessionRunning';
/** The active editor shows an agent file (the editor title's run button offers to debug it). */
export const CONTEXT_AGENT_FILE_ACTIVE = 'durableRun.agentFileActive';

/** The default state folder; `${workspaceFolder}` is substituted by VS Code at launch. */
export const DEFAULT_STATE_DIR = '${workspaceFolder}/.durable';
