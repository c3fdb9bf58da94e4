/**
 * Rescaling: `x · scale + offset`, e.g. pixels from [0, 255] to [0, 1].
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

/** Options of {@link Rescaling}. */
export interface RescalingOptions extends LayerOptions {
  /** Added after scaling: a number, or one per channel (last axis). @default 0 */
  offset?: number | number[];
}

/** A number, or a non-empty list of them (one per channel). */
function scalarOrList(what: string, arg: string, value: unknown): number | number[] {
  const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  if (finite(value)) return value as number;
  if (Array.isArray(value) && value.length > 0 && value.every(finite)) return [...value];
  return reject(what, arg, value, "a finite number or a non-empty list of them (one per channel)");
}

/**
 * Keras's `Rescaling`: multiplies every value by `scale` and adds `offset`,
 * in training and inference alike; integer inputs come out float32. A list
 * gives one value per channel (the last axis). Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const pixels = tf.tensor4d([0, 127.5, 255, 51], [1, 2, 2, 1]);
 * const y = new layers.Rescaling(1 / 127.5, { offset: -1 }).apply(pixels); // [-1, 0, 1, -0.6]
 * tf.dispose([pixels, y]);
 * ```
 */
export class Rescaling extends Layer {
  /** The factor, or one per channel. */
  readonly scale: number | number[];
  /** The offset, or one per channel. */
  readonly offset: number | number[];

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["scale"];

  /** The keys of {@link RescalingOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "offset",
  ] satisfies (keyof RescalingOptions)[];

  /**
   * Creates a Rescaling layer.
   *
   * @param scale The factor: a number, or one per channel.
   * @param options `offset`.
   */
  constructor(scale: number | number[], options: RescalingOptions = {}) {
    super(layerOptions("Rescaling", options, noPositional, "new Rescaling(scale, { offset })"));
    this.scale = scalarOrList("build Rescaling", "scale", scale);
    this.offset = scalarOrList("build Rescaling", "offset", options.offset ?? 0);
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    return tf.add(tf.mul(inputs, this.scale), this.offset);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const copy = (v: number | number[]) => (Array.isArray(v) ? [...v] : v);
    return { ...super.getConfig(), scale: copy(this.scale), offset: copy(this.offset) };
  }
}
