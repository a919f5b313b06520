// An agent debugged from its file (Debug Agent File, F5 with no launch.json) takes its inputs from
// the inputs.jsonl beside it. Without one, the user is told so, with a button that writes a
// one-line inputs.jsonl to start from and opens it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { INPUTS_FILE_NAME, INPUTS_TEMPLATE } from './agentFiles';

const CREATE = `Create ${INPUTS_FILE_NAME}`;

export async function offerInputsFile(message: string, agentFile: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, CREATE);
  if (choice !== CREATE) return;
  const file = vscode.Uri.file(path.join(path.dirname(agentFile), INPUTS_FILE_NAME));
  try {
    await vscode.workspace.fs.stat(file);
  } catch {
    await vscode.workspace.fs.writeFile(file, Buffer.from(INPUTS_TEMPLATE));
  }
  await vscode.window.showTextDocument(file);
}
