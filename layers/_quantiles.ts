/**
 * Keras's approximate quantiles for Discretization.adapt: a summary is a
 * list of values with weights (how many data points each stands for); a
 * batch is summarized by taking every `n·epsilon`-th of its sorted values,
 * summaries are merged by sorting their union, and compressed by linear
 * interpolation of the values at evenly spaced fractions of the cumulative
 * weight (NumPy's `interp`), `1/epsilon` of them. The bin boundaries are
 * the compression to `numBins` entries, all but the last. The steps and
 * their float32 rounding follow Keras, so the same data gives the same
 * boundaries.
 *
 * @module
 */

/** Values (sorted) and their weights. */
export interface Summary {
  /** The values, sorted. */
  values: Float64Array;
  /** How many data points each value stands for. */
  weights: Float64Array;
}

/** An empty summary. @returns A summary of no values. */
export function emptySummary(): Summary {
  return { values: new Float64Array(0), weights: new Float64Array(0) };
}

/**
 * Summarizes one batch: every `step`-th sorted value, `step = max(n·ε, 1)`.
 *
 * @param data The batch's values (float32, as Keras reads them).
 * @param epsilon The tolerance.
 * @returns The summary.
 */
export function summarize(data: Float32Array, epsilon: number): Summary {
  const sorted = Float64Array.from(data).sort();
  const step = Math.max(sorted.length / (1 / epsilon), 1);
  const stride = Math.trunc(step);
  const values: number[] = [];
  for (let i = Math.trunc(step - 1); i < sorted.length; i += stride) values.push(sorted[i]);
  return { values: Float64Array.from(values), weights: new Float64Array(values.length).fill(step) };
}

/**
 * Merges two summaries and compresses the result to `1/ε` entries.
 *
 * @param a A summary.
 * @param b Another.
 * @param epsilon The tolerance.
 * @returns The merged summary.
 */
export function mergeSummaries(a: Summary, b: Summary, epsilon: number): Summary {
  const order = [...Array(a.values.length + b.values.length).keys()];
  const value = (i: number) => (i < a.values.length ? a.values[i] : b.values[i - a.values.length]);
  const weight = (i: number) => i < a.values.length ? a.weights[i] : b.weights[i - a.values.length];
  order.sort((i, j) => value(i) - value(j));
  return compress(
    { values: Float64Array.from(order, value), weights: Float64Array.from(order, weight) },
    epsilon,
  );
}

/**
 * The bin boundaries of `numBins` bins: the summary compressed to `numBins`
 * entries, without the last.
 *
 * @param summary The data's summary.
 * @param numBins The number of bins.
 * @returns `numBins − 1` boundaries (fewer when the data has fewer values).
 */
export function binBoundaries(summary: Summary, numBins: number): number[] {
  return Array.from(compress(summary, 1 / numBins).values.subarray(0, -1));
}

function compress(summary: Summary, epsilon: number): Summary {
  const n = summary.values.length;
  if (n * epsilon < 1) return summary;
  const count = Math.ceil(1 / epsilon); // NumPy's arange(0, 1, ε) length
  const fractions = Float64Array.from({ length: count }, (_, i) => epsilon + i * epsilon);
  const cumulative = new Float64Array(n);
  let total = 0;
  summary.weights.forEach((w, i) => (cumulative[i] = total += w));
  const at = cumulative.map((c) => c / total);
  const values = fractions.map((f) => Math.fround(interp(f, at, summary.values)));
  const cum = fractions.map((f) => interp(f, at, cumulative));
  const weights = cum.map((c, i) => Math.fround(c - (i === 0 ? 0 : cum[i - 1])));
  return { values, weights };
}

/** NumPy's `interp`: piecewise-linear, clamped to the end values. */
function interp(x: number, xp: Float64Array, fp: Float64Array): number {
  if (x <= xp[0]) return fp[0];
  const last = xp.length - 1;
  if (x >= xp[last]) return fp[last];
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid] <= x) lo = mid;
    else hi = mid;
  }
  const t = (x - xp[lo]) / (xp[hi] - xp[lo]);
  return fp[lo] + t * (fp[hi] - fp[lo]);
}
