/**
 * Array data for the trainer and `Dataset`: whatever the user passes
 * (tensors, nested arrays, typed arrays) becomes one flat typed array plus a
 * shape, so that batches are cut by copying rows, never by slicing tensors.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { fused } from "./fused.ts";
import { SymbolicTensor } from "./symbolic.ts";
import type { LayerInputs } from "./layer_inputs.ts";

/** Samples along the first axis of a flat typed array. */
export interface ArrayData {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: "float32" | "int32";
}

/** What `fit`, `evaluate`, `predict` and `Dataset.fromArrays` accept as data. */
export type DataLike =
  | tf.Tensor
  | number[]
  | number[][]
  | number[][][]
  | number[][][][]
  | Float32Array
  | Int32Array;

/**
 * Converts user data to {@link ArrayData}, reading tensors once.
 *
 * @param data A tensor, nested array or typed array (typed arrays are one
 *   value per sample).
 * @param argName The argument's name, for errors.
 * @returns Flat values and shape.
 */
export function toArrayData(data: unknown, argName: string): ArrayData {
  if (data instanceof SymbolicTensor) return DataTree.from(data, argName).items[0];
  if (data instanceof tf.Tensor) {
    const dtype = data.dtype === "int32" || data.dtype === "bool" ? "int32" : "float32";
    const raw = data.dataSync();
    // A tensor's values never change, so they are used as they are (no
    // copy: 25 MB for the benchmark's inputs, every `fit` call); a
    // variable's may be updated in place by training, so they are copied.
    const shared = !(data instanceof tf.Variable);
    const values = dtype === "int32"
      ? (shared && raw instanceof Int32Array ? raw : Int32Array.from(raw as Int32Array))
      : (shared && raw instanceof Float32Array ? raw : Float32Array.from(raw as Float32Array));
    return { values, shape: data.shape.length === 0 ? [1] : [...data.shape], dtype };
  }
  if (data instanceof Float32Array || data instanceof Int32Array) {
    return {
      values: data,
      shape: [data.length],
      dtype: data instanceof Int32Array ? "int32" : "float32",
    };
  }
  if (Array.isArray(data)) {
    let t: tf.Tensor;
    try {
      t = tf.tensor(data as number[]);
    } catch (e) {
      throw new TypeError(
        `Cannot use "${argName}" as it is not a rectangular array of numbers: ${
          (e as Error).message
        }`,
      );
    }
    try {
      return toArrayData(t, argName);
    } finally {
      t.dispose();
    }
  }
  throw new TypeError(
    `Cannot use "${argName}" as it must be a tf.Tensor, a nested array or a typed array: received ${
      data === null
        ? "null"
        : typeof data === "object"
        ? (data as object).constructor?.name
        : typeof data
    }`,
  );
}

/** @returns The number of samples (size of the first axis). */
export function numSamples(data: ArrayData): number {
  return data.shape[0];
}

/** @returns Values per sample. */
export function rowSize(data: ArrayData): number {
  return data.shape.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * Copies the given rows into a new tensor (one allocation, one copy).
 *
 * @param data The samples.
 * @param rows Row indices, or `[start, end)` as a range.
 * @returns A tensor of shape `[rows, ...sampleShape]`.
 */
export function gatherRows(data: ArrayData, rows: Int32Array | [number, number]): tf.Tensor {
  const size = rowSize(data);
  if (!(rows instanceof Int32Array)) {
    const [start, end] = rows;
    const out = data.values.slice(start * size, end * size);
    return tf.tensor(out, [end - start, ...data.shape.slice(1)], data.dtype);
  }
  // A backend may take the batch's storage from its own buffers.
  return fused.gatherRows(data, rows);
}

/**
 * A view of rows `[start, end)` without copying.
 *
 * @returns The sliced data.
 */
export function sliceData(data: ArrayData, start: number, end: number): ArrayData {
  const size = rowSize(data);
  return {
    values: data.values.subarray(start * size, end * size) as Float32Array | Int32Array,
    shape: [end - start, ...data.shape.slice(1)],
    dtype: data.dtype,
  };
}

/**
 * Throws a RangeError naming the first NaN or infinite value and its index.
 *
 * @param data The samples.
 * @param argName The argument's name, for the error.
 */
export function checkFinite(data: ArrayData, argName: string): void {
  if (data.dtype === "int32") return;
  const v = data.values;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      const index: number[] = [];
      let rest = i;
      for (let d = data.shape.length - 1; d >= 0; d--) {
        index.unshift(rest % data.shape[d]);
        rest = Math.floor(rest / data.shape[d]);
      }
      throw new RangeError(
        `Cannot train on "${argName}" as it holds a non-finite value: ${v[i]} at index [${
          index.join(", ")
        }]; clean or impute the data first`,
      );
    }
  }
}

/** What `fit`, `evaluate` and `predict` accept for a model of several inputs or outputs. */
export type DataStructure = DataLike | DataLike[] | Record<string, DataLike>;

/** How a structure of data was given: one array, an array of them, or a record. */
export type DataKind = "single" | "array" | "record";

