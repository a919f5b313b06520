// The timeline webview's HTML shell: a strict Content-Security-Policy (nothing inline, no remote
// resources, the one script allowed by a fresh nonce) and the assets from media/. The data
// arrives by postMessage, so the page is built once and redrawn in place.

/**
 * A fresh nonce per page load: an attacker cannot guess it to inject an allowed script.
 * node:crypto is loaded here, not at activation, where it would be a third of the start-up time.
 */
export async function makeNonce(): Promise<string> {
  const { randomBytes } = await import('node:crypto');
  return randomBytes(18).toString('base64');
}

export interface TimelineHtmlOptions {
  /** The webview's `cspSource` (the origin of local resources). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

function attr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function timelineHtml(o: TimelineHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>Durable Run Timeline</title>
</head>
<body>
<header>
  <h1>Durable Run Timeline</h1>
  <ul class="legend" aria-label="Legend">
    <li><span class="swatch status-SUCCEEDED"></span>succeeded</li>
    <li><span class="swatch status-FAILED"></span>failed</li>
    <li><span class="swatch status-PENDING"></span>pending</li>
    <li><span class="swatch crash"></span>crash</li>
    <li><span class="path-badge path-execute">E</span>executed</li>
    <li><span class="path-badge path-replay">R</span>replayed</li>
    <li><span class="path-badge path-reconcile">C</span>reconciled</li>
    <li><span class="path-badge path-clear-and-execute">X</span>cleared</li>
  </ul>
  <p id="note" class="note" hidden></p>
</header>
<main id="timeline" aria-live="polite"><p class="empty">Waiting for the first attempt…</p></main>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
