// The extension's settings (contributes.configuration, section durableRun), read in one place.
import * as path from 'node:path';
import * as vscode from 'vscode';
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

/** A workspace folder's default state folder: `${workspaceFolder}` substituted, relative to it. */
export function defaultStateDirOf(folder: vscode.WorkspaceFolder): string {
  const root = folder.uri.fsPath;
  const dir = readSettings(folder).defaultStateDir.replace(/\$\{workspaceFolder\}/g, root);
  return path.isAbsolute(dir) ? dir : path.join(root, dir);
}
