/**
 * Getting data ready for the trainer: converting and checking what `fit`
 * and `evaluate` were given, the validation split, and building the model
 * and its metrics on one sample before the first step.
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { Model } from "./model.ts";
import type { CompiledState } from "./compile.ts";
import {
  type ArrayData,
  checkFinite,
  type ColumnData,
  conformInputs,
  type DataStructure,
  DataTree,
  numSamples,
  sliceData,
  tensorsOf,
  toArrayData,
} from "./data_adapter.ts";
import type { SymbolicTensor } from "./symbolic.ts";
import type { LayerInputs } from "./layer_inputs.ts";
import { Dataset, type Element } from "./dataset.ts";
import { positiveInt } from "./validate.ts";
import { arrayIterator, datasetIterator, type EpochIterator } from "./epoch_iterator.ts";
import type { SeedGenerator } from "./seed_generator.ts";
import { checkSparseLabels } from "../losses/mod.ts";
import { type CheckedFitOptions, classWeightsToSampleWeights } from "./_fit_options.ts";
import type { FitOptions } from "./trainer.ts";
import { overrides } from "./step_data.ts";

/** The iterators `fit` runs on, and one sample to build the model with. */
export interface FitData {
  train: EpochIterator;
  validation: EpochIterator | null;
  sample: Sample | null;
}

/** One sample of the inputs as a batch of one (the caller disposes it), and the targets. */
export interface Sample {
  x: LayerInputs;
  y: DataTree | null;
}

/** How many inputs and outputs the model has, when known (a functional model). */
export interface ModelArity {
  inputs: number | null;
  outputs: number | null;
  /** The model's symbolic inputs, when known: data are fitted to their dtypes and ranks. */
  inputTensors?: readonly SymbolicTensor[] | null;
}

/**
 * Converts and checks `fit`'s data, and splits off the validation part;
 * shuffled orders are drawn from `seedGenerator` (the model's).
 */
export function prepareFitData(
  x: DataStructure | Dataset<Element>,
  y: DataStructure | undefined,
  o: CheckedFitOptions,
  seedGenerator: SeedGenerator,
  targetsOptional = false,
  arity: ModelArity = { inputs: null, outputs: null },
): FitData {
  const validation = o.validationData === undefined ? null : validationIterator(
    o.validationData,
    o.validationBatchSize ?? o.batchSize,
    o.validationSteps,
    arity,
  );
  if (x instanceof Dataset) {
    if (y !== undefined) {
      throw new TypeError(`Cannot fit on a Dataset and "y": the Dataset must yield [x, y] pairs`);
    }
    if (o.validationSplit > 0) {
      throw new TypeError(
        `Cannot use "validationSplit" with a Dataset: pass "validationData" instead`,
      );
    }
    return {
      train: datasetIterator(x, o.stepsPerEpoch, { method: "fit", stepsArg: "stepsPerEpoch" }),
      validation,
      sample: null,
    };
  }
  if (y === undefined && !targetsOptional) {
    throw new TypeError(`Cannot fit as "y" is missing: pass the targets as the second argument`);
  }
  let { xd, yd, sw } = arraysOf(x, y, o.sampleWeight, "fit", arity);
  checkAllFinite(xd, "x");
  if (yd) checkAllFinite(yd, "y");
  if (o.classWeight) {
    if (!yd) throw new TypeError(`Cannot use "classWeight" as "y" is missing`);
    if (yd.items.length !== 1) {
      throw new TypeError(
        `Cannot use "classWeight" with ${yd.items.length} outputs: it applies to a model of one output; pass "sampleWeight" instead`,
      );
    }
    sw = classWeightsToSampleWeights(yd.items[0] as ArrayData, o.classWeight, sw);
  }
  let val = validation;
  if (o.validationSplit > 0) {
    const n = xd.numSamples;
    const splitAt = Math.floor(n * (1 - o.validationSplit));
    if (splitAt === 0 || splitAt === n) {
      throw new RangeError(
        `Cannot use validationSplit ${o.validationSplit} on ${n} samples as it leaves ${
          splitAt === 0 ? "no training" : "no validation"
        } samples`,
      );
    }
    const slice = (t: DataTree, a: number, b: number) => t.map((d) => sliceData(d, a, b));
    const [vx, vy] = [slice(xd, splitAt, n), yd ? slice(yd, splitAt, n) : null];
    if (vy) (vy.items as ArrayData[]).forEach(warnSingleClass);
    val = arrayIterator(vx, vy, sw ? sliceData(sw, splitAt, n) : null, {
      batchSize: o.validationBatchSize ?? o.batchSize,
      shuffle: false,
      stepsPerEpoch: o.validationSteps,
    });
    [xd, yd] = [slice(xd, 0, splitAt), yd ? slice(yd, 0, splitAt) : null];
    if (sw) sw = sliceData(sw, 0, splitAt);
  }
  const train = arrayIterator(xd, yd, sw, {
    batchSize: o.batchSize,
    shuffle: o.shuffle,
    stepsPerEpoch: o.stepsPerEpoch,
    seedGenerator,
  });
  return { train, validation: val, sample: firstSample(xd, yd) };
}

