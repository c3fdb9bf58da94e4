/**
 * The trainer: when things happen. Keras's split is kept —
 * `Model` says what is computed (`call`, `computeLoss`), this file runs the
 * loops (`fit`, `evaluate`, `predict` and their one-batch forms), the epoch
 * iterator decides which samples each step sees, and the callback list
 * decides who is told.
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { Model, ResumePoint } from "./model.ts";
import type { CompiledState } from "./compile.ts";
import { overrides, packXYSampleWeight } from "./step_data.ts";
import { type DataLike, type DataStructure, tensorsOf } from "./data_adapter.ts";
import type { ModelOutputs } from "./model.ts";
import { Dataset, type Element } from "./dataset.ts";
import {
  arrayIterator,
  type Batch,
  datasetIterator,
  type EpochIterator,
} from "./epoch_iterator.ts";
import {
  evaluationData,
  inputTree,
  type ModelArity,
  prepareFitData,
  prepareModel,
  prepareOwnStep,
} from "./_fit_data.ts";
import { positiveInt } from "./validate.ts";
import { checkOptions } from "./options.ts";
import type { Callback, HookResult, Logs, PredictBatchLogs } from "../callbacks/callback.ts";
import { CallbackList, type HookName } from "../callbacks/callback_list.ts";
import { History } from "../callbacks/history.ts";
import { ProgbarLogger } from "../callbacks/progbar_logger.ts";
import { resolveVerbose, validateFitOptions } from "./_fit_options.ts";
import { cacheOnHost, metricsResultOrLogs, StepReader } from "./_step_reader.ts";
export { runStep } from "./_step_reader.ts";

/** Options of `Model.fit`, with Keras's defaults. */
export interface FitOptions {
  /** Samples per gradient step. @default 32 */
  batchSize?: number;
  /** Epochs to train (the last epoch index + 1, as `initialEpoch` counts too). @default 1 */
  epochs?: number;
  /** 0 silent, 1 progress bar, 2 one line per epoch, "auto": 1 on a terminal, else 2. @default "auto" */
  verbose?: 0 | 1 | 2 | "auto";
  /** Hooks called during training. @default [] */
  callbacks?: Callback[];
  /** Fraction of the samples, taken from the end before shuffling, held out for validation. @default 0 */
  validationSplit?: number;
  /** `[x, y]` (or `[x, y, sampleWeight]`) or a Dataset evaluated after epochs. */
  validationData?:
    | [DataStructure, DataStructure]
    | [DataStructure, DataStructure, DataLike]
    | Dataset<Element>;
  /** Shuffle the training samples before every epoch. @default true */
  shuffle?: boolean;
  /** Loss weight per class index. */
  classWeight?: Record<number, number>;
  /** Loss weight per sample. */
  sampleWeight?: DataLike;
  /** Epoch to start at (to resume a run). @default 0 */
  initialEpoch?: number;
  /** Batches per epoch; the data are cycled through across epochs. */
  stepsPerEpoch?: number;
  /** Batches per validation; default: all. */
  validationSteps?: number;
  /** Batch size for validation. @default batchSize */
  validationBatchSize?: number;
  /** Validate every N epochs, or after the listed (1-based) epochs. @default 1 */
  validationFreq?: number | number[];
}

/** The keys of {@link FitOptions}. */
export const FIT_OPTION_KEYS: readonly (keyof FitOptions)[] = [
  "batchSize",
  "epochs",
  "verbose",
  "callbacks",
  "validationSplit",
  "validationData",
  "shuffle",
  "classWeight",
  "sampleWeight",
  "initialEpoch",
  "stepsPerEpoch",
  "validationSteps",
  "validationBatchSize",
  "validationFreq",
];

/** Options of `Model.evaluate`. */
export interface EvaluateOptions {
  /** Samples per batch. @default 32 */
  batchSize?: number;
  /** 0 silent, 1 progress bar, 2 one line. @default 0 */
  verbose?: 0 | 1 | 2 | "auto";
  /** Loss weight per sample. */
  sampleWeight?: DataLike;
  /** At most this many batches. */
  steps?: number;
  /** Hooks (`onTestBegin`, …). */
  callbacks?: Callback[];
}

/** The keys of {@link EvaluateOptions}. */
export const EVALUATE_OPTION_KEYS: readonly (keyof EvaluateOptions)[] = [
  "batchSize",
  "verbose",
  "sampleWeight",
  "steps",
  "callbacks",
];

