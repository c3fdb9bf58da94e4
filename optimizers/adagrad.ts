/**
 * Adagrad: a per-parameter rate that shrinks with the sum of squared gradients.
 *
 * The lesson's slide: `θ_{t+1} = θ_t − η / sqrt(G_t + ε) · g_t`, with `G_t`
 * the sum of the squares of all gradients so far.
 *
 * What the code computes (Keras 3): `acc = acc + g²`;
 * `w = w − lr g / sqrt(acc + ε)`, with `acc` starting at
 * `initialAccumulatorValue` (0.1).
 *
 * Why they agree: `acc` is `G_t` plus the starting value, so the two are the
 * same formula; the 0.1 start only caps the very first steps' size (with
 * `initialAccumulatorValue: 0` they are identical). ε sits inside the square
 * root in both.
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

/** Options of `Adagrad`. */
export interface AdagradOptions extends OptimizerOptions {
  /** The step size η. @default {0.001} */
  learningRate?: OptimizerOptions["learningRate"];
  /** Starting value of the squared-gradient sum, >= 0. @default {0.1} */
  initialAccumulatorValue?: number;
  /** ε, > 0, inside the square root. @default {1e-7} */
  epsilon?: number;
}

/**
 * The Adagrad optimizer.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { Adagrad } from "./adagrad.ts";
 * const w = tf.variable(tf.tensor([1]));
 * new Adagrad({ learningRate: 0.1 }).applyGradients([tf.tensor([1])], [w]);
 * // w = 1 - 0.1 * 1 / sqrt(0.1 + 1 + 1e-7)
 * ```
 */
export class Adagrad extends Optimizer {
  /** The rule's name, under which a backend may register a fused version. */
  static override readonly updateRule: string = "adagrad";
  /** Starting value of the accumulator. */
  readonly initialAccumulatorValue: number;
  /** ε. */
  readonly epsilon: number;

  /** The keys of {@link AdagradOptions}. */
  static override optionKeys: readonly string[] = [
    ...OPTIMIZER_OPTION_KEYS,
    "initialAccumulatorValue",
    "epsilon",
  ] satisfies (keyof AdagradOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options See `AdagradOptions`. A number or a schedule alone is the learning rate, as
   *   Keras\'s `Adagrad(0.01)`.
   */
  constructor(options: AdagradOptions | number | ScheduleLike = {}) {
    options = optimizerOptions(new.target, options);
    super({ ...options, learningRate: options.learningRate ?? 0.001 });
    const o = `create ${this.constructor.name}`;
    this.initialAccumulatorValue = number(
      o,
      "initialAccumulatorValue",
      options.initialAccumulatorValue ?? 0.1,
      { min: 0, max: Infinity },
    );
    this.epsilon = number(o, "epsilon", options.epsilon ?? 1e-7, {
      min: 0,
      max: Infinity,
      minOpen: true,
    });
  }

  /** Declares this rule\'s slots (see the module comment). */
  protected override buildSlots(variable: tf.Variable): void {
    this.addSlot(variable, "accumulator", this.initialAccumulatorValue);
  }

  /** The update rule, as the module comment writes it. */
  protected override updateStep(g: tf.Tensor, w: tf.Variable, lr: number, slots: Slots): void {
    const acc = slots.accumulator;
    acc.assign(tf.add(acc, tf.square(g)));
    w.assign(tf.sub(w, tf.div(tf.mul(g, lr), tf.sqrt(tf.add(acc, this.epsilon)))));
  }

  /**
   * Returns the config, with `initialAccumulatorValue` and `epsilon`.
   *
   * @returns The config, with `initialAccumulatorValue` and `epsilon`.
   */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      initialAccumulatorValue: this.initialAccumulatorValue,
      epsilon: this.epsilon,
    };
  }
}
