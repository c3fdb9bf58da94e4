/**
 * `TensorBoard`: writes training logs as TensorBoard event files.
 *
 * @module
 */
import { Callback, type Logs } from "./callback.ts";
import { EventFileWriter, histogram } from "./_event_file.ts";
import { checkClassOptions } from "../engine/options.ts";
import { boolean, integer, reject } from "../engine/validate.ts";
import type { Layer } from "../engine/layer.ts";
import type { tf } from "../engine/tf.ts";

/** Options of `TensorBoard`. */
export interface TensorBoardOptions {
  /** The folder of the logs; runs go to `logDir/train` and `logDir/validation`. @default "logs" */
  logDir?: string;
  /**
   * Write histograms of every weight every `histogramFreq` epochs (from the
   * first); 0 writes none.
   * @default 0
   */
  histogramFreq?: number;
  /**
   * Write the model's architecture (its Keras JSON config, tag `keras`, for
   * TensorBoard's graph plugin "Conceptual graph") once at the start. There
   * is no op graph (`GraphDef`) to write: TensorFlow.js runs eagerly.
   * @default true
   */
  writeGraph?: boolean;
  /**
   * `"epoch"`: scalars once per epoch (`epoch_loss`, step = epoch);
   * `"batch"`: also every batch (`batch_loss`, step = the batch's number
   * counted over the whole run, from 1); a number `N`: every `N` batches.
   * @default "epoch"
   */
  updateFreq?: "epoch" | "batch" | number;
}

let writers = 0;

/**
 * Writes what training logs to event files TensorBoard reads
 * (`tensorboard --logdir logs`), laid out as Keras does:
 *
 * - `logDir/train/events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2`: after
 *   every epoch, `epoch_<name>` for the loss, each metric and
 *   `epoch_learning_rate` (step = the epoch, from 0); with `updateFreq`,
 *   `batch_<name>` (the epoch's running means, step = the batch's number
 *   over the run, from 1); with `histogramFreq`, `<layer>/<weight>/histogram`
 *   histograms (30 equal-width buckets); with `writeGraph`, the model's
 *   config (tag `keras`) at step 0.
 * - `logDir/validation/...`: `epoch_<name>` for each `val_` value (the
 *   prefix removed, so train and validation share a chart), and after each
 *   evaluation `evaluation_<name>_vs_iterations` (step = optimizer updates).
 *
 * Scalars are float32 `simple_value`s and histograms `HistogramProto`s;
 * events are flushed as they are written. Keras's `write_images`,
 * `write_steps_per_second`, `profile_batch` and `embeddings_*` are not
 * supported.
 *
 * @example
 * ```ts
 * import { callbacks } from "../mod.ts";
 * const tensorBoard = new callbacks.TensorBoard({ logDir: "runs/tb", histogramFreq: 1 });
 * console.log(tensorBoard.logDir); // runs/tb
 * ```
 */
export class TensorBoard extends Callback {
  /** The folder of the logs. */
  readonly logDir: string;
  /** Epochs between weight histograms (0: none). */
  readonly histogramFreq: number;
  /** Whether the model's config is written. */
  readonly writeGraph: boolean;
  /** `"epoch"`, or batches between batch-level scalars. */
  readonly updateFreq: "epoch" | number;
  #train: EventFileWriter | null = null;
  #validation: EventFileWriter | null = null;
  #trainBatch = 0;
  #training = false;

  /** The keys of {@link TensorBoardOptions}. */
  static optionKeys: readonly string[] = [
    "logDir",
    "histogramFreq",
    "writeGraph",
    "updateFreq",
  ] satisfies (keyof TensorBoardOptions)[];

  /**
   * Checks the options; the files are created when training begins.
   *
   * @param options See `TensorBoardOptions`.
   */
  constructor(options: TensorBoardOptions = {}) {
    checkClassOptions(`create ${new.target.name}`, new.target, options);
    super();
    const what = "create TensorBoard";
    const { logDir = "logs", histogramFreq = 0, writeGraph = true, updateFreq = "epoch" } = options;
    if (typeof logDir !== "string" || logDir === "") {
      reject(what, "logDir", logDir, "a folder path");
    }
    this.logDir = logDir.replace(/\/+$/, "") || "/";
    this.histogramFreq = integer(what, "histogramFreq", histogramFreq, 0);
    this.writeGraph = boolean(what, "writeGraph", writeGraph);
    if (updateFreq === "epoch") this.updateFreq = "epoch";
    else if (updateFreq === "batch") this.updateFreq = 1;
    else if (typeof updateFreq === "number" && Number.isInteger(updateFreq) && updateFreq >= 1) {
      this.updateFreq = updateFreq;
    } else {
      reject(what, "updateFreq", updateFreq, `"epoch", "batch" or a positive integer`);
    }
  }

