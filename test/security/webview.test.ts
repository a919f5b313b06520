// Security: the timeline webview has a strict Content-Security-Policy with a nonce and loads
// nothing remote. Checked on timelineHtml's output (default-src 'none', scripts only with the
// nonce, no http(s) URL), on the real TimelinePanel loaded with a stand-in `vscode` module (a
// fresh nonce each time the page is built, resources only from media/), and on the page's assets.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { installVscodeStub, ROOT } from './support';

interface FakeUri {
  path: string;
  toString(): string;
}
const uri = (p: string): FakeUri => ({ path: p, toString: () => `file://${p}` });

/** Every panel the code created, with the options it asked for and the HTML it set. */
const panels: Array<{ options: Record<string, unknown>; html: string; dispose(): void }> = [];
const RESOURCE_ORIGIN = 'https://file+.vscode-resource.vscode-cdn.net';

installVscodeStub({
  ViewColumn: { Beside: -2 },
  Uri: { joinPath: (base: FakeUri, ...parts: string[]) => uri(path.join(base.path, ...parts)) },
  window: {
    createWebviewPanel: (_type: string, _title: string, _show: unknown, options: object) => {
      const onDispose: Array<() => void> = [];
      const panel = {
        options: options as Record<string, unknown>,
        html: '',
        iconPath: undefined as unknown,
        webview: {
          cspSource: RESOURCE_ORIGIN,
          asWebviewUri: (u: FakeUri) => ({ toString: () => `${RESOURCE_ORIGIN}${u.path}` }),
          set html(text: string) {
            panel.html = text;
          },
          onDidReceiveMessage: () => ({ dispose() {} }),
          postMessage: () => Promise.resolve(true),
        },
        onDidDispose: (listener: () => void) => onDispose.push(listener),
        reveal() {},
        dispose: () => onDispose.forEach((l) => l()),
      };
      panels.push(panel);
      return panel;
    },
  },
});
const load = createRequire(__filename);
const { contentSecurityPolicy, makeNonce, timelineHtml } = load(
  '../../src/extension/timelineHtml',
) as typeof import('../../src/extension/timelineHtml');
const { TimelinePanel } = load(
  '../../src/extension/timelinePanel',
) as typeof import('../../src/extension/timelinePanel');

function unescapeAttr(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The CSP of a page, from its meta tag, as directive → sources. */
function policyOf(html: string): Map<string, string[]> {
  const metas = [
    ...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi),
  ];
  assert.equal(metas.length, 1, 'the page has exactly one CSP meta tag');
  const out = new Map<string, string[]>();
  for (const part of unescapeAttr(metas[0][1]).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name, sources);
  }
  return out;
}

function nonceOf(html: string): string {
  const sources = policyOf(html).get('script-src') ?? [];
  assert.equal(sources.length, 1, `script-src is ${sources.join(' ')}`);
  const m = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(sources[0]);
  assert.ok(m, `script-src is ${sources[0]}, not a nonce`);
  return m[1];
}

/** Checks a whole page: the policy, every script tag, and what may not appear at all. */
function assertStrictPage(html: string, cspSource: string): void {
  const policy = policyOf(html);
  assert.deepEqual(policy.get('default-src'), ["'none'"]);
  const nonce = nonceOf(html);
  for (const [name, sources] of policy) {
    if (name === 'default-src' || name === 'script-src') continue;
    // Anything else only reopens local resources: no inline styles, no eval, no other origin.
    assert.deepEqual(sources, [cspSource], `${name} allows ${sources.join(' ')}`);
  }
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length > 0);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, new RegExp(`\\snonce="${nonce.replace(/[+/=]/g, '\\$&')}"`));
    assert.match(attrs, /\ssrc="/, 'a script is inline');
    assert.equal(body.trim(), '', 'a script tag has inline code');
  }
  assert.equal((html.match(/<script\b/gi) ?? []).length, scripts.length);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'an inline event handler');
  assert.doesNotMatch(html, /javascript:/i);
  assert.doesNotMatch(html, /<(iframe|object|embed|base|form)\b/i);
}

