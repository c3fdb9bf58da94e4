/**
 * Weight regularizers: penalties added to the training loss.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { normalizeIdentifier } from "./naming.ts";

/** A penalty on a weight: l1·Σ|w| + l2·Σw². */
export class L1L2 {
  /** Coefficient of the L1 term. */
  readonly l1: number;
  /** Coefficient of the L2 term. */
  readonly l2: number;
  /**
   * Creates the penalty from its two coefficients (both default to 0).
   * @param options The two coefficients.
   */
  constructor(options: { l1?: number; l2?: number } = {}) {
    this.l1 = options.l1 ?? 0;
    this.l2 = options.l2 ?? 0;
    for (const [k, v] of [["l1", this.l1], ["l2", this.l2]] as const) {
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot create a regularizer as "${k}" must be a non-negative number: received ${v}`,
        );
      }
    }
  }

  /**
   * The penalty of weight `w`, a scalar.
   * @param w The weight.
   * @returns The scalar penalty.
   */
  apply(w: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      let total: tf.Scalar = tf.scalar(0);
      if (this.l1 > 0) total = tf.add(total, tf.mul(this.l1, tf.sum(tf.abs(w))));
      if (this.l2 > 0) total = tf.add(total, tf.mul(this.l2, tf.sum(tf.square(w))));
      return total;
    });
  }

  /** The two coefficients. @returns `{ l1, l2 }`. */
  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** Anything accepted as a regularizer. */
export type RegularizerLike = "l1" | "l2" | "l1_l2" | string | L1L2;

/**
 * Looks up a regularizer: `"l1"` and `"l2"` (coefficient 0.01, as Keras),
 * `"l1_l2"` (both 0.01), or an instance.
 *
 * @param identifier The name or instance.
 * @returns The regularizer.
 */
export function getRegularizer(identifier: RegularizerLike): L1L2 {
  if (identifier instanceof L1L2) return identifier;
  switch (normalizeIdentifier(identifier)) {
    case "l1":
      return new L1L2({ l1: 0.01 });
    case "l2":
      return new L1L2({ l2: 0.01 });
    case "l1l2":
      return new L1L2({ l1: 0.01, l2: 0.01 });
  }
  throw new TypeError(
    `Cannot use regularizer "${identifier}" as it is unknown: expected "l1", "l2", "l1_l2" or an L1L2 instance`,
  );
}
