// The extension's settings (contributes.configuration, section durableRun), read in one place.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultStateDir } from './agentFiles';
import { CONFIG_SECTION, DEFAULT_STATE_DIR } from './constants';

export interface DurableSettings {
  defaultStateDir: string;
  autoRecover: boolean;
}

export function readSettings(folder?: vscode.WorkspaceFolder): DurableSettings {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION, folder?.uri);
  const dir = config.get<string>('defaultStateDir', DEFAULT_STATE_DIR).trim();
  return {
    defaultStateDir: dir === '' ? DEFAULT_STATE_DIR : dir,
    autoRecover: config.get<boolean>('autoRecover', false),
  };
}

/**
 * A workspace folder's root of state folders (each agent file has its own folder under it):
 * `${workspaceFolder}` substituted, relative to the folder.
 */
export function stateRootOf(folder: vscode.WorkspaceFolder): string {
  const root = folder.uri.fsPath;
  const dir = readSettings(folder).defaultStateDir.replace(/\$\{workspaceFolder\}/g, root);
  return path.isAbsolute(dir) ? dir : path.join(root, dir);
}

/** The state folder a launch of this agent file without `stateDir` uses. */
export function stateDirOfAgentFile(file: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  return defaultStateDir(readSettings(folder).defaultStateDir, file, folder?.uri.fsPath);
}
