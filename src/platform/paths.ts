// Whether two paths name the same file, as the agent's file system sees it. On Windows a path
// names the same file whatever its separators and the case of its letters (the drive letter too:
// VS Code sends `c:\`, Node's stack traces say `C:\`); macOS's default file system ignores case
// too. Breakpoint files, call sites and state folders are compared with this, never with `===`.
import * as path from 'node:path';

/** Paths that differ only in letter case name one file on this platform's usual file system. */
export function ignoresCase(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}

/** A key that is equal for two paths exactly when they name the same file on `platform`. */
export function pathKey(file: string, platform: NodeJS.Platform = process.platform): string {
  const windows = platform === 'win32';
  let key = (windows ? path.win32 : path.posix).normalize(file);
  if (windows) key = key.replace(/\\/g, '/');
  // A trailing separator names the same folder, except on a root (`/`, `C:/`).
  if (key.length > 1 && key.endsWith('/') && !/^[a-zA-Z]:\/$/.test(key)) key = key.slice(0, -1);
  return ignoresCase(platform) ? key.toLowerCase() : key;
}

export function samePath(a: string, b: string, platform: NodeJS.Platform = process.platform) {
  return pathKey(a, platform) === pathKey(b, platform);
}
