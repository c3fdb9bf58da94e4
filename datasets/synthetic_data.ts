import type { tf } from "../engine/tf.ts";

/**
 * Samples made by a synthetic generator (`spirals`, `moons`, `blobs`,
 * `regression`, `tokenTask`, `orderTask`). The caller owns the tensors and disposes of them.
 */
export interface SyntheticData {
  /** The inputs, one row per sample. */
  x: tf.Tensor2D;
  /** The targets: int32 class labels `[samples]`, or float32 `[samples, 1]`. */
  y: tf.Tensor;
}
