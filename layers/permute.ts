/**
 * Permute: reorders the non-batch axes of its input.
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
import { reject } from "../engine/validate.ts";

/**
 * Keras's `Permute`: transposes the axes after the batch axis by `dims`, a
 * permutation of `1 … rank−1` (1-based, as Keras): `Permute([2, 1])` turns
 * `[batch, 10, 64]` into `[batch, 64, 10]`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.zeros([1, 10, 64]);
 * const y = new layers.Permute([2, 1]).apply(x); // shape [1, 64, 10]
 * tf.dispose([x, y]);
 * ```
 */
export class Permute extends Layer {
  /** The permutation, 1-based. */
  readonly dims: number[];

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["dims"];

  /** The keys of the base layer's options. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates a Permute layer.
   *
   * @param dims A permutation of `1 … k`, where `k` is the input's number of non-batch axes.
   * @param options The base layer's options.
   */
  constructor(dims: number[], options: LayerOptions = {}) {
    super(layerOptions("Permute", options, noPositional, "new Permute([2, 1], { name })"));
    const want = "a permutation of 1, 2, …, k (1-based axes after the batch axis)";
    if (!Array.isArray(dims) || dims.length === 0) reject("build Permute", "dims", dims, want);
    const sorted = [...dims].sort((a, b) => a - b);
    if (sorted.some((d, i) => d !== i + 1)) {
      reject("build Permute", "dims", dims, want, RangeError);
    }
    this.dims = [...dims];
  }

  /** Checks the input's rank (called once by `apply`). */
  override build(inputShape: Shape): void {
    if (inputShape.length !== this.dims.length + 1) {
      throw new RangeError(
        `Cannot build ${this.name} (Permute) as "dims" [${this.dims}] needs an input of rank ${
          this.dims.length + 1
        }: received [${inputShape}]`,
      );
    }
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    return tf.transpose(inputs, [0, ...this.dims]);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  /** The constructor's arguments, for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}
