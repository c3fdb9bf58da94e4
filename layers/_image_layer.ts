/**
 * Internal: what the image preprocessing layers share — the base class that
 * takes one image `[height, width, channels]` or a batch `[batch, height,
 * width, channels]` (channels last, as Keras) of any size, the random
 * layers' per-sample draws, and the argument checks of factors, fill modes
 * and value ranges.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { type CallOptions, Layer, type LayerOptions, type Shape } from "../engine/layer.ts";
import { type FillMode, fused, type TransformInterpolation } from "../engine/fused.ts";
import { FILL_MODES } from "../engine/_image_ops.ts";
import { Random } from "../engine/random.ts";
import { SeedGenerator } from "../engine/seed_generator.ts";
import { oneOf, reject } from "../engine/validate.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { seedOption } from "./_noise.ts";

/**
 * The base of kerno's image preprocessing layers: `call` gets a batch of
 * images (a single image is given a batch axis and loses it again), and
 * images of any height and width are accepted after the first call (only a
 * first layer's declared `inputShape` is enforced), as Keras's image layers
 * take any size.
 */
export abstract class BaseImageLayer extends Layer {
  /**
   * Accepts a rank-3 image or a rank-4 batch of any size; a declared
   * `inputShape` is checked as usual.
   */
  protected override checkInputShape(actual: number[], expected: Shape | null): void {
    if (actual.length !== 3 && actual.length !== 4) {
      throw new RangeError(
        `Cannot apply ${this.name} (${this.constructor.name}) as its input must be an image [height, width, channels] or a batch of images [batch, height, width, channels]: received shape [${actual}]`,
      );
    }
    if (expected !== null && expected === this.batchInputShape) {
      super.checkInputShape(actual, expected);
    }
  }

  /** Runs {@link BaseImageLayer.callBatch} on a batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    this.checkInputShape(inputs.shape, null);
    if (inputs.rank === 4) return this.callBatch(inputs as tf.Tensor4D, options.training ?? false);
    const batch = tf.expandDims(inputs, 0) as tf.Tensor4D;
    return tf.squeeze(this.callBatch(batch, options.training ?? false), [0]);
  }

  /**
   * The layer's computation on a batch of images.
   *
   * @param images `[batch, height, width, channels]`, float32.
   * @param training Whether the call is in training mode.
   * @returns The output batch.
   */
  protected abstract callBatch(images: tf.Tensor4D, training: boolean): tf.Tensor4D;

  /** The output shape: the input's (the random layers keep the size). */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }
}

/**
 * An output shape with height and width replaced (rank 4: axes 1, 2; a
 * single image, rank 3: axes 0, 1).
 *
 * @param inputShape The input shape.
 * @param height The output height.
 * @param width The output width.
 * @returns The output shape.
 */
export function resizedShape(inputShape: Shape, height: number, width: number): Shape {
  const out = [...inputShape];
  const at = out.length === 4 ? 1 : 0;
  out[at] = height;
  out[at + 1] = width;
  return out;
}

/**
 * Uniform draws in `[low, high)`, `n` of them, from a fresh stream seeded
 * by the layer's generator (one seed per call, so a seeded layer repeats its
 * sequence of draws).
 *
 * @param generator The layer's `seedGenerator`.
 * @param n How many.
 * @param low The lower bound.
 * @param high The upper bound.
 * @returns The draws.
 */
export function uniforms(
  generator: SeedGenerator,
  n: number,
  low: number,
  high: number,
): Float64Array {
  const random = new Random(generator.next());
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = low + (high - low) * random.next();
  return out;
}

/** A factor as given: one number or `[lower, upper]`. */
export type ImageFactor = number | [number, number];

/**
 * Checks a factor: a number in `[min, max]` (`min` excluded when
 * `minOpen`), read as `[-|f|, |f|]`, or a pair of such numbers, sorted.
 *
 * @param what What was being done, e.g. `"build RandomZoom"`.
 * @param arg The argument's name.
 * @param value The value received.
 * @param min The lowest allowed value.
 * @param max The highest allowed value.
 * @param minOpen Whether `min` itself is refused.
 * @returns The range `[lower, upper]`.
 */
export function factorRange(
  what: string,
  arg: string,
  value: unknown,
  min: number,
  max: number,
  minOpen = false,
): [number, number] {
  const want = `a number in ${minOpen ? "(" : "["}${min}, ${max}] or a list of two of them`;
  const ok = (v: unknown): v is number =>
    typeof v === "number" && Number.isFinite(v) && (minOpen ? v > min : v >= min) && v <= max;
  if (typeof value === "number") {
    if (!ok(value)) reject(what, arg, value, want, RangeError);
    const f = Math.abs(value);
    return [Math.max(-f, min), f];
  }
  if (!Array.isArray(value)) reject(what, arg, value, want);
  if (value.length !== 2 || !value.every(ok)) reject(what, arg, value, want, RangeError);
  const [a, b] = value as [number, number];
  return a <= b ? [a, b] : [b, a];
}

/** A copy of a factor for `getConfig`. */
export function factorConfig(factor: ImageFactor): ImageFactor {
  return Array.isArray(factor) ? [factor[0], factor[1]] : factor;
}

/**
 * The shared code of RandomBrightness and RandomContrast: a factor drawn
 * per image from a range, the `valueRange` outputs are clipped to, the
 * seed, and the config.
 *
 * @internal
 */
