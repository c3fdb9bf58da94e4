/**
 * `EarlyStopping`: stops `fit` once the monitored value has stopped improving.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import type { Logs } from "./callback.ts";
import { MonitorCallback, type MonitorMode } from "./monitor_callback.ts";
import { boolean, integer, number } from "../engine/validate.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Options of `EarlyStopping` (Keras 3's, in camelCase). */
export interface EarlyStoppingOptions {
  /** The logged key to watch. @default "val_loss" */
  monitor?: string;
  /** The smallest absolute change that counts as an improvement. @default 0 */
  minDelta?: number;
  /** Epochs without improvement after which training stops. @default 0 */
  patience?: number;
  /** 1 prints a line when stopping and when restoring weights. @default 0 */
  verbose?: 0 | 1;
  /** `"auto"` (the metric's direction), `"min"` or `"max"`. @default "auto" */
  mode?: MonitorMode;
  /**
   * A value to reach: an improvement that does not also beat the baseline
   * does not reset the patience counter. @default null
   */
  baseline?: number | null;
  /**
   * Keep a copy of the weights of the best epoch and put them back at the end
   * of training (whenever a best epoch exists, stopped early or not).
   * @default false
   */
  restoreBestWeights?: boolean;
  /** Epochs (0-based) before this one are not watched (warm-up). @default 0 */
  startFromEpoch?: number;
}

/**
 * Stops training when the monitored value has not improved for `patience`
 * epochs, with Keras 3's semantics: the patience counter grows every watched
 * epoch and is reset by an improvement (one that also beats `baseline`, when
 * given); training stops when it reaches `patience` (never after epoch 0).
 *
 * @example
 * ```ts
 * import { callbacks, layers, Sequential, tf } from "../mod.ts";
 * const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
 * model.compile({ optimizer: "sgd", loss: "mse" });
 * const stop = new callbacks.EarlyStopping({ monitor: "loss", patience: 2, restoreBestWeights: true });
 * const x = tf.ones([8, 2]);
 * const y = tf.zeros([8, 1]);
 * await model.fit(x, y, { epochs: 20, verbose: 0, callbacks: [stop] });
 * console.log(stop.stoppedEpoch, stop.bestEpoch);
 * tf.dispose([x, y]);
 * ```
 */
export class EarlyStopping extends MonitorCallback {
  /** Epochs without improvement before stopping. */
  readonly patience: number;
  /** The value to beat for the counter to reset, or null. */
  readonly baseline: number | null;
  /** Whether the best epoch's weights are restored at the end. */
  readonly restoreBestWeights: boolean;
  /** The first watched epoch. */
  readonly startFromEpoch: number;
  /** 0 silent, 1 prints its actions. */
  readonly verbose: 0 | 1;
  /** Watched epochs since the last improvement. */
  wait = 0;
  /** The epoch (0-based) at which training was stopped; 0 when it was not. */
  stoppedEpoch = 0;
  /** The best monitored value so far, or null. */
  best: number | null = null;
  /** The epoch (0-based) of the best value. */
  bestEpoch = 0;
  #bestWeights: tf.Tensor[] | null = null;

  /** The keys of {@link EarlyStoppingOptions}. */
  static override optionKeys: readonly string[] = [
    ...MonitorCallback.optionKeys,
    "patience",
    "verbose",
    "baseline",
    "restoreBestWeights",
    "startFromEpoch",
  ];

  /**
   * Checks the options.
   *
   * @param options See `EarlyStoppingOptions`.
   */
  constructor(options: EarlyStoppingOptions = {}) {
    checkClassOptions(`create ${new.target.name}`, new.target, options);
    super(options, "EarlyStopping");
    const what = "create EarlyStopping";
    this.patience = integer(what, "patience", options.patience ?? 0, 0);
    this.startFromEpoch = integer(what, "startFromEpoch", options.startFromEpoch ?? 0, 0);
    const baseline = options.baseline ?? null;
    this.baseline = baseline === null ? null : number(what, "baseline", baseline);
    this.restoreBestWeights = boolean(
      what,
      "restoreBestWeights",
      options.restoreBestWeights ?? false,
    );
    const verbose = options.verbose ?? 0;
    if (verbose !== 0 && verbose !== 1) {
      throw new RangeError(
        `Cannot ${what} as "verbose" must be 0 or 1: received ${verbose}`,
      );
    }
    this.verbose = verbose;
  }

  /** Resets the counters and drops any kept weights. */
  override onTrainBegin(): Promise<void> {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestEpoch = 0;
    this.#setBestWeights(null);
    return Promise.resolve();
  }

  /** Counts the epoch and stops training once `patience` epochs passed without improvement. */
  override onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (epoch < this.startFromEpoch) return Promise.resolve();
    const current = this.getMonitorValue(logs);
    if (current === null) return Promise.resolve();
    if (this.restoreBestWeights && this.#bestWeights === null) {
      // Until something improves, the weights of the first watched epoch are the best.
      this.#setBestWeights(this.model!.getWeights());
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.#setBestWeights(this.model!.getWeights());
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return Promise.resolve();
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
    return Promise.resolve();
  }

  /** Restores the best epoch's weights when `restoreBestWeights` kept them. */
  override onTrainEnd(): Promise<void> {
    if (this.stoppedEpoch > 0 && this.verbose > 0) {
      console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    }
    if (this.#bestWeights !== null) {
      if (this.verbose > 0) {
        console.log(
          `Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`,
        );
      }
      this.model!.setWeights(this.#bestWeights);
      this.#setBestWeights(null);
    }
    return Promise.resolve();
  }

  #setBestWeights(weights: tf.Tensor[] | null): void {
    if (this.#bestWeights !== null) {
      for (const w of this.#bestWeights) w.dispose();
    }
    this.#bestWeights = weights;
  }
}
