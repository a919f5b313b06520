// Runs inside the TypeScript server (tsserver), which loads it because the extension contributes
// it (contributes.typescriptServerPlugins): an import of 'durable-run' that nothing resolves (no
// npm package installed) resolves to the declarations shipped beside this plugin, in any folder
// and without copying a file there. Where the `durable-run` package is installed, its own types
// win: only a failed resolution is filled in. Knows nothing of VS Code or of the runtime.
import * as path from 'node:path';
import type * as ts from 'typescript/lib/tsserverlibrary';

export const MODULE_NAME = 'durable-run';

type Literals = NonNullable<ts.LanguageServiceHost['resolveModuleNameLiterals']>;
type Names = NonNullable<ts.LanguageServiceHost['resolveModuleNames']>;

/** Wraps the host's module resolution (both hooks: TypeScript 5 and 4) to fill in `durable-run`. */
export function fillInDurableRun(
  host: ts.LanguageServiceHost,
  declarations: string,
  dts: ts.Extension,
): void {
  const resolved: ts.ResolvedModuleFull = {
    resolvedFileName: declarations,
    extension: dts,
    isExternalLibraryImport: true,
  };
  const literals = host.resolveModuleNameLiterals?.bind(host);
  if (literals) {
    host.resolveModuleNameLiterals = ((names, ...rest) =>
      literals(names, ...rest).map((r, i) =>
        r.resolvedModule || names[i].text !== MODULE_NAME ? r : { ...r, resolvedModule: resolved },
      )) as Literals;
  }
  const byName = host.resolveModuleNames?.bind(host);
  if (byName) {
    host.resolveModuleNames = ((names, ...rest) =>
      byName(names, ...rest).map((r, i) =>
        r || names[i] !== MODULE_NAME ? r : resolved,
      )) as Names;
  }
}

/** The plugin module tsserver requires: a factory that gets the server's own TypeScript. */
export function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const declarations = path.join(__dirname, 'durable-run.d.ts');
  return {
    create(info) {
      fillInDurableRun(info.languageServiceHost, declarations, modules.typescript.Extension.Dts);
      info.project.projectService.logger.info(
        `durable-run plugin: '${MODULE_NAME}' resolves to ${declarations} where nothing else does`,
      );
      return info.languageService;
    },
  };
}
