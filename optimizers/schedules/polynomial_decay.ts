import { boolean, number } from "../../engine/validate.ts";
import { LearningRateSchedule } from "./learning_rate_schedule.ts";
import { checkClassOptions } from "../../engine/options.ts";

/** Options of `PolynomialDecay`. */
export interface PolynomialDecayOptions {
  /** The rate at step 0. */
  initialLearningRate: number;
  /** Steps to go from the initial to the end rate; > 0. */
  decaySteps: number;
  /** The rate reached after `decaySteps`. @default {0.0001} */
  endLearningRate?: number;
  /** The polynomial's power. @default {1} */
  power?: number;
  /** Restart from the top after each multiple of `decaySteps`. @default {false} */
  cycle?: boolean;
  /** A name for the schedule. @default {"PolynomialDecay"} */
  name?: string;
}

/**
 * Polynomial decay, as Keras computes it:
 * `(initial - end) * (1 - s / d) ** power + end`, where without `cycle`
 * `s = min(step, decaySteps)` and `d = decaySteps`, and with `cycle`
 * `s = step` and `d = decaySteps * ceil(step / decaySteps)` (1 period at step 0).
 *
 * @example
 * ```ts
 * import { PolynomialDecay } from "./polynomial_decay.ts";
 * const s = new PolynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0 });
 * s.call(5); // 0.5
 * ```
 */
export class PolynomialDecay extends LearningRateSchedule {
  /** The rate at step 0. */
  readonly initialLearningRate: number;
  /** Steps per decay. */
  readonly decaySteps: number;
  /** The end rate. */
  readonly endLearningRate: number;
  /** The power. */
  readonly power: number;
  /** Whether the decay restarts. */
  readonly cycle: boolean;
  /** The schedule's name. */
  readonly name: string;

  /** The keys of {@link PolynomialDecayOptions}. */
  static optionKeys: readonly string[] = [
    "initialLearningRate",
    "decaySteps",
    "endLearningRate",
    "power",
    "cycle",
    "name",
  ] satisfies (keyof PolynomialDecayOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options The schedule's options; see `PolynomialDecayOptions`.
   */
  constructor(options: PolynomialDecayOptions) {
    super();
    options = checkClassOptions(`create ${new.target.name}`, new.target, options);
    const o = "create PolynomialDecay";
    const nonNegative = { min: 0, max: Infinity };
    this.initialLearningRate = number(
      o,
      "initialLearningRate",
      options.initialLearningRate,
      nonNegative,
    );
    this.decaySteps = number(o, "decaySteps", options.decaySteps, {
      min: 0,
      max: Infinity,
      minOpen: true,
    });
    this.endLearningRate = number(
      o,
      "endLearningRate",
      options.endLearningRate ?? 0.0001,
      nonNegative,
    );
    this.power = number(o, "power", options.power ?? 1, nonNegative);
    this.cycle = boolean(o, "cycle", options.cycle ?? false);
    this.name = options.name ?? "PolynomialDecay";
  }

  /**
   * The learning rate at `step`.
   *
   * @param step The optimizer step.
   * @returns The decayed rate.
   */
  call(step: number): number {
    let s = step;
    let d = this.decaySteps;
    if (this.cycle) {
      d = this.decaySteps * (step === 0 ? 1 : Math.ceil(step / this.decaySteps));
    } else {
      s = Math.min(step, this.decaySteps);
    }
    const span = this.initialLearningRate - this.endLearningRate;
    return span * Math.pow(1 - s / d, this.power) + this.endLearningRate;
  }

  /**
   * Returns the constructor options.
   *
   * @returns The constructor options.
   */
  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      endLearningRate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
      name: this.name,
    };
  }
}
