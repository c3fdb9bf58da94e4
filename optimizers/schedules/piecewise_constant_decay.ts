import { LearningRateSchedule } from "./learning_rate_schedule.ts";
import { checkClassOptions } from "../../engine/options.ts";

/** Options of `PiecewiseConstantDecay`. */
export interface PiecewiseConstantDecayOptions {
  /** Strictly increasing steps where the rate changes. */
  boundaries: number[];
  /** One more rate than boundaries: `values[i]` applies up to `boundaries[i]`. */
  values: number[];
  /** A name for the schedule. @default {"PiecewiseConstant"} */
  name?: string;
}

/**
 * A piecewise constant rate, as Keras defines it: `values[0]` while
 * `step <= boundaries[0]`, `values[i]` while
 * `boundaries[i-1] < step <= boundaries[i]`, and the last value after the
 * last boundary.
 *
 * @example
 * ```ts
 * import { PiecewiseConstantDecay } from "./piecewise_constant_decay.ts";
 * const s = new PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
 * s.call(10); // 1
 * s.call(11); // 0.5
 * ```
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  /** The boundaries. */
  readonly boundaries: readonly number[];
  /** The rates. */
  readonly values: readonly number[];
  /** The schedule's name. */
  readonly name: string;

  /** The keys of {@link PiecewiseConstantDecayOptions}. */
  static optionKeys: readonly string[] = [
    "boundaries",
    "values",
    "name",
  ] satisfies (keyof PiecewiseConstantDecayOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options The schedule's options; see `PiecewiseConstantDecayOptions`.
   */
  constructor(options: PiecewiseConstantDecayOptions) {
    super();
    options = checkClassOptions(`create ${new.target.name}`, new.target, options);
    const { boundaries, values } = options;
    if (!Array.isArray(boundaries) || !Array.isArray(values)) {
      throw new TypeError(
        `Cannot create PiecewiseConstantDecay as "boundaries" and "values" must be arrays of numbers: received ${
          String(boundaries)
        } and ${String(values)}`,
      );
    }
    if (boundaries.length !== values.length - 1) {
      throw new RangeError(
        `Cannot create PiecewiseConstantDecay as "values" must have one more entry than "boundaries": received ${values.length} values and ${boundaries.length} boundaries`,
      );
    }
    boundaries.forEach((b, i) => {
      if (!Number.isFinite(b) || (i > 0 && b <= boundaries[i - 1])) {
        throw new RangeError(
          `Cannot create PiecewiseConstantDecay as "boundaries" must be finite and strictly increasing: received [${boundaries}]`,
        );
      }
    });
    values.forEach((v) => {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        throw new RangeError(
          `Cannot create PiecewiseConstantDecay as "values" must be finite numbers >= 0: received [${values}]`,
        );
      }
    });
    this.boundaries = [...boundaries];
    this.values = [...values];
    this.name = options.name ?? "PiecewiseConstant";
  }

  /**
   * The learning rate at `step`.
   *
   * @param step The optimizer step.
   * @returns The rate of the interval holding `step`.
   */
  call(step: number): number {
    for (let i = 0; i < this.boundaries.length; i++) {
      if (step <= this.boundaries[i]) return this.values[i];
    }
    return this.values[this.values.length - 1];
  }

  /**
   * Returns the constructor options.
   *
   * @returns The constructor options.
   */
  getConfig(): Record<string, unknown> {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}
