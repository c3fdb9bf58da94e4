/**
 * Nadam: Adam with Nesterov momentum (Dozat), in Keras's form with a
 * momentum schedule.
 *
 * The rule (beyond the lesson; it is the slide's Nesterov look-ahead applied
 * to Adam's first moment): with `μ_t = β₁ (1 − 0.5 · 0.96ᵗ)` and
 * `Π_t = μ_1 ⋯ μ_t`,
 * `m_t = β₁ m_{t−1} + (1 − β₁) g_t`, `v_t = β₂ v_{t−1} + (1 − β₂) g_t²`,
 * `m̂ = μ_{t+1} m_t / (1 − Π_t μ_{t+1}) + (1 − μ_t) g_t / (1 − Π_t)`,
 * `v̂ = v_t / (1 − β₂ᵗ)`, `θ_{t+1} = θ_t − η m̂ / (sqrt(v̂) + ε)`.
 *
 * What the code computes: the same lines (Keras 3's `u_product` is `Π_t`).
 * `m̂` mixes next step's momentum with this step's gradient: the look-ahead,
 * written without a second gradient evaluation, as SGD's Nesterov form is.
 * `Π_t` depends only on the step, so it is kept as a JavaScript number
 * (recomputed after `setWeights`) instead of an optimizer variable.
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

/** Options of `Nadam`. */
export interface NadamOptions extends OptimizerOptions {
  /** The step size η. @default {0.001} */
  learningRate?: OptimizerOptions["learningRate"];
  /** Decay β₁ of the first moment, in [0, 1). @default {0.9} */
  beta1?: number;
  /** Decay β₂ of the second moment, in [0, 1). @default {0.999} */
  beta2?: number;
  /** ε, > 0. @default {1e-7} */
  epsilon?: number;
}

/**
 * The Nadam optimizer.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { Nadam } from "./nadam.ts";
 * const w = tf.variable(tf.tensor([1]));
 * new Nadam({ learningRate: 0.1 }).applyGradients([tf.tensor([2])], [w]);
 * ```
 */
export class Nadam extends Optimizer {
  /** The rule's name, under which a backend may register a fused version. */
  static override readonly updateRule: string = "nadam";
  /** β₁. */
  readonly beta1: number;
  /** β₂. */
  readonly beta2: number;
  /** ε. */
  readonly epsilon: number;
  #productStep = 0;
  #product = 1;

  /** The keys of {@link NadamOptions}. */
  static override optionKeys: readonly string[] = [
    ...OPTIMIZER_OPTION_KEYS,
    "beta1",
    "beta2",
    "epsilon",
  ] satisfies (keyof NadamOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options See `NadamOptions`. A number or a schedule alone is the learning rate, as
   *   Keras\'s `Nadam(0.01)`.
   */
  constructor(options: NadamOptions | number | ScheduleLike = {}) {
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

  /**
   * The momentum-schedule product Π_t (Keras's `u_product`) of the update
   * being applied: set before the rule runs for each variable.
   *
   * @returns Π_t.
   */
  get momentumProduct(): number {
    return this.#product;
  }

  #mu(t: number): number {
    return this.beta1 * (1 - 0.5 * Math.pow(0.96, t));
  }

  /** Advances the momentum-schedule product Π_t to `step`. */
  protected override prepareStep(step: number): void {
    if (step < this.#productStep) {
      this.#productStep = 0;
      this.#product = 1;
    }
    while (this.#productStep < step) {
      this.#productStep += 1;
      this.#product *= this.#mu(this.#productStep);
    }
  }

  /** Declares this rule\'s slots (see the module comment). */
  protected override buildSlots(variable: tf.Variable): void {
    this.addSlot(variable, "momentum");
    this.addSlot(variable, "velocity");
  }

  /** The update rule, as the module comment writes it. */
  protected override updateStep(
    g: tf.Tensor,
    w: tf.Variable,
    lr: number,
    slots: Slots,
    step: number,
  ): void {
    const { momentum: m, velocity: v } = slots;
    const mu = this.#mu(step);
    const muNext = this.#mu(step + 1);
    const product = this.#product;
    m.assign(tf.add(m, tf.mul(tf.sub(g, m), 1 - this.beta1)));
    v.assign(tf.add(v, tf.mul(tf.sub(tf.square(g), v), 1 - this.beta2)));
    const mHat = tf.add(
      tf.mul(m, muNext / (1 - product * muNext)),
      tf.mul(g, (1 - mu) / (1 - product)),
    );
    const vHat = tf.div(v, 1 - Math.pow(this.beta2, step));
    w.assign(tf.sub(w, tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(vHat), this.epsilon))));
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
