/**
 * `Model`: a layer that can be compiled, trained, evaluated and run.
 * Subclass it and implement `call`; layers assigned as fields are tracked.
 * The loops themselves live in `trainer.ts`.
 *
 * @module
 */
import { tf } from "./tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "./layer.ts";
import { CompiledState, type CompileOptions } from "./compile.ts";
import type { DataLike } from "./data_adapter.ts";
import type { Dataset } from "./dataset.ts";
import * as trainer from "./trainer.ts";
import { summary } from "./summary.ts";
import type { History } from "../callbacks/history.ts";
import type { Logs } from "../callbacks/callback.ts";
import type { LoadWeightsOptions, SaveOptions } from "../io/save_model.ts";

/**
 * Where `fit` resumes a run: what a callback's `onTrainBegin` sets on
 * {@link Model.resumeFrom} (`BackupAndRestore`, after restoring a backup).
 */
export interface ResumePoint {
  /** The epoch to start at (0-based), in place of `initialEpoch`. */
  epoch: number;
  /** Batches of that epoch already trained: `fit` skips them. */
  step: number;
}

/**
 * The base class of models.
 *
 * @example
 * ```ts
 * import { layers, Model, tf } from "../mod.ts";
 * class TwoLayer extends Model {
 *   hidden = new layers.Dense(8, { activation: "relu" });
 *   out = new layers.Dense(1);
 *   override call(x: tf.Tensor): tf.Tensor {
 *     return this.out.apply(this.hidden.apply(x));
 *   }
 * }
 * const model = new TwoLayer();
 * model.compile({ optimizer: "sgd", loss: "mse" });
 * await model.fit(tf.ones([4, 3]), tf.zeros([4, 1]), { epochs: 1, verbose: 0 });
 * ```
 */
export class Model extends Layer {
  /** Set to `true` (from a callback) to stop `fit` after the current batch. */
  stopTraining = false;
  /**
   * Keras's spelling of `stopTraining` (`self.model.stop_training = True`):
   * an alias of the same flag, so setting either stops `fit`.
   *
   * @returns `stopTraining`.
   */
  get stop_training(): boolean {
    return this.stopTraining;
  }
  set stop_training(value: boolean) {
    this.stopTraining = value;
  }
  /** The raw values of the last training batch (the logs passed to callbacks are running means). */
  batchLogs: Logs = {};
  /**
   * Where the next `fit` resumes, set from a callback's `onTrainBegin`
   * (`BackupAndRestore`); `fit` takes it and sets it back to `null`. `null`:
   * start at `initialEpoch`. @default null
   */
  resumeFrom: ResumePoint | null = null;
  #compiled: CompiledState | null = null;

  /** The keys of `LayerOptions`: a model's own options. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;
  #building = false;

  /** Creates a model; `options` are its name and trainability. @param options Name and trainability. */
  constructor(options: LayerOptions = {}) {
    super(options);
    this.autoCast = false; // inputs reach the layers as given (Embedding needs integers)
    this.maskFromOutput = true;
  }

  /**
   * The forward pass; subclasses implement it.
   *
   * @param _inputs The input batch.
   * @param _options Training flag and mask.
   * @returns The output batch.
   */
  call(_inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    throw new TypeError(
      `Cannot call ${this.name} as ${this.constructor.name} does not implement call(inputs, options)`,
    );
  }

  /** The layers assigned as fields, in assignment order. */
  get layers(): Layer[] {
    return this.trackedLayers;
  }

