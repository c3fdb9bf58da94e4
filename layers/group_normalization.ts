/**
 * GroupNormalization: normalises each sample over groups of channels.
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
import type { InitializerLike } from "../engine/initializers.ts";
import type { RegularizerLike } from "../engine/regularizers.ts";
import { axisInt, layerOptions, noPositional } from "./_checks.ts";
import { AFFINE_OPTION_KEYS, checkAffine } from "./_affine.ts";
import { integer } from "../engine/validate.ts";

/** Options of {@link GroupNormalization}. */
export interface GroupNormalizationOptions extends LayerOptions {
  /** The number of groups the channels are split into; -1 for one per channel. @default 32 */
  groups?: number;
  /** The channels axis. @default -1 */
  axis?: number;
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
  /** Penalty on beta. @default null */
  betaRegularizer?: RegularizerLike | null;
  /** Penalty on gamma. @default null */
  gammaRegularizer?: RegularizerLike | null;
}

/**
 * Keras's `GroupNormalization` (Wu & He, 2018): the channels along `axis`
 * are split into `groups` groups of consecutive channels, and each sample's
 * values in a group (over every other non-batch axis too) are shifted to
 * mean 0 and scaled to variance 1,
 * `y = gamma·(x − mean)/√(var + epsilon) + beta`, with one `gamma` and
 * `beta` per channel. `groups: 1` is layer normalization over all axes,
 * `groups: -1` instance normalization. The same in training and inference;
 * masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.randomNormal([2, 5, 8]);
 * const y = new layers.GroupNormalization({ groups: 4 }).apply(x);
 * tf.dispose([x, y]);
 * ```
 */
export class GroupNormalization extends Layer {
  /** The number of groups, as given (-1: one per channel). */
  readonly groups: number;
  /** The channels axis, as given. */
  readonly axis: number;
  /** Variance offset. */
  readonly epsilon: number;
  /** Whether beta is used. */
  readonly center: boolean;
  /** Whether gamma is used. */
  readonly scale: boolean;
  /** Learned scale; set by `build` when `scale`. */
  gamma: tf.Variable | null = null;
  /** Learned offset; set by `build` when `center`. */
  beta: tf.Variable | null = null;
  readonly #options: GroupNormalizationOptions;
  #axis = -1;
  #groups = 1;

  /** The keys of {@link GroupNormalizationOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "groups",
    "axis",
    ...AFFINE_OPTION_KEYS,
  ] satisfies (keyof GroupNormalizationOptions)[];

  /**
   * Creates a GroupNormalization layer.
   *
   * @param options Groups, axis, epsilon, center, scale, initializers, regularizers.
   */
  constructor(options: GroupNormalizationOptions = {}) {
    super(
      layerOptions(
        "GroupNormalization",
        options,
        noPositional,
        "new GroupNormalization({ groups: 8 })",
      ),
    );
    const what = "build GroupNormalization";
    const groups = options.groups ?? 32;
    this.groups = groups === -1 ? -1 : integer(what, "groups", groups, 1);
    this.axis = axisInt(what, "axis", options.axis ?? -1);
    ({ epsilon: this.epsilon, center: this.center, scale: this.scale } = checkAffine(
      what,
      options,
      true,
    ));
    this.#options = options;
    this.supportsMasking = true;
  }

  /** Checks the channels and creates gamma and beta (called once by `apply`). */
  override build(inputShape: Shape): void {
    const rank = inputShape.length;
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    const dim = inputShape[axis];
    const fail = (why: string) => {
      throw new RangeError(
        `Cannot build ${this.name} (GroupNormalization) as ${why}: received input shape [${inputShape}]`,
      );
    };
    if (axis <= 0 || axis >= rank) fail(`"axis" ${this.axis} is not a non-batch axis`);
    if (dim === null || dim === undefined) fail(`axis ${this.axis} must have a known size`);
    const groups = this.groups === -1 ? dim! : this.groups;
    if (dim! < groups) {
      fail(`"groups" (${groups}) cannot be more than the number of channels (${dim})`);
    }
    if (dim! % groups !== 0) {
      fail(`the number of channels (${dim}) must be a multiple of "groups" (${groups})`);
    }
    this.#axis = axis;
    this.#groups = groups;
    const o = this.#options;
    if (this.scale) {
      this.gamma = this.addWeight("gamma", [dim!], {
        initializer: o.gammaInitializer ?? "ones",
        regularizer: o.gammaRegularizer ?? undefined,
      });
    }
    if (this.center) {
      this.beta = this.addWeight("beta", [dim!], {
        initializer: o.betaInitializer ?? "zeros",
        regularizer: o.betaRegularizer ?? undefined,
      });
    }
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const axis = this.#axis;
    const groups = this.#groups;
    const shape = inputs.shape;
    const grouped = [...shape];
    grouped.splice(axis, 1, groups, shape[axis] / groups);
    const x = tf.reshape(inputs, grouped);
    const reduce = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== axis);
    const { mean, variance } = tf.moments(x, reduce, true);
    const y = tf.reshape(
      tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon))),
      shape,
    );
    const channel = shape.map((d, i) => (i === axis ? d : 1));
    let out = y;
    if (this.gamma) out = tf.mul(out, tf.reshape(this.gamma, channel));
    if (this.beta) out = tf.add(out, tf.reshape(this.beta, channel));
    return out;
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
      groups: this.groups,
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: o.betaInitializer ?? "zeros",
      gammaInitializer: o.gammaInitializer ?? "ones",
      betaRegularizer: o.betaRegularizer ?? null,
      gammaRegularizer: o.gammaRegularizer ?? null,
    };
  }
}
