/**
 * `Model`: a layer that can be compiled, trained, evaluated and run.
 * Subclass it and implement `call`; layers assigned as fields are tracked.
 * The loops themselves live in `trainer.ts`.
 *
 * @module
 */
import { readsDeferred } from "./_reads.ts";
import { tf } from "./tf.ts";
import {
  type CallOptions,
  type InputMasks,
  type InputShapes,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerInputs,
  type LayerOptions,
} from "./layer.ts";
import { zerosFor } from "./layer_inputs.ts";
import { Graph, type SymbolicStructure } from "./functional.ts";
import { isSymbolic, type SymbolicInputs, type SymbolicTensor } from "./symbolic.ts";
import { describe } from "./format.ts";
import { uniqueLayerName } from "./naming.ts";
import { CompiledState, type CompileOptions } from "./compile.ts";
import { type DataStructure, DataTree, tensorsOf } from "./data_adapter.ts";
import type { Dataset, Element } from "./dataset.ts";
import * as trainer from "./trainer.ts";
import { prepareOwnStep } from "./_fit_data.ts";
import { cacheOnHost, runStepAsync } from "./_step_reader.ts";
import type { Batch } from "./epoch_iterator.ts";
import { handOver } from "./gradients.ts";
import {
  batchSizeOf,
  overrides,
  type StepData,
  type StepLogs,
  unpackXYSampleWeight,
} from "./step_data.ts";
import type { Metric } from "../metrics/metric.ts";
import type { Optimizer } from "../optimizers/optimizer.ts";
import { summary } from "./summary.ts";
import type { History } from "../callbacks/history.ts";
import type { Logs } from "../callbacks/callback.ts";
import type { LoadWeightsOptions, SaveOptions } from "../io/save_model.ts";

/** What {@link Model.computeLoss} takes, as Keras's `compute_loss(x, y, y_pred, sample_weight)`. */
export interface ComputeLossArgs {
  /** The inputs of the batch (the default ignores them; an override may use them). */
  x?: LayerInputs;
  /** The targets. */
  y?: LayerInputs | null;
  /** The predictions (for several outputs, in the structure the model returns them). */
  yPred: LayerInputs;
  /** Per-sample weights. */
  sampleWeight?: tf.Tensor | null;
}

/**
 * Options of a model: a layer's, plus, for a functional model, the
 * symbolic `inputs` and `outputs` it is built between (Keras's
 * `keras.Model(inputs, outputs)`).
 */
export interface ModelOptions extends LayerOptions {
  /** The model's inputs: `Input(...)` tensors, one, an array, or a record keyed by name. */
  inputs?: SymbolicStructure;
  /** The model's outputs: symbolic tensors, one, an array, or a record keyed by name. */
  outputs?: SymbolicStructure;
}

