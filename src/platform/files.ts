// Opening a state file without following a symbolic link that stands in its place. Linux and
// macOS refuse a link in the open itself (O_NOFOLLOW), leaving no window between a check and the
// open. Windows has no such flag: there the file is opened, then compared with what its path
// names without following links; a link, or a file swapped in meanwhile, is refused the same way
// (ELOOP, as O_NOFOLLOW says it).
import * as fs from 'node:fs';

type Fs = Pick<typeof fs, 'openSync' | 'closeSync' | 'fstatSync' | 'lstatSync'>;

/** `fs.openSync(file, flags)`, refusing a symbolic link at `file`; returns the descriptor. */
export function openNoFollow(
  file: string,
  flags: number,
  constants: { O_NOFOLLOW?: number } = fs.constants,
  files: Fs = fs,
): number {
  if (constants.O_NOFOLLOW !== undefined) return files.openSync(file, flags | constants.O_NOFOLLOW);
  const fd = files.openSync(file, flags);
  try {
    const named = files.lstatSync(file, { bigint: true });
    const opened = files.fstatSync(fd, { bigint: true });
    if (named.isSymbolicLink() || named.ino !== opened.ino || named.dev !== opened.dev) {
      throw Object.assign(new Error(`ELOOP: a symbolic link stands at ${file}`), {
        code: 'ELOOP',
        path: file,
      });
    }
  } catch (error) {
    files.closeSync(fd);
    throw error;
  }
  return fd;
}
