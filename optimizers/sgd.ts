/**
 * Gradient descent, with optional momentum and Nesterov momentum.
 *
 * The lesson's slides, with rate η and momentum γ:
 *
 * - plain: `θ = θ − η ∇J(θ)`
 * - momentum: `v = γ v + η ∇J(θ)`; `θ = θ − v`
 * - Nesterov: `v = γ v + η ∇J(θ − γ v)`; `θ = θ − v`
 *
 * What the code computes (Keras 3, velocity `m` holding the rate):
 *
 * - plain: `w = w − lr g`
 * - momentum: `m = momentum m − lr g`; `w = w + m`
 * - Nesterov: `m = momentum m − lr g`; `w = w + momentum m − lr g`
 *
 * Why they agree. Momentum: `m = −v`, so the two are the same sequence with
 * the sign flipped, as the slide notes. Nesterov: the slide needs the gradient
 * at the look-ahead point `θ − γv`, a second evaluation point. The code keeps
 * that look-ahead point itself as the variable, `w = θ − γ v`, so `g = ∇J(w)`
 * is exactly the slide's look-ahead gradient. Then
 * `w_new = θ_new − γ v_new = θ − v_new − γ v_new = w + γ v − (1 + γ) v_new`,
 * and with `v_new = γ v + lr g` that is `w − γ v_new − lr g`, i.e.
 * `w + momentum m − lr g`: the code's line. Training therefore visits the
 * slide's look-ahead points, which converge to the same minimum.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { boolean, number } from "../engine/validate.ts";
import {
  Optimizer,
  OPTIMIZER_OPTION_KEYS,
  type OptimizerOptions,
  optimizerOptions,
  type ScheduleLike,
  type Slots,
} from "./optimizer.ts";

/** Options of `SGD`. */
export interface SGDOptions extends OptimizerOptions {
  /** The step size η. @default {0.01} */
  learningRate?: OptimizerOptions["learningRate"];
  /** The momentum γ, in [0, 1]; 0 means plain gradient descent. @default {0} */
  momentum?: number;
  /** Use Nesterov momentum. @default {false} */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent (batch, mini-batch or per-sample: the batch
 * size decides), optionally with momentum or Nesterov momentum.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { SGD } from "./sgd.ts";
 * const w = tf.variable(tf.tensor([1, 2]));
 * const sgd = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 * sgd.applyGradients([tf.tensor([1, 1])], [w]);
 * // w = [1, 2] + 0.9 * (-0.1) - 0.1 = [0.81, 1.81]
 * ```
 */
export class SGD extends Optimizer {
  /** The rule's name, under which a backend may register a fused version. */
  static override readonly updateRule: string = "sgd";
  /** The momentum. */
  readonly momentum: number;
  /** Whether Nesterov momentum is used. */
  readonly nesterov: boolean;

  /** The keys of {@link SGDOptions}. */
  static override optionKeys: readonly string[] = [
    ...OPTIMIZER_OPTION_KEYS,
    "momentum",
    "nesterov",
  ] satisfies (keyof SGDOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options See `SGDOptions`. A number or a schedule alone is the learning rate, as
   *   Keras\'s `SGD(0.01)`.
   */
  constructor(options: SGDOptions | number | ScheduleLike = {}) {
    options = optimizerOptions(new.target, options);
    super({ ...options, learningRate: options.learningRate ?? 0.01 });
    this.momentum = number("create SGD", "momentum", options.momentum ?? 0, { min: 0, max: 1 });
    this.nesterov = boolean("create SGD", "nesterov", options.nesterov ?? false);
  }

  /** Declares this rule\'s slots (see the module comment). */
  protected override buildSlots(variable: tf.Variable): void {
    if (this.momentum !== 0) this.addSlot(variable, "momentum");
  }

  /** The update rule, as the module comment writes it. */
  protected override updateStep(g: tf.Tensor, w: tf.Variable, lr: number, slots: Slots): void {
    if (this.momentum === 0) {
      w.assign(tf.sub(w, tf.mul(g, lr)));
      return;
    }
    const m = slots.momentum;
    m.assign(tf.sub(tf.mul(m, this.momentum), tf.mul(g, lr)));
    const step = this.nesterov ? tf.sub(tf.mul(m, this.momentum), tf.mul(g, lr)) : m;
    w.assign(tf.add(w, step));
  }

  /**
   * Returns the config, with `momentum` and `nesterov`.
   *
   * @returns The config, with `momentum` and `nesterov`.
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