  /**
   * Creates the weights by running the model once on zeros of this shape.
   *
   * @param inputShape The input shape; the batch axis may be `null`.
   */
  override build(inputShape: Shape): void {
    if (this.#building) return;
    this.#building = true;
    try {
      tf.tidy(() => {
        this.apply(tf.zeros(inputShape.map((d) => d ?? 1)));
      });
    } finally {
      this.#building = false;
    }
  }

  /** Models leave input checks to their layers. */
  protected override checkInputShape(): void {
    // Each layer checks its own input; a model's call decides what it accepts.
  }

  /**
   * Sets the optimizer, loss and metrics used by `fit` and `evaluate`.
   *
   * @param options Strings (Keras names, any case) or instances.
   */
  compile(options: CompileOptions): void {
    this.#compiled = new CompiledState(options);
  }

  /**
   * Keras's `get_compile_config`: the settings `compile` was given (the
   * optimizer, the loss and metrics as given, names or instances or
   * functions, and the loss weight), or `null` before `compile`.
   * `model.save` stores what this returns (serialized as Keras does), so a
   * subclass may override it to change what is saved; `loadModel` hands the
   * restored settings to `compileFromConfig`.
   *
   * @returns The compile options, or `null`.
   */
  getCompileConfig(): CompileOptions | null {
    const compiled = this.#compiled;
    if (!compiled) return null;
    return {
      optimizer: compiled.optimizer,
      loss: compiled.lossIdentifier,
      metrics: [...compiled.metricIdentifiers],
      lossWeights: compiled.lossWeight,
    };
  }

  /**
   * Keras's `compile_from_config`: compiles the model from the settings a
   * saved file holds (what `getCompileConfig` returned when it was saved,
   * with its losses, metrics and optimizer rebuilt). `loadModel` calls it;
   * the default is `compile(config)`. Unlike Keras, the config arrives
   * deserialized (instances, not JSON).
   *
   * @param config The compile options.
   */
  compileFromConfig(config: CompileOptions): void {
    this.compile(config);
  }

  /** The compiled state, or `null` before `compile`. */
  get compiled(): CompiledState | null {
    return this.#compiled;
  }

  /** The optimizer given to `compile`. */
  get optimizer(): CompiledState["optimizer"] {
    if (!this.#compiled) {
      throw new TypeError(`Cannot read the optimizer of ${this.name} as it is not compiled`);
    }
    return this.#compiled.optimizer;
  }

  /**
   * The training loss of a batch: the compiled loss (weighted) plus every
   * regularization penalty.
   *
   * @param yTrue Targets.
   * @param yPred Predictions.
   * @param sampleWeight Per-sample weights, or null.
   * @returns A scalar.
   */
  computeLoss(
    yTrue: tf.Tensor,
    yPred: tf.Tensor,
    sampleWeight: tf.Tensor | null = null,
  ): tf.Scalar {
    const compiled = this.#compiled;
    if (!compiled) {
      throw new TypeError(`Cannot compute the loss of ${this.name} as it is not compiled`);
    }
    return tf.tidy(() => {
      let loss: tf.Scalar = compiled.loss.apply(yTrue, yPred, sampleWeight ?? undefined);
      if (compiled.lossWeight !== 1) loss = tf.mul(loss, compiled.lossWeight);
      const penalties = this.losses;
      return penalties.length > 0 ? tf.add(loss, tf.addN(penalties)) : loss;
    });
  }

  /**
   * Trains the model (Keras semantics and defaults).
   *
   * @param x Inputs (tensor, nested array, typed array) or a Dataset of `[x, y]` batches.
   * @param y Targets, unless `x` is a Dataset.
   * @param options Batch size, epochs, validation, callbacks, …
   * @returns The History of per-epoch logs.
   */
  fit(
    x: DataLike | Dataset<tf.Tensor[]>,
    y?: DataLike,
    options: trainer.FitOptions = {},
  ): Promise<History> {
    return trainer.fit(this, x, y, options);
  }

  /**
   * Computes the loss and metrics on data.
   *
   * @param x Inputs or a Dataset of `[x, y]` batches.
   * @param y Targets, unless `x` is a Dataset.
   * @param options Batch size, sample weights, callbacks.
   * @returns `{ loss, <metric>: value }`.
   */
  evaluate(
    x: DataLike | Dataset<tf.Tensor[]>,
    y?: DataLike,
    options: trainer.EvaluateOptions = {},
  ): Promise<Logs> {
    return trainer.evaluate(this, x, y, options);
  }

  /**
   * Runs the model on data in batches (inference mode). Synchronous, as
   * Keras's: callbacks' predict hooks run in place, and a hook that returns a
   * promise is a `TypeError` — use `predictAsync` to await asynchronous hooks.
   *
   * @param x Inputs or a Dataset.
   * @param options Batch size, steps, callbacks.
   * @returns One tensor with a row per sample; the caller owns it.
   */
  predict(
    x: DataLike | Dataset<tf.Tensor | tf.Tensor[]>,
    options: trainer.PredictOptions = {},
  ): tf.Tensor {
    return trainer.predict(this, x, options);
  }

  /**
   * `predict` that awaits every callback hook before it goes on, for
   * asynchronous hooks (`async onPredictBatchEnd(batch, { outputs })`).
   *
   * @param x Inputs or a Dataset.
   * @param options Batch size, steps, callbacks.
   * @returns One tensor with a row per sample, once every hook is done; the caller owns it.
   */
  predictAsync(
    x: DataLike | Dataset<tf.Tensor | tf.Tensor[]>,
    options: trainer.PredictOptions = {},
  ): Promise<tf.Tensor> {
    return trainer.predictAsync(this, x, options);
  }

  /**
   * One gradient step on one batch.
   *
   * @returns `{ loss, <metric>: value }` for this batch alone.
   */
  trainOnBatch(x: DataLike, y: DataLike, sampleWeight?: DataLike): Logs {
    return this.#onBatch("trainOnBatch", x, y, sampleWeight, trainer.trainStep);
  }

  /**
   * Loss and metrics on one batch, without training.
   *
   * @returns `{ loss, <metric>: value }`.
   */
  testOnBatch(x: DataLike, y: DataLike, sampleWeight?: DataLike): Logs {
    return this.#onBatch("testOnBatch", x, y, sampleWeight, trainer.testStep);
  }

  /**
   * The model's output on one batch (inference mode).
   *
   * @returns The output; the caller owns it.
   */
  predictOnBatch(x: DataLike): tf.Tensor {
    return tf.tidy(() =>
      this.apply(x instanceof tf.Tensor ? x : tf.tensor(x as number[]), { training: false })
    );
  }

  #onBatch(
    method: string,
    x: DataLike,
    y: DataLike,
    sampleWeight: DataLike | undefined,
    step: typeof trainer.trainStep,
  ): Logs {
    const compiled = this.#compiled;
    if (!compiled) {
      throw new TypeError(
        `Cannot ${method} ${this.name} as it is not compiled: call model.compile(...) first`,
      );
    }
    const toTensor = (
      d: DataLike,
    ) => (d instanceof tf.Tensor ? tf.clone(d) : tf.tensor(d as number[]));
    const batch = {
      x: toTensor(x),
      y: toTensor(y),
      sampleWeight: sampleWeight === undefined ? null : toTensor(sampleWeight),
    };
    try {
      if (!compiled.built) {
        const outShape = tf.tidy(() => this.apply(batch.x).shape);
        compiled.build(batch.y.shape, outShape);
      }
      compiled.resetState();
      return step(this, compiled, batch);
    } finally {
      tf.dispose([batch.x, batch.y, batch.sampleWeight ?? []]);
    }
  }

