/**
 * RepeatVector: repeats a vector `n` times along a new time axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { positiveInt } from "../engine/validate.ts";

/**
 * Keras's `RepeatVector`: `[batch, features]` becomes
 * `[batch, n, features]`, each sample's vector repeated `n` times.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor2d([[1, 2]]);
 * const y = new layers.RepeatVector(3).apply(x); // [[[1, 2], [1, 2], [1, 2]]]
 * tf.dispose([x, y]);
 * ```
 */
export class RepeatVector extends Layer {
  /** How many times the vector is repeated. */
  readonly n: number;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["n"];

  /** The keys of the base layer's options. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates a RepeatVector layer.
   *
   * @param n The number of repetitions, a positive integer.
   * @param options The base layer's options.
   */
  constructor(n: number, options: LayerOptions = {}) {
    super(layerOptions("RepeatVector", options, noPositional, "new RepeatVector(n, { name })"));
    this.n = positiveInt("build RepeatVector", "n", n);
  }

  /** Checks the input is `[batch, features]` (called once by `apply`). */
  override build(inputShape: Shape): void {
    if (inputShape.length !== 2) {
      throw new RangeError(
        `Cannot build ${this.name} (RepeatVector) as its input must have rank 2 (batch, features): received [${inputShape}]`,
      );
    }
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    return tf.tile(tf.expandDims(inputs, 1), [1, this.n, 1]);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], this.n, ...inputShape.slice(1)];
  }

  /** The constructor's arguments, for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}
