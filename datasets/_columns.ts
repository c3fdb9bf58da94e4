/**
 * Internal: per-feature statistics for the scalers, computed in double
 * precision from the tensor's values.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";

/** Statistics of one feature (one position along the last axis). */
export interface ColumnStats {
  mean: number;
  /** The population variance (divided by the count). */
  variance: number;
  min: number;
  max: number;
}

/**
 * Checks that `x` holds `expected` features along its last axis (a rank-1
 * tensor counts as one feature).
 *
 * @param what What was being done.
 * @param x The tensor.
 * @param expected The fitted number of features.
 */
export function featureCount(what: string, x: tf.Tensor, expected: number): void {
  if (!(x instanceof tf.Tensor)) {
    throw new TypeError(`Cannot ${what} as "x" must be a tensor: received ${typeof x}`);
  }
  const features = x.rank <= 1 ? 1 : x.shape[x.rank - 1];
  if (x.rank === 0 || features !== expected) {
    throw new RangeError(
      `Cannot ${what} as "x" must have ${expected} features along its last axis: received shape [${x.shape}]`,
    );
  }
}

/**
 * @param what What was being done, for errors.
 * @param x Samples with features along the last axis (rank 1: one feature).
 * @returns The statistics of every feature.
 */
export function columnStats(what: string, x: tf.Tensor): ColumnStats[] {
  if (!(x instanceof tf.Tensor)) {
    throw new TypeError(`Cannot ${what} as "xTrain" must be a tensor: received ${typeof x}`);
  }
  if (x.rank === 0 || x.size === 0) {
    throw new RangeError(
      `Cannot ${what} as "xTrain" must hold at least one sample: received shape [${x.shape}]`,
    );
  }
  const features = x.rank === 1 ? 1 : x.shape[x.rank - 1];
  const rows = x.size / features;
  const values = x.dataSync();
  const stats: ColumnStats[] = [];
  for (let j = 0; j < features; j++) {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < rows; i++) {
      const v = values[i * features + j];
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / rows;
    let squares = 0;
    for (let i = 0; i < rows; i++) squares += (values[i * features + j] - mean) ** 2;
    stats.push({ mean, variance: squares / rows, min, max });
  }
  return stats;
}
