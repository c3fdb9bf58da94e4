import { boolean, number } from "../../engine/validate.ts";
import { LearningRateSchedule } from "./learning_rate_schedule.ts";
import { checkClassOptions } from "../../engine/options.ts";

/** Options of `InverseTimeDecay`. */
export interface InverseTimeDecayOptions {
  /** The rate at step 0. */
  initialLearningRate: number;
  /** The step unit of the decay; > 0. */
  decaySteps: number;
  /** How fast the rate falls. */
  decayRate: number;
  /** Use `floor(step / decaySteps)`. @default {false} */
  staircase?: boolean;
  /** A name for the schedule. @default {"InverseTimeDecay"} */
  name?: string;
}

/**
 * Inverse-time decay, as Keras computes it:
 * `initialLearningRate / (1 + decayRate * step / decaySteps)`, with
 * `step / decaySteps` floored when `staircase` is set.
 *
 * @example
 * ```ts
 * import { InverseTimeDecay } from "./inverse_time_decay.ts";
 * const s = new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
 * s.call(2); // 0.05
 * ```
 */
export class InverseTimeDecay extends LearningRateSchedule {
  /** The rate at step 0. */
  readonly initialLearningRate: number;
  /** The step unit. */
  readonly decaySteps: number;
  /** The decay rate. */
  readonly decayRate: number;
  /** Whether the step ratio is floored. */
  readonly staircase: boolean;
  /** The schedule's name. */
  readonly name: string;

  /** The keys of {@link InverseTimeDecayOptions}. */
  static optionKeys: readonly string[] = [
    "initialLearningRate",
    "decaySteps",
    "decayRate",
    "staircase",
    "name",
  ] satisfies (keyof InverseTimeDecayOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options The schedule's options; see `InverseTimeDecayOptions`.
   */
  constructor(options: InverseTimeDecayOptions) {
    super();
    options = checkClassOptions(`create ${new.target.name}`, new.target, options);
    const o = "create InverseTimeDecay";
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
    this.name = options.name ?? "InverseTimeDecay";
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
    return this.initialLearningRate / (1 + this.decayRate * p);
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
