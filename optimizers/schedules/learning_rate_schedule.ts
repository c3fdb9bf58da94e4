/**
 * The base class of every learning-rate schedule, and the `ScheduleLike`
 * type that optimizers accept as `learningRate`.
 *
 * A schedule maps the optimizer's step (the number of updates applied so far,
 * starting at 0) to a learning rate. It is plain JavaScript arithmetic on a
 * number, so evaluating it never touches a tensor or waits for the device.
 *
 * @module
 */

/**
 * Anything that can drive an optimizer's learning rate: a
 * `LearningRateSchedule`, or any function from the step to a rate.
 */
export type ScheduleLike = LearningRateSchedule | ((step: number) => number);

/**
 * A serialised schedule: its class name and its `getConfig()`.
 */
export interface SerializedSchedule {
  /** The schedule's class name, such as `"ExponentialDecay"`. */
  className: string;
  /** The constructor options, as `getConfig()` returns them. */
  config: Record<string, unknown>;
}

/**
 * Base class of learning-rate schedules: subclasses implement `call(step)`
 * and `getConfig()`; `fromConfig` then rebuilds them mechanically.
 *
 * @example
 * ```ts
 * import { LearningRateSchedule } from "./learning_rate_schedule.ts";
 * class OneOverT extends LearningRateSchedule {
 *   constructor(readonly config: { initialLearningRate: number }) { super(); }
 *   call(step: number): number { return this.config.initialLearningRate / (step + 1); }
 *   getConfig(): Record<string, unknown> { return { ...this.config }; }
 * }
 * new OneOverT({ initialLearningRate: 0.1 }).call(1); // 0.05
 * ```
 */
export abstract class LearningRateSchedule {
  /**
   * The learning rate at a step.
   *
   * @param step The optimizer's step: updates applied so far, from 0.
   * @returns The learning rate to use for the update at that step.
   */
  abstract call(step: number): number;

  /**
   * The constructor options, so that `fromConfig(getConfig())` rebuilds an
   * equal schedule.
   *
   * @returns A plain, JSON-serialisable object with camelCase keys.
   */
  abstract getConfig(): Record<string, unknown>;

  /**
   * The class name used when serialising, `{ className, config }`.
   *
   * @returns The subclass's name, such as `"CosineDecay"`.
   */
  get className(): string {
    return this.constructor.name;
  }

  /**
   * Rebuilds a schedule from `getConfig()`'s output.
   *
   * @param config The options object.
   * @returns A new schedule of the class `fromConfig` is called on.
   */
  static fromConfig<T extends LearningRateSchedule>(
    this: new (config: never) => T,
    config: Record<string, unknown>,
  ): T {
    return new this(config as never);
  }
}
