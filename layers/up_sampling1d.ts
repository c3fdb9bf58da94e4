/**
 * UpSampling1D: each step of a sequence repeated `size` times.
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
import { positiveInt } from "../engine/validate.ts";
import { checkSpatialRank, repeatSpatial, valueOrOptions } from "./_reshaping.ts";

/** Options of {@link UpSampling1D}. */
export interface UpSampling1DOptions extends LayerOptions {
  /** How many times each step is repeated. @default 2 */
  size?: number;
}

/**
 * Keras's `UpSampling1D`: input `[batch, steps, channels]`, output `[batch,
 * steps · size, channels]`, each step repeated `size` times in place.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor3d([[[1], [2]]]);
 * const y = new layers.UpSampling1D(3).apply(x); // [[[1], [1], [1], [2], [2], [2]]]
 * tf.dispose([x, y]);
 * ```
 */
export class UpSampling1D extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The repeat count. */
  readonly size: number;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of {@link UpSampling1DOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "size",
  ] satisfies (keyof UpSampling1DOptions)[];

  /**
   * Creates an UpSampling1D layer.
   *
   * @param size The repeat count, positionally as Keras (`UpSampling1D(3)`), or the options:
   *   `size` (default 2).
   * @param options The options, when `size` is given positionally.
   */
  constructor(size?: number | UpSampling1DOptions, options?: UpSampling1DOptions) {
    const o = valueOrOptions<UpSampling1DOptions>("UpSampling1D", "size", size, options);
    super(o);
    this.size = positiveInt("build UpSampling1D", "size", o.size ?? 2);
    this.supportsMasking = false;
  }

  /** Checks the input's rank (called once by `apply`). */
  override build(inputShape: Shape): void {
    checkSpatialRank(this, inputShape, 1, "channels_last");
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    return repeatSpatial(inputs, [this.size], "channels_last");
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    const steps = inputShape[1];
    return [inputShape[0], steps === null ? null : steps * this.size, inputShape[2]];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size };
  }
}
