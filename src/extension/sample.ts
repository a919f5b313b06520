// durableRun.createSample: writes a payments sample, TypeScript or Flink Agents Python (agent,
// reconciler, ledger, inputs.jsonl), and launch configurations. The editor finds the
// `durable-run` types through the extension's TypeScript server plugin: nothing else is copied. It never overwrites: the sample
// goes to a fresh folder, and an existing launch.json gets the configurations appended.
import * as vscode from 'vscode';
import {
  SAMPLES,
  launchJson,
  sampleFolderName,
  sampleLaunchConfigurations,
  type SampleKind,
} from './sampleFiles';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function chooseTarget(): Promise<
  { root: vscode.Uri; folder?: vscode.WorkspaceFolder } | undefined
> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return { root: folders[0].uri, folder: folders[0] };
  if (folders.length > 1) {
    const folder = await vscode.window.showWorkspaceFolderPick({
      placeHolder: 'Where should the durable agent sample go?',
    });
    return folder && { root: folder.uri, folder };
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Create the sample here',
    title: 'Durable Run: Create Sample Agent',
  });
  return picked?.[0] && { root: picked[0] };
}

async function addLaunchConfigurations(
  root: vscode.Uri,
  folder: vscode.WorkspaceFolder | undefined,
  configurations: ReturnType<typeof sampleLaunchConfigurations>,
): Promise<void> {
  const file = vscode.Uri.joinPath(root, '.vscode', 'launch.json');
  if (!(await exists(file))) {
    await vscode.workspace.fs.writeFile(file, Buffer.from(launchJson(configurations)));
    return;
  }
  if (!folder) return;
  // Through the configuration API, which edits launch.json in place and keeps its comments.
  const launch = vscode.workspace.getConfiguration('launch', folder.uri);
  const existing = launch.get<Array<{ name?: string }>>('configurations', []);
  const names = new Set(existing.map((c) => c.name));
  const added = configurations.filter((c) => !names.has(c.name));
  if (added.length > 0) {
    await launch.update(
      'configurations',
      [...existing, ...added],
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
  }
}

async function chooseSample(): Promise<SampleKind | undefined> {
  const kinds = Object.keys(SAMPLES) as SampleKind[];
  const picked = await vscode.window.showQuickPick(
    kinds.map((sample) => ({
      label: SAMPLES[sample].label,
      detail: SAMPLES[sample].detail,
      sample,
    })),
    { placeHolder: 'Which sample agent?', title: 'Durable Run: Create Sample Agent' },
  );
  return picked?.sample;
}

/** `given`: the sample a caller chose already (a walkthrough link, a test); else the user picks. */
export async function createSample(extensionUri: vscode.Uri, given?: unknown): Promise<void> {
  const kind = given === 'typescript' || given === 'python' ? given : await chooseSample();
  if (!kind) return;
  const sample = SAMPLES[kind];
  const target = await chooseTarget();
  if (!target) return;
  let entries: [string, vscode.FileType][] = [];
  try {
    entries = await vscode.workspace.fs.readDirectory(target.root);
  } catch {
    // A folder that cannot be listed holds nothing the sample could collide with that we know of.
  }
  const taken = new Set(entries.map(([entry]) => entry));
  const name = sampleFolderName((n) => taken.has(n), sample.baseName);
  const dir = vscode.Uri.joinPath(target.root, name);
  try {
    for (const file of sample.files) {
      await vscode.workspace.fs.copy(
        vscode.Uri.joinPath(extensionUri, file.from),
        vscode.Uri.joinPath(dir, file.to),
        { overwrite: false },
      );
    }
    await addLaunchConfigurations(
      target.root,
      target.folder,
      sampleLaunchConfigurations(name, kind),
    );
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Durable Run: cannot create the sample in ${dir.fsPath}: ${(error as Error).message}`,
    );
    return;
  }
  const agent = vscode.Uri.joinPath(dir, sample.agent);
  const howTo =
    kind === 'python'
      ? 'It needs `pip install flink-agents apache-flink` in the Python the launch uses (launch attribute "python", else DURABLE_RUN_PYTHON, else python3).'
      : 'For your own agents, `npm i -D durable-run` gives the types and the headless CLI.';
  if (target.folder) {
    await vscode.window.showTextDocument(agent);
    void vscode.window.showInformationMessage(
      `Durable Run: sample agent created in ${name}/. Press F5 to debug it, then inject a crash from the debug toolbar. ${howTo}`,
    );
    return;
  }
  const open = await vscode.window.showInformationMessage(
    `Durable Run: sample agent created in ${dir.fsPath}. Open the folder to debug it?`,
    'Open Folder',
  );
  if (open) await vscode.commands.executeCommand('vscode.openFolder', target.root);
}