/** What a model returns: one tensor, or several (an array or a record) for a functional model of several outputs. */
export type ModelOutputs = tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>;

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

  /** The keys of {@link ModelOptions}. */
  static override optionKeys: readonly string[] = [...LAYER_OPTION_KEYS, "inputs", "outputs"];
  #building = false;
  #graph: Graph | null = null;

  /**
   * Creates a model. A subclass defines `call`; given `inputs` and
   * `outputs` (symbolic tensors), the model is the functional graph
   * between them, built at once, as Keras's `keras.Model(inputs, outputs)`.
   *
   * @example
   * ```ts
   * import { Input, layers, Model } from "../mod.ts";
   * const inputs = Input({ shape: [4] });
   * const hidden = new layers.Dense(8, { activation: "relu" }).apply(inputs);
   * const outputs = new layers.Dense(1).apply(hidden);
   * const model = new Model({ inputs, outputs, name: "mlp" });
   * console.log(model.layers.length); // 3 (the input and two Dense)
   * ```
   * @param options Name and trainability; `inputs` and `outputs` for a functional model.
   */
  constructor(options: ModelOptions = {}) {
    const given = options !== null && typeof options === "object" ? options : {};
    const { inputs, outputs, ...rest } = given as ModelOptions;
    // Keras 3 names a functional model "functional", "functional_1", ….
    const functional = new.target === Model && (inputs !== undefined || outputs !== undefined);
    if (options === given && functional && rest.name === undefined) {
      rest.name = uniqueLayerName("functional");
    }
    super(options === given ? rest : options as LayerOptions);
    this.autoCast = false; // inputs reach the layers as given (Embedding needs integers)
    this.maskFromOutput = true;
    if (inputs !== undefined || outputs !== undefined) {
      if (inputs === undefined || outputs === undefined) {
        throw new TypeError(
          `Cannot build model ${this.name} as "${
            inputs === undefined ? "inputs" : "outputs"
          }" is missing: a functional model takes both, new Model({ inputs, outputs })`,
        );
      }
      const graph = new Graph(this.name, inputs, outputs);
      this.#graph = graph;
      if (graph.inputKind === "single") this.buildInputShape = graph.inputShapes[0];
      else this.buildInputShapes = graph.inputShapes;
      if (graph.outputs.length === 1) this.outputShape = graph.outputs[0].shape;
      this.built = true;
    }
  }

  /** The functional graph, or `null` for a subclassed model. @internal */
  get graph(): Graph | null {
    return this.#graph;
  }

  /**
   * The model's symbolic inputs, in order (a functional or `Sequential` model).
   *
   * @returns The inputs.
   */
  get inputs(): SymbolicTensor[] {
    return [...this.#requireGraph("inputs").inputs];
  }

  /** The model's symbolic outputs, in order. */
  get outputs(): SymbolicTensor[] {
    return [...this.#requireGraph("outputs").outputs];
  }

  /** The inputs' names, by which `fit` and `predict` match a record of data. */
  get inputNames(): string[] {
    return [...this.#requireGraph("inputNames").inputNames];
  }

  /** The outputs' names, by which `compile` matches a record of losses and `fit` one of targets. */
  get outputNames(): string[] {
    return [...this.#requireGraph("outputNames").outputNames];
  }

  #requireGraph(what: string): Graph {
    const graph = this.symbolicGraph();
    if (graph === null) {
      throw new TypeError(
        `Cannot read the ${what} of ${this.name} (${this.constructor.name}) as it has no symbolic inputs: a subclassed model defines call instead; build a functional model (new Model({ inputs, outputs })) or give a Sequential model an input shape`,
      );
    }
    return graph;
  }

  /**
   * The graph behind `inputs`/`outputs`: a functional model's own; a
   * `Sequential` model's once it knows its input shape. @internal
   *
   * @returns The graph, or `null`.
   */
  symbolicGraph(): Graph | null {
    return this.#graph;
  }

  /**
   * A layer of the model by name or by index in `layers`.
   *
   * @param nameOrIndex The layer's name, or its index.
   * @returns The layer.
   */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === "number") {
      if (!Number.isInteger(nameOrIndex) || nameOrIndex < 0 || nameOrIndex >= layers.length) {
        throw new RangeError(
          `Cannot get layer ${nameOrIndex} of ${this.name} as it has ${layers.length} layers: pass an index from 0 to ${
            layers.length - 1
          }`,
        );
      }
      return layers[nameOrIndex];
    }
    if (typeof nameOrIndex !== "string") {
      throw new TypeError(
        `Cannot get a layer of ${this.name} as "nameOrIndex" must be a layer name or an index: received ${
          describe(nameOrIndex)
        }`,
      );
    }
    const found = layers.find((l) => l.name === nameOrIndex);
    if (!found) {
      throw new RangeError(
        `Cannot get layer ${
          JSON.stringify(nameOrIndex)
        } of ${this.name} as it has no layer of that name: its layers are ${
          layers.map((l) => JSON.stringify(l.name)).join(", ") || "none"
        }`,
      );
    }
    return found;
  }

  /**
   * Calls the model on symbolic tensors: the model is used as a layer of
   * another functional model.
   *
   * @param inputs Symbolic tensors.
   * @param options `training`, fixed for this call.
   * @returns The symbolic output.
   */
  override apply(inputs: SymbolicInputs, options?: CallOptions<InputMasks>): SymbolicTensor;
  /**
   * Runs the model on data (see `Layer.apply`). A functional model takes
   * one tensor per input: one tensor, an array in `inputs` order, or a
   * record keyed by input names; one of several outputs returns them in the
   * structure `outputs` was given in (cast the result:
   * `model.apply(x) as unknown as tf.Tensor[]`).
   *
   * @param inputs The data.
   * @param options Training flag and mask.
   * @returns The output.
   */
  override apply(inputs: LayerInputs, options?: CallOptions<InputMasks>): tf.Tensor;
  override apply(
    inputs: LayerInputs | SymbolicInputs,
    options: CallOptions<InputMasks> = {},
  ): tf.Tensor | SymbolicTensor {
    const graph = this.#graph;
    if (graph === null || isSymbolic(`${this.name} (${this.constructor.name})`, inputs)) {
      return super.apply(inputs as LayerInputs, options);
    }
    const values = graph.arrange(this.name, inputs);
    return super.apply(graph.inputKind === "single" ? values[0] : values, options);
  }

  /**
   * The forward pass; subclasses implement it.
   *
   * A functional model runs its graph.
   *
   * @param inputs The input batch: one tensor, or an array or a record of
   *   them (`model.apply([a, b])`) for a subclass whose `call` takes those.
   * @param options Training flag and mask.
   * @returns The output batch.
   */
  call(inputs: LayerInputs, options: CallOptions<InputMasks>): tf.Tensor {
    const graph = this.#graph;
    if (graph !== null) {
      const values = inputs instanceof tf.Tensor ? [inputs] : inputs as tf.Tensor[];
      const out = graph.run(values, options.training ?? false);
      return graph.structure(out) as tf.Tensor;
    }
    throw new TypeError(
      `Cannot call ${this.name} as ${this.constructor.name} does not implement call(inputs, options)`,
    );
  }

  /**
   * The model's layers: a functional model's in graph order (its inputs
   * first), a subclassed model's as assigned to fields.
   */
  get layers(): Layer[] {
    return this.#graph ? [...this.#graph.layers] : this.trackedLayers;
  }

  /** The layers whose weights are the model's: the graph's, then any assigned as fields. */
  override get trackedLayers(): Layer[] {
    const fields = super.trackedLayers;
    if (!this.#graph) return fields;
    const graphLayers = this.#graph.layers;
    return [...graphLayers, ...fields.filter((l) => !graphLayers.includes(l))];
  }

  /**
   * Creates the weights by running the model once on zeros of this shape.
   *
   * @param inputShape The input shape (or shapes, as an array or record);
   *   the batch axis may be `null`.
   */
  override build(inputShape: InputShapes): void {
    if (this.#building || this.#graph) return;
    this.#building = true;
    try {
      tf.tidy(() => {
        this.apply(zerosFor(inputShape));
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
   * A subclass may override it to take its own arguments (a GAN's two
   * optimizers) and call `super.compile()`, as in Keras.
   *
   * @param options Strings (Keras names, any case) or instances; the loss
   *   may be left out when the model's own `trainStep` computes it. (Typed
   *   `CompileOptions | object` so that an override may take options of its
   *   own, `{ dOptimizer, gOptimizer, lossFn }`; unknown keys are refused
   *   when it runs.)
   */
  compile(options: CompileOptions | object = {}): void {
    const outputs = this.symbolicGraph()?.outputNames ?? null;
    this.#compiled = new CompiledState(options as CompileOptions, outputs);
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
    if (compiled.multiOutput) {
      return {
        optimizer: compiled.optimizer,
        loss: compiled.lossIdentifier ?? undefined,
        metrics: compiled.metricsIdentifier,
        lossWeights: compiled.lossWeightsIdentifier,
      };
    }
    return {
      optimizer: compiled.optimizer,
      loss: compiled.lossIdentifier ?? undefined,
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

  /** The optimizer given to `compile` (reading it before `compile` is a `TypeError`). */
  get optimizer(): Optimizer {
    if (!this.#compiled) {
      throw new TypeError(
        `Cannot read the optimizer of ${this.name} as it is not compiled: call model.compile({ optimizer, … }) first`,
      );
    }
    return this.#compiled.optimizer;
  }

  /**
   * The metrics `fit` and `evaluate` reset at the start of every epoch and
   * evaluation, and whose results make the epoch's logs: after `compile`,
   * the loss tracker (a `Mean` named `"loss"`) then the compiled metrics
   * (built on the first data); empty before. A subclass with its own
   * `trainStep` may return its own trackers here, as Keras's lower-level
   * example does.
   *
   * @returns The metrics, in logging order.
   */
  get metrics(): Metric[] {
    const compiled = this.#compiled;
    return compiled ? [compiled.lossTracker, ...compiled.outputTrackers, ...compiled.metrics] : [];
  }

  /**
   * The loss of a batch, Keras's `compute_loss`: the compiled loss
   * (weighted, with the sample weights) plus every regularization penalty
   * (`model.losses`). Call it from `trainStep` / `testStep`.
   *
   * @param args `y` the targets, `yPred` the predictions, `sampleWeight`
   *   per-sample weights (optional), `x` the inputs (unused by the default;
   *   an override may use them).
   * @returns A scalar.
   */
  computeLoss(args: ComputeLossArgs): tf.Scalar {
    const compiled = this.#compiled;
    const { y, yPred, sampleWeight } = args;
    const hasLoss = compiled?.hasLoss ?? false;
    const penalties = this.losses;
    if (!hasLoss && penalties.length === 0) {
      throw new TypeError(
        `Cannot compute the loss of ${this.name} as it ${
          compiled ? "was compiled without a loss" : "is not compiled"
        } and has no regularization losses: call model.compile({ optimizer, loss }) first`,
      );
    }
    return tf.tidy(() => {
      let loss: tf.Scalar | null = null;
      if (hasLoss) {
        if (y === null || y === undefined) {
          throw new TypeError(`Cannot compute the loss of ${this.name} as "y" is missing`);
        }
        const outputs = compiled!.outputs;
        const names = outputs.map((o) => o.name);
        const ys = perOutput(this.name, "y", y, names);
        const preds = perOutput(this.name, "yPred", yPred, names);
        const batch = preds[0].shape[0] ?? 1;
        const terms: tf.Scalar[] = [];
        outputs.forEach((out, i) => {
          if (out.loss === null) return;
          let value = out.loss.apply(ys[i], preds[i], sampleWeight ?? undefined);
          if (out.weight !== 1) value = tf.mul(value, out.weight);
          // Keras tracks each output's weighted loss as `<output>_loss`.
          // (left on the device where reads are asynchronous)
          out.tracker?.updateState(readsDeferred() ? value : value.dataSync()[0], batch);
          terms.push(value);
        });
        loss = terms.length === 1 ? terms[0] : tf.addN(terms);
      }
      if (penalties.length === 0) return loss!;
      const penalty = penalties.length === 1 ? penalties[0] : tf.addN(penalties);
      return loss === null ? tf.add(penalty, 0) : tf.add(loss, penalty);
    });
  }

  /**
   * One training step on one batch, Keras's `train_step`: `fit` (and
   * `trainOnBatch`) call it for every batch inside a `tf.tidy` that ends with
   * the step, so tensors created in it (the predictions) stay valid until it
   * returns and are freed after. The default runs the forward pass, computes
   * the loss with `computeLoss`, applies the gradients with `optimizer`, and
   * updates `metrics`. Override it for your own step (with `gradients`,
   * `computeLoss`, `metrics` and `optimizer`).
   *
   * @param data The batch: `x`, `[x, y]` or `[x, y, sampleWeight]`.
   * @returns The logs for callbacks and the progress bar: numbers or scalar
   *   tensors by name (the default: the running means of `metrics`; on a
   *   backend that reads asynchronously, `{}`: the metrics' state stays on
   *   the device and the trainer reads their results when it reads the device).
   */
  trainStep(data: StepData): StepLogs {
    const compiled = this.#stepState("train");
    const [x, y, sampleWeight] = unpackXYSampleWeight(data);
    if (y === null) throw new TypeError(`Cannot train as the data holds no targets "y"`);
    return tf.tidy(() => {
      const variables = this.trainableWeights;
      let yPred: LayerInputs | null = null;
      const forward = () => {
        const out: LayerInputs = this.apply(x, { training: true });
        tensorsOf(out).forEach((t) => tf.keep(t));
        yPred = out;
        return this.computeLoss({ x, y, yPred: out, sampleWeight });
      };
      let value: tf.Tensor;
      try {
        if (variables.length > 0) {
          const result = tf.engine().gradients(forward, variables, undefined, true);
          value = result.value;
          compiled.optimizer.applyGradients(result.grads, variables);
        } else {
          value = tf.tidy(forward);
        }
      } finally {
        if (yPred) handOver(tensorsOf(yPred)); // freed when this tidy ends
      }
      return this.#recordBatch(compiled, x, y, value, yPred!);
    });
  }

  /**
   * One evaluation step on one batch, Keras's `test_step`: `evaluate`, the
   * validation of `fit` and `testOnBatch` call it for every batch (inside a
   * `tf.tidy`). The default runs the forward pass in inference mode, computes
   * the loss and updates `metrics`.
   *
   * @param data The batch: `x`, `[x, y]` or `[x, y, sampleWeight]`.
   * @returns The logs: numbers or scalar tensors by name.
   */
  testStep(data: StepData): StepLogs {
    const compiled = this.#stepState("test");
    const [x, y, sampleWeight] = unpackXYSampleWeight(data);
    if (y === null) throw new TypeError(`Cannot evaluate as the data holds no targets "y"`);
    return tf.tidy(() => {
      const yPred: LayerInputs = this.apply(x, { training: false });
      const value = this.computeLoss({ x, y, yPred, sampleWeight });
      return this.#recordBatch(compiled, x, y, value, yPred);
    });
  }

  /**
   * One prediction step on one batch, Keras's `predict_step`: `predict`
   * calls it for every batch. The default is the forward pass in inference
   * mode.
   *
   * @param data The batch: `x` (or `[x, y]` when the data hold targets).
   * @returns The batch's outputs.
   */
  predictStep(data: StepData): ModelOutputs {
    const [x] = unpackXYSampleWeight(data);
    return this.apply(x, { training: false });
  }

  /** The compiled state the default steps need, with a clear error without it. */
  #stepState(step: "train" | "test"): CompiledState {
    const compiled = this.#compiled;
    if (!compiled || !compiled.hasLoss) {
      throw new TypeError(
        `Cannot ${
          step === "train" ? "train" : "evaluate"
        } ${this.name} with the default ${step}Step as it ${
          compiled ? "was compiled without a loss" : "is not compiled"
        }: call model.compile({ optimizer, loss, metrics }) first, or override ${step}Step`,
      );
    }
    return compiled;
  }

  /** Updates the loss tracker and the compiled metrics with one batch. */
  #recordBatch(
    compiled: CompiledState,
    x: LayerInputs,
    y: LayerInputs,
    value: tf.Tensor,
    yPred: LayerInputs,
  ): Logs {
    const deferred = readsDeferred(); // the trainer reads the metrics later, asynchronously
    const loss = deferred ? value : value.dataSync()[0];
    const names = compiled.outputs.map((o) => o.name);
    const ys = perOutput(this.name, "y", y, names);
    const preds = perOutput(this.name, "yPred", yPred, names);
    if (!compiled.built) { // Datasets: known at the first batch
      compiled.build(ys.map((t) => t.shape), preds.map((t) => t.shape));
    }
    compiled.lossTracker.updateState(loss, batchSizeOf(x));
    names.forEach((_, i) => {
      for (const m of compiled.metricsOf(i)) m.updateState(ys[i], preds[i], undefined);
    });
    if (deferred) return {}; // the trainer reads the metrics' results (the same logs) itself
    this.batchLogs = { loss: loss as number };
    return compiled.results();
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
    x: DataStructure | Dataset<Element>,
    y?: DataStructure,
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
    x: DataStructure | Dataset<Element>,
    y?: DataStructure,
    options: trainer.EvaluateOptions = {},
  ): Promise<Logs> {
    return trainer.evaluate(this, x, y, options);
  }

  /**
   * Runs the model on data in batches (inference mode). Synchronous, as
   * Keras's: callbacks' predict hooks run in place, and a hook that returns a
   * promise is a `TypeError` — use `predictAsync` to await asynchronous hooks.
   *
   * @param x Inputs or a Dataset; for several inputs, an array (in input
   *   order) or a record keyed by input names.
   * @param options Batch size, steps, callbacks.
   * @returns One tensor with a row per sample (for several outputs, one per
   *   output in the structure of `outputs`: `model.predict<Record<string,
   *   tf.Tensor>>(x)`); the caller owns it.
   */
  predict<T extends ModelOutputs = tf.Tensor>(
    x: DataStructure | Dataset<Element>,
    options: trainer.PredictOptions = {},
  ): NoInfer<T> {
    return trainer.predict(this, x, options) as T;
  }

  /**
   * `predict` that awaits every callback hook before it goes on, for
   * asynchronous hooks (`async onPredictBatchEnd(batch, { outputs })`).
   *
   * @param x Inputs or a Dataset.
   * @param options Batch size, steps, callbacks.
   * @returns One tensor with a row per sample, once every hook is done; the caller owns it.
   */
  predictAsync<T extends ModelOutputs = tf.Tensor>(
    x: DataStructure | Dataset<Element>,
    options: trainer.PredictOptions = {},
  ): Promise<NoInfer<T>> {
    return trainer.predictAsync(this, x, options) as Promise<T>;
  }

  /**
   * One gradient step on one batch. It returns numbers at once, which needs
   * a synchronous read: on a backend that reads asynchronously only
   * (`webgpu`) it throws before training, naming {@link Model.trainOnBatchAsync}.
   *
   * @param x The batch's inputs.
   * @param y The batch's targets.
   * @param sampleWeight Per-sample weights (optional).
   * @returns `{ loss, <metric>: value }` for this batch alone.
   */
  trainOnBatch(x: DataStructure, y: DataStructure, sampleWeight?: DataStructure): Logs {
    this.#refuseDeferred("trainOnBatch");
    return this.#onBatch("trainOnBatch", x, y, sampleWeight, "trainStep");
  }

  /**
   * Loss and metrics on one batch, without training. It returns numbers at
   * once, which needs a synchronous read: on a backend that reads
   * asynchronously only (`webgpu`) it throws, naming {@link Model.testOnBatchAsync}.
   *
   * @param x The batch's inputs.
   * @param y The batch's targets.
   * @param sampleWeight Per-sample weights (optional).
   * @returns `{ loss, <metric>: value }`.
   */
  testOnBatch(x: DataStructure, y: DataStructure, sampleWeight?: DataStructure): Logs {
    this.#refuseDeferred("testOnBatch");
    return this.#onBatch("testOnBatch", x, y, sampleWeight, "testStep");
  }

  /**
   * `trainOnBatch` on every backend: on one that reads asynchronously only
   * (`webgpu`) it reads the loss and the metrics with `await tensor.data()`;
   * elsewhere it is `trainOnBatch` (the same numbers, resolved at once).
   *
   * @param x The batch's inputs.
   * @param y The batch's targets.
   * @param sampleWeight Per-sample weights (optional).
   * @returns `{ loss, <metric>: value }` for this batch alone.
   * @example
   * ```ts
   * import { layers, Sequential, tf } from "../mod.ts";
   * const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
   * model.compile({ optimizer: "sgd", loss: "mse" });
   * const logs = await model.trainOnBatchAsync(tf.ones([4, 2]), tf.zeros([4, 1]));
   * console.log(typeof logs.loss); // "number"
   * ```
   */
  async trainOnBatchAsync(
    x: DataStructure,
    y: DataStructure,
    sampleWeight?: DataStructure,
  ): Promise<Logs> {
    if (!readsDeferred()) return this.trainOnBatch(x, y, sampleWeight);
    return await this.#onBatchAsync("trainOnBatchAsync", x, y, sampleWeight, "trainStep");
  }

  /**
   * `testOnBatch` on every backend: on one that reads asynchronously only
   * (`webgpu`) it reads the loss and the metrics with `await tensor.data()`;
   * elsewhere it is `testOnBatch` (the same numbers, resolved at once).
   *
   * @param x The batch's inputs.
   * @param y The batch's targets.
   * @param sampleWeight Per-sample weights (optional).
   * @returns `{ loss, <metric>: value }`.
   */
  async testOnBatchAsync(
    x: DataStructure,
    y: DataStructure,
    sampleWeight?: DataStructure,
  ): Promise<Logs> {
    if (!readsDeferred()) return this.testOnBatch(x, y, sampleWeight);
    return await this.#onBatchAsync("testOnBatchAsync", x, y, sampleWeight, "testStep");
  }

  /** The one-batch calls that return numbers at once cannot where reads are asynchronous. */
  #refuseDeferred(method: "trainOnBatch" | "testOnBatch"): void {
    if (!readsDeferred()) return;
    throw new TypeError(
      `Cannot ${method} ${this.name} on the "${tf.getBackend()}" backend as it returns numbers at once, which needs a synchronous read this backend cannot do: use "await model.${method}Async(x, y)" instead`,
    );
  }

  /**
   * The model's output on one batch (inference mode).
   *
   * @returns The output; the caller owns it.
   */
  predictOnBatch<T extends ModelOutputs = tf.Tensor>(x: DataStructure): NoInfer<T> {
    const inputs = this.#toTensors(x, "x");
    try {
      return tf.tidy(() => this.apply(inputs, { training: false })) as unknown as T;
    } finally {
      tf.dispose(tensorsOf(inputs));
    }
  }

  /** Data of one batch as tensors, in the structure given (copies; the caller disposes them). */
  #toTensors(data: DataStructure, argName: string): LayerInputs {
    const count = argName === "x"
      ? this.symbolicGraph()?.inputs.length ?? null
      : this.symbolicGraph()?.outputs.length ?? null;
    const tree = DataTree.from(data, argName, count);
    return tree.build(tree.items.map((a) => tf.tensor(a.values, a.shape, a.dtype)));
  }

  #onBatch(
    method: string,
    x: DataStructure,
    y: DataStructure,
    sampleWeight: DataStructure | undefined,
    step: "trainStep" | "testStep",
  ): Logs {
    return this.#withBatch(method, x, y, sampleWeight, step, (batch, own) => {
      return trainer.runStep(this, step, batch, own);
    });
  }

  async #onBatchAsync(
    method: string,
    x: DataStructure,
    y: DataStructure,
    sampleWeight: DataStructure | undefined,
    step: "trainStep" | "testStep",
  ): Promise<Logs> {
    await cacheOnHost([x, y, sampleWeight]); // the batch is built from host values
    // runStepAsync runs the step before its first await and keeps copies of what it returns,
    // so the batch's tensors may be freed when it hands back its promise
    const logs = this.#withBatch(
      method,
      x,
      y,
      sampleWeight,
      step,
      (batch, own) => runStepAsync(this, step, batch, own),
    );
    return await logs;
  }

  /**
   * Builds one batch's tensors, the compiled state and the step's state,
   * resets the metrics and runs `run`; the batch's tensors are freed when it
   * returns (a promise it returns must not need them).
   */
  #withBatch<T>(
    method: string,
    x: DataStructure,
    y: DataStructure,
    sampleWeight: DataStructure | undefined,
    step: "trainStep" | "testStep",
    run: (batch: Batch, own: boolean) => T,
  ): T {
    const compiled = this.#compiled;
    const own = overrides(this, step);
    if (!compiled && !own) {
      throw new TypeError(
        `Cannot ${method} ${this.name} as it is not compiled: call model.compile(...) first`,
      );
    }
    const batch = {
      x: this.#toTensors(x, "x"),
      y: this.#toTensors(y, "y"),
      sampleWeight: sampleWeight === undefined
        ? null
        : this.#toTensors(sampleWeight, "sampleWeight") as tf.Tensor,
    };
    try {
      if (own) prepareOwnStep(this, batch);
      else if (compiled && !compiled.built) {
        const outShapes = tf.tidy(() => tensorsOf(this.apply(batch.x)).map((t) => t.shape));
        compiled.build(tensorsOf(batch.y).map((t) => t.shape), outShapes);
      }
      for (const m of this.metrics) m.resetState();
      return run(batch, own);
    } finally {
      tf.dispose([...tensorsOf(batch.x), ...tensorsOf(batch.y), batch.sampleWeight ?? []]);
    }
  }

  /**
   * Frees the weights, the compiled optimizer's state and what the metrics
   * still hold on the device (a run that ended early on an asynchronous
   * backend leaves their sums there until the next reset).
   */
  override dispose(): void {
    super.dispose();
    this.#compiled?.optimizer.dispose();
    for (const m of this.metrics) m.resetState();
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

/**
 * One tensor per output, in `names` order, from what a step holds: one
 * tensor (one output), an array in output order, or a record keyed by
 * output names.
 */
function perOutput(model: string, what: string, value: unknown, names: string[]): tf.Tensor[] {
  const list = (() => {
    if (value instanceof tf.Tensor) return [value];
    if (Array.isArray(value)) return value;
    if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      const missing = names.filter((n) => !(n in record));
      if (missing.length > 0 || keys.length !== names.length) {
        throw new TypeError(
          `Cannot compute the loss of ${model} as the keys of "${what}" do not match its outputs: expected ${
            names.map((n) => JSON.stringify(n)).join(", ")
          }, received ${keys.map((k) => JSON.stringify(k)).join(", ") || "none"}`,
        );
      }
      return names.map((n) => record[n]);
    }
    return [value];
  })();
  if (list.length !== names.length) {
    throw new TypeError(
      `Cannot compute the loss of ${model} as "${what}" holds ${list.length} tensor${
        list.length === 1 ? "" : "s"
      } for ${names.length} output${names.length === 1 ? "" : "s"} (${
        names.map((n) => JSON.stringify(n)).join(", ")
      })`,
    );
  }
  list.forEach((t, i) => {
    if (!(t instanceof tf.Tensor)) {
      throw new TypeError(
        `Cannot compute the loss of ${model} as "${what}" for output ${
          JSON.stringify(names[i])
        } must be a tf.Tensor: received ${describe(t)}`,
      );
    }
  });
  return list as tf.Tensor[];
}
