// Creates a folder and its missing parents one level at a time. Node's own recursive mkdir is
// not used: on some file systems (procfs, where creating /proc/1/x says ENOENT although /proc/1
// exists) it retries for ever, and a launch or a CLI run would hang at 100 % CPU.
import * as fs from 'node:fs';
import * as path from 'node:path';

function failure(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** Makes `dir` (and its parents); throws an error with a `code` and a reason a user can act on. */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    if (stat) {
      if (!stat.isDirectory())
        throw failure(`${at} is a file, not a folder`, missing.length > 0 ? 'ENOTDIR' : 'EEXIST');
      break;
    }
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST' && fs.statSync(folder).isDirectory()) continue;
      // The parent exists (made or found just before), yet the folder cannot be made in it.
      if (code === 'ENOENT')
        throw failure(
          `the file system does not let a folder be made in ${path.dirname(folder)}`,
          code,
        );
      throw error;
    }
  }
}
