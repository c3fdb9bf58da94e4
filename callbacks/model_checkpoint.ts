/**
 * `ModelCheckpoint`: saves the model (or its weights) during training.
 *
 * @module
 */
import type { Logs } from "./callback.ts";
import { MonitorCallback, type MonitorMode } from "./monitor_callback.ts";
import { formatFilepath } from "./_filepath_template.ts";
import { boolean } from "../engine/validate.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Options of `ModelCheckpoint` (Keras 3's, in camelCase). */
export interface ModelCheckpointOptions {
  /** The logged key `saveBestOnly` watches. @default "val_loss" */
  monitor?: string;
  /** `"auto"` (the metric's direction), `"min"` or `"max"`. @default "auto" */
  mode?: MonitorMode;
  /** Save only when the monitored value improves on the best so far. @default false */
  saveBestOnly?: boolean;
  /** Save the weights only (`model.saveWeights`) rather than the model (`model.save`). @default false */
  saveWeightsOnly?: boolean;
  /** `"epoch"`: after every epoch; a number: after every that many training batches. @default "epoch" */
  saveFreq?: "epoch" | number;
  /** With `saveBestOnly`, the value the first save must beat. @default null */
  initialValueThreshold?: number | null;
  /** 1 prints a line for every save. @default 0 */
  verbose?: 0 | 1;
}

/**
 * Saves the model or its weights at the end of every epoch (or every
 * `saveFreq` batches), optionally only when the monitored value improves.
 *
 * The path may hold Python-style fields filled as Keras fills them:
 * `{epoch}` (1-based), `{batch}` (1-based, batch-wise saving only) and any
 * logged key, with a format: `{epoch:02d}`, `{val_loss:.2f}`. A path ending
 * in `.keras` gets a Keras 3 archive, `.weights.h5` (with `saveWeightsOnly`)
 * Keras 3's weights file; other paths get a TensorFlow.js Layers directory
 * (model) or a kerno checkpoint file (weights). Every write is atomic.
 *
 * @example
 * ```ts ignore
 * import { callbacks } from "../mod.ts";
 * const checkpoint = new callbacks.ModelCheckpoint("runs/best-{epoch:02d}.keras", {
 *   monitor: "val_loss",
 *   saveBestOnly: true,
 * });
 * ```
 */
export class ModelCheckpoint extends MonitorCallback {
  /** The path template. */
  readonly filepath: string;
  /** Whether only improvements are saved. */
  readonly saveBestOnly: boolean;
  /** Whether only weights are saved. */
  readonly saveWeightsOnly: boolean;
  /** `"epoch"` or a batch count. */
  readonly saveFreq: "epoch" | number;
  /** 0 silent, 1 prints saves. */
  readonly verbose: 0 | 1;
  /** The best monitored value so far (or the initial threshold), or null. */
  best: number | null;
  /** The path of the last save, or null. */
  lastSaved: string | null = null;
  #batchesSinceSave = 0;
  #epoch = 0;

  /** The keys of {@link ModelCheckpointOptions}. */
  static override optionKeys: readonly string[] = [
    "monitor",
    "mode",
    "saveBestOnly",
    "saveWeightsOnly",
    "saveFreq",
    "initialValueThreshold",
    "verbose",
  ] satisfies (keyof ModelCheckpointOptions)[];

  /**
   * Checks the options.
   *
   * @param filepath The path template.
   * @param options See `ModelCheckpointOptions`.
   */
  constructor(filepath: string, options: ModelCheckpointOptions = {}) {
    checkClassOptions(`create ${new.target.name}`, new.target, options);
    super({ monitor: options.monitor, mode: options.mode }, "ModelCheckpoint");
    const what = "create ModelCheckpoint";
    if (typeof filepath !== "string" || filepath === "") {
      throw new TypeError(
        `Cannot ${what} as "filepath" must be a non-empty string: received ${String(filepath)}`,
      );
    }
    this.filepath = filepath;
    this.saveBestOnly = boolean(what, "saveBestOnly", options.saveBestOnly ?? false);
    this.saveWeightsOnly = boolean(what, "saveWeightsOnly", options.saveWeightsOnly ?? false);
    const freq = options.saveFreq ?? "epoch";
    if (freq !== "epoch" && (!Number.isInteger(freq) || (freq as number) <= 0)) {
      throw new RangeError(
        `Cannot ${what} as "saveFreq" must be "epoch" or a positive integer: received ${
          JSON.stringify(freq)
        }`,
      );
    }
    this.saveFreq = freq;
    const threshold = options.initialValueThreshold ?? null;
    if (threshold !== null && (typeof threshold !== "number" || !Number.isFinite(threshold))) {
      throw new RangeError(
        `Cannot ${what} as "initialValueThreshold" must be a finite number or null: received ${
          String(threshold)
        }`,
      );
    }
    this.best = threshold;
    const verbose = options.verbose ?? 0;
    if (verbose !== 0 && verbose !== 1) {
      throw new RangeError(
        `Cannot ${what} as "verbose" must be 0 or 1: received ${verbose}`,
      );
    }
    this.verbose = verbose;
  }

  /** Remembers the epoch, for batch-wise saves. */
  override onEpochBegin(epoch: number): Promise<void> {
    this.#epoch = epoch;
    return Promise.resolve();
  }

  /** Saves every `saveFreq` batches when batch-wise saving is on. */
  override async onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    if (this.saveFreq === "epoch") return;
    this.#batchesSinceSave++;
    if (this.#batchesSinceSave >= this.saveFreq) {
      this.#batchesSinceSave = 0;
      await this.#save(this.#epoch, batch, logs);
    }
  }

  /** Saves after the epoch when `saveFreq` is `"epoch"`. */
  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.saveFreq === "epoch") await this.#save(epoch, null, logs);
  }

  async #save(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    const model = this.model!;
    const values: Record<string, number> = { ...logs, epoch: epoch + 1 };
    if (batch !== null && !("batch" in logs)) values.batch = batch + 1;
    const path = formatFilepath(this.filepath, values);
    if (this.saveBestOnly) {
      const current = this.getMonitorValue(logs);
      if (current === null) return;
      if (!this.isImprovement(current, this.best)) {
        if (this.verbose) {
          console.log(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best}`);
        }
        return;
      }
      if (this.verbose) {
        console.log(
          `Epoch ${
            epoch + 1
          }: ${this.monitor} improved from ${this.best} to ${current}, saving model to ${path}`,
        );
      }
      this.best = current;
    } else if (this.verbose) {
      console.log(`Epoch ${epoch + 1}: saving model to ${path}`);
    }
    const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    if (dir !== "") await Deno.mkdir(dir, { recursive: true });
    if (this.saveWeightsOnly) await model.saveWeights(path);
    else await model.save(path);
    this.lastSaved = path;
  }
}
