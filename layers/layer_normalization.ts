/**
 * LayerNormalization: normalises each sample over its feature axes.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { fused } from "../engine/fused.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import type { InitializerLike } from "../engine/initializers.ts";
import type { RegularizerLike } from "../engine/regularizers.ts";
import { axisOption, layerOptions, noPositional } from "./_checks.ts";
import { AFFINE_OPTION_KEYS, checkAffine } from "./_affine.ts";
import { show } from "../engine/validate.ts";

/** Options of {@link LayerNormalization}. */
export interface LayerNormalizationOptions extends LayerOptions {
  /** The axis or axes normalised over (and that gamma/beta span). @default -1 */
  axis?: number | number[];
  /** Added to the variance before the square root. @default 1e-3 */
  epsilon?: number;
  /** Whether to add the learned offset `beta`. @default true */
  center?: boolean;
  /** Whether to multiply by the learned scale `gamma`. @default true */
  scale?: boolean;
  /** Initializer of beta. @default "zeros" */
  betaInitializer?: InitializerLike;
  /** Initializer of gamma. @default "ones" */
  gammaInitializer?: InitializerLike;
  /** Penalty on beta. */
  betaRegularizer?: RegularizerLike;
  /** Penalty on gamma. */
  gammaRegularizer?: RegularizerLike;
}

/**
 * Layer normalisation (Keras 3): for each sample, the values along `axis`
 * are shifted to mean 0 and scaled to variance 1,
 * `y = gamma·(x − mean)/√(var + epsilon) + beta`, with `gamma` and `beta`
 * shaped like those axes. The same in training and inference; masks pass
 * through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor2d([[1, 2, 3, 4]]);
 * const y = new layers.LayerNormalization().apply(x); // mean 0, variance ≈ 1
 * tf.dispose([x, y]);
 * ```
 */
export class LayerNormalization extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The normalised axis or axes, as given. */
  readonly axis: number | number[];
  /** Variance offset. */
  readonly epsilon: number;
  /** Whether beta is used. */
  readonly center: boolean;
  /** Whether gamma is used. */
  readonly scale: boolean;
  readonly #options: LayerNormalizationOptions;
  /** Learned scale; set by `build` when `scale`. */
  gamma: tf.Variable | null = null;
  /** Learned offset; set by `build` when `center`. */
  beta: tf.Variable | null = null;
  #axes: number[] = [];

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];

  /** The keys of {@link LayerNormalizationOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "axis",
    ...AFFINE_OPTION_KEYS,
  ] satisfies (keyof LayerNormalizationOptions)[];

  /**
   * Creates a LayerNormalization layer.
   *
   * @param options Axis, epsilon, center, scale, initializers, regularizers.
   */
  constructor(options: LayerNormalizationOptions = {}) {
    super(
      layerOptions(
        "LayerNormalization",
        options,
        noPositional,
        "new LayerNormalization({ axis: -1, epsilon: 1e-3 })",
      ),
    );
    const what = "build LayerNormalization";
    this.axis = axisOption(what, options.axis ?? -1);
    ({ epsilon: this.epsilon, center: this.center, scale: this.scale } = checkAffine(
      what,
      options,
      false,
    ));
    this.#options = options;
    this.supportsMasking = true;
  }

  /** Creates the layer's weights for the input shape (called once by `apply`). */
  override build(inputShape: Shape): void {
    const rank = inputShape.length;
    const given = Array.isArray(this.axis) ? this.axis : [this.axis];
    const axes = [...new Set(given.map((a) => (a < 0 ? rank + a : a)))].sort((a, b) => a - b);
    if (axes.some((a) => a <= 0 || a >= rank || inputShape[a] === null)) {
      throw new RangeError(
        `Cannot build ${this.name} (LayerNormalization) as "axis" ${
          show(this.axis)
        } must name known, non-batch axes of the input: received shape [${inputShape}]`,
      );
    }
    this.#axes = axes;
    const shape = axes.map((a) => inputShape[a] as number);
    const o = this.#options;
    if (this.scale) {
      this.gamma = this.addWeight("gamma", shape, {
        initializer: o.gammaInitializer ?? "ones",
        regularizer: o.gammaRegularizer,
      });
    }
    if (this.center) {
      this.beta = this.addWeight("beta", shape, {
        initializer: o.betaInitializer ?? "zeros",
        regularizer: o.betaRegularizer,
      });
    }
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    if (this.#axes.length === 1 && this.#axes[0] === inputs.rank - 1) {
      // Over the last axis (the usual case): the seam's one-pass version where a backend has one.
      return fused.layerNormalization(inputs, this.gamma ?? null, this.beta ?? null, this.epsilon);
    }
    const shape = inputs.shape.map((d, i) => (this.#axes.includes(i) ? d : 1));
    const { mean, variance } = tf.moments(inputs, this.#axes, true);
    let y = tf.mul(tf.sub(inputs, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
    if (this.gamma) y = tf.mul(y, tf.reshape(this.gamma, shape));
    if (this.beta) y = tf.add(y, tf.reshape(this.beta, shape));
    return y;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const o = this.#options;
    return {
      ...super.getConfig(),
      axis: Array.isArray(this.axis) ? [...this.axis] : this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: o.betaInitializer ?? "zeros",
      gammaInitializer: o.gammaInitializer ?? "ones",
      ...(o.betaRegularizer === undefined ? {} : { betaRegularizer: o.betaRegularizer }),
      ...(o.gammaRegularizer === undefined ? {} : { gammaRegularizer: o.gammaRegularizer }),
    };
  }
}
