/**
 * Lambda: wraps a tensor function as a layer (not serializable).
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { reject } from "../engine/validate.ts";

/** Options of {@link Lambda}. */
export interface LambdaOptions extends LayerOptions {
  /**
   * The output shape (batch axis excluded), or a function from the input
   * shape (batch axis `null` first) to the output shape (likewise).
   * @default found by running the function once on zeros
   */
  outputShape?: (number | null)[] | ((inputShape: Shape) => Shape);
}

/**
 * Keras's `Lambda` layer: `fn(x)` as a layer, for quick experiments. Like
 * Keras 3 (which refuses to load Lambda layers safely), kerno does not
 * serialize it: `getConfig()`, and so `model.save`, throws an error naming
 * the layer and the fix, a `Layer` subclass registered with
 * `registerSerializable`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor1d([1, 2]);
 * const y = new layers.Lambda((t) => tf.mul(t, 2)).apply(x); // [2, 4]
 * tf.dispose([x, y]);
 * ```
 */
export class Lambda extends Layer {
  /** The wrapped function. */
  readonly fn: (x: tf.Tensor) => tf.Tensor;
  readonly #outputShape: LambdaOptions["outputShape"];

  /** The constructor's positional arguments, in order. */
  static override positionalArgs: string[] = ["fn"];

  /** The keys of {@link LambdaOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "outputShape",
  ] satisfies (keyof LambdaOptions)[];

  /**
   * Creates a Lambda layer.
   *
   * @param fn A function from the input tensor to the output tensor.
   * @param options `outputShape` and the base layer's options.
   */
  constructor(fn: (x: tf.Tensor) => tf.Tensor, options: LambdaOptions = {}) {
    super(layerOptions("Lambda", options, noPositional, "new Lambda(fn, { outputShape })"));
    if (typeof fn !== "function") reject("build Lambda", "fn", fn, "a function of a tensor");
    const s = options.outputShape;
    if (
      s !== undefined && typeof s !== "function" &&
      (!Array.isArray(s) || s.some((d) => d !== null && (!Number.isInteger(d) || d < 0)))
    ) {
      reject(
        "build Lambda",
        "outputShape",
        s,
        "an array of non-negative integers or nulls, or a function of the input shape",
      );
    }
    this.fn = fn;
    this.#outputShape = s;
  }

  /** The layer's computation on one batch: `fn(inputs)`. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    return this.fn(inputs);
  }

  /** The output shape: `outputShape` when given, else found by running `fn` once. */
  override computeOutputShape(inputShape: Shape): Shape {
    const s = this.#outputShape;
    if (typeof s === "function") return s([...inputShape]);
    if (Array.isArray(s)) return [null, ...s];
    return super.computeOutputShape(inputShape);
  }

  /**
   * Refuses: a function cannot be saved as data.
   *
   * @returns Never.
   */
  override getConfig(): Record<string, unknown> {
    throw new TypeError(
      `Cannot serialize ${this.name} (Lambda) as its function cannot be saved as data: write a Layer subclass whose call() computes it, register it with registerSerializable(MyLayer), and use it instead of Lambda`,
    );
  }
}