/** Options of `Model.predict`. */
export interface PredictOptions {
  /** Samples per batch. @default 32 */
  batchSize?: number;
  /** 0 silent, 1 progress bar, 2 one line. @default 0 */
  verbose?: 0 | 1 | 2 | "auto";
  /** At most this many batches. */
  steps?: number;
  /** Hooks (`onPredictBegin`, …). */
  callbacks?: Callback[];
}

/** The keys of {@link PredictOptions}. */
export const PREDICT_OPTION_KEYS: readonly (keyof PredictOptions)[] = [
  "batchSize",
  "verbose",
  "steps",
  "callbacks",
];

/** Runs `fit`. See `Model.fit`. */
export async function fit(
  model: Model,
  x: DataStructure | Dataset<Element>,
  y: DataStructure | undefined,
  options: FitOptions,
): Promise<History> {
  const own = overrides(model, "trainStep");
  const compiled = own ? model.compiled : requireCompiled(model, "fit");
  const o = validateFitOptions(options);
  const { train, validation, sample } = prepareFitData(
    x,
    y,
    o,
    model.seedGenerator,
    own,
    arityOf(model),
  );
  prepareModel(model, compiled, sample, own);
  const history = new History();
  const verbose = resolveVerbose(o.verbose ?? "auto");
  const given = o.callbacks ?? [];
  const addProgbar = verbose > 0 && !given.some((c) => c instanceof ProgbarLogger);
  const list = new CallbackList(
    [...given, history, ...(addProgbar ? [new ProgbarLogger()] : [])],
    model,
    { epochs: o.epochs, steps: train.steps, verbose },
  );
  model.stopTraining = false;
  await cacheOnHost([x, y, o.sampleWeight, o.validationData]);
  await list.call("onTrainBegin");
  const start = takeResumePoint(model, o.initialEpoch);
  let epochLogs: Logs = {};
  const reads = new StepReader(model, list, "Train", own);
  try {
    epochLogs = await fitEpochs(model, o, { train, validation }, list, {
      reads,
      start,
      prepared: !own || sample !== null,
    });
  } finally {
    reads.close();
    await train.close();
    await validation?.close();
  }
  await list.call("onTrainEnd", epochLogs);
  return history;
}

/** The epochs of `fit`: steps, then validation, then the epoch's logs. */
async function fitEpochs(
  model: Model,
  o: ReturnType<typeof validateFitOptions>,
  data: { train: EpochIterator; validation: EpochIterator | null },
  list: CallbackList,
  state: { reads: StepReader; start: ResumePoint; prepared: boolean },
): Promise<Logs> {
  const { train, validation } = data;
  const { reads, start } = state;
  const compiled = model.compiled;
  let epochLogs: Logs = {};
  let skipSteps = start.step;
  let prepared = state.prepared;
  for (let epoch = start.epoch; epoch < o.epochs && !model.stopTraining; epoch++) {
    resetMetrics(model);
    await list.callAt("onEpochBegin", epoch);
    let step = 0;
    for await (const batch of train.epochAsync()) {
      if (skipSteps > 0) { // resuming mid-epoch: these batches were trained before the backup
        skipSteps--;
        step++;
        continue;
      }
      if (!prepared) { // a Dataset and the model's own step: build on the first batch
        prepareOwnStep(model, batch);
        prepared = true;
      }
      await reads.step(step++, batch);
      if (model.stopTraining) break;
    }
    const logs = await reads.endEpoch();
    list.callbacks.forEach((c) => c.params.steps ??= train.steps);
    epochLogs = metricsResultOrLogs(model, logs);
    if (validation && validationDue(epoch, o.validationFreq)) {
      const valLogs = await runEvaluation(model, validation, list);
      for (const [k, v] of Object.entries(valLogs)) epochLogs[`val_${k}`] = v;
    }
    if (compiled) epochLogs.learning_rate = compiled.optimizer.learningRate;
    await list.callAt("onEpochEnd", epoch, epochLogs);
  }
  return epochLogs;
}

/**
 * Where `fit` starts: `initialEpoch`, unless a callback's `onTrainBegin`
 * (BackupAndRestore) set `model.resumeFrom` (the epoch, and the batches of
 * it already trained); it is consumed here.
 */
