// The one output format of every benchmark: a JSON line { name, value, unit, baseline, ratio }.
import { performance } from 'node:perf_hooks';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The same measure of the thing compared against, taken in the same run. */
  baseline: number;
  /** value / baseline (null when the baseline is 0). */
  ratio: number | null;
}

const round = (n: number) => (Number.isFinite(n) ? Number(n.toPrecision(4)) : n);

/** Prints one figure as a JSON line and returns it. */
export function report(name: string, value: number, unit: string, baseline: number): BenchFigure {
  const figure: BenchFigure = {
    name,
    value: round(value),
    unit,
    baseline: round(baseline),
    ratio: baseline === 0 ? null : round(value / baseline),
  };
  process.stdout.write(JSON.stringify(figure) + '\n');
  return figure;
}

/** Milliseconds that `body` takes, once. */
export async function timeMs(body: () => unknown): Promise<number> {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The median of `repeats` timings of `body` (ms), after `warmup` untimed runs. */
export async function medianMs(body: () => unknown, repeats = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await body();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await timeMs(body));
  return median(times);
}