  /** Frees the weights and the compiled optimizer's state. */
  override dispose(): void {
    super.dispose();
    this.#compiled?.optimizer.dispose();
  }

  /**
   * Saves the model: a path ending in `.keras` writes a Keras 3 archive, any
   * other path a TensorFlow.js Layers directory (`model.json` + shards). The
   * optimizer's state is included unless `includeOptimizer` is false.
   *
   * @param path The `.keras` file or the directory.
   * @param options Whether to include the optimizer.
   * @returns When every file is written (each atomically).
   */
  async save(path: string, options: SaveOptions = {}): Promise<void> {
    const io = await import("../io/save_model.ts");
    await io.saveModel(this, path, options);
  }

  /**
   * Saves the weights only: Keras 3's HDF5 layout for a path ending in
   * `.weights.h5`, otherwise a kerno checkpoint file.
   *
   * @param path The file.
   * @returns When the file is written (atomically).
   */
  async saveWeights(path: string): Promise<void> {
    const io = await import("../io/save_model.ts");
    await io.saveWeights(this, path);
  }

  /**
   * Loads weights from a file `saveWeights` or `save` wrote (or TensorFlow.js
   * saved); every shape is checked before any weight changes.
   *
   * @param path The file or directory.
   * @param options `skipMismatch`: skip layers whose shapes differ.
   * @returns When the weights are set.
   */
  async loadWeights(path: string, options: LoadWeightsOptions = {}): Promise<void> {
    const io = await import("../io/save_model.ts");
    await io.loadWeights(this, path, options);
  }

  /**
   * Prints a Keras-style table of layers, output shapes and parameter counts.
   *
   * @param print Where each line goes. @default console.log
   */
  summary(print: (line: string) => void = console.log): void {
    summary(this, print);
  }
}
