/**
 * Adadelta: Adagrad with a decaying window, and a numerator that carries the
 * units of the parameters.
 *
 * The lesson's slides: `E[g²]_t = γ E[g²]_{t−1} + (1 − γ) g_t²` and, first,
 * `Δθ_t = −η / sqrt(E[g²]_t + ε) · g_t = −η / RMS[g]_t · g_t`; Adadelta then
 * replaces η by the RMS of past updates, `Δθ_t = −RMS[Δθ]_{t−1} / RMS[g]_t · g_t`
 * with `E[Δθ²]_t = γ E[Δθ²]_{t−1} + (1 − γ) Δθ_t²`.
 *
 * What the code computes (Keras 3, γ = `rho`):
 * `accGrad = ρ accGrad + (1 − ρ) g²`;
 * `δ = −sqrt(accDelta + ε) / sqrt(accGrad + ε) · g`;
 * `accDelta = ρ accDelta + (1 − ρ) δ²`; `w = w + lr δ`.
 *
 * Why they agree: `accGrad` is `E[g²]`, `accDelta` is `E[Δθ²]` and
 * `RMS[x] = sqrt(E[x²] + ε)`, so δ is the slide's `Δθ_t`. Keras then scales
 * the step by `lr`; with `learningRate: 1` it is the paper's rule exactly (the
 * default 0.001 follows Keras).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { number } from "../engine/validate.ts";
import {
  Optimizer,
  OPTIMIZER_OPTION_KEYS,
  type OptimizerOptions,
  optimizerOptions,
  type ScheduleLike,
  type Slots,
} from "./optimizer.ts";

/** Options of `Adadelta`. */
export interface AdadeltaOptions extends OptimizerOptions {
  /** The factor applied to each step. @default {0.001} */
  learningRate?: OptimizerOptions["learningRate"];
  /** The decay ρ of both running averages, in [0, 1). @default {0.95} */
  rho?: number;
  /** ε, > 0. @default {1e-7} */
  epsilon?: number;
}

/**
 * The Adadelta optimizer.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { Adadelta } from "./adadelta.ts";
 * const w = tf.variable(tf.tensor([1]));
 * new Adadelta({ learningRate: 1 }).applyGradients([tf.tensor([1])], [w]);
 * ```
 */
export class Adadelta extends Optimizer {
  /** The rule's name, under which a backend may register a fused version. */
  static override readonly updateRule: string = "adadelta";
  /** ρ. */
  readonly rho: number;
  /** ε. */
  readonly epsilon: number;

  /** The keys of {@link AdadeltaOptions}. */
  static override optionKeys: readonly string[] = [
    ...OPTIMIZER_OPTION_KEYS,
    "rho",
    "epsilon",
  ] satisfies (keyof AdadeltaOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options See `AdadeltaOptions`. A number or a schedule alone is the learning rate, as
   *   Keras\'s `Adadelta(0.01)`.
   */
  constructor(options: AdadeltaOptions | number | ScheduleLike = {}) {
    options = optimizerOptions(new.target, options);
    super({ ...options, learningRate: options.learningRate ?? 0.001 });
    const o = `create ${this.constructor.name}`;
    this.rho = number(o, "rho", options.rho ?? 0.95, { min: 0, max: 1, maxOpen: true });
    this.epsilon = number(o, "epsilon", options.epsilon ?? 1e-7, {
      min: 0,
      max: Infinity,
      minOpen: true,
    });
  }

  /** Declares this rule\'s slots (see the module comment). */
  protected override buildSlots(variable: tf.Variable): void {
    this.addSlot(variable, "accumulatedGrad");
    this.addSlot(variable, "accumulatedDeltaVar");
  }

  /** The update rule, as the module comment writes it. */
  protected override updateStep(g: tf.Tensor, w: tf.Variable, lr: number, slots: Slots): void {
    const { accumulatedGrad: accGrad, accumulatedDeltaVar: accDelta } = slots;
    const rho = this.rho;
    const rms = (x: tf.Tensor) => tf.sqrt(tf.add(x, this.epsilon));
    accGrad.assign(tf.add(tf.mul(accGrad, rho), tf.mul(tf.square(g), 1 - rho)));
    const delta = tf.neg(tf.div(tf.mul(rms(accDelta), g), rms(accGrad)));
    accDelta.assign(tf.add(tf.mul(accDelta, rho), tf.mul(tf.square(delta), 1 - rho)));
    w.assign(tf.add(w, tf.mul(delta, lr)));
  }

  /**
   * Returns the config, with `rho` and `epsilon`.
   *
   * @returns The config, with `rho` and `epsilon`.
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}
