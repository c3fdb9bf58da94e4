/**
 * What the preprocessing layers share: the data `adapt` accepts, read as a
 * stream of plain batches (flat values and a shape, no tensors kept), and
 * `PreprocessingLayer`, a `Layer` that takes strings and integers as they
 * come (no cast to float32) and knows when it is only being probed for its
 * output shape (a symbolic call, a model rebuilt from a file before its
 * vocabulary is loaded).
 *
 * Stable API, used by the lookup layers and TextVectorization:
 * `adaptBatches(what, data, options)`, `AdaptBatch`, `AdaptData`,
 * `AdaptOptions`, `ADAPT_OPTION_KEYS`, `PreprocessingLayer`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  type InputMasks,
  Layer,
  type LayerInputs,
  type LayerOptions,
} from "../engine/layer.ts";
import { type SymbolicInputs, SymbolicTensor } from "../engine/symbolic.ts";
import { checkOptions } from "../engine/options.ts";
import { describe } from "../engine/format.ts";
import { positiveInt } from "../engine/validate.ts";

/** A nested array of numbers or strings (one sample per entry of the outer array). */
export type NestedArray = readonly (number | string | NestedArray)[];

/**
 * What `adapt` reads: a tensor (numbers or strings), a typed array, a nested
 * array of numbers or strings, a kerno `Dataset` (its `x` when it yields
 * `[x, y]`), or any iterable of such batches (a generator).
 */
export type AdaptData =
  | tf.Tensor
  | Float32Array
  | Float64Array
  | Int32Array
  | NestedArray
  | Iterable<unknown>;

/** Options of `adapt`. */
export interface AdaptOptions {
  /**
   * Rows (first-axis entries) per batch when `data` is a tensor or an array;
   * a Dataset or an iterable is read in the batches it yields.
   * @default 1024
   */
  batchSize?: number;
  /** Read at most this many batches. @default every batch */
  steps?: number;
}

/** The keys of {@link AdaptOptions}. */
export const ADAPT_OPTION_KEYS: readonly (keyof AdaptOptions)[] = ["batchSize", "steps"];

/** One batch of adapt data: flat values in row-major order and their shape. */
export interface AdaptBatch {
  /** The values: numbers (as given: float32, float64 or int32) or strings. */
  values: Float32Array | Float64Array | Int32Array | string[];
  /** The batch's shape; the first axis counts rows (documents, samples). */
  shape: number[];
}

/**
 * Reads adapt data as batches. Arrays and tensors are cut along their first
 * axis into `batchSize` rows (views, no copies); a Dataset or another
 * iterable yields its own batches. Throws once the data turns out to hold
 * no value at all.
 *
 * @param what What is being done, for messages (`"adapt normalization (Normalization)"`).
 * @param data The data.
 * @param options `batchSize` and `steps`.
 * @returns The batches, one at a time.
 */
export function* adaptBatches(
  what: string,
  data: unknown,
  options: AdaptOptions = {},
): Generator<AdaptBatch> {
  options = checkOptions(what, options, ADAPT_OPTION_KEYS);
  const batchSize = options.batchSize === undefined
    ? 1024
    : positiveInt(what, "batchSize", options.batchSize);
  const steps = options.steps === undefined ? Infinity : positiveInt(what, "steps", options.steps);
  let seen = 0;
  let step = 0;
  const whole = wholeData(what, data);
  if (whole !== null) {
    const rows = whole.shape[0];
    const rowSize = whole.shape.slice(1).reduce((a, b) => a * b, 1);
    for (let start = 0; start < rows && step < steps; start += batchSize, step++) {
      const end = Math.min(rows, start + batchSize);
      const values = sliceValues(whole.values, start * rowSize, end * rowSize);
      seen += values.length;
      yield { values, shape: [end - start, ...whole.shape.slice(1)] };
    }
  } else {
    for (const element of data as Iterable<unknown>) {
      if (step >= steps) break;
      const batch = readBatch(
        what,
        element instanceof Array && element[0] instanceof tf.Tensor ? element[0] : element,
      );
      seen += batch.values.length;
      step++;
      yield batch;
    }
  }
  if (seen === 0) {
    throw new RangeError(
      `Cannot ${what} as "data" holds no values: received ${
        describeData(data)
      }; pass at least one sample`,
    );
  }
}

function sliceValues(
  values: AdaptBatch["values"],
  start: number,
  end: number,
): AdaptBatch["values"] {
  return Array.isArray(values) ? values.slice(start, end) : values.subarray(start, end);
}