/**
 * Converts a model's input data and fits them to its inputs' dtypes and
 * ranks (see `conformInputs`).
 *
 * @param x The data.
 * @param arity The model's inputs, when known.
 * @returns The data.
 */
export function inputTree(x: DataStructure, arity: ModelArity): DataTree {
  return conformInputs(DataTree.from(x, "x", arity.inputs), arity.inputTensors ?? null, "x");
}

/** Converts `x`, `y` and per-sample weights, and checks they hold as many samples. */
function arraysOf(
  x: DataStructure,
  y: DataStructure | undefined,
  sampleWeight: DataStructure | undefined,
  method: string,
  arity: ModelArity,
): { xd: DataTree; yd: DataTree | null; sw: ArrayData | null } {
  const xd = inputTree(x, arity);
  const yd = y === undefined ? null : DataTree.from(y, "y", arity.outputs);
  if (yd) requireNumbers(yd, "y");
  if (yd && xd.numSamples !== yd.numSamples) {
    throw new RangeError(
      `Cannot ${method} as "x" and "y" hold different numbers of samples: ${xd.numSamples} and ${yd.numSamples}`,
    );
  }
  const sw = sampleWeight === undefined ? null : toArrayData(sampleWeight, "sampleWeight");
  if (sw && numSamples(sw) !== xd.numSamples) {
    throw new RangeError(
      `Cannot ${method} as "sampleWeight" holds ${
        numSamples(sw)
      } values for ${xd.numSamples} samples`,
    );
  }
  return { xd, yd, sw };
}

/** Refuses targets given as strings (a loss compares numbers). */
function requireNumbers(tree: DataTree, argName: string): void {
  const names = tree.names(argName);
  tree.items.forEach((a, i) => {
    if (a.dtype === "string") {
      throw new TypeError(
        `Cannot use "${
          names[i]
        }" as it holds strings: targets must be numbers (map labels to class indices first, e.g. with a StringLookup)`,
      );
    }
  });
}

function checkAllFinite(tree: DataTree, argName: string): void {
  const names = tree.names(argName);
  tree.items.forEach((a, i) => checkFinite(a, names[i]));
}

/** The first input sample as a batch of one, and the targets, for building the model. */
function firstSample(xd: DataTree, yd: DataTree | null): Sample {
  const first = (a: ColumnData) =>
    tf.tensor(sliceData(a, 0, 1).values, [1, ...a.shape.slice(1)], a.dtype);
  return { x: xd.build(xd.items.map(first)), y: yd };
}

function validationIterator(
  data: NonNullable<FitOptions["validationData"]>,
  batchSize: number,
  steps: number | undefined,
  arity: ModelArity,
): EpochIterator {
  if (data instanceof Dataset) {
    return datasetIterator(data, steps, { method: "validate", stepsArg: "validationSteps" });
  }
  if (!Array.isArray(data) || data.length < 2 || data.length > 3) {
    throw new TypeError(
      `Cannot use "validationData" as it must be [x, y], [x, y, sampleWeight] or a Dataset`,
    );
  }
  const { iterator, sample } = evaluationData(
    data[0],
    data[1],
    data[2],
    batchSize,
    steps,
    "validate",
    false,
    arity,
  );
  if (sample) tf.dispose(tensorsOf(sample.x)); // the model is built from the training data
  return iterator;
}

