/**
 * `ReduceLROnPlateau`: multiplies the learning rate by `factor` when the
 * monitored value has stopped improving.
 *
 * @module
 */
import type { Logs } from "./callback.ts";
import { MonitorCallback, type MonitorMode } from "./monitor_callback.ts";
import { integer, NON_NEGATIVE, number, reject } from "../engine/validate.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Options of `ReduceLROnPlateau` (Keras 3's, in camelCase). */
export interface ReduceLROnPlateauOptions {
  /** The logged key to watch. @default "val_loss" */
  monitor?: string;
  /** The multiplier, in (0, 1). @default 0.1 */
  factor?: number;
  /** Epochs without improvement before the rate is reduced. @default 10 */
  patience?: number;
  /** 1 prints a line at each reduction. @default 0 */
  verbose?: 0 | 1;
  /** `"auto"` (the metric's direction), `"min"` or `"max"`. @default "auto" */
  mode?: MonitorMode;
  /** The smallest absolute change that counts as an improvement. @default 1e-4 */
  minDelta?: number;
  /** Epochs after a reduction during which no further reduction happens. @default 0 */
  cooldown?: number;
  /** The rate is never reduced below this. @default 0 */
  minLr?: number;
}

/**
 * Reduces the learning rate when the monitored value plateaus, with Keras
 * 3's counting: every epoch that neither improves nor falls in a cooldown
 * adds one to `wait`; when `wait` reaches `patience` the rate becomes
 * `max(rate * factor, minLr)` (if it is above `minLr`), `wait` restarts at 0
 * and a cooldown of `cooldown` epochs begins. With a constant value and
 * `patience: 2`, the rate is reduced at the end of epochs 3, 5, 7, … (1-based).
 *
 * When a schedule drives the optimizer's rate, the schedule is scaled (Keras
 * cannot do this): later steps follow the schedule times the accumulated factor.
 *
 * @example
 * ```ts
 * import { callbacks } from "../mod.ts";
 * const reduce = new callbacks.ReduceLROnPlateau({ monitor: "val_loss", factor: 0.5, patience: 2 });
 * console.log(reduce.factor); // 0.5
 * ```
 */
export class ReduceLROnPlateau extends MonitorCallback {
  /** The multiplier. */
  readonly factor: number;
  /** Epochs without improvement before reducing. */
  readonly patience: number;
  /** Epochs without reductions after one. */
  readonly cooldown: number;
  /** The floor of the rate. */
  readonly minLr: number;
  /** 0 silent, 1 prints each reduction. */
  readonly verbose: 0 | 1;
  /** Epochs without improvement, outside cooldowns. */
  wait = 0;
  /** Cooldown epochs left. */
  cooldownCounter = 0;
  /** The best value so far, or null before the first watched epoch. */
  best: number | null = null;

  /** The keys of {@link ReduceLROnPlateauOptions}. */
  static override optionKeys: readonly string[] = [
    ...MonitorCallback.optionKeys,
    "factor",
    "patience",
    "verbose",
    "cooldown",
    "minLr",
  ];

  /**
   * Checks the options.
   *
   * @param options See `ReduceLROnPlateauOptions`.
   */
  constructor(options: ReduceLROnPlateauOptions = {}) {
    checkClassOptions(`create ${new.target.name}`, new.target, options);
    super({ ...options, minDelta: options.minDelta ?? 1e-4 }, "ReduceLROnPlateau");
    const what = "create ReduceLROnPlateau";
    const factor = options.factor ?? 0.1;
    if (typeof factor !== "number" || !(factor > 0 && factor < 1)) {
      reject(what, "factor", factor, "a number in (0, 1) that reduces the rate", RangeError);
    }
    this.factor = factor;
    this.patience = integer(what, "patience", options.patience ?? 10, 0);
    this.cooldown = integer(what, "cooldown", options.cooldown ?? 0, 0);
    this.minLr = number(what, "minLr", options.minLr ?? 0, NON_NEGATIVE);
    const verbose = options.verbose ?? 0;
    if (verbose !== 0 && verbose !== 1) {
      throw new RangeError(
        `Cannot ${what} as "verbose" must be 0 or 1: received ${verbose}`,
      );
    }
    this.verbose = verbose;
  }

  /** Whether a cooldown is running. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Resets the counters and the best value. */
  override onTrainBegin(): Promise<void> {
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = null;
    return Promise.resolve();
  }

  /** Logs the rate, then counts the epoch and reduces the rate once `patience` epochs passed without improvement. */
  override onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const optimizer = this.model!.optimizer;
    logs.learning_rate = optimizer.learningRate;
    const current = this.getMonitorValue(logs);
    if (current === null) return Promise.resolve();
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown) {
      this.wait++;
      if (this.wait >= this.patience) this.#reduce(epoch);
    }
    return Promise.resolve();
  }

  #reduce(epoch: number): void {
    const optimizer = this.model!.optimizer;
    const oldLr = optimizer.learningRate;
    if (!(oldLr > this.minLr)) return;
    const newLr = Math.max(oldLr * this.factor, this.minLr);
    if (optimizer.learningRateSchedule === null) optimizer.learningRate = newLr;
    else optimizer.scaleLearningRate(newLr / oldLr);
    if (this.verbose > 0) {
      console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${newLr}.`);
    }
    this.cooldownCounter = this.cooldown;
    this.wait = 0;
  }
}
