/**
 * Concatenate: joins its inputs along one axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { SymbolicTensor } from "../engine/symbolic.ts";
import {
  type CallOptions,
  formatShape,
  type InputMasks,
  type InputShapes,
  LAYER_OPTION_KEYS,
  type LayerInputs,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { reject } from "../engine/validate.ts";
import { layerOptions } from "./_checks.ts";
import { BaseMerge, shapesText } from "./base_merge.ts";

/** Options of {@link Concatenate}. */
export interface ConcatenateOptions extends LayerOptions {
  /** The axis to join along; negative counts from the last. @default -1 */
  axis?: number;
}

/**
 * Concatenates an array of at least two tensors along `axis` (Keras's
 * `Concatenate`): their shapes must agree on every other axis. Masks are
 * concatenated too (all ones for an input without one) and reduced over
 * the last axis, so the output of sequences joined along the features is
 * masked where any input is.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const a = tf.tensor2d([[1, 2], [3, 4]]);
 * const b = tf.tensor2d([[5], [6]]);
 * const y = new layers.Concatenate().apply([a, b]); // [[1, 2, 5], [3, 4, 6]]
 * const z = new layers.Concatenate({ axis: 0 }).apply([a, a]); // shape [4, 2]
 * tf.dispose([a, b, y, z]);
 * ```
 */
export class Concatenate extends BaseMerge {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static override readonly exactOutputShape = true;
  /** The axis joined along, as given (negative counts from the last). */
  readonly axis: number;

  /** The keys of {@link ConcatenateOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "axis",
  ] satisfies (keyof ConcatenateOptions)[];

  /**
   * Creates the layer.
   *
   * @param options The axis (default -1, the last) and the base layer's
   *   options; or, as Keras's `Concatenate(1)`, the axis alone.
   */
  constructor(options: ConcatenateOptions | number = {}) {
    const o = layerOptions<ConcatenateOptions>(
      "Concatenate",
      options,
      (v) => (typeof v === "number" ? { axis: v } : undefined),
      "new Concatenate({ axis: 1 })",
    );
    const { axis = -1, ...base } = o;
    super(base);
    if (typeof axis !== "number") reject("build Concatenate", "axis", axis, "an integer axis");
    if (!Number.isInteger(axis)) {
      reject("build Concatenate", "axis", axis, "an integer axis", RangeError);
    }
    this.axis = axis;
  }

  /** Checks that the inputs agree on every axis but `axis`. */
  override build(inputShape: InputShapes): void {
    this.concatShape(this.checkShapes(inputShape));
  }

  /** Joins the inputs along `axis`. */
  override call(inputs: tf.Tensor[], _options: CallOptions<(tf.Tensor | null)[]>): tf.Tensor {
    this.concatShape(this.checkShapes(inputs.map((x) => x.shape)));
    return this.merge(inputs);
  }

  /** The join itself. */
  protected override merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.concat(inputs, this.axis);
  }

  /** The inputs' masks joined along `axis` (ones for an input without one), reduced over the last axis. */
  override computeMask(inputs: LayerInputs, mask: InputMasks): tf.Tensor | null {
    if (!Array.isArray(mask) || !Array.isArray(inputs)) return null;
    if (mask.every((m) => m === null)) return null;
    const full = inputs.map((x, i) => {
      const m = mask[i];
      if (m === null) return tf.onesLike(x).cast("bool");
      if (m.rank === x.rank) return m;
      return tf.logicalOr(tf.expandDims(m, -1), tf.zerosLike(x).cast("bool"));
    });
    return tf.all(tf.concat(full, this.axis), -1);
  }

  /** The joined shape, computed without running the layer. */
  override computeOutputShape(inputShape: InputShapes): Shape {
    const out = this.concatShape(this.checkShapes(inputShape));
    return [null, ...out.slice(1)];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }

  /** The output shape, or an error naming the layer and the shapes that do not fit. */
  protected concatShape(shapes: Shape[]): Shape {
    const what = `Cannot apply ${this.name} (Concatenate)`;
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 0 || axis >= rank) {
      throw new RangeError(
        `${what} as axis ${this.axis} is out of range for inputs of rank ${rank} (${
          formatShape(shapes[0])
        })`,
      );
    }
    const out = [...shapes[0]];
    for (const shape of shapes.slice(1)) {
      const fits = shape.length === rank &&
        shape.every((d, i) =>
          i === axis || i === 0 || d === null || out[i] === null || d === out[i]
        );
      if (!fits) {
        throw new RangeError(
          `${what} as the input shapes ${
            shapesText([shapes[0], shape])
          } must be equal on every axis but the concatenation axis (${this.axis})`,
        );
      }
      const [a, b] = [out[axis], shape[axis]];
      out[axis] = a === null || b === null ? null : a + b;
      shape.forEach((d, i) => {
        if (i !== axis && out[i] === null) out[i] = d;
      });
    }
    return out;
  }
}

/**
 * Keras's `layers.concatenate([a, b], { axis })`: creates a
 * {@link Concatenate} layer and applies it.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const a = tf.ones([2, 3]);
 * const b = tf.ones([2, 4]);
 * const y = layers.concatenate([a, b]); // shape [2, 7]
 * tf.dispose([a, b, y]);
 * ```
 * @param inputs The tensors to join (at least two).
 * @param options The axis (default -1) and the layer's options (name).
 * @returns The joined tensor.
 */
export function concatenate<T extends tf.Tensor | SymbolicTensor>(
  inputs: T[],
  options: ConcatenateOptions = {},
): T {
  return new Concatenate(options).apply(inputs as tf.Tensor[]) as T;
}
