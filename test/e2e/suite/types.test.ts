// Extension-host suite: `durable-run` type-checks in any folder with nothing installed, through
// the extension's TypeScript server plugin, offline (the run turns automatic type acquisition
// off): the sample opens with no problems, and so does an agent written from scratch. Each check
// first makes TypeScript report one problem on purpose, so "no other problem" is an answer it gave.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, sample, tempDir } from './support';

/** Written from scratch, with interfaces, a throw caught and retried, and a reconciler. */
const MAILER = `import { defineAgent } from 'durable-run';

interface Email {
  to: string;
  subject: string;
  body: string;
}

let renderCalls = 0;
async function renderTemplate(email: Email): Promise<string> {
  renderCalls++;
  if (renderCalls === 1) throw new Error('template service unavailable');
  return \`<h1>\${email.subject}</h1><p>\${email.body}</p>\`;
}

async function sendEmail(to: string, html: string): Promise<{ messageId: string }> {
  return { messageId: \`\${to}:\${html.length}\` };
}

export default defineAgent({
  name: 'mailer',
  actions: [
    {
      name: 'welcome',
      on: ['InputEvent'],
      async run(event, ctx) {
        const email = event.attributes.input as Email;
        let html: string;
        try {
          html = await ctx.durableExecute(renderTemplate, [email]);
        } catch {
          html = await ctx.durableExecute(renderTemplate, [email]);
        }
        const sent = await ctx.durableExecute(sendEmail, [email.to, html], {
          reconciler: async () => ({ messageId: 'unknown (reconciled)' }),
        });
        ctx.sendEvent({ type: 'OutputEvent', attributes: { output: sent } });
      },
    },
  ],
});
`;

/** A problem TypeScript reports on purpose: a type error in TypeScript, a syntax error in JavaScript. */
const PROBES = {
  ts: {
    text: "\nconst durableRunProbe: number = 'not a number';\n",
    says: /not assignable to type 'number'/,
  },
  js: { text: '\nconst = 1;\n', says: /Variable declaration expected/ },
};

function problems(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning)
    .map((d) => `${d.range.start.line + 1}: ${d.message}`);
}

/**
 * The problems TypeScript reports for `file` besides a deliberate one added at its end: polled
 * until the deliberate one shows, so they are its answer. The file is a copy, in a folder of its
 * own with nothing installed (the sample's files are never edited: other tests run them).
 */
async function problemsBesideProbe(file: string): Promise<string[]> {
  const probe = file.endsWith('.js') ? PROBES.js : PROBES.ts;
  const uri = vscode.Uri.file(file);
  fs.appendFileSync(file, probe.text);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  try {
    // The first check waits for the TypeScript server to start in this window.
    const all = await eventually(
      () => {
        const found = problems(uri);
        return found.some((p) => probe.says.test(p)) ? found : undefined;
      },
      `TypeScript reports the deliberate problem in ${path.basename(file)}`,
      90_000,
    );
    return all.filter((p) => !probe.says.test(p));
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  }
}

/** The sample's files, copied as they are into a folder of their own. */
function sampleCopy(): { agent: string; ledger: string } {
  const dir = tempDir('durable-e2e-sample-');
  const agent = path.join(dir, 'agent.ts');
  const ledger = path.join(dir, 'ledger.js');
  fs.copyFileSync(sample().agent, agent);
  fs.copyFileSync(sample().ledgerJs, ledger);
  return { agent, ledger };
}

describe('Types of durable-run, in any folder', () => {
  it('opens the sample with no problems: agent.ts and its plain JavaScript ledger', async () => {
    const copy = sampleCopy();
    assert.deepEqual(await problemsBesideProbe(copy.agent), []);
    assert.deepEqual(await problemsBesideProbe(copy.ledger), []);
  });

  it('type-checks an agent written from scratch in a folder where nothing is installed', async () => {
    const dir = tempDir('durable-e2e-mailer-');
    const agent = path.join(dir, 'agent.ts');
    fs.writeFileSync(agent, MAILER);
    assert.deepEqual(await problemsBesideProbe(agent), []);
  });

  it('shows the declarations the extension gives on hover: defineAgent and durableExecute', async () => {
    const dir = tempDir('durable-e2e-mailer-');
    const agent = path.join(dir, 'agent.ts');
    fs.writeFileSync(agent, MAILER);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(agent));
    const at = (needle: string) => document.positionAt(document.getText().indexOf(needle) + 2);
    const hover = async (needle: string) => {
      const hovers = (await vscode.commands.executeCommand(
        'vscode.executeHoverProvider',
        document.uri,
        at(needle),
      )) as vscode.Hover[];
      return hovers
        .flatMap((h) => h.contents)
        .map((c) => (typeof c === 'string' ? c : c.value))
        .join('\n');
    };
    const define = await eventually(
      async () =>
        (await hover('defineAgent(')).includes('AgentDefinition')
          ? hover('defineAgent(')
          : undefined,
      'the hover of defineAgent',
      90_000,
    );
    assert.match(define, /defineAgent\(definition: AgentDefinition\): Agent/);
    assert.match(
      await hover('durableExecute(sendEmail'),
      /ActionContext\.durableExecute[\s\S]*Runs `fn\(\.\.\.args\)` as a durable call/,
    );
  });
});
