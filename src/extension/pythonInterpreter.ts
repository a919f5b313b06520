// The default interpreter of a Python agent's launch: the one selected in VS Code's Python
// extension, when that extension is installed and has one; else the launch leaves `python` unset
// and the worker falls back to DURABLE_RUN_PYTHON, then python3 / python on PATH.
import * as vscode from 'vscode';

const PYTHON_EXTENSION = 'ms-python.python';

/** The parts of the Python extension's API used here (both its newer and older shapes). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(
      env: { path: string } | string,
    ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: {
    getExecutionDetails(resource?: vscode.Uri): { execCommand?: string[] };
  };
}

/** The selected interpreter's path for `resource`, or undefined when none can be found. */
export async function selectedPythonInterpreter(
  resource: vscode.Uri | undefined,
): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    if (api.environments) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await api.environments.resolveEnvironment(active);
      const executable = resolved?.executable.uri?.fsPath;
      if (executable) return executable;
    }
    return api.settings?.getExecutionDetails(resource).execCommand?.[0];
  } catch {
    // An extension that fails to answer is as good as none: the worker's defaults apply.
    return undefined;
  }
}
