/**
 * Dot: the dot product of two inputs along an axis of each, per sample.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { SymbolicTensor } from "../engine/symbolic.ts";
import {
  type CallOptions,
  type InputMasks,
  type InputShapes,
  LAYER_OPTION_KEYS,
  type LayerInputs,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { boolean, reject } from "../engine/validate.ts";
import { BaseMerge, shapesText } from "./base_merge.ts";

/** Options of {@link Dot}. */
export interface DotOptions extends LayerOptions {
  /**
   * The axis of both inputs to take the product along, or one axis of each
   * (`[1, 2]`); negative counts from the last; never the batch axis.
   * Required.
   */
  axes?: number | [number, number];
  /** Whether to L2-normalize both along `axes` first: the output is then the cosine similarity. @default false */
  normalize?: boolean;
}

/**
 * Takes the dot product of two tensors sample by sample (Keras's `Dot`):
 * for inputs `[batch, n]` and `[batch, n]` with `axes: 1` the output is
 * `[batch, 1]`; for `[batch, 3, 5]` and `[batch, 10, 3]` with `axes: [1, 2]`
 * it is `[batch, 5, 10]` (the remaining axes of the first, then of the
 * second). With `normalize: true` it is the cosine similarity. Masks are
 * dropped.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const a = tf.tensor2d([[1, 2], [3, 4]]);
 * const b = tf.tensor2d([[5, 6], [7, 8]]);
 * const y = new layers.Dot({ axes: 1 }).apply([a, b]); // [[17], [53]]
 * tf.dispose([a, b, y]);
 * ```
 */
export class Dot extends BaseMerge {
  /** The axes as given: one for both inputs, or one of each. */
  readonly axes: number | [number, number];
  /** Whether the inputs are L2-normalized first. */
  readonly normalize: boolean;

  /** The keys of {@link DotOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "axes",
    "normalize",
  ] satisfies (keyof DotOptions)[];

  /** Exactly two inputs. */
  protected override minInputs: number = 2;
  /** Exactly two inputs. */
  protected override maxInputs: number = 2;

  /**
   * Creates the layer.
   *
   * @param options `axes` (required), `normalize` and the base layer's
   *   options; or, as Keras's `Dot(1)` / `Dot([1, 2], { normalize })`, the
   *   axes alone, with the other options after them.
   * @param more With the axes given alone: `normalize` and the base layer's options.
   */
  constructor(
    options: DotOptions | number | [number, number] = {},
    more: Omit<DotOptions, "axes"> = {},
  ) {
    const o: DotOptions = typeof options === "number" || Array.isArray(options)
      ? { ...more, axes: options }
      : options;
    const { axes, normalize, ...base } = o ?? {};
    super(base);
    const what = "build Dot";
    const want = "an integer axis or a list of two (one per input), never 0 (the batch axis)";
    const list = typeof axes === "number" ? [axes] : axes;
    if (!Array.isArray(list)) reject(what, "axes", axes, want);
    const okList = list.length === (typeof axes === "number" ? 1 : 2) &&
      list.every((a) => Number.isInteger(a) && a !== 0);
    if (!okList) reject(what, "axes", axes, want, RangeError);
    this.axes = typeof axes === "number" ? axes : [axes![0], axes![1]];
    this.normalize = boolean(what, "normalize", normalize, false);
    this.supportsMasking = true;
  }

  /** Checks the two inputs' ranks and the sizes along the axes. */
  override build(inputShape: InputShapes): void {
    this.dotShape(this.checkShapes(inputShape));
  }

  /** The per-sample dot product. */
  override call(inputs: tf.Tensor[], _options: CallOptions<(tf.Tensor | null)[]>): tf.Tensor {
    const shapes = this.checkShapes(inputs.map((x) => x.shape));
    this.dotShape(shapes);
    if (shapes[0][0] !== shapes[1][0]) {
      throw new RangeError(
        `Cannot apply ${this.name} (Dot) as its inputs' batch sizes differ: [${shapes[0]}] and [${
          shapes[1]
        }]`,
      );
    }
    return this.merge(inputs);
  }

  /** The product itself, after the optional normalization. */
  protected override merge(inputs: tf.Tensor[]): tf.Tensor {
    const [a0, a1] = this.#axesFor(inputs[0].rank, inputs[1].rank);
    let [x, y] = inputs;
    if (this.normalize) [x, y] = [l2Normalize(x, a0), l2Normalize(y, a1)];
    return batchDot(x, y, a0, a1);
  }

  /** Dot drops masks, as Keras's. */
  override computeMask(_inputs: LayerInputs, _mask: InputMasks): tf.Tensor | null {
    return null;
  }