/** Converts and checks `evaluate`'s data. */
export function evaluationData(
  x: DataStructure | Dataset<Element>,
  y: DataStructure | undefined,
  sampleWeight: DataStructure | undefined,
  batchSize: number,
  steps: number | undefined,
  method: string,
  targetsOptional = false,
  arity: ModelArity = { inputs: null, outputs: null },
): { iterator: EpochIterator; sample: FitData["sample"] } {
  positiveInt(method, "batchSize", batchSize);
  if (x instanceof Dataset) {
    return { iterator: datasetIterator(x, steps, { method, stepsArg: "steps" }), sample: null };
  }
  if (y === undefined && !targetsOptional) {
    throw new TypeError(`Cannot ${method} as "y" is missing: pass the targets`);
  }
  const { xd, yd, sw } = arraysOf(x, y, sampleWeight, method, arity);
  const iterator = arrayIterator(xd, yd, sw, { batchSize, shuffle: false, stepsPerEpoch: steps });
  return { iterator, sample: firstSample(xd, yd) };
}

/**
 * Builds the model and the compiled metrics from one sample, and checks
 * sparse labels against the number of classes, before any step runs.
 */
export function prepareModel(
  model: Model,
  compiled: CompiledState | null,
  sample: FitData["sample"],
  ownStep = false,
): void {
  if (!sample) return;
  try {
    if (ownStep || !compiled) { // the model's own step: build what it reads, if anything
      prepareOwnStep(model, sample);
      return;
    }
    // A model with a graph knows its output shapes: it is not run (a stateful layer's
    // states stay as they are); otherwise one sample goes through it.
    const known = model.symbolicGraph()?.outputs.map((o) => o.shape.slice(1));
    const outShapes = known && known.every((s) => !s.includes(null))
      ? known.map((s) => [1, ...s as number[]])
      : tf.tidy(() => tensorsOf(model.apply(sample.x)).map((t) => t.shape));
    if (sample.y) {
      const yShapes = sample.y.items.map((a) => [1, ...a.shape.slice(1)]);
      compiled.build(yShapes, outShapes);
      compiled.outputs.forEach((out, i) => {
        if (out.loss?.name === "sparse_categorical_crossentropy" && sample.y!.items[i]) {
          const shape = outShapes[i];
          checkSparseLabels(
            (sample.y!.items[i] as ArrayData).values,
            shape[shape.length - 1],
          );
        }
      });
    }
  } finally {
    tf.dispose(tensorsOf(sample.x));
  }
}

/**
 * Before the first call of a model's own step: builds the model by running
 * it once when it has no weights yet (its step reads `trainableWeights`
 * before its first forward pass) and the compiled metrics, which need the
 * output's shape, when the data hold targets. A model without a `call` of
 * its own (a GAN whose step runs its sub-models) is not run.
 *
 * @param model The model.
 * @param batch One batch (or sample) of the data.
 */
export function prepareOwnStep(
  model: Model,
  batch: { x: LayerInputs; y: LayerInputs | DataTree | null },
): void {
  const compiled = model.compiled;
  const metricsToBuild = compiled !== null && !compiled.built && batch.y !== null &&
    compiled.metricIdentifiers.length > 0;
  const unbuilt = model.weights.length === 0 && overrides(model, "call");
  if (!metricsToBuild && !unbuilt) return;
  const outShapes = tf.tidy(() =>
    tensorsOf(model.apply(batch.x, { training: false })).map((t) => t.shape)
  );
  if (metricsToBuild) {
    const y = batch.y!;
    const yShapes = (y instanceof DataTree ? y.items : tensorsOf(y)).map((a) => a.shape);
    compiled.build(yShapes.map((s, i) => [outShapes[i]?.[0] ?? 1, ...s.slice(1)]), outShapes);
  }
}

function warnSingleClass(y: ArrayData): void {
  const v = y.values;
  if (v.length === 0) return;
  const integral = y.shape.length <= 2 && (y.shape[1] ?? 1) === 1 &&
    v.every((a) => Number.isInteger(a));
  if (integral && v.every((a) => a === v[0])) {
    console.warn(
      `kerno: the validation split holds a single class (${
        v[0]
      }); validationSplit takes the last samples before shuffling, so shuffle the data first if it is sorted by class`,
    );
  }
}
