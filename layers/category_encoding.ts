/**
 * CategoryEncoding: one-hot, multi-hot or count encodings of integer inputs.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { oneOf, positiveInt, reject } from "../engine/validate.ts";
import { layerOptions } from "./_checks.ts";
import { PreprocessingLayer } from "./_adapt.ts";
import { encodedShape, type EncodeMode, encodeTensor } from "./_encoding.ts";

/** Options of {@link CategoryEncoding}. */
export interface CategoryEncodingOptions extends LayerOptions {
  /** `"one_hot"`, `"multi_hot"` or `"count"`. @default "multi_hot" */
  outputMode?: EncodeMode;
  /** Sparse outputs are not supported by kerno: only `false`. @default false */
  sparse?: boolean;
}

/** Options of `CategoryEncoding.apply`. */
export interface CategoryEncodingCallOptions extends CallOptions {
  /** A weight per input value (same shape), summed in place of 1s in `"count"` mode. */
  countWeights?: tf.Tensor;
}

/**
 * Keras's `CategoryEncoding`: integer inputs in `[0, numTokens)` become
 * `"one_hot"` rows (a last axis of size 1 is replaced, any other shape
 * gains an axis), or each sample (the last axis) becomes one `"multi_hot"`
 * or `"count"` row of `numTokens`; `countWeights` weighs the counts. Values
 * outside the range count nowhere (Keras's JAX and PyTorch backends do the
 * same). Float32 outputs.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const encode = new layers.CategoryEncoding(4, { outputMode: "multi_hot" });
 * const x = tf.tensor2d([[0, 1], [0, 0], [1, 2], [3, 1]], undefined, "int32");
 * const y = encode.apply(x); // [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]]
 * tf.dispose([x, y]);
 * ```
 */
export class CategoryEncoding extends PreprocessingLayer {
  /** The number of categories: the size of the encoded axis. */
  readonly numTokens: number;
  /** The encoding. */
  readonly outputMode: EncodeMode;

  /** The positional constructor arguments, for `fromConfig`. */
  static override positionalArgs: string[] = ["numTokens"];

  /** The keys of {@link CategoryEncodingOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "outputMode",
    "sparse",
  ] satisfies (keyof CategoryEncodingOptions)[];

  /** `apply`'s extra option. */
  static override callOptionKeys: readonly string[] = ["countWeights"];

  /**
   * Creates a CategoryEncoding layer.
   *
   * @param numTokens The number of categories: a positive integer.
   * @param options `outputMode`; or, as Keras's positional form, the output mode alone.
   */
  constructor(numTokens: number, options: CategoryEncodingOptions | EncodeMode = {}) {
    const o = layerOptions<CategoryEncodingOptions>(
      "CategoryEncoding",
      options,
      (v) => (typeof v === "string" ? { outputMode: v as EncodeMode } : undefined),
      'new CategoryEncoding(numTokens, { outputMode: "one_hot" })',
    );
    super(o);
    const what = "build CategoryEncoding";
    this.numTokens = positiveInt(what, "numTokens", numTokens);
    const mode = o.outputMode === undefined ? "multi_hot" : o.outputMode;
    this.outputMode = oneOf(what, "outputMode", mode, ["one_hot", "multi_hot", "count"]);
    if (o.sparse === true) reject(what, "sparse", true, "false (kerno has no sparse tensors)");
  }

  /** The encoding of the input (weighted by `countWeights` in `"count"` mode). */
  override call(inputs: tf.Tensor, options: CategoryEncodingCallOptions): tf.Tensor {
    const what = `apply ${this.name} (CategoryEncoding)`;
    if (inputs.dtype === "string") {
      throw new TypeError(
        `Cannot ${what} as its input must hold integers: received a string tensor of shape [${inputs.shape}]`,
      );
    }
    const weights = options.countWeights ?? null;
    if (weights !== null) {
      if (this.outputMode !== "count") {
        reject(what, "countWeights", "a tensor", `omitted unless "outputMode" is "count"`);
      }
      if (!(weights instanceof tf.Tensor) || !tf.util.arraysEqual(weights.shape, inputs.shape)) {
        throw new RangeError(
          `Cannot ${what} as "countWeights" must be a tensor of the input's shape [${inputs.shape}]: received ${
            weights instanceof tf.Tensor ? `shape [${weights.shape}]` : typeof weights
          }`,
        );
      }
    }
    return encodeTensor(inputs, this.numTokens, this.outputMode, weights);
  }

  /** The output shape: the encoded axis replaces or follows the last. */
  override computeOutputShape(inputShape: Shape): Shape {
    return encodedShape(inputShape, this.numTokens, this.outputMode);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numTokens: this.numTokens,
      outputMode: this.outputMode,
      sparse: false,
    };
  }
}