  /** The output shape, computed without running the layer. */
  override computeOutputShape(inputShape: InputShapes): Shape {
    const out = this.dotShape(this.checkShapes(inputShape));
    return [null, ...out.slice(1)];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const axes = typeof this.axes === "number" ? this.axes : [...this.axes];
    return { ...super.getConfig(), axes, normalize: this.normalize };
  }

  /** The output shape, or an error naming the layer, both shapes and the axes. */
  protected dotShape([s1, s2]: Shape[]): Shape {
    const what = `Cannot apply ${this.name} (Dot)`;
    if (s1.length < 2 || s2.length < 2) {
      throw new RangeError(
        `${what} as both inputs must have a batch axis and at least one more: received ${
          shapesText([s1, s2])
        }`,
      );
    }
    const [a0, a1] = this.#axesFor(s1.length, s2.length);
    if (a0 <= 0 || a1 <= 0 || a0 >= s1.length || a1 >= s2.length) {
      throw new RangeError(
        `${what} as axes ${
          JSON.stringify(this.axes)
        } are out of range (or the batch axis) for inputs ${shapesText([s1, s2])}`,
      );
    }
    const [d1, d2] = [s1[a0], s2[a1]];
    if (d1 !== null && d2 !== null && d1 !== d2) {
      throw new RangeError(
        `${what} as the input shapes ${shapesText([s1, s2])} differ along the axes ${
          JSON.stringify(this.axes)
        }: ${d1} vs ${d2}`,
      );
    }
    const out = [...s1.filter((_, i) => i !== a0), ...s2.filter((_, i) => i !== a1 && i !== 0)];
    return out.length === 1 ? [...out, 1] : out;
  }

  /** Both axes, made non-negative for inputs of these ranks. */
  #axesFor(rank1: number, rank2: number): [number, number] {
    const [a, b] = typeof this.axes === "number" ? [this.axes, this.axes] : this.axes;
    return [a < 0 ? a + rank1 : a, b < 0 ? b + rank2 : b];
  }
}

/** `x / sqrt(max(sum(x²), 1e-12))` along `axis`, as Keras's `normalize`. */
function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  const squares = tf.sum(tf.square(x), axis, true);
  return tf.mul(x, tf.rsqrt(tf.maximum(squares, 1e-12)));
}

/**
 * Keras's `batch_dot`: per sample, the product of `x` and `y` along `x`'s
 * axis `a0` and `y`'s axis `a1`, as one batched matrix product.
 */
function batchDot(x: tf.Tensor, y: tf.Tensor, a0: number, a1: number): tf.Tensor {
  const [xRank, yRank] = [x.rank, y.rank];
  if (xRank === 2) [x, a0] = [tf.expandDims(x, 1), a0 + 1];
  if (yRank === 2) y = tf.expandDims(y, 2);
  x = moveAxis(x, a0, x.rank - 1);
  y = moveAxis(y, a1, 1);
  const xMid = x.shape.slice(1, -1);
  const yTrail = y.shape.slice(2);
  const size = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
  const k = x.shape[x.rank - 1];
  const x3 = tf.reshape(x, [x.shape[0], size(xMid), k]);
  const y3 = tf.reshape(y, [y.shape[0], k, size(yTrail)]);
  let out = tf.reshape(tf.matMul(x3, y3), [x.shape[0], ...xMid, ...yTrail]);
  if (xRank === 2) out = tf.squeeze(out, [1]);
  else if (yRank === 2) out = tf.squeeze(out, [out.rank - 1]);
  return out;
}

/** `x` with axis `from` moved to position `to`, the other axes in order. */
function moveAxis(x: tf.Tensor, from: number, to: number): tf.Tensor {
  if (from === to) return x;
  const order = [...Array(x.rank).keys()].filter((i) => i !== from);
  order.splice(to, 0, from);
  return tf.transpose(x, order);
}

/**
 * Keras's `layers.dot([a, b], { axes, normalize })`: creates a {@link Dot}
 * layer and applies it.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const a = tf.ones([2, 3]);
 * const b = tf.ones([2, 3]);
 * const y = layers.dot([a, b], { axes: 1 }); // [[3], [3]]
 * tf.dispose([a, b, y]);
 * ```
 * @param inputs The two tensors.
 * @param options `axes` (default -1, the last, as Keras's `dot`), `normalize` and the layer's options.
 * @returns The per-sample dot product.
 */
export function dot<T extends tf.Tensor | SymbolicTensor>(
  inputs: T[],
  options: DotOptions = {},
): T {
  return new Dot({ axes: -1, ...options }).apply(inputs as tf.Tensor[]) as T;
}
