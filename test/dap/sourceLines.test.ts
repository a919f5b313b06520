// Lines are the user's own, always: an agent written with interfaces (so compiled and source
// lines differ) whose first call throws and is retried, stepped into from the first call to the
// end while its worker collects garbage between calls, as a long VS Code session makes it do.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  endSession,
  FIXTURES,
  launch,
  lineOf,
  nextStop,
  startSession,
  step,
  tempDir,
  type Session,
} from './support';

const MAILER = path.join(FIXTURES, 'mailer.ts');
const ANONYMOUS = path.join(FIXTURES, 'anonymous.ts');
const CAROL = [{ key: 'carol', input: { to: 'carol@example.com', subject: 'Hi', body: 'Hello' } }];

describe("the user's own lines and frames", () => {
  let s: Session;
  beforeEach(async () => {
    s = await startSession();
  });
  afterEach(async () => {
    await endSession(s);
  });

  it('keeps every frame on the line of its call, from the first call to the last, when garbage is collected between calls', async () => {
    const first = lineOf(MAILER, 'html = await ctx.durableExecute(renderTemplate');
    const retry = first + 2;
    const send = lineOf(MAILER, 'ctx.durableExecute(sendEmail');
    const stopped = nextStop(s);
    await launch(s, { program: MAILER, inputs: CAROL }, { lines: [{ file: MAILER, line: first }] });
    let { top } = await stopped;
    const seen: string[] = [];
    while (/ #\d+ · /.test(top.name)) {
      seen.push(`${top.name} ${top.line}`);
      ({ top } = await step(s, 'stepIn'));
    }
    const lineOfCall = (name: string) =>
      name.startsWith('renderTemplate #0')
        ? first
        : name.startsWith('renderTemplate #1')
          ? retry
          : send;
    assert.deepEqual(
      seen,
      seen.map((frame) => `${frame.replace(/ \d+$/, '')} ${lineOfCall(frame)}`),
    );
    assert.ok(
      seen.some((f) => f.startsWith('sendEmail #2 · outcome persisted')),
      seen.join('\n'),
    );
  });

  it('persists the thrown error with a stack on the line that threw', async () => {
    const stateDir = tempDir();
    const exited = s.dc.waitForEvent('exited');
    await launch(s, { program: MAILER, inputs: CAROL, stateDir });
    await exited;
    const failed = fs
      .readFileSync(path.join(stateDir, 'journal.jsonl'), 'utf8')
      .split('\n')
      .find((line) => line.includes('"FAILED"'));
    assert.ok(failed, 'no FAILED slot in the journal');
    const threw = lineOf(MAILER, "throw new Error('template service unavailable')");
    assert.match(failed, new RegExp(`mailer\\.ts:${threw}:`));
    // The user's frames only: none of the worker's bundle, none of Node's internals.
    assert.doesNotMatch(failed, /worker\.js|node:internal/);
  });

  it('stops an action that throws where it threw, titled with the error class, with the agent frames only', async () => {
    const stopped = nextStop(s);
    await launch(
      s,
      { program: ANONYMOUS, inputs: [{ key: 'k', input: { id: 'j1' } }] },
      { exceptions: ['agentError'] },
    );
    const { event, top } = await stopped;
    assert.equal(event.body.reason, 'exception');
    assert.equal(top.name, 'work · threw');
    assert.equal(top.line, lineOf(ANONYMOUS, 'await ctx.durableExecute(async'));
    const info = await s.dc.exceptionInfoRequest({ threadId: event.body.threadId! });
    assert.equal(info.body.exceptionId, 'TypeError');
    assert.match(info.body.description ?? '', /the function is anonymous/);
    const stack = info.body.details?.stackTrace ?? '';
    assert.match(stack, /anonymous\.ts:\d+:\d+/);
    assert.doesNotMatch(stack, /worker\.js|node:internal/);
  });
});