  /** Opens the training run's file and writes the model's config. */
  override async onTrainBegin(): Promise<void> {
    this.#training = true;
    this.#trainBatch = 0;
    const writer = this.#trainWriter();
    if (this.writeGraph) await this.#writeModelConfig(writer);
  }

  /** Closes the files. */
  override onTrainEnd(): void {
    this.#training = false;
    this.#train?.close();
    this.#validation?.close();
    this.#train = this.#validation = null;
  }

  /** Counts the batch. */
  override onTrainBatchBegin(): void {
    this.#trainBatch++;
  }

  /** Writes `batch_<name>` scalars every `updateFreq` batches. */
  override onTrainBatchEnd(_batch: number, logs: Logs = {}): void {
    if (this.updateFreq === "epoch" || this.#trainBatch % this.updateFreq !== 0) return;
    const writer = this.#trainWriter();
    for (const [name, value] of Object.entries(logs)) {
      writer.scalar(`batch_${name}`, value, this.#trainBatch);
    }
  }

  /** Writes `evaluation_<name>_vs_iterations` to the validation run. */
  override onTestEnd(logs: Logs = {}): void {
    const iterations = this.model.compiled?.optimizer.iterations;
    if (iterations !== undefined) {
      const writer = this.#validationWriter();
      for (const [name, value] of Object.entries(logs)) {
        writer.scalar(`evaluation_${name}_vs_iterations`, value, iterations);
      }
    }
    if (!this.#training) {
      this.#validation?.close();
      this.#validation = null;
    }
  }

  /** Writes the epoch's scalars and, every `histogramFreq` epochs, the weights' histograms. */
  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const train: Logs = {};
    const validation: Logs = {};
    for (const [name, value] of Object.entries(logs)) {
      if (name.startsWith("val_")) validation[name.slice(4)] = value;
      else train[name] = value;
    }
    const optimizer = this.model.compiled?.optimizer;
    if (!("learning_rate" in train) && optimizer !== undefined) {
      train.learning_rate = optimizer.learningRate;
    }
    const trainWriter = this.#trainWriter();
    for (const [name, value] of Object.entries(train)) {
      trainWriter.scalar(`epoch_${name}`, value, epoch);
    }
    if (Object.keys(validation).length > 0) {
      const writer = this.#validationWriter();
      for (const [name, value] of Object.entries(validation)) {
        writer.scalar(`epoch_${name}`, value, epoch);
      }
    }
    if (this.histogramFreq > 0 && epoch % this.histogramFreq === 0) {
      for (const { tag, variable } of this.#weights()) {
        trainWriter.histogram(
          `${tag}/histogram`,
          histogram(await variable.data() as Float32Array),
          epoch,
        );
      }
    }
  }

  /** Every weight once, named `<layer>/<sublayer>/.../<weight>` as Keras's paths. */
  #weights(): { tag: string; variable: tf.Variable }[] {
    const out: { tag: string; variable: tf.Variable }[] = [];
    const seen = new Set<tf.Variable>();
    const walk = (layer: Layer, prefix: string) => {
      for (const { name, variable } of layer.namedWeights) {
        if (seen.has(variable)) continue;
        seen.add(variable);
        out.push({ tag: `${prefix}/${name}`.replaceAll(":", "_"), variable });
      }
      for (const sub of layer.trackedLayers) walk(sub, `${prefix}/${sub.name}`);
    };
    for (const layer of this.model.layers) walk(layer, layer.name);
    return out;
  }

  async #writeModelConfig(writer: EventFileWriter): Promise<void> {
    let json: string;
    try {
      const { modelToKeras } = await import("../io/_topology.ts");
      json = JSON.stringify(modelToKeras(this.model, "keras3"));
    } catch (error) {
      console.warn(`TensorBoard: the model's config was not written: ${(error as Error).message}`);
      return;
    }
    writer.text("keras", json, 0, "graph_keras_model", "1");
  }

  #trainWriter(): EventFileWriter {
    return this.#train ??= this.#open("train");
  }

  #validationWriter(): EventFileWriter {
    return this.#validation ??= this.#open("validation");
  }

  #open(run: string): EventFileWriter {
    try {
      return new EventFileWriter(`${this.logDir}/${run}`, writers++);
    } catch (error) {
      throw new TypeError(
        `Cannot write TensorBoard's logs in "${this.logDir}/${run}": ${
          (error as Error).message
        }; check that the folder can be created and written`,
        { cause: error },
      );
    }
  }
}
