// An esbuild plugin that gives each external module (`vscode`, Node's built-ins) one namespace
// object per bundle. Left to itself, esbuild wraps an external CommonJS module afresh in every
// file that imports it (`__toESM(require('vscode'))`), copying each of its names onto a new
// object: the extension's 18 files that import `vscode` made that a third of what activating it
// cost (bench/activation.ts). Here every import of an external goes through one bundled ES module
// that re-exports it, so the copy is made once.
const EXTERNAL = /^(vscode|node:[a-z_/]+)$/;
const NAMESPACE = 'shared-external';

/** @returns {import('esbuild').Plugin} */
export function sharedExternals() {
  return {
    name: 'shared-externals',
    setup(build) {
      build.onResolve({ filter: EXTERNAL }, (args) =>
        // The re-exporting module's own import is the real external.
        args.namespace === NAMESPACE
          ? { path: args.path, external: true }
          : // Free of side effects, so that a file which imports a module it does not use (a
            // helper's) loads nothing, as without this plugin: child_process costs 3 ms.
            { path: args.path, namespace: NAMESPACE, sideEffects: false },
      );
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const name = JSON.stringify(args.path);
        // `default` is the module itself, as esbuild's own wrapper makes it, without a second copy.
        const contents = `export * from ${name};\nexport default require(${name});\n`;
        return { contents, loader: 'js' };
      });
    },
  };
}
