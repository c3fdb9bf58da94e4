/**
 * Lion (EvoLved Sign Momentum, Chen et al. 2023): a step of fixed size per
 * element, in the direction of the sign of an interpolated momentum.
 *
 * The rule (beyond the lesson): `c = β₁ m + (1 − β₁) g`;
 * `θ = θ − η sign(c)`; `m = β₂ m + (1 − β₂) g`.
 *
 * What the code computes (Keras 3): the same three lines, in that order (the
 * step uses the momentum from before this gradient is folded in with β₂).
 * Every element moves by exactly `lr` (or 0), so Lion wants a rate 3-10x
 * smaller than Adam's.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { checkBetas } from "./_betas.ts";
import {
  Optimizer,
  OPTIMIZER_OPTION_KEYS,
  type OptimizerOptions,
  optimizerOptions,
  type ScheduleLike,
  type Slots,
} from "./optimizer.ts";

/** Options of `Lion`. */
export interface LionOptions extends OptimizerOptions {
  /** The step size η. @default {0.001} */
  learningRate?: OptimizerOptions["learningRate"];
  /** Interpolation β₁ for the step's direction, in [0, 1). @default {0.9} */
  beta1?: number;
  /** Decay β₂ of the momentum, in [0, 1). @default {0.99} */
  beta2?: number;
}

/**
 * The Lion optimizer.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { Lion } from "./lion.ts";
 * const w = tf.variable(tf.tensor([1, 1]));
 * new Lion({ learningRate: 0.1 }).applyGradients([tf.tensor([3, -0.5])], [w]);
 * // w = [0.9, 1.1]
 * ```
 */
export class Lion extends Optimizer {
  /** The rule's name, under which a backend may register a fused version. */
  static override readonly updateRule: string = "lion";
  /** β₁. */
  readonly beta1: number;
  /** β₂. */
  readonly beta2: number;

  /** The keys of {@link LionOptions}. */
  static override optionKeys: readonly string[] = [
    ...OPTIMIZER_OPTION_KEYS,
    "beta1",
    "beta2",
  ] satisfies (keyof LionOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options See `LionOptions`. A number or a schedule alone is the learning rate, as
   *   Keras\'s `Lion(0.01)`.
   */
  constructor(options: LionOptions | number | ScheduleLike = {}) {
    options = optimizerOptions(new.target, options);
    super({ ...options, learningRate: options.learningRate ?? 0.001 });
    const betas = checkBetas(this.constructor.name, { ...options, epsilon: 1 }, {
      beta1: 0.9,
      beta2: 0.99,
      epsilon: 1,
    });
    this.beta1 = betas.beta1;
    this.beta2 = betas.beta2;
  }

  /** Declares this rule\'s slots (see the module comment). */
  protected override buildSlots(variable: tf.Variable): void {
    this.addSlot(variable, "momentum");
  }

  /** The update rule, as the module comment writes it. */
  protected override updateStep(g: tf.Tensor, w: tf.Variable, lr: number, slots: Slots): void {
    const m = slots.momentum;
    const direction = tf.sign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
    w.assign(tf.sub(w, tf.mul(direction, lr)));
    m.assign(tf.add(tf.mul(m, this.beta2), tf.mul(g, 1 - this.beta2)));
  }

  /**
   * Returns the config, with `beta1` and `beta2`.
   *
   * @returns The config, with `beta1` and `beta2`.
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2 };
  }
}
