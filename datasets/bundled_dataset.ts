import type { tf } from "../engine/tf.ts";

/**
 * A real data set shipped inside kerno, as returned by `digits()`, `iris()`,
 * `breastCancer()` and `diabetes()`. The caller owns the tensors and
 * disposes of them (`tf.dispose([data.x, data.y])`).
 */
export interface BundledDataset {
  /** The features, one row per sample: float32 of shape `[samples, features]`. */
  x: tf.Tensor2D;
  /**
   * The targets, one per sample: int32 class labels `0..classes-1` for
   * classification, float32 values for regression.
   */
  y: tf.Tensor1D;
  /** One name per column of `x`. */
  featureNames: string[];
  /** For classification, the name of each class label (index = label). */
  classNames?: string[];
  /** What the data are, where they come from and how to cite them. */
  description: string;
}
