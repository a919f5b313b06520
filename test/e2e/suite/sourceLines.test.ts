// Extension-host suite: Step Into in VS Code keeps every frame on the user's own line, after a
// durable call threw and was retried, and after the worker collected garbage. V8 collects when a
// process goes idle (a user reading the screen at a stop); the agent here collects between its
// calls, so the test does not have to sit idle. The agent is written with interfaces, so its
// compiled lines differ from its source lines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  addBreakpoint,
  debugHooks,
  isolated,
  launch,
  nextStop,
  press,
  tempDir,
  terminated,
} from './support';

const MAILER = `import { defineAgent } from 'durable-run';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

interface Email {
  to: string;
  subject: string;
  body: string;
}

interface Sent {
  messageId: string;
}

let renderCalls = 0;

async function collectGarbage(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

async function renderTemplate(email: Email): Promise<string> {
  renderCalls++;
  await collectGarbage();
  if (renderCalls === 1) throw new Error('template service unavailable');
  return \`<h1>\${email.subject}</h1><p>\${email.body}</p>\`;
}

async function sendEmail(to: string, html: string): Promise<Sent> {
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

const lineOf = (needle: string, from = 0) =>
  MAILER.split('\n').findIndex((l, i) => i >= from && l.includes(needle)) + 1;

describe("The user's own lines in VS Code", () => {
  debugHooks();

  it('steps into a call that throws, its retry and the next call, each frame on its own line, after garbage collection', async () => {
    const agent = path.join(tempDir('durable-e2e-mailer-'), 'agent.ts');
    fs.writeFileSync(agent, MAILER);
    const first = lineOf('html = await ctx.durableExecute(renderTemplate');
    const retry = lineOf('html = await ctx.durableExecute(renderTemplate', first);
    const send = lineOf('ctx.durableExecute(sendEmail');
    const iso = isolated();
    addBreakpoint(agent, first);
    const s = await launch({
      program: agent,
      inputs: [{ key: 'carol', input: { to: 'carol@example.com', subject: 'Hi', body: 'Hello' } }],
      stateDir: iso.stateDir,
    });
    let stop = await nextStop(s);
    const frames = [`${stop.top.name} ${stop.top.line}`];
    for (let i = 0; i < 8; i++) {
      stop = await press(s, 'stepInto', stop);
      frames.push(`${stop.top.name} ${stop.top.line}`);
    }
    assert.deepEqual(frames, [
      `renderTemplate #0 · plan decided (execute) ${first}`,
      `renderTemplate #0 · function threw (execute) ${first}`,
      `renderTemplate #0 · outcome persisted (execute) ${first}`,
      `renderTemplate #1 · plan decided (execute) ${retry}`,
      `renderTemplate #1 · function returned (execute) ${retry}`,
      `renderTemplate #1 · outcome persisted (execute) ${retry}`,
      `sendEmail #2 · plan decided (execute) ${send}`,
      `sendEmail #2 · PENDING persisted (execute) ${send}`,
      `sendEmail #2 · function returned (execute) ${send}`,
    ]);
    await s.session.customRequest('continue', { threadId: stop.threadId });
    await terminated(s.session);
    // The persisted error: on the line that threw, with the agent's frames only.
    const failed = fs
      .readFileSync(path.join(iso.stateDir, 'journal.jsonl'), 'utf8')
      .split('\n')
      .find((l) => l.includes('"FAILED"'));
    assert.match(failed ?? '', new RegExp(`agent\\.ts:${lineOf("throw new Error('template")}:`));
    assert.doesNotMatch(failed ?? '', /worker\.js|node:internal/);
  });
});