function takeResumePoint(model: Model, initialEpoch: number): ResumePoint {
  const start = model.resumeFrom ?? { epoch: initialEpoch, step: 0 };
  model.resumeFrom = null;
  return start;
}

/** Runs `evaluate`. See `Model.evaluate`. */
export async function evaluate(
  model: Model,
  x: DataStructure | Dataset<Element>,
  y: DataStructure | undefined,
  options: EvaluateOptions,
): Promise<Logs> {
  options = checkOptions("evaluate", options, EVALUATE_OPTION_KEYS);
  const own = overrides(model, "testStep");
  const compiled = own ? model.compiled : requireCompiled(model, "evaluate");
  const batchSize = options.batchSize ?? 32;
  await cacheOnHost([x, y, options.sampleWeight]);
  const { iterator, sample } = evaluationData(
    x,
    y,
    options.sampleWeight,
    batchSize,
    options.steps,
    "evaluate",
    own,
    arityOf(model),
  );
  prepareModel(model, compiled, sample, own);
  const list = new CallbackList(options.callbacks ?? [], model, {
    epochs: 1,
    steps: iterator.steps,
    verbose: resolveVerbose(options.verbose ?? 0),
  });
  try {
    return await runEvaluation(model, iterator, list);
  } finally {
    await iterator.close();
  }
}

/** Runs `predict`. See `Model.predict`. */
export function predict(
  model: Model,
  x: DataStructure | Dataset<Element>,
  options: PredictOptions,
): ModelOutputs {
  // predict is synchronous (it returns a tensor, as Keras's does): hooks run
  // in place, and one that returns a promise is an error (predictAsync awaits).
  const { list, iterator, steps } = predictRun(model, x, options);
  const batches = iterator.epoch();
  try {
    for (let r = steps.next();;) {
      if (r.done) return r.value;
      if (r.value === PULL) {
        const b = batches.next();
        r = steps.next(b.done ? null : b.value);
        continue;
      }
      list.eachSync(r.value.hook, r.value.invoke, "predict");
      r = steps.next();
    }
  } catch (e) {
    steps.throw(e); // closes the loop (its outputs are freed) and rethrows
    throw e;
  } finally {
    batches.return(undefined);
  }
}

/** Runs `predictAsync`. See `Model.predictAsync`. */
export async function predictAsync(
  model: Model,
  x: DataStructure | Dataset<Element>,
  options: PredictOptions,
): Promise<ModelOutputs> {
  await cacheOnHost([x]);
  const { list, iterator, steps } = predictRun(model, x, options);
  const batches = iterator.epochAsync();
  try {
    for (let r = steps.next();;) {
      if (r.done) return r.value;
      if (r.value === PULL) {
        const b = await batches.next();
        r = steps.next(b.done ? null : b.value);
        continue;
      }
      await list.each(r.value.invoke);
      r = steps.next();
    }
  } catch (e) {
    steps.throw(e);
    throw e;
  } finally {
    await batches.return(undefined);
    await iterator.close();
  }
}

/** One hook call of the prediction loop, for every callback. */
interface HookCall {
  hook: HookName;
  invoke: (callback: Callback) => HookResult;
}

/** What the prediction loop yields to ask its caller for the next batch (`null` at the end). */
const PULL = Symbol("pull");

/**
 * The prediction loop shared by `predict` and `predictAsync`: it yields the
 * hook calls in Keras's order and `PULL` for each batch, which the caller
 * reads (in place or awaited) and passes back; the caller runs the hooks,
 * and the loop returns the concatenated outputs. Closed early, it frees
 * every output.
 */
function predictRun(
  model: Model,
  x: DataStructure | Dataset<Element>,
  options: PredictOptions,
): {
  list: CallbackList;
  iterator: EpochIterator;
  steps: Generator<HookCall | typeof PULL, ModelOutputs, Batch | null | undefined>;
} {
  options = checkOptions("predict", options, PREDICT_OPTION_KEYS);
  const batchSize = options.batchSize ?? 32;
  positiveInt("predict", "batchSize", batchSize);
  const iterator = x instanceof Dataset
    ? datasetIterator(x, options.steps, { method: "predict", stepsArg: "steps" })
    : arrayIterator(inputTree(x, arityOf(model)), null, null, {
      batchSize,
      shuffle: false,
      stepsPerEpoch: options.steps,
    });
  const list = new CallbackList(options.callbacks ?? [], model, {
    epochs: 1,
    steps: iterator.steps,
    verbose: resolveVerbose(options.verbose ?? 0),
  });
  return { list, iterator, steps: predictSteps(model) };
}

