/**
 * Running mean and variance per index of some kept axes, batch by batch:
 * each batch's mean and sum of squared deviations are computed in two
 * passes (float64), then merged into the running ones with Chan, Golub and
 * LeVeque's parallel update, so the result is as exact as a two-pass
 * computation over all the data, in one pass over it.
 *
 * @module
 */

/** Mean and variance per kept index, merged over batches. */
export class MomentAccumulator {
  readonly #size: number;
  #count = 0;
  readonly #mean: Float64Array;
  readonly #m2: Float64Array;

  /** @param keptShape The sizes of the kept axes (`[]`: one mean for all values). */
  constructor(keptShape: readonly number[]) {
    this.#size = keptShape.reduce((a, b) => a * b, 1);
    this.#mean = new Float64Array(this.#size);
    this.#m2 = new Float64Array(this.#size);
  }

  /**
   * Merges one batch.
   *
   * @param values The batch, row-major.
   * @param shape Its shape.
   * @param keep The kept axes, sorted, as positions in `shape`.
   */
  add(values: ArrayLike<number>, shape: readonly number[], keep: readonly number[]): void {
    const k = this.#size;
    const n = k === 0 ? 0 : values.length / k;
    if (n === 0) return;
    const index = keptIndex(shape, keep);
    const sum = new Float64Array(k);
    for (let i = 0; i < values.length; i++) sum[index(i)] += values[i];
    const mean = sum.map((s) => s / n);
    const m2 = new Float64Array(k);
    for (let i = 0; i < values.length; i++) {
      const j = index(i);
      const d = values[i] - mean[j];
      m2[j] += d * d;
    }
    const before = this.#count;
    const total = before + n;
    for (let j = 0; j < k; j++) {
      const delta = mean[j] - this.#mean[j];
      this.#mean[j] += (delta * n) / total;
      this.#m2[j] += m2[j] + (delta * delta * before * n) / total;
    }
    this.#count = total;
  }

  /** @returns The mean and (population) variance per kept index, and the values per index. */
  result(): { mean: Float64Array; variance: Float64Array; count: number } {
    const n = this.#count;
    return { mean: this.#mean.slice(), variance: this.#m2.map((m) => m / n), count: n };
  }
}

/** A function from a flat position to its index among the kept axes' entries. */
function keptIndex(shape: readonly number[], keep: readonly number[]): (i: number) => number {
  const rank = shape.length;
  const keptSize = keep.reduce((a, d) => a * shape[d], 1);
  if (keep.length === 0) return () => 0;
  // Kept axes at the end: the index is the position modulo their size.
  if (keep.every((d, i) => d === rank - keep.length + i)) return (i) => i % keptSize;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  const keptStrides = keep.map((_, i) => keep.slice(i + 1).reduce((a, d) => a * shape[d], 1));
  return (i) => {
    let j = 0;
    keep.forEach((d, t) => {
      j += (Math.floor(i / strides[d]) % shape[d]) * keptStrides[t];
    });
    return j;
  };
}
