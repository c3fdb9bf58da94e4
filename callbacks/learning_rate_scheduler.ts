/**
 * `LearningRateScheduler`: sets the learning rate at the start of every epoch
 * from a function of the epoch and the current rate.
 *
 * @module
 */
import { Callback, type Logs } from "./callback.ts";
import { checkClassOptions } from "../engine/options.ts";

/** A schedule by epoch: `(epoch, currentRate) => newRate`; `epoch` is 0-based. */
export type EpochSchedule = (epoch: number, learningRate: number) => number;

/** Options of `LearningRateScheduler`. */
export interface LearningRateSchedulerOptions {
  /** 1 prints the rate set at each epoch. @default 0 */
  verbose?: 0 | 1;
}

/**
 * Calls `schedule(epoch, learningRate)` at the start of every epoch and sets
 * the optimizer's learning rate to the result, which is also logged as
 * `learning_rate`. The optimizer must have a number learning rate (a
 * `LearningRateSchedule` already decides the rate by step).
 *
 * @example
 * ```ts
 * import { callbacks } from "../mod.ts";
 * // Keep the rate for 10 epochs, then decay it by 10% per epoch.
 * const scheduler = new callbacks.LearningRateScheduler((epoch, lr) => epoch < 10 ? lr : lr * 0.9);
 * console.log(typeof scheduler.schedule); // "function"
 * ```
 */
export class LearningRateScheduler extends Callback {
  /** The schedule. */
  readonly schedule: EpochSchedule;
  /** 0 silent, 1 prints each epoch's rate. */
  readonly verbose: 0 | 1;

  /** The keys of {@link LearningRateSchedulerOptions}. */
  static optionKeys: readonly string[] = [
    "verbose",
  ] satisfies (keyof LearningRateSchedulerOptions)[];

  /**
   * Checks the schedule.
   *
   * @param schedule `(epoch, learningRate) => number`.
   * @param options See `LearningRateSchedulerOptions`.
   */
  constructor(schedule: EpochSchedule, options: LearningRateSchedulerOptions = {}) {
    checkClassOptions(`create ${new.target.name}`, new.target, options);
    super();
    if (typeof schedule !== "function") {
      throw new TypeError(
        `Cannot create LearningRateScheduler as "schedule" must be a function (epoch, learningRate) => number: received ${typeof schedule}`,
      );
    }
    const verbose = options.verbose ?? 0;
    if (verbose !== 0 && verbose !== 1) {
      throw new RangeError(
        `Cannot create LearningRateScheduler as "verbose" must be 0 or 1: received ${verbose}`,
      );
    }
    this.schedule = schedule;
    this.verbose = verbose;
  }

  /** Checks that the optimizer's rate is a number it may set. */
  override onTrainBegin(): Promise<void> {
    if (this.model!.optimizer.learningRateSchedule !== null) {
      throw new TypeError(
        `Cannot use LearningRateScheduler as the optimizer's learning rate is a schedule: create the optimizer with a number learningRate, or drop one of the two`,
      );
    }
    return Promise.resolve();
  }

  /** Sets the learning rate to `schedule(epoch, learningRate)`. */
  override onEpochBegin(epoch: number): Promise<void> {
    const optimizer = this.model!.optimizer;
    const value: unknown = this.schedule(epoch, optimizer.learningRate);
    if (typeof value !== "number") {
      throw new TypeError(
        `Cannot use LearningRateScheduler as its schedule must return a number: received ${
          typeof value === "object" ? JSON.stringify(value) : String(value)
        } (${typeof value}) at epoch ${epoch}`,
      );
    }
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `Cannot use LearningRateScheduler as its schedule must return a finite number >= 0: received ${value} at epoch ${epoch}`,
      );
    }
    optimizer.learningRate = value;
    if (this.verbose > 0) {
      console.log(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${value}.`);
    }
    return Promise.resolve();
  }

  /** Logs the rate as `learning_rate`. */
  override onEpochEnd(_epoch: number, logs: Logs = {}): Promise<void> {
    logs.learning_rate = this.model!.optimizer.learningRate;
    return Promise.resolve();
  }
}
