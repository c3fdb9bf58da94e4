/**
 * Tensor helpers shared by the losses and the metrics (internal to kerno,
 * not re-exported by `mod.ts`): the fuzz factor, dtype casts, Keras's rank
 * alignment of labels and predictions, and per-sample means.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";

/** Keras's `backend.epsilon()`: probabilities are clipped to `[EPSILON, 1 - EPSILON]`. */
export const EPSILON = 1e-7;

/** Casts to float32 unless the tensor already is. */
export function toFloat(x: tf.Tensor): tf.Tensor {
  return x.dtype === "float32" ? x : tf.cast(x, "float32");
}

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when the ranks differ by one and
 * the longer tensor's last axis has size 1, the pair is brought to the same
 * rank (a rank-1 partner is expanded, otherwise the size-1 axis is squeezed).
 */
export function alignRanks(x1: tf.Tensor, x2: tf.Tensor): [tf.Tensor, tf.Tensor] {
  if (x1.rank === x2.rank + 1 && x1.shape[x1.rank - 1] === 1) {
    return x2.rank === 1 ? [x1, tf.expandDims(x2, -1)] : [tf.squeeze(x1, [x1.rank - 1]), x2];
  }
  if (x2.rank === x1.rank + 1 && x2.shape[x2.rank - 1] === 1) {
    return x1.rank === 1 ? [tf.expandDims(x1, -1), x2] : [x1, tf.squeeze(x2, [x2.rank - 1])];
  }
  return [x1, x2];
}

/** How {@linkcode prepareElementwise} checks the two shapes. */
export interface ElementwiseOptions {
  /**
   * Accept shapes that broadcast together (NumPy's rules, after the rank
   * alignment), as Keras's regression losses do: their `y_true - y_pred`
   * broadcasts, so `[8, 1]` targets against `[8, 10]` predictions compare
   * each target with every column. Otherwise the shapes must be equal.
   * @default false
   */
  broadcast?: boolean;
}

/**
 * Aligns ranks, treats rank-1 inputs as `[batch, 1]` (one value per sample),
 * casts both to float32 and checks that the shapes agree (or, with
 * `broadcast`, that they broadcast together).
 */
export function prepareElementwise(
  lossName: string,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: ElementwiseOptions = {},
): [tf.Tensor, tf.Tensor] {
  let [t, p] = alignRanks(yTrue, yPred);
  if (p.rank === 1 && t.rank === 1) {
    t = tf.expandDims(t, -1);
    p = tf.expandDims(p, -1);
  }
  if (options.broadcast) assertBroadcastable(lossName, t, p);
  else assertSameShape(lossName, t, p);
  return [toFloat(t), toFloat(p)];
}

/**
 * The plumbing of Keras's element-wise losses: prepares the pair with
 * {@linkcode prepareElementwise}, applies `fn` to the targets and predictions
 * and averages the result over the last axis, all in one tidy scope.
 */
export function meanOfElementwise(
  lossName: string,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  fn: (t: tf.Tensor, p: tf.Tensor) => tf.Tensor,
  options: ElementwiseOptions = {},
): tf.Tensor {
  return tf.tidy(() => {
    const [t, p] = prepareElementwise(lossName, yTrue, yPred, options);
    return meanLastAxis(fn(t, p));
  });
}

/** Throws a RangeError naming both shapes unless they broadcast together (NumPy's rules). */
export function assertBroadcastable(lossName: string, yTrue: tf.Tensor, yPred: tf.Tensor): void {
  const [a, b] = [yTrue.shape, yPred.shape];
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const [x, y] = [a[a.length - i], b[b.length - i]];
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(
        `Cannot compute ${lossName} as "yTrue" and "yPred" must have shapes that broadcast ` +
          `together: received [${a}] and [${b}]`,
      );
    }
  }
}

/** Throws a RangeError naming both shapes when `yTrue` and `yPred` differ in shape. */
export function assertSameShape(lossName: string, yTrue: tf.Tensor, yPred: tf.Tensor): void {
  const same = yTrue.rank === yPred.rank && yTrue.shape.every((d, i) => d === yPred.shape[i]);
  if (!same) {
    throw new RangeError(
      `Cannot compute ${lossName} as "yTrue" and "yPred" must have the same shape: ` +
        `received [${yTrue.shape}] and [${yPred.shape}]`,
    );
  }
}

/** Mean over the last axis (the features axis), as every Keras loss function ends. */
export function meanLastAxis(x: tf.Tensor): tf.Tensor {
  return tf.mean(x, -1);
}

/**
 * Reduces a tensor of losses to one value per sample: a scalar becomes `[1]`,
 * rank 1 is kept, higher ranks take the mean over every non-batch axis.
 */
export function perSample(x: tf.Tensor): tf.Tensor {
  if (x.rank === 0) return tf.reshape(x, [1]);
  if (x.rank === 1) return x;
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  return tf.mean(x, axes);
}