/** Tensors, typed arrays and nested arrays as one batch; `null` for an iterable of batches. */
function wholeData(what: string, data: unknown): AdaptBatch | null {
  if (
    data instanceof tf.Tensor || ArrayBuffer.isView(data) || Array.isArray(data)
  ) {
    return readBatch(what, data);
  }
  if (data !== null && typeof data === "object" && Symbol.iterator in data) return null;
  throw new TypeError(
    `Cannot ${what} as "data" must be a tensor, a typed array, a nested array of numbers or strings, a Dataset or an iterable of batches: received ${
      describe(data)
    }`,
  );
}

/** One batch from a tensor, typed array or nested array. */
function readBatch(what: string, item: unknown): AdaptBatch {
  if (item instanceof tf.Tensor) {
    const shape = item.shape.length === 0 ? [1] : [...item.shape];
    if (item.dtype === "string") return { values: item.dataSync() as unknown as string[], shape };
    const raw = item.dataSync();
    const values = raw instanceof Float32Array || raw instanceof Int32Array
      ? raw
      : Int32Array.from(raw as Uint8Array);
    return { values, shape };
  }
  if (item instanceof Float32Array || item instanceof Float64Array || item instanceof Int32Array) {
    return { values: item, shape: [item.length] };
  }
  if (Array.isArray(item)) return flatten(what, item);
  throw new TypeError(
    `Cannot ${what} as a batch of "data" must be a tensor, a typed array or a nested array: received ${
      describe(item)
    }`,
  );
}

/** A rectangular nested array of numbers or of strings, flattened. */
function flatten(what: string, data: NestedArray): AdaptBatch {
  const shape: number[] = [];
  for (let level: unknown = data; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const out: (number | string)[] = [];
  const walk = (node: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof node !== "number" && typeof node !== "string") notRectangular(what, path, node);
      out.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) notRectangular(what, path, node);
    node.forEach((child, i) => walk(child, depth + 1, [...path, i]));
  };
  walk(data, 0, []);
  if (out.length === 0) return { values: new Float64Array(0), shape };
  const strings = typeof out[0] === "string";
  if (out.some((v) => (typeof v === "string") !== strings)) {
    throw new TypeError(
      `Cannot ${what} as "data" mixes numbers and strings: give one kind of value`,
    );
  }
  return { values: strings ? out as string[] : Float64Array.from(out as number[]), shape };
}

function notRectangular(what: string, path: number[], node: unknown): never {
  throw new TypeError(
    `Cannot ${what} as "data" is not a rectangular array of numbers or strings: at [${path}] received ${
      describe(node)
    }`,
  );
}

function describeData(data: unknown): string {
  if (data instanceof tf.Tensor) return `a tensor of shape [${data.shape}]`;
  if (Array.isArray(data)) return JSON.stringify(data).slice(0, 40);
  return describe(data);
}

/**
 * The base of the preprocessing layers: inputs reach `call` in their own
 * dtype (strings stay strings, integers stay integers), and `probing` tells
 * `call` when the layer only runs to have its output shape and dtype
 * inferred (a call on symbolic tensors), so a layer that is not adapted yet
 * can still be placed in a functional model or rebuilt from a saved file.
 */
export abstract class PreprocessingLayer extends Layer {
  #probing = 0;

  /**
   * Creates the layer; inputs will reach `call` uncast.
   *
   * @param options Name and the base layer's options.
   */
  constructor(options: LayerOptions = {}) {
    super(options);
    this.autoCast = false;
  }

  /** Whether the current `call` only infers the output's shape and dtype. */
  protected get probing(): boolean {
    return this.#probing > 0;
  }

  /**
   * Calls the layer on symbolic tensors (the functional API); see `Layer.apply`.
   *
   * @param inputs A symbolic tensor.
   * @param options `training`.
   * @returns The symbolic output.
   */
  override apply(inputs: SymbolicInputs, options?: CallOptions<InputMasks>): SymbolicTensor;
  /**
   * Runs the layer on a tensor; see `Layer.apply`.
   *
   * @param inputs The input tensor.
   * @param options `training`.
   * @returns The output tensor.
   */
  override apply(inputs: LayerInputs, options?: CallOptions<InputMasks>): tf.Tensor;
  override apply(
    inputs: LayerInputs | SymbolicInputs,
    options?: CallOptions<InputMasks>,
  ): tf.Tensor | SymbolicTensor {
    if (!(inputs instanceof SymbolicTensor)) return super.apply(inputs as LayerInputs, options);
    this.#probing++;
    try {
      return super.apply(inputs, options);
    } finally {
      this.#probing--;
    }
  }
}
