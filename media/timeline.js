// @ts-check
// The timeline webview's script: draws the model the extension posts (attempts side by side,
// one cell per durable call) and asks the extension to reveal a call site when a cell is
// clicked. Every text goes through textContent: payload and function names come from user code.
(function () {
  const vscode = acquireVsCodeApi();
  const root = /** @type {HTMLElement} */ (document.getElementById('timeline'));
  const note = /** @type {HTMLElement} */ (document.getElementById('note'));
  const PATH_LETTER = { execute: 'E', replay: 'R', reconcile: 'C', 'clear-and-execute': 'X' };
  // Rows drawn per action execution at first and per "show more": long runs of alike calls are
  // already folded into one row by the model, so only actions whose calls keep changing get here.
  const ROWS_PER_PAGE = 200;
  // Rows drawn per action execution (by state id), kept when the model is drawn again: a refresh
  // must not fold away what the user asked to see.
  const rowsShown = new Map();
  // Action executions drawn at first and per "show more" (10k actions are 10k groups), likewise
  // kept across refreshes.
  const GROUPS_PER_PAGE = 100;
  let groupsShown = GROUPS_PER_PAGE;

  /** @param {string} tag @param {string} [className] @param {string} [text] */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function cellNode(cell) {
    if (!cell) {
      const empty = el('div', 'cell empty');
      empty.title = 'not reached in this attempt';
      return empty;
    }
    const classes = ['cell'];
    if (cell.status) classes.push('status-' + cell.status);
    if (cell.path) classes.push('path-' + cell.path);
    if (cell.crash) classes.push('crashed');
    const node = /** @type {HTMLButtonElement} */ (el('button', classes.join(' ')));
    node.type = 'button';
    node.title = cell.title + '\n(click to reveal the call site)';
    if (cell.path)
      node.append(el('span', 'path-badge path-' + cell.path, PATH_LETTER[cell.path] || '?'));
    node.append(el('span', 'cell-text', cell.text));
    if (cell.crash) node.append(el('span', 'crash-mark', '⚡ ' + cell.crash));
    node.addEventListener('click', () =>
      vscode.postMessage({ type: 'reveal', target: cell.target }),
    );
    return node;
  }

  function render(model) {
    note.hidden = !model.note;
    note.textContent = model.note || '';
    root.replaceChildren();
    if (!model.columns.length) {
      root.append(el('p', 'empty', 'No attempts yet: start debugging an agent.'));
      return;
    }
    const grid = el('div', 'grid');
    grid.setAttribute('role', 'table');
    // CSSOM, not a style attribute: the CSP forbids inline styles.
    grid.style.setProperty('--attempts', String(model.columns.length));
    grid.append(el('div', 'corner', 'Action execution / call'));
    for (const col of model.columns) {
      const head = el('div', 'column-head outcome-' + col.outcome);
      head.append(el('div', 'column-title', col.title), el('div', 'column-subtitle', col.subtitle));
      // Hand edits made after the attempt (state surgery): what the next attempt starts from.
      for (const edit of col.edits || []) head.append(el('div', 'column-edit', '✎ ' + edit));
      grid.append(head);
    }
    appendGroups(grid, null, model.groups.slice(0, groupsShown));
    if (model.groups.length > groupsShown) grid.append(moreGroupsButton(grid, model.groups));
    root.append(grid);
  }

  /** @param {HTMLElement} grid @param {Node | null} before @param {any[]} groups */
  function appendGroups(grid, before, groups) {
    for (const group of groups) {
      grid.insertBefore(el('div', 'group-label', group.label), before);
      for (const mark of group.marks) {
        const text = mark && (mark.kind === 'crash' ? '⚡ ' : '') + mark.text;
        grid.insertBefore(
          mark ? el('div', 'group-mark mark-' + mark.kind, text) : el('div', 'group-mark'),
          before,
        );
      }
      const shown = Math.max(ROWS_PER_PAGE, rowsShown.get(group.stateId) || 0);
      appendRows(grid, before, group.rows.slice(0, shown));
      if (group.rows.length > shown) grid.insertBefore(moreRowsButton(grid, group, shown), before);
    }
  }

  /** The button under the last action execution drawn, for the next ones. */
  function moreGroupsButton(grid, groups) {
    return moreButton(
      'more-groups',
      GROUPS_PER_PAGE,
      'action executions',
      () => groups.length - groupsShown,
      (button) => {
        appendGroups(grid, button, groups.slice(groupsShown, groupsShown + GROUPS_PER_PAGE));
        groupsShown += GROUPS_PER_PAGE;
        return groupsShown >= groups.length;
      },
    );
  }

  /** @param {HTMLElement} grid @param {Node | null} before @param {any[]} rows */
  function appendRows(grid, before, rows) {
    for (const row of rows) {
      const folded = row.last !== undefined;
      grid.insertBefore(el('div', folded ? 'row-label folded' : 'row-label', row.label), before);
      for (const cell of row.cells) grid.insertBefore(cellNode(cell), before);
    }
  }

  /** The button under an action execution's last row drawn, for its next rows. */
  function moreRowsButton(grid, group, drawn) {
    let shown = drawn;
    return moreButton(
      'more-rows',
      ROWS_PER_PAGE,
      'rows',
      () => group.rows.length - shown,
      (button) => {
        appendRows(grid, button, group.rows.slice(shown, shown + ROWS_PER_PAGE));
        shown += ROWS_PER_PAGE;
        rowsShown.set(group.stateId, shown);
        return shown >= group.rows.length;
      },
    );
  }

  /**
   * A button that draws the next page above itself; `drawNext` returns true when all are drawn,
   * and the button goes.
   * @param {string} className @param {number} perPage @param {string} what
   * @param {() => number} hidden @param {(button: HTMLElement) => boolean} drawNext
   */
  function moreButton(className, perPage, what, hidden, drawNext) {
    const button = /** @type {HTMLButtonElement} */ (el('button', className));
    button.type = 'button';
    const label = () => {
      const n = hidden();
      button.textContent = `Show ${Math.min(n, perPage)} more ${what} (${n} not shown)`;
    };
    label();
    button.addEventListener('click', () => {
      if (drawNext(button)) button.remove();
      else label();
    });
    return button;
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'model') {
      vscode.setState(message.model);
      render(message.model);
    }
  });
  // A hidden panel is rebuilt when shown again: draw the last model at once, then ask for news.
  const saved = vscode.getState();
  if (saved) render(saved);
  vscode.postMessage({ type: 'ready' });
})();
