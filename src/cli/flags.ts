// The command line's flags, split from its positional arguments, and the error for bad usage.

export class UsageError extends Error {
  override name = 'UsageError';
}

export type Flags = Record<string, string | true | [string, string]>;

/**
 * Splits arguments into positional ones and flags; `--flag=value` works as `--flag value`. A flag
 * in `takesTwo` takes the next two arguments (`--attempts A B`).
 */
export function splitFlags(
  args: string[],
  takesValue: Set<string>,
  bare: Set<string>,
  takesTwo = new Set<string>(),
): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    if (!takesValue.has(flag) && !bare.has(flag) && !takesTwo.has(flag))
      throw new UsageError(`unknown option ${flag}`);
    if (flag in flags) throw new UsageError(`${flag} is given twice`);
    if (takesTwo.has(flag)) {
      const [a, b] = [rest(inline, args, ++i), args[++i]];
      if (a === undefined || b === undefined || b.startsWith('--'))
        throw new UsageError(`${flag} needs two values`);
      flags[flag] = [a, b];
    } else if (takesValue.has(flag)) {
      const value = inline ?? args[++i];
      // A message may start with dashes only when given as --flag=value.
      if (value === undefined || (inline === undefined && value.startsWith('--')))
        throw new UsageError(`${flag} needs a value`);
      flags[flag] = value;
    } else flags[flag] = true;
  }
  return { positional, flags };
}

function rest(inline: string | undefined, args: string[], i: number): string | undefined {
  if (inline !== undefined) return inline;
  const value = args[i];
  return value === undefined || value.startsWith('--') ? undefined : value;
}
