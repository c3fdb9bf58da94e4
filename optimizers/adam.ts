/**
 * Adam: momentum on the gradient plus RMSprop's scaling, both bias-corrected.
 *
 * The lesson's slides: `m_t = β₁ m_{t−1} + (1 − β₁) g_t`,
 * `v_t = β₂ v_{t−1} + (1 − β₂) g_t²`, `m̂_t = m_t / (1 − β₁ᵗ)`,
 * `v̂_t = v_t / (1 − β₂ᵗ)`, `θ_{t+1} = θ_t − η m̂_t / (sqrt(v̂_t) + ε)`.
 *
 * What the code computes (Keras 3, the paper's "ε-hat" form):
 * `m = m + (g − m)(1 − β₁)`, `v = v + (g² − v)(1 − β₂)`,
 * `α = lr sqrt(1 − β₂ᵗ) / (1 − β₁ᵗ)`, `w = w − α m / (sqrt(v) + ε)`.
 * With `amsgrad`, `v̂max = max(v̂max, v)` replaces `v` in the last line.
 *
 * Why they agree: the moment updates are the same lines rearranged. Writing
 * the slide's step with `m̂ = m/(1 − β₁ᵗ)` and `sqrt(v̂) = sqrt(v)/sqrt(1 − β₂ᵗ)`
 * gives `η sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (sqrt(v) + ε_slide sqrt(1 − β₂ᵗ))`:
 * the code's line, whose ε ("ε-hat") is the slide's ε times `sqrt(1 − β₂ᵗ)`.
 * Only the size of the tiny safety term differs (the code's is constant in
 * `v`'s units rather than `v̂`'s), and the code saves two divisions per element.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { checkBetas } from "./_betas.ts";
import { boolean } from "../engine/validate.ts";
import {
  Optimizer,
  OPTIMIZER_OPTION_KEYS,
  type OptimizerOptions,
  optimizerOptions,
  type ScheduleLike,
  type Slots,
} from "./optimizer.ts";

/** Options of `Adam` (and `AdamW`). */
export interface AdamOptions extends OptimizerOptions {
  /** The step size η. @default {0.001} */
  learningRate?: OptimizerOptions["learningRate"];
  /** Decay β₁ of the first moment, in [0, 1). @default {0.9} */
  beta1?: number;
  /** Decay β₂ of the second moment, in [0, 1). @default {0.999} */
  beta2?: number;
  /** ε-hat (added to sqrt(v), not sqrt(v̂)), > 0. @default {1e-7} */
  epsilon?: number;
  /** Use the running maximum of `v` (AMSGrad). @default {false} */
  amsgrad?: boolean;
}

/**
 * The Adam optimizer.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { Adam } from "./adam.ts";
 * const w = tf.variable(tf.tensor([1]));
 * new Adam({ learningRate: 0.1 }).applyGradients([tf.tensor([2])], [w]);
 * // the first step moves by about the learning rate: w ≈ 0.9
 * ```
 */
export class Adam extends Optimizer {
  /** The rule's name, under which a backend may register a fused version. */
  static override readonly updateRule: string = "adam";
  /** β₁. */
  readonly beta1: number;
  /** β₂. */
  readonly beta2: number;
  /** ε. */
  readonly epsilon: number;
  /** Whether AMSGrad is used. */
  readonly amsgrad: boolean;

  /** The keys of {@link AdamOptions}. */
  static override optionKeys: readonly string[] = [
    ...OPTIMIZER_OPTION_KEYS,
    "beta1",
    "beta2",
    "epsilon",
    "amsgrad",
  ] satisfies (keyof AdamOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options See `AdamOptions`. A number or a schedule alone is the learning rate, as
   *   Keras\'s `Adam(0.01)`.
   */
  constructor(options: AdamOptions | number | ScheduleLike = {}) {
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
    this.amsgrad = boolean(`create ${this.constructor.name}`, "amsgrad", options.amsgrad ?? false);
  }

  /** Declares this rule\'s slots (see the module comment). */
  protected override buildSlots(variable: tf.Variable): void {
    this.addSlot(variable, "momentum");
    this.addSlot(variable, "velocity");
    if (this.amsgrad) this.addSlot(variable, "velocityHat");
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
    const alpha = lr * Math.sqrt(1 - Math.pow(this.beta2, step)) /
      (1 - Math.pow(this.beta1, step));
    m.assign(tf.add(m, tf.mul(tf.sub(g, m), 1 - this.beta1)));
    v.assign(tf.add(v, tf.mul(tf.sub(tf.square(g), v), 1 - this.beta2)));
    let second: tf.Tensor = v;
    if (this.amsgrad) {
      slots.velocityHat.assign(tf.maximum(slots.velocityHat, v));
      second = slots.velocityHat;
    }
    w.assign(tf.sub(w, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(second), this.epsilon))));
  }

  /**
   * Returns the config, with `beta1`, `beta2`, `epsilon` and `amsgrad`.
   *
   * @returns The config, with `beta1`, `beta2`, `epsilon` and `amsgrad`.
   */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      amsgrad: this.amsgrad,
    };
  }
}
