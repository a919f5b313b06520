// What suites attach to a failing test's report: DAP traffic, the screen's state, anything that explains it.

/** Returns text worth printing under a failed test, or nothing. */
export type FailureContextProvider = (fullTitle: string) => string | undefined;

const providers = new Set<FailureContextProvider>();

/** Registers a provider for every later failure; the returned function unregisters it. */
export function onTestFailure(provider: FailureContextProvider): () => void {
  providers.add(provider);
  return () => providers.delete(provider);
}

/** Everything the providers say about a failed test; a provider that throws says why instead. */
export function failureContext(fullTitle: string): string | undefined {
  const parts: string[] = [];
  for (const provider of providers) {
    try {
      const text = provider(fullTitle);
      if (text) parts.push(text);
    } catch (err) {
      parts.push(`(failure context unavailable: ${(err as Error).message})`);
    }
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}
