// The debug adapter's bundle, loaded by the extension when first needed: the inline session, and
// the journal readers of the views. It is a bundle of its own (dist/debugAdapter.js, also the
// standalone adapter), not part of dist/extension.js, so that activation neither parses nor runs
// it: most sessions of VS Code never debug an agent (bench/activation.ts measures it).
import * as path from 'node:path';

export type AdapterBundle = typeof import('../adapter/debugAdapter');

let loaded: AdapterBundle | undefined;

export function adapterBundle(): AdapterBundle {
  // Beside dist/extension.js in the VSIX; the module itself when the extension runs from its
  // sources (the unit tests).
  const file = __filename.endsWith('.ts')
    ? path.join(__dirname, '..', 'adapter', 'debugAdapter.ts')
    : path.join(__dirname, 'debugAdapter.js');
  // A require of a computed path: esbuild leaves it to run time instead of bundling the adapter.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require(file) as AdapterBundle);
}
