// The read-only journal viewer's page: a journal's (or an exported file's) action states with
// their slots, and its timeline of attempts with each call's path and the edits made after each.
// Static HTML, escaped, under a Content-Security-Policy that allows no script at all: nothing in
// the file can run in the page. Pure, so it is unit-tested without VS Code.
import type { JournalFileView } from '../runtime/journalFile';

function esc(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function cut(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function payload(slot: JournalFileView['states'][number]['slots'][number]): string {
  if (slot.error) return `${slot.error.name}: ${slot.error.message}`;
  if (slot.status !== 'SUCCEEDED') return '';
  const python = (slot.result as { $python?: { type?: string; pickle?: string; repr?: string } })
    ?.$python;
  // A Python value is shown by type and size: only the Python agent host unpickles.
  if (python && typeof python.pickle === 'string')
    return `${python.repr ?? python.type} (Python ${python.type}, ${Buffer.byteLength(python.pickle, 'base64')} bytes pickled)`;
  return JSON.stringify(slot.result) ?? 'undefined';
}

function statesSection(view: JournalFileView): string {
  if (view.states.length === 0) return '<p>No action states.</p>';
  const rows = view.states.flatMap((s) => {
    const head = `<tr class="state"><th colspan="4">${esc(s.id)} — ${s.completed ? 'completed' : 'not completed'}${s.imported ? ` — imported from ${esc(s.imported.from)} (${esc(s.imported.key)})` : ''}</th></tr>`;
    const slots = s.slots.map(
      (slot) =>
        `<tr><td>#${slot.index}</td><td>${esc(slot.functionId)}</td><td class="${esc(slot.status)}">${esc(slot.status)}</td><td>${esc(cut(payload(slot)))}</td></tr>`,
    );
    const kept = s.imported?.kept
      ? [
          `<tr><td></td><td colspan="3">kept: ${esc(cut(JSON.stringify(s.imported.kept), 400))}</td></tr>`,
        ]
      : [];
    return [head, ...slots, ...kept];
  });
  return `<table><thead><tr><th>#</th><th>function</th><th>status</th><th>result / error</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function editItem(e: JournalFileView['editsBefore'][number]): string {
  return `<li class="edit">edited ${esc(e.id)}${e.index === undefined ? '' : ` #${e.index}`} (${esc(e.kind)}): ${esc(e.change)} <small>${esc(e.at)}</small></li>`;
}

function timelineSection(view: JournalFileView): string {
  const before = view.editsBefore.length
    ? `<h3>Before any attempt</h3><ul>${view.editsBefore.map(editItem).join('')}</ul>`
    : '';
  if (view.attempts.length === 0) return `${before}<p>No attempts yet.</p>`;
  return (
    before +
    view.attempts
      .map((a) => {
        const calls = a.calls.map((c) => {
          const span =
            c.count === undefined ? `#${c.index}` : `#${c.index}–${c.index + c.count - 1}`;
          return `<li><span class="path ${esc(c.path)}">${esc(c.path)}</span> ${esc(c.id)} ${span} ${esc(c.functionId)} → ${esc(c.status)}</li>`;
        });
        const crash = a.crash
          ? [
              `<li class="crash">crash at ${esc(a.crash.point)}${a.crash.id ? ` in ${esc(a.crash.id)}` : ''}</li>`,
            ]
          : [];
        const edits = (a.edits ?? []).map(editItem);
        return `<h3>Attempt ${a.attempt} (${esc(a.kind)}) — ${esc(a.outcome)}</h3><ul>${[...calls, ...crash, ...edits].join('')}</ul>`;
      })
      .join('')
  );
}

/** The page; `nonce` lets its one style element in (the policy allows no script, no other style). */
export function journalViewerHtml(view: JournalFileView, nonce: string): string {
  const about = view.exported
    ? `<p>Exported ${esc(view.exported.exported)}; ${view.exported.inputs?.length ?? 0} recorded inputs${view.exported.agentFile ? `; agent file ${esc(view.exported.agentFile.name)} (sha256 ${esc(view.exported.agentFile.sha256)})` : ''}.</p>`
    : '';
  const warnings = view.warnings.map((w) => `<p class="warning">${esc(w)}</p>`).join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${esc(nonce)}'">
<title>${esc(view.agent)}</title>
<style nonce="${esc(nonce)}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground)}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left}tr.state th{padding-top:8px}.FAILED,.crash{color:var(--vscode-errorForeground)}.edit{font-style:italic}.warning{color:var(--vscode-editorWarning-foreground)}</style>
</head><body>
<h1>${esc(view.agent)} <small>(${view.kind === 'export' ? 'exported state' : 'journal'}, read-only: nothing runs here)</small></h1>
${about}${warnings}
<h2>Action states</h2>${statesSection(view)}
<h2>Timeline</h2>${timelineSection(view)}
</body></html>`;
}