function* predictSteps(
  model: Model,
): Generator<HookCall | typeof PULL, ModelOutputs, Batch | null | undefined> {
  const parts: ModelOutputs[] = [];
  let result: ModelOutputs | null = null;
  try {
    const beginLogs: Logs = {};
    yield { hook: "onPredictBegin", invoke: (c) => c.onPredictBegin(beginLogs) };
    for (let step = 0;; step++) {
      const batch = yield PULL;
      if (!batch) break;
      const index = step;
      const batchLogs: Logs = {};
      yield { hook: "onPredictBatchBegin", invoke: (c) => c.onPredictBatchBegin(index, batchLogs) };
      const outputs = tf.tidy(() =>
        model.predictStep(packXYSampleWeight(batch.x, batch.y, batch.sampleWeight))
      );
      parts.push(outputs);
      const endLogs: PredictBatchLogs = { outputs: outputs as tf.Tensor };
      yield { hook: "onPredictBatchEnd", invoke: (c) => c.onPredictBatchEnd(index, endLogs) };
    }
    const endLogs: Logs = {};
    yield { hook: "onPredictEnd", invoke: (c) => c.onPredictEnd(endLogs) };
    if (parts.length === 0) throw new RangeError(`Cannot predict as "x" holds no samples`);
    result = parts.length === 1 ? parts[0] : concatOutputs(parts);
    return result;
  } finally {
    if (result === null || parts.length > 1) tf.dispose(parts.flatMap(tensorsOf));
  }
}

/** Joins the batches' outputs along the batch axis, per output for several. */
function concatOutputs(parts: ModelOutputs[]): ModelOutputs {
  const first = parts[0];
  if (first instanceof tf.Tensor) return tf.concat(parts as tf.Tensor[], 0);
  if (Array.isArray(first)) {
    return first.map((_, i) => tf.concat(parts.map((p) => (p as tf.Tensor[])[i]), 0));
  }
  return Object.fromEntries(
    Object.keys(first).map((k) => [
      k,
      tf.concat(parts.map((p) => (p as Record<string, tf.Tensor>)[k]), 0),
    ]),
  );
}

/** How many inputs and outputs the model takes, when it has a symbolic graph. */
function arityOf(model: Model): ModelArity {
  const graph = model.symbolicGraph();
  return graph
    ? { inputs: graph.inputs.length, outputs: graph.outputs.length, inputTensors: graph.inputs }
    : { inputs: null, outputs: null };
}

/** Resets every metric of the model (`model.metrics`: the loss tracker and the compiled ones, or its own). */
function resetMetrics(model: Model): void {
  for (const m of model.metrics) m.resetState();
}

/** Runs one evaluation pass, telling the callbacks' test hooks. */
async function runEvaluation(
  model: Model,
  iterator: EpochIterator,
  list: CallbackList,
): Promise<Logs> {
  const own = overrides(model, "testStep");
  resetMetrics(model);
  await list.call("onTestBegin");
  const reads = new StepReader(model, list, "Test", own);
  let step = 0;
  let last: Logs | null;
  try {
    for await (const batch of iterator.epochAsync()) {
      if (own && step === 0) prepareOwnStep(model, batch);
      await reads.step(step++, batch);
    }
    last = await reads.endEpoch();
  } finally {
    reads.close();
  }
  const logs = metricsResultOrLogs(model, last);
  await list.call("onTestEnd", logs);
  return logs;
}

function requireCompiled(model: Model, method: string): CompiledState {
  const compiled = model.compiled;
  if (!compiled) {
    throw new TypeError(
      `Cannot ${method} ${model.name} as it is not compiled: call model.compile({ optimizer, loss, metrics }) first`,
    );
  }
  if (!compiled.hasLoss) {
    throw new TypeError(
      `Cannot ${method} ${model.name} as it was compiled without a loss: pass one to compile({ optimizer, loss }), or override ${
        method === "fit" ? "trainStep" : "testStep"
      } to compute it`,
    );
  }
  return compiled;
}

function validationDue(epoch: number, freq: number | number[]): boolean {
  return Array.isArray(freq) ? freq.includes(epoch + 1) : (epoch + 1) % freq === 0;
}
