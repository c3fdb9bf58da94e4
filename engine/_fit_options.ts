/**
 * Validation of `fit`'s options and the small conversions they need.
 *
 * @module
 */
import { FIT_OPTION_KEYS, type FitOptions } from "./trainer.ts";
import { type ArrayData, numSamples } from "./data_adapter.ts";
import { boolean, integer, positiveInt } from "./validate.ts";
import { checkOptions } from "./options.ts";

/** `FitOptions` with defaults filled in and every value checked. */
export type CheckedFitOptions = FitOptions & {
  batchSize: number;
  epochs: number;
  validationSplit: number;
  shuffle: boolean;
  initialEpoch: number;
  validationFreq: number | number[];
};

/**
 * Fills Keras's defaults and throws a RangeError/TypeError naming the first
 * bad option, its value and what was expected.
 *
 * @param options What `fit` was given.
 * @returns The checked options.
 */
export function validateFitOptions(options: FitOptions = {}): CheckedFitOptions {
  options = checkOptions("fit", options, FIT_OPTION_KEYS);
  const o: CheckedFitOptions = {
    ...options,
    batchSize: options.batchSize ?? 32,
    epochs: options.epochs ?? 1,
    validationSplit: options.validationSplit ?? 0,
    shuffle: options.shuffle ?? true,
    initialEpoch: options.initialEpoch ?? 0,
    validationFreq: options.validationFreq ?? 1,
  };
  positiveInt("fit", "batchSize", o.batchSize);
  positiveInt("fit", "epochs", o.epochs);
  integer("fit", "initialEpoch", o.initialEpoch, 0);
  boolean("fit", "shuffle", o.shuffle);
  if (
    o.classWeight !== undefined &&
    (o.classWeight === null || typeof o.classWeight !== "object")
  ) {
    throw new TypeError(
      `Cannot fit as "classWeight" must be an object of weights by class index ({ 0: 1, 1: 5 }): received ${
        JSON.stringify(o.classWeight)
      }`,
    );
  }
  if (typeof o.validationSplit !== "number" || !(o.validationSplit >= 0 && o.validationSplit < 1)) {
    throw new RangeError(
      `Cannot fit as "validationSplit" must be in [0, 1): received ${o.validationSplit}`,
    );
  }
  if (o.validationSplit > 0 && o.validationData !== undefined) {
    throw new TypeError(
      `Cannot fit with both "validationSplit" and "validationData": pass one of them`,
    );
  }
  for (const key of ["stepsPerEpoch", "validationSteps", "validationBatchSize"] as const) {
    if (o[key] !== undefined) positiveInt("fit", key, o[key]);
  }
  const f = o.validationFreq;
  if (
    Array.isArray(f) ? f.some((e) => !Number.isInteger(e) || e < 1) : !Number.isInteger(f) || f < 1
  ) {
    throw new RangeError(
      `Cannot fit as "validationFreq" must be a positive integer or an array of 1-based epoch numbers: received ${
        JSON.stringify(f)
      }`,
    );
  }
  if (o.callbacks !== undefined && !Array.isArray(o.callbacks)) {
    throw new TypeError(
      `Cannot fit as "callbacks" must be an array of Callback objects: received ${typeof o
        .callbacks}`,
    );
  }
  return o;
}

/**
 * Resolves Keras's `verbose` values: `"auto"` is 1 on a terminal and 2 otherwise.
 *
 * @param verbose 0, 1, 2 or "auto".
 * @returns 0, 1 or 2.
 */
export function resolveVerbose(verbose: 0 | 1 | 2 | "auto"): 0 | 1 | 2 {
  if (verbose === "auto") return Deno.stdout.isTerminal() ? 1 : 2;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) {
    throw new RangeError(
      `Cannot use "verbose" ${JSON.stringify(verbose)}: expected 0, 1, 2 or "auto"`,
    );
  }
  return verbose;
}

/**
 * Per-sample weights from per-class weights (times any given sample weights).
 * The class of a sample is its label, or the index of the largest entry of a
 * one-hot row.
 *
 * @param y The targets.
 * @param classWeight Weight per class index.
 * @param sampleWeight Existing per-sample weights, or null.
 * @returns The combined weights.
 */
export function classWeightsToSampleWeights(
  y: ArrayData,
  classWeight: Record<number, number>,
  sampleWeight: ArrayData | null,
): ArrayData {
  const n = numSamples(y);
  const width = y.values.length / Math.max(1, n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let cls: number;
    if (width === 1) {
      cls = Math.round(y.values[i]);
    } else {
      cls = 0;
      for (let j = 1; j < width; j++) {
        if (y.values[i * width + j] > y.values[i * width + cls]) cls = j;
      }
    }
    const w = classWeight[cls];
    if (w === undefined) {
      throw new RangeError(
        `Cannot use "classWeight" as it has no weight for class ${cls} (sample ${i}): give a weight for every class`,
      );
    }
    out[i] = w * (sampleWeight ? sampleWeight.values[i] : 1);
  }
  return { values: out, shape: [n], dtype: "float32" };
}