/**
 * Data for one or several inputs (or outputs) of a model: the arrays in
 * order, and how they were given (one, an array in order, or a record
 * keyed by name), so batches are rebuilt in the same structure.
 */
export class DataTree {
  /** How the data were given. */
  readonly kind: DataKind;
  /** The record's keys, in order; `null` unless `kind` is `"record"`. */
  readonly keys: string[] | null;
  /** The arrays, in order. */
  readonly items: ArrayData[];

  /**
   * @param kind How the data were given.
   * @param keys The record's keys, or `null`.
   * @param items The arrays.
   */
  constructor(kind: DataKind, keys: string[] | null, items: ArrayData[]) {
    this.kind = kind;
    this.keys = keys;
    this.items = items;
  }

  /**
   * Converts what the user passed, checking that every array holds as many
   * samples.
   *
   * @param data One array (tensor, nested array, typed array), an array of
   *   them, or a record of them.
   * @param argName The argument's name, for errors (`"x"`).
   * @param count How many the model takes (its inputs or outputs), when
   *   known: an array of nested arrays is read as one per input only then.
   * @returns The tree.
   */
  static from(data: unknown, argName: string, count: number | null = null): DataTree {
    if (data instanceof SymbolicTensor) {
      throw new TypeError(
        `Cannot use "${argName}" as it is a symbolic tensor (${data}): fit, evaluate and predict take data (tensors or arrays); symbolic tensors only build models`,
      );
    }
    if (!isDataStructure(data, count)) {
      return new DataTree("single", null, [toArrayData(data, argName)]);
    }
    const entries = Object.entries(data as object);
    if (entries.length === 0) {
      throw new RangeError(
        `Cannot use "${argName}" as it is empty: pass one array per input (or output)`,
      );
    }
    const items = entries.map(([k, v]) => {
      const name = Array.isArray(data) ? `${argName}[${k}]` : `${argName}.${k}`;
      if (v instanceof SymbolicTensor) return DataTree.from(v, name).items[0];
      return toArrayData(v, name);
    });
    const n = items[0].shape[0];
    items.forEach((a, i) => {
      if (a.shape[0] !== n) {
        const name = (j: number) => Array.isArray(data) ? `[${j}]` : `.${entries[j][0]}`;
        throw new RangeError(
          `Cannot use "${argName}" as its arrays hold different numbers of samples: ${argName}${
            name(0)
          } holds ${n}, ${argName}${name(i)} holds ${a.shape[0]}`,
        );
      }
    });
    return Array.isArray(data)
      ? new DataTree("array", null, items)
      : new DataTree("record", entries.map(([k]) => k), items);
  }

  /** The number of samples. */
  get numSamples(): number {
    return this.items[0].shape[0];
  }

  /**
   * The same structure with each array replaced.
   *
   * @param f The replacement of each array.
   * @returns The new tree.
   */
  map(f: (a: ArrayData) => ArrayData): DataTree {
    return new DataTree(this.kind, this.keys, this.items.map(f));
  }

  /**
   * Puts one value per array back in the structure the data were given in.
   *
   * @param values One value per array.
   * @returns One value, an array, or a record.
   */
  build<T>(values: T[]): T | T[] | Record<string, T> {
    if (this.kind === "single") return values[0];
    if (this.kind === "array") return values;
    return Object.fromEntries(this.keys!.map((k, i) => [k, values[i]]));
  }

  /** Each array's name for messages (`x`, `x[1]`, `x.title`). */
  names(argName: string): string[] {
    if (this.kind === "single") return [argName];
    if (this.kind === "array") return this.items.map((_, i) => `${argName}[${i}]`);
    return this.keys!.map((k) => `${argName}.${k}`);
  }
}

/**
 * Whether data are one array per input (an array or a record of arrays)
 * rather than one array: a plain record; an array of tensors or typed
 * arrays; or, for a model of `count` > 1 inputs, an array of `count`
 * nested arrays.
 */
function isDataStructure(data: unknown, count: number | null): boolean {
  if (data === null || typeof data !== "object") return false;
  if (data instanceof tf.Tensor || ArrayBuffer.isView(data)) return false;
  if (!Array.isArray(data)) return Object.getPrototypeOf(data) === Object.prototype;
  if (data.length === 0) return false;
  const isArrayLike = (v: unknown) =>
    v instanceof tf.Tensor || v instanceof SymbolicTensor || ArrayBuffer.isView(v);
  if (data.every(isArrayLike)) return true;
  return count !== null && count > 1 && data.length === count &&
    data.every((v) => Array.isArray(v) || isArrayLike(v));
}

/**
 * The tensors of a batch (one, an array or a record), in order.
 *
 * @param x A batch's inputs or targets.
 * @returns Its tensors.
 */
export function tensorsOf(x: LayerInputs | null): tf.Tensor[] {
  if (x === null) return [];
  if (x instanceof tf.Tensor) return [x];
  return Array.isArray(x) ? x : Object.values(x);
}
