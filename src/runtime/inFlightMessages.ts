// The words of the warnings about calls an action left behind (not awaited, still in flight):
// where the call was made, and what became of it.
import type { SourceLocation } from './boundaries';

/** Where a call was made, for messages: ` at file:line:column`, or nothing when unknown. */
export function siteOf(call: {
  callSite?: SourceLocation;
  traceSite?: () => SourceLocation | undefined;
}): string {
  const site = call.callSite ?? call.traceSite?.();
  return site ? ` at ${site.file}:${site.line}:${site.column}` : '';
}

/** What became of a call that settled after its action returned. */
export function describeOutcome(outcome: { failed: boolean; value: unknown } | undefined): string {
  if (!outcome?.failed) return 'its outcome (SUCCEEDED) was persisted';
  const value = outcome.value;
  const e = value as { name?: unknown; message?: unknown } | null;
  const what =
    typeof e === 'object' && e !== null && typeof e.message === 'string'
      ? `${String(e.name)}: ${e.message}`
      : String(value);
  return `it failed (${what}), and that failure was persisted`;
}
