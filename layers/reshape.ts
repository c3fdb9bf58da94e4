/**
 * Reshape: gives each sample a new shape with the same number of elements.
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
 * Reshapes each sample (the batch axis is kept) to `targetShape`; one entry
 * may be `-1`, inferred from the sample's size. As in Keras 3, masks are not
 * propagated.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 12]);
 * const y = new layers.Reshape([3, -1]).apply(x); // shape [2, 3, 4]
 * tf.dispose([x, y]);
 * ```
 */
export class Reshape extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The requested per-sample shape, possibly with one -1. */
  readonly targetShape: number[];

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["targetShape"];

  /** The keys of {@link None}. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates a Reshape layer.
   *
   * @param targetShape The per-sample shape: positive integers and at most one -1.
   * @param options The base layer's options.
   */
  constructor(targetShape: number[], options: LayerOptions = {}) {
    super(layerOptions("Reshape", options, noPositional, "new Reshape(targetShape, { name })"));
    const want = "an array of positive integers with at most one -1";
    if (!Array.isArray(targetShape)) reject("build Reshape", "targetShape", targetShape, want);
    const bad = targetShape.some((d) => !Number.isInteger(d) || (d <= 0 && d !== -1)) ||
      targetShape.filter((d) => d === -1).length > 1;
    if (bad) reject("build Reshape", "targetShape", targetShape, want, RangeError);
    this.targetShape = [...targetShape];
  }

  /** Creates the layer's weights for the input shape (called once by `apply`). */
  override build(inputShape: Shape): void {
    this.#resolve(inputShape);
  }

  /** The concrete per-sample shape for an input shape; throws when it cannot fit. */
  #resolve(inputShape: Shape): (number | null)[] {
    const rest = inputShape.slice(1);
    if (rest.some((d) => d === null)) {
      return this.targetShape.map((d) => (d === -1 ? null : d));
    }
    const size = (rest as number[]).reduce((a, b) => a * b, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const inferred = this.targetShape.includes(-1);
    if (inferred ? size % known !== 0 : size !== known) {
      throw new RangeError(
        `Cannot apply ${this.name} (Reshape) as an input sample of shape [${rest}] (${size} elements) cannot be reshaped to [${this.targetShape}]: the element counts must ${
          inferred ? "divide" : "match"
        }`,
      );
    }
    return this.targetShape.map((d) => (d === -1 ? size / known : d));
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const target = this.#resolve([null, ...inputs.shape.slice(1)]) as number[];
    return tf.reshape(inputs, [inputs.shape[0], ...target]);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0] ?? null, ...this.#resolve(inputShape)];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}
