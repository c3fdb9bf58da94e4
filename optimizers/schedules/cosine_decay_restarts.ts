import { number } from "../../engine/validate.ts";
import { LearningRateSchedule } from "./learning_rate_schedule.ts";
import { checkClassOptions } from "../../engine/options.ts";

/** Options of `CosineDecayRestarts`. */
export interface CosineDecayRestartsOptions {
  /** The rate at step 0. */
  initialLearningRate: number;
  /** Steps of the first period; > 0. */
  firstDecaySteps: number;
  /** Each period is `tMul` times longer than the one before; > 0. @default {2} */
  tMul?: number;
  /** Each period starts at `mMul` times the previous start rate. @default {1} */
  mMul?: number;
  /** The floor, as a fraction of `initialLearningRate`. @default {0} */
  alpha?: number;
  /** A name for the schedule. @default {"SGDRDecay"} */
  name?: string;
}

/**
 * Cosine decay with warm restarts (SGDR, Loshchilov & Hutter), as Keras
 * computes it. Period `i` (from 0) lasts `firstDecaySteps * tMul ** i` steps;
 * with `f` the fraction of the current period done,
 * `rate = initial * ((1 - alpha) * mMul ** i * 0.5 * (1 + cos(pi * f)) + alpha)`.
 *
 * Keras finds the period with a logarithm, which can land one period off at
 * an exact boundary in floating point; this class corrects the estimate
 * against the periods' partial sums so boundaries are exact.
 *
 * @example
 * ```ts
 * import { CosineDecayRestarts } from "./cosine_decay_restarts.ts";
 * const s = new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10 });
 * s.call(10); // 1: the first restart
 * ```
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  /** The rate at step 0. */
  readonly initialLearningRate: number;
  /** Steps of the first period. */
  readonly firstDecaySteps: number;
  /** Period growth factor. */
  readonly tMul: number;
  /** Restart rate factor. */
  readonly mMul: number;
  /** The floor fraction. */
  readonly alpha: number;
  /** The schedule's name. */
  readonly name: string;

  /** The keys of {@link CosineDecayRestartsOptions}. */
  static optionKeys: readonly string[] = [
    "initialLearningRate",
    "firstDecaySteps",
    "tMul",
    "mMul",
    "alpha",
    "name",
  ] satisfies (keyof CosineDecayRestartsOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options The schedule's options; see `CosineDecayRestartsOptions`.
   */
  constructor(options: CosineDecayRestartsOptions) {
    super();
    options = checkClassOptions(`create ${new.target.name}`, new.target, options);
    const o = "create CosineDecayRestarts";
    const positive = { min: 0, max: Infinity, minOpen: true };
    this.initialLearningRate = number(o, "initialLearningRate", options.initialLearningRate, {
      min: 0,
      max: Infinity,
    });
    this.firstDecaySteps = number(o, "firstDecaySteps", options.firstDecaySteps, positive);
    this.tMul = number(o, "tMul", options.tMul ?? 2, positive);
    this.mMul = number(o, "mMul", options.mMul ?? 1, { min: 0, max: Infinity });
    this.alpha = number(o, "alpha", options.alpha ?? 0, { min: 0, max: 1 });
    this.name = options.name ?? "SGDRDecay";
  }

  /**
   * The learning rate at `step`.
   *
   * @param step The optimizer step.
   * @returns The rate within the current period.
   */
  call(step: number): number {
    const [period, fraction] = this.#locate(step / this.firstDecaySteps);
    const cosine = 0.5 * Math.pow(this.mMul, period) * (1 + Math.cos(Math.PI * fraction));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }

  /** The period index and the fraction of it done, from steps in first periods. */
  #locate(completed: number): [number, number] {
    const t = this.tMul;
    if (t === 1) {
      const i = Math.floor(completed);
      return [i, completed - i];
    }
    // Steps (in first-period units) before period i: (1 - t^i) / (1 - t).
    const start = (i: number): number => (1 - Math.pow(t, i)) / (1 - t);
    let i = Math.floor(Math.log(1 - completed * (1 - t)) / Math.log(t));
    if (i > 0 && completed < start(i)) i -= 1;
    if (completed >= start(i + 1)) i += 1;
    return [i, (completed - start(i)) / Math.pow(t, i)];
  }

  /**
   * Returns the constructor options.
   *
   * @returns The constructor options.
   */
  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      firstDecaySteps: this.firstDecaySteps,
      tMul: this.tMul,
      mMul: this.mMul,
      alpha: this.alpha,
      name: this.name,
    };
  }
}
