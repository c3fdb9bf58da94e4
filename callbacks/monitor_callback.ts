/**
 * `MonitorCallback`: the monitor / mode / minDelta logic shared by
 * `EarlyStopping`, `ReduceLROnPlateau` (and checkpointing callbacks), in one place.
 *
 * @module
 */
import type { Model } from "../engine/model.ts";
import { Callback, type Logs } from "./callback.ts";
import { NON_NEGATIVE, number, oneOf } from "../engine/validate.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Which way the monitored value improves; `"auto"` asks the compiled metric. */
export type MonitorMode = "auto" | "min" | "max";

/** Options of a `MonitorCallback`. */
export interface MonitorOptions {
  /** The logged key to watch. @default "val_loss" */
  monitor?: string;
  /**
   * `"min"`, `"max"`, or `"auto"`: `loss`/`val_loss` are minimised, and any
   * other key takes the direction of the compiled metric of that name
   * (`val_<name>` included).
   * @default "auto"
   */
  mode?: MonitorMode;
  /** The smallest absolute change that counts as an improvement; >= 0. @default 0 */
  minDelta?: number;
}

/**
 * Base class of callbacks that watch one logged value: resolves `mode`
 * (from the metric's own `direction` under `"auto"`), tests improvements
 * with `minDelta`, and reads the value from the logs, warning once (with the
 * available keys) when it is missing.
 *
 * @example
 * ```ts
 * import { callbacks } from "../mod.ts";
 * class PrintBest extends callbacks.MonitorCallback {
 *   best = Infinity;
 *   override onEpochEnd(_epoch: number, logs: callbacks.Logs = {}): Promise<void> {
 *     const value = this.getMonitorValue(logs);
 *     if (value !== null && this.isImprovement(value, this.best)) this.best = value;
 *     return Promise.resolve();
 *   }
 * }
 * new PrintBest({ monitor: "loss" });
 * ```
 */
export class MonitorCallback extends Callback {
  /** The logged key watched. */
  readonly monitor: string;
  /** The mode as given. */
  readonly mode: MonitorMode;
  /** The absolute change needed to count as an improvement. */
  readonly minDelta: number;
  #direction: "min" | "max" | null = null;
  #warned = false;

  /** The keys of {@link MonitorOptions}. */
  static optionKeys: readonly string[] = [
    "monitor",
    "mode",
    "minDelta",
  ] satisfies (keyof MonitorOptions)[];

  /**
   * Checks the monitor, mode and minDelta.
   *
   * @param options Monitor, mode and minDelta; see `MonitorOptions`.
   * @param owner The subclass's name, for error messages. @default "MonitorCallback"
   */
  constructor(options: MonitorOptions = {}, owner = "MonitorCallback") {
    super();
    checkClassOptions(`create ${owner}`, new.target, options);
    const { monitor = "val_loss", mode = "auto", minDelta = 0 } = options;
    if (typeof monitor !== "string" || monitor === "") {
      throw new TypeError(
        `Cannot create ${owner} as "monitor" must be a logged key such as "val_loss": received ${
          String(monitor)
        }`,
      );
    }
    this.monitor = monitor;
    this.mode = oneOf(`create ${owner}`, "mode", mode, ["auto", "min", "max"]);
    this.minDelta = number(`create ${owner}`, "minDelta", minDelta, NON_NEGATIVE);
  }

  /**
   * Attaches the model; the direction is resolved again for it.
   *
   * @param model The model.
   */
  override setModel(model: Model): void {
    super.setModel(model);
    this.#direction = null;
    this.#warned = false;
  }

  /**
   * The direction in which the monitored value improves, resolved on first use.
   *
   * @returns `"min"` or `"max"`.
   */
  get direction(): "min" | "max" {
    return this.#direction ??= this.#resolveDirection();
  }

  /**
   * Whether `value` beats `reference` by more than `minDelta` in this
   * callback's direction; anything beats `null`.
   *
   * @param value The new value.
   * @param reference The value to beat, or null.
   * @returns True for an improvement.
   */
  isImprovement(value: number, reference: number | null): boolean {
    if (reference === null) return true;
    return this.direction === "min"
      ? value + this.minDelta < reference
      : value - this.minDelta > reference;
  }

  /**
   * The monitored value from an epoch's logs; warns once when it is missing.
   *
   * @param logs The epoch's logs.
   * @returns The value, or null when the key is absent.
   */
  getMonitorValue(logs: Logs): number | null {
    const value = logs[this.monitor];
    if (typeof value === "number") return value;
    if (!this.#warned) {
      this.#warned = true;
      console.warn(
        `kerno: ${this.constructor.name} watches "${this.monitor}", which is not logged; available keys: ${
          Object.keys(logs).join(", ") || "(none)"
        }`,
      );
    }
    return null;
  }

  #resolveDirection(): "min" | "max" {
    if (this.mode !== "auto") return this.mode;
    const name = this.monitor.startsWith("val_") ? this.monitor.slice(4) : this.monitor;
    if (name === "loss") return "min";
    const metric = this.model?.compiled?.metrics.find((m) => m.name === name);
    if (metric) return metric.direction;
    throw new TypeError(
      `Cannot decide whether ${this.constructor.name}'s monitor "${this.monitor}" should be minimised or maximised as no compiled metric is named "${name}": pass mode: "min" or mode: "max"`,
    );
  }
}
