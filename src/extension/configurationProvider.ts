// Debug configurations for `durable-agent`: F5 on an agent file with no launch.json debugs that
// file, settings fill the defaults, and the dynamic provider offers every agent file of the
// workspace in the Run and Debug picker. The rules themselves are in agentFiles.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  AGENT_GLOB,
  AGENT_SCAN_MAX_BYTES,
  AGENT_SEARCH_EXCLUDE,
  defaultStateDir,
  INPUTS_FILE_NAME,
  isAgentFileName,
  isAgentSource,
  launchConfigFor,
  resolveLaunchConfig,
  type DurableLaunchConfig,
} from './agentFiles';
import { offerInputsFile } from './agentInputs';
import { DEBUG_TYPE } from './constants';
import { readSettings } from './settings';
import { PYTHON_ENV, pythonProgram } from '../worker/python/interpreter';
import { selectedPythonInterpreter } from './pythonInterpreter';

/** The active editor's file, and whether it is an agent (its text is already in memory). */
function activeFile(): { file?: string; isAgent: boolean } {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.uri.scheme !== 'file') return { isAgent: false };
  const file = document.uri.fsPath;
  return { file, isAgent: isAgentFileName(file) && isAgentSource(document.getText()) };
}

/** The durable-agent configurations of a folder's launch.json. */
function launchJsonConfigs(folder: vscode.WorkspaceFolder | undefined) {
  const configs = vscode.workspace
    .getConfiguration('launch', folder?.uri)
    .get<Array<{ type?: string; name?: string; program?: string }>>('configurations', []);
  return configs.filter((c) => c?.type === DEBUG_TYPE);
}

/**
 * The launch attribute that carries what the user should know about how their launch was
 * resolved: the adapter writes it to the session's own Debug Console before anything else (the
 * console active when a session starts may still be another session's).
 */
export const NOTE_ATTRIBUTE = 'durableRunNote';

export class DurableConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    const settings = readSettings(folder);
    // Restricted Mode: agent code never runs in a folder the user has not trusted.
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(
        'Durable Run: this folder is not trusted, so no agent code runs in it. Trust the folder to debug agents.',
      );
      return undefined;
    }
    const active = activeFile();
    const result = resolveLaunchConfig(config as DurableLaunchConfig, {
      folder: folder?.uri.fsPath,
      activeAgentFile: active.isAgent ? active.file : undefined,
      activeFile: active.file,
      defaults: { stateDir: settings.defaultStateDir, autoRecover: settings.autoRecover },
      exists: (file) => fs.existsSync(file),
      launchJson: launchJsonConfigs(folder),
    });
    if ('error' in result) {
      if (result.inputsFor) void offerInputsFile(result.error, result.inputsFor);
      else void vscode.window.showErrorMessage(result.error);
      return undefined;
    }
    const resolved = result.config as vscode.DebugConfiguration;
    if (result.note) resolved[NOTE_ATTRIBUTE] = result.note;
    return resolved;
  }

  /**
   * Once VS Code has substituted the variables, the program's path gives its state folder, and
   * a Python agent without a `python` attribute gets the Python extension's interpreter.
   */
  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration> {
    if (config.stateDir === undefined && typeof config.program === 'string') {
      const root = readSettings(folder).defaultStateDir;
      const cwd = typeof config.cwd === 'string' ? config.cwd : undefined;
      config.stateDir = defaultStateDir(root, config.program, folder?.uri.fsPath, cwd);
    }
    const python = typeof config.program === 'string' && pythonProgram(config.program);
    if (python && config.python === undefined && !process.env[PYTHON_ENV]) {
      const selected = await selectedPythonInterpreter(vscode.Uri.file(python.file));
      if (selected) config.python = selected;
    }
    return config;
  }
}

/** Offers one configuration per agent file found in the folder (the Run and Debug picker). */
export class DynamicAgentConfigurations implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(
    folder: vscode.WorkspaceFolder | undefined,
    token?: vscode.CancellationToken,
  ): Promise<vscode.DebugConfiguration[]> {
    // VS Code asks once per workspace folder, and once more without one (user settings): the
    // folders' answers already cover every file.
    if (!folder) return [];
    const include = new vscode.RelativePattern(folder, AGENT_GLOB);
    const files = await vscode.workspace.findFiles(include, AGENT_SEARCH_EXCLUDE, 500, token);
    const configs: vscode.DebugConfiguration[] = [];
    for (const uri of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
      if (token?.isCancellationRequested) break;
      if (!isAgentFileName(uri.fsPath) || !(await isAgentFile(uri))) continue;
      const inputsBeside = fs.existsSync(path.join(path.dirname(uri.fsPath), INPUTS_FILE_NAME));
      const config = launchConfigFor(uri.fsPath, folder.uri.fsPath, inputsBeside);
      config.name = `Debug agent ${vscode.workspace.asRelativePath(uri, false)}`;
      configs.push(config as vscode.DebugConfiguration);
    }
    return configs;
  }
}

async function isAgentFile(uri: vscode.Uri): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > AGENT_SCAN_MAX_BYTES) return false;
    return isAgentSource(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'));
  } catch {
    return false;
  }
}

export function registerConfigurationProviders(): vscode.Disposable[] {
  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new DurableConfigurationProvider()),
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      new DynamicAgentConfigurations(),
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
  ];
}