export abstract class RandomValueLayer extends BaseImageLayer {
  /** The factor, as given. */
  readonly factor: ImageFactor;
  /** The value range outputs are clipped to. */
  readonly valueRange: [number, number];
  /** The fixed seed, or null. */
  readonly seed: number | null;
  readonly #range: [number, number];

  /**
   * Checks the factor and the options.
   *
   * @param layer The class name, for messages.
   * @param factor The factor, as given.
   * @param options `valueRange`, `seed`.
   * @param range Checks the factor and returns its range `[lower, upper]`.
   */
  constructor(
    layer: string,
    factor: ImageFactor,
    options: LayerOptions & { valueRange?: [number, number]; seed?: number | null },
    range: (factor: unknown) => [number, number],
  ) {
    const how = `new ${layer}(factor, { valueRange: [0, 255], seed })`;
    super(layerOptions(layer, options, noPositional, how));
    this.#range = range(factor);
    this.factor = factorConfig(factor);
    this.valueRange = valueRange(`build ${layer}`, options.valueRange ?? [0, 255]);
    this.seed = seedOption(layer, options.seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
  }

  /** The factor's range `[lower, upper]`, as the subclass read it. */
  protected get range(): [number, number] {
    return this.#range;
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      factor: factorConfig(this.factor),
      valueRange: [...this.valueRange],
      seed: this.seed,
    };
  }
}

/**
 * Checks a `valueRange`: two finite numbers, low < high.
 *
 * @param what What was being done.
 * @param value The value received.
 * @returns `[low, high]`.
 */
export function valueRange(what: string, value: unknown): [number, number] {
  const want = "a list of two finite numbers [low, high] with low < high";
  if (!Array.isArray(value)) reject(what, "valueRange", value, want);
  const ok = value.length === 2 && value.every((v) => typeof v === "number" && Number.isFinite(v));
  if (!ok || value[0] >= value[1]) reject(what, "valueRange", value, want, RangeError);
  return [value[0], value[1]];
}

/** Options of the random geometric layers (RandomRotation, RandomZoom, RandomTranslation). */
export interface ImageFillOptions {
  /**
   * How points outside the input are filled: `"reflect"` (d c b a | a b c
   * d | d c b a), `"wrap"` (a b c d | a b c d | a b c d), `"nearest"` (a a a
   * a | a b c d | d d d d) or `"constant"` (`fillValue`). @default "reflect"
   */
  fillMode?: FillMode;
  /** `"bilinear"` or `"nearest"`. @default "bilinear" */
  interpolation?: TransformInterpolation;
  /** The value of `fillMode: "constant"`. @default 0 */
  fillValue?: number;
  /** Seed of the layer's own generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

/** The checked {@link ImageFillOptions}. */
export interface ImageFill {
  /** How points outside are filled. */
  fillMode: FillMode;
  /** The interpolation. */
  interpolation: TransformInterpolation;
  /** The constant fill. */
  fillValue: number;
}

/**
 * Checks {@link ImageFillOptions}' fill mode, interpolation and fill value.
 *
 * @param what What was being done.
 * @param options The options.
 * @returns The checked values, defaults filled in.
 */
export function fillOptions(what: string, options: ImageFillOptions): ImageFill {
  const fillMode = oneOf(what, "fillMode", options.fillMode ?? "reflect", FILL_MODES);
  const interpolation = oneOf(
    what,
    "interpolation",
    options.interpolation ?? "bilinear",
    [
      "bilinear",
      "nearest",
    ] as const,
  );
  const fillValue = options.fillValue ?? 0;
  if (typeof fillValue !== "number" || !Number.isFinite(fillValue)) {
    reject(what, "fillValue", fillValue, "a finite number");
  }
  return { fillMode, interpolation, fillValue };
}

/**
 * Applies per-image transforms (rows of 8, TensorFlow's convention)
 * through the seam's `affineTransform`, keeping the images' size.
 *
 * @param images The batch.
 * @param rows `batch · 8` values.
 * @param g Fill mode, interpolation, fill value.
 * @returns The transformed batch.
 */
export function transformBatch(images: tf.Tensor4D, rows: Float32Array, g: ImageFill): tf.Tensor4D {
  const [batch, height, width] = images.shape;
  const transforms = tf.tensor2d(rows, [batch, 8]);
  return fused.affineTransform(images, transforms, g.interpolation, g.fillMode, g.fillValue, [
    height,
    width,
  ]);
}

/**
 * Keras's crop to the target's aspect ratio (`crop_to_aspect_ratio`,
 * `smart_resize`): the largest centred window of the target's aspect ratio.
 *
 * @param images The batch.
 * @param height The target height.
 * @param width The target width.
 * @returns The window, `[batch, cropHeight, cropWidth, channels]`.
 */
export function aspectWindow(images: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [batch, h, w, c] = images.shape;
  const cropH = Math.max(Math.min(h, Math.trunc((w * height) / width)), 1);
  const cropW = Math.max(Math.min(w, Math.trunc((h * width) / height)), 1);
  const top = Math.trunc((h - cropH) / 2);
  const left = Math.trunc((w - cropW) / 2);
  return tf.slice(images, [0, top, left, 0], [batch, cropH, cropW, c]);
}

/**
 * Keras's `smart_resize`: {@link aspectWindow}, then a bilinear resize to
 * the target.
 *
 * @param images The batch.
 * @param height The target height.
 * @param width The target width.
 * @returns `[batch, height, width, channels]`.
 */
export function cropToAspectThenResize(
  images: tf.Tensor4D,
  height: number,
  width: number,
): tf.Tensor4D {
  return fused.resizeImages(aspectWindow(images, height, width), [height, width], "bilinear");
}
