import { number } from "../../engine/validate.ts";
import { LearningRateSchedule } from "./learning_rate_schedule.ts";
import { checkClassOptions } from "../../engine/options.ts";

/** Options of `CosineDecay`. */
export interface CosineDecayOptions {
  /** The rate at step 0 (the warmup's start when `warmupTarget` is set). */
  initialLearningRate: number;
  /** Steps of the cosine decay (after any warmup); > 0. */
  decaySteps: number;
  /** The floor, as a fraction of the decay's starting rate. @default {0} */
  alpha?: number;
  /** The rate the linear warmup reaches; `null` means no warmup. @default {null} */
  warmupTarget?: number | null;
  /** Steps of the linear warmup. @default {0} */
  warmupSteps?: number;
  /** A name for the schedule. @default {"CosineDecay"} */
  name?: string;
}

/**
 * Cosine decay with optional linear warmup (SGDR without restarts), as Keras
 * computes it. Without warmup:
 * `initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, d) / d)) + alpha)`.
 * With `warmupTarget`, steps below `warmupSteps` rise linearly,
 * `initial + (warmupTarget - initial) * step / warmupSteps`, and the cosine
 * then decays from `warmupTarget` over `step - warmupSteps`.
 *
 * @example
 * ```ts
 * import { CosineDecay } from "./cosine_decay.ts";
 * const s = new CosineDecay({ initialLearningRate: 0, decaySteps: 100, warmupTarget: 0.1, warmupSteps: 10 });
 * s.call(5); // 0.05, half way up the warmup
 * ```
 */
export class CosineDecay extends LearningRateSchedule {
  /** The rate at step 0. */
  readonly initialLearningRate: number;
  /** Steps of the decay. */
  readonly decaySteps: number;
  /** The floor fraction. */
  readonly alpha: number;
  /** The warmup's target, or null. */
  readonly warmupTarget: number | null;
  /** Steps of warmup. */
  readonly warmupSteps: number;
  /** The schedule's name. */
  readonly name: string;

  /** The keys of {@link CosineDecayOptions}. */
  static optionKeys: readonly string[] = [
    "initialLearningRate",
    "decaySteps",
    "alpha",
    "warmupTarget",
    "warmupSteps",
    "name",
  ] satisfies (keyof CosineDecayOptions)[];

  /**
   * Validates the options and creates the object.
   *
   * @param options The schedule's options; see `CosineDecayOptions`.
   */
  constructor(options: CosineDecayOptions) {
    super();
    options = checkClassOptions(`create ${new.target.name}`, new.target, options);
    const o = "create CosineDecay";
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
    this.alpha = number(o, "alpha", options.alpha ?? 0, { min: 0, max: 1 });
    const target = options.warmupTarget ?? null;
    this.warmupTarget = target === null ? null : number(o, "warmupTarget", target, nonNegative);
    this.warmupSteps = number(o, "warmupSteps", options.warmupSteps ?? 0, nonNegative);
    this.name = options.name ?? "CosineDecay";
  }

  /**
   * The learning rate at `step`.
   *
   * @param step The optimizer step.
   * @returns The warmed-up or decayed rate.
   */
  call(step: number): number {
    if (this.warmupTarget === null) {
      return this.#decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    }
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) {
      const delta = this.warmupTarget - this.initialLearningRate;
      return delta * (s / this.warmupSteps) + this.initialLearningRate;
    }
    return this.#decay(s - this.warmupSteps, this.warmupTarget);
  }

  #decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * step / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
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
      alpha: this.alpha,
      warmupTarget: this.warmupTarget,
      warmupSteps: this.warmupSteps,
      name: this.name,
    };
  }
}
