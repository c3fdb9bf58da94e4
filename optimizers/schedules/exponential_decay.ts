import { boolean, number } from "../../engine/validate.ts";
import { LearningRateSchedule } from "./learning_rate_schedule.ts";
import { checkClassOptions } from "../../engine/options.ts";

/** Options of `ExponentialDecay`. */
export interface ExponentialDecayOptions {
  /** The rate at step 0. */
  initialLearningRate: number;
  /** Steps over which the rate is multiplied by `decayRate` once; > 0. */
  decaySteps: number;
  /** The factor applied every `decaySteps` steps. */
  decayRate: number;
  /** Decay in whole periods (`floor(step / decaySteps)`). @default {false} */
  staircase?: boolean;
  /** A name for the schedule. @default {"ExponentialDecay"} */
  name?: string;
}

/**
 * Exponential decay, as Keras computes it:
 * `initialLearningRate * decayRate ** (step / decaySteps)`, with the exponent
 * floored when `staircase` is set.
 *
 * @example
 * ```ts
 * import { ExponentialDecay } from "./exponential_decay.ts";
 * const s = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
 * s.call(10); // 0.05
 * ```
 */
export class ExponentialDecay extends LearningRateSchedule {
  /** The rate at step 0. */
  readonly initialLearningRate: number;
  /** Steps per decay period. */
  readonly decaySteps: number;
  /** Factor per period. */
  readonly decayRate: number;
  /** Whether the exponent is floored. */
  readonly staircase: boolean;
  /** The schedule's name. */
  readonly name: string;

  /** The keys of {@link ExponentialDecayOptions}. */
  static optionKeys: readonly string[] = [
    "initialLearningRate",
    "decaySteps",
    "decayRate",
    "staircase",
    "name",
  ] satisfies (keyof ExponentialDecayOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options The schedule's options; see `ExponentialDecayOptions`.
   */
  constructor(options: ExponentialDecayOptions) {
    super();
    options = checkClassOptions(`create ${new.target.name}`, new.target, options);
    const o = "create ExponentialDecay";
    this.initialLearningRate = number(o, "initialLearningRate", options.initialLearningRate, {
      min: 0,
      max: Infinity,
    });
    this.decaySteps = number(o, "decaySteps", options.decaySteps, {
      min: 0,
      max: Infinity,
      minOpen: true,
    });
    this.decayRate = number(o, "decayRate", options.decayRate, { min: 0, max: Infinity });
    this.staircase = boolean(o, "staircase", options.staircase ?? false);
    this.name = options.name ?? "ExponentialDecay";
  }

  /**
   * The learning rate at `step`.
   *
   * @param step The optimizer step.
   * @returns The decayed rate.
   */
  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * Math.pow(this.decayRate, p);
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
      decayRate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }
}