describe('the timeline page', () => {
  it('has default-src none, a nonce as its only script source, and nothing inline', async () => {
    const nonce = await makeNonce();
    const html = timelineHtml({
      cspSource: 'vscode-webview-resource:',
      nonce,
      scriptUri: 'vscode-webview-resource:/ext/media/timeline.js',
      styleUri: 'vscode-webview-resource:/ext/media/timeline.css',
    });
    assertStrictPage(html, 'vscode-webview-resource:');
    assert.equal(nonceOf(html), nonce);
    assert.doesNotMatch(html, /https?:/i, 'the page names an http(s) URL');
    assert.doesNotMatch(contentSecurityPolicy('vscode-webview-resource:', nonce), /unsafe|\*/);
  });

  it("names no http(s) URL but VS Code's local-resource origin, in the real panel", async () => {
    const panel = new TimelinePanel(
      {
        onDidChange: () => ({ dispose() {} }),
        setTimelineWanted() {},
        view: () => undefined,
      } as never,
      uri(path.join(ROOT, 'media')) as never,
      () => undefined,
    );
    await panel.show();
    const { html } = panels.at(-1)!;
    assertStrictPage(html, RESOURCE_ORIGIN);
    for (const [url] of html.matchAll(/https?:\/\/[^\s"'<>;]*/gi))
      assert.ok(url.startsWith(RESOURCE_ORIGIN), `the page names ${url}`);
    panel.dispose();
  });

  it('escapes what it puts in attributes, so a hostile resource URI cannot add a script', async () => {
    const html = timelineHtml({
      cspSource: 'vscode-webview-resource:',
      nonce: await makeNonce(),
      scriptUri: 'x"></script><script>alert(1)</script><script src="x',
      styleUri: 'y"><script>alert(2)</script>',
    });
    assert.equal((html.match(/<script\b/gi) ?? []).length, 1);
    assert.doesNotMatch(html, /alert\(\d\)<\/script>/);
  });
});

describe('the timeline panel', () => {
  it('builds each page with a fresh nonce, and lets it load files from media/ only', async () => {
    const tracker = {
      onDidChange: () => ({ dispose() {} }),
      setTimelineWanted() {},
      view: () => undefined,
    };
    const media = uri(path.join(ROOT, 'media'));
    const panel = new TimelinePanel(tracker as never, media as never, () => undefined);
    const before = panels.length;
    await panel.show();
    panels.at(-1)!.dispose(); // the user closes it
    await panel.show();
    const [first, second] = panels.slice(before);
    assert.ok(first && second, 'show() after a close builds a new page');
    assert.notEqual(nonceOf(first.html), nonceOf(second.html));
    for (const p of [first, second]) {
      assert.equal(p.options.enableScripts, true);
      assert.deepEqual(p.options.localResourceRoots, [media]);
      assert.notEqual(p.options.enableCommandUris, true);
      assert.equal(p.options.portMapping, undefined);
    }
    panel.dispose();
  });

  it('makes nonces that are not guessed: 128 bits or more, never twice the same', async () => {
    const nonces = await Promise.all(Array.from({ length: 500 }, () => makeNonce()));
    assert.equal(new Set(nonces).size, nonces.length);
    for (const n of nonces) {
      assert.match(n, /^[A-Za-z0-9+/]+={0,2}$/);
      assert.ok(Buffer.from(n, 'base64').length >= 16, `${n} is short`);
    }
  });
});

describe("the page's assets", () => {
  const script = fs.readFileSync(path.join(ROOT, 'media', 'timeline.js'), 'utf8');
  const style = fs.readFileSync(path.join(ROOT, 'media', 'timeline.css'), 'utf8');

  it('the script fetches nothing and builds the page with textContent, never as HTML or code', () => {
    assert.doesNotMatch(script, /https?:\/\//i);
    assert.doesNotMatch(script, /\b(fetch|XMLHttpRequest|WebSocket|EventSource|importScripts)\b/);
    assert.doesNotMatch(script, /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b/);
    assert.doesNotMatch(script, /\beval\s*\(|new\s+Function\b/);
  });

  it('the style sheet imports nothing and points at no remote URL', () => {
    assert.doesNotMatch(style, /@import/i);
    assert.doesNotMatch(style, /https?:\/\//i);
  });
});
