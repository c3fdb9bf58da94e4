/**
 * Adamax: Adam with the infinity norm in place of the second moment.
 *
 * The rule (Kingma & Ba, section 7.1; beyond the lesson):
 * `m_t = β₁ m_{t−1} + (1 − β₁) g_t`, `u_t = max(β₂ u_{t−1}, |g_t|)`,
 * `θ_{t+1} = θ_t − η / (1 − β₁ᵗ) · m_t / u_t`.
 *
 * What the code computes (Keras 3): `m = m + (g − m)(1 − β₁)`,
 * `u = max(β₂ u, |g|)`, `w = w − lr m / ((1 − β₁ᵗ)(u + ε))`.
 *
 * Why they agree: the same lines; ε only guards the division while `u` is 0.
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

/** Options of `Adamax`. */
export interface AdamaxOptions extends OptimizerOptions {
  /** The step size η. @default {0.001} */
  learningRate?: OptimizerOptions["learningRate"];
  /** Decay β₁ of the first moment, in [0, 1). @default {0.9} */
  beta1?: number;
  /** Decay β₂ of the infinity norm, in [0, 1). @default {0.999} */
  beta2?: number;
  /** ε, > 0. @default {1e-7} */
  epsilon?: number;
}

/**
 * The Adamax optimizer.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { Adamax } from "./adamax.ts";
 * const w = tf.variable(tf.tensor([1]));
 * new Adamax({ learningRate: 0.1 }).applyGradients([tf.tensor([2])], [w]);
 * ```
 */
export class Adamax extends Optimizer {
  /** The rule's name, under which a backend may register a fused version. */
  static override readonly updateRule: string = "adamax";
  /** β₁. */
  readonly beta1: number;
  /** β₂. */
  readonly beta2: number;
  /** ε. */
  readonly epsilon: number;

  /** The keys of {@link AdamaxOptions}. */
  static override optionKeys: readonly string[] = [
    ...OPTIMIZER_OPTION_KEYS,
    "beta1",
    "beta2",
    "epsilon",
  ] satisfies (keyof AdamaxOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options See `AdamaxOptions`. A number or a schedule alone is the learning rate, as
   *   Keras\'s `Adamax(0.01)`.
   */
  constructor(options: AdamaxOptions | number | ScheduleLike = {}) {
    options = optimizerOptions(new.target, options);
    super({ ...options, learningRate: options.learningRate ?? 0.001 });
    const betas = checkBetas(this.constructor.name, options, {
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    this.beta1 = betas.beta1;
    this.beta2 = betas.beta2;
    this.epsilon = betas.epsilon;
  }

  /** Declares this rule\'s slots (see the module comment). */
  protected override buildSlots(variable: tf.Variable): void {
    this.addSlot(variable, "momentum");
    this.addSlot(variable, "norm");
  }

  /** The update rule, as the module comment writes it. */
  protected override updateStep(
    g: tf.Tensor,
    w: tf.Variable,
    lr: number,
    slots: Slots,
    step: number,
  ): void {
    const { momentum: m, norm: u } = slots;
    m.assign(tf.add(m, tf.mul(tf.sub(g, m), 1 - this.beta1)));
    u.assign(tf.maximum(tf.mul(u, this.beta2), tf.abs(g)));
    const correction = 1 - Math.pow(this.beta1, step);
    w.assign(tf.sub(w, tf.div(tf.mul(m, lr), tf.mul(tf.add(u, this.epsilon), correction))));
  }

  /**
   * Returns the config, with `beta1`, `beta2` and `epsilon`.
   *
   * @returns The config, with `beta1`, `beta2` and `epsilon`.
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
