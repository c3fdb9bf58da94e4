/**
 * RMSprop: divide the step by a running root-mean-square of the gradients.
 *
 * The lesson's slide: `E[g²]_t = 0.9 E[g²]_{t−1} + 0.1 g_t²`;
 * `θ_{t+1} = θ_t − η / sqrt(E[g²]_t + ε) · g_t`.
 *
 * What the code computes (Keras 3):
 * `vel = ρ vel + (1 − ρ) g²`; `inc = lr g / sqrt(vel + ε)`; `w = w − inc`.
 * With `centered`: also `avg = ρ avg + (1 − ρ) g` and the denominator is
 * `sqrt(vel − avg² + ε)` (an estimate of the variance instead of the second
 * moment). With `momentum` μ > 0: `mom = μ mom + inc`; `w = w − mom`.
 *
 * Why they agree: with the default ρ = 0.9, no centering and no momentum,
 * `vel` is `E[g²]` and the update is the slide's line for line.
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

/** Options of `RMSprop`. */
export interface RMSpropOptions extends OptimizerOptions {
  /** The step size η. @default {0.001} */
  learningRate?: OptimizerOptions["learningRate"];
  /** The decay ρ of the running averages, in [0, 1). @default {0.9} */
  rho?: number;
  /** Momentum μ, in [0, 1]. @default {0} */
  momentum?: number;
  /** ε, > 0. @default {1e-7} */
  epsilon?: number;
  /** Normalise by the estimated variance instead of the second moment. @default {false} */
  centered?: boolean;
}

/**
 * The RMSprop optimizer.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { RMSprop } from "./rmsprop.ts";
 * const w = tf.variable(tf.tensor([1]));
 * new RMSprop({ centered: true }).applyGradients([tf.tensor([1])], [w]);
 * ```
 */
export class RMSprop extends Optimizer {
  /** The rule's name, under which a backend may register a fused version. */
  static override readonly updateRule: string = "rmsprop";
  /** ρ. */
  readonly rho: number;
  /** μ. */
  readonly momentum: number;
  /** ε. */
  readonly epsilon: number;
  /** Whether the denominator is centred. */
  readonly centered: boolean;

  /** The keys of {@link RMSpropOptions}. */
  static override optionKeys: readonly string[] = [
    ...OPTIMIZER_OPTION_KEYS,
    "rho",
    "momentum",
    "epsilon",
    "centered",
  ] satisfies (keyof RMSpropOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options See `RMSpropOptions`. A number or a schedule alone is the learning rate, as
   *   Keras\'s `RMSprop(0.01)`.
   */
  constructor(options: RMSpropOptions | number | ScheduleLike = {}) {
    options = optimizerOptions(new.target, options);
    super({ ...options, learningRate: options.learningRate ?? 0.001 });
    const o = `create ${this.constructor.name}`;
    this.rho = number(o, "rho", options.rho ?? 0.9, { min: 0, max: 1, maxOpen: true });
    this.momentum = number(o, "momentum", options.momentum ?? 0, { min: 0, max: 1 });
    this.epsilon = number(o, "epsilon", options.epsilon ?? 1e-7, {
      min: 0,
      max: Infinity,
      minOpen: true,
    });
    this.centered = boolean(o, "centered", options.centered ?? false);
  }

  /** Declares this rule\'s slots (see the module comment). */
  protected override buildSlots(variable: tf.Variable): void {
    this.addSlot(variable, "velocity");
    if (this.momentum > 0) this.addSlot(variable, "momentum");
    if (this.centered) this.addSlot(variable, "averageGradient");
  }

  /** The update rule, as the module comment writes it. */
  protected override updateStep(g: tf.Tensor, w: tf.Variable, lr: number, slots: Slots): void {
    const rho = this.rho;
    const vel = slots.velocity;
    vel.assign(tf.add(tf.mul(vel, rho), tf.mul(tf.square(g), 1 - rho)));
    let denominator: tf.Tensor = tf.add(vel, this.epsilon);
    if (this.centered) {
      const avg = slots.averageGradient;
      avg.assign(tf.add(tf.mul(avg, rho), tf.mul(g, 1 - rho)));
      denominator = tf.add(tf.sub(vel, tf.square(avg)), this.epsilon);
    }
    const increment = tf.div(tf.mul(g, lr), tf.sqrt(denominator));
    if (this.momentum > 0) {
      const mom = slots.momentum;
      mom.assign(tf.add(tf.mul(mom, this.momentum), increment));
      w.assign(tf.sub(w, mom));
    } else {
      w.assign(tf.sub(w, increment));
    }
  }

  /**
   * Returns the config, with `rho`, `momentum`, `epsilon` and `centered`.
   *
   * @returns The config, with `rho`, `momentum`, `epsilon` and `centered`.
   */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}
