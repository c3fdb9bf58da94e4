/**
 * Array data for the trainer and `Dataset`: whatever the user passes
 * (tensors, nested arrays, typed arrays) becomes one flat typed array plus a
 * shape, so that batches are cut by copying rows, never by slicing tensors.
 * Strings (for an `Input({ dtype: "string" })`) become one flat `string[]`
 * plus a shape, cut the same way.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { fused } from "./fused.ts";
import { SymbolicTensor } from "./symbolic.ts";
import type { LayerInputs } from "./layer_inputs.ts";
import { describe, formatShape } from "./format.ts";

/** Samples along the first axis of a flat typed array. */
export interface ArrayData {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: "float32" | "int32";
}

/** Strings along the first axis of a flat array (the data of a string input). */
export interface StringData {
  values: string[];
  shape: number[];
  dtype: "string";
}

/** One array of samples: numbers or strings. */
export type ColumnData = ArrayData | StringData;

/** What `fit`, `evaluate`, `predict` and `Dataset.fromArrays` accept as data. */
export type DataLike =
  | tf.Tensor
  | number[]
  | number[][]
  | number[][][]
  | number[][][][]
  | Float32Array
  | Int32Array
  | string[]
  | string[][];

/**
 * Converts user data to {@link ColumnData}: strings (a string tensor or
 * nested arrays of strings) to {@link StringData}, anything else as
 * {@link toArrayData}.
 *
 * @param data A tensor, nested array or typed array.
 * @param argName The argument's name, for errors.
 * @returns Flat values and shape.
 */
export function toColumnData(data: unknown, argName: string): ColumnData {
  if (data instanceof tf.Tensor && data.dtype === "string") {
    return {
      values: data.dataSync() as unknown as string[],
      shape: data.shape.length === 0 ? [1] : [...data.shape],
      dtype: "string",
    };
  }
  if (Array.isArray(data) && firstLeaf(data) !== undefined && typeof firstLeaf(data) === "string") {
    return stringArrayData(data, argName);
  }
  return toArrayData(data, argName);
}

/** The first non-array value of a nested array (`undefined` when empty). */
function firstLeaf(data: unknown[]): unknown {
  let v: unknown = data;
  while (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    v = v[0];
  }
  return v;
}

/** Flattens a rectangular nested array of strings, checking every value. */
function stringArrayData(data: unknown[], argName: string): StringData {
  const shape: number[] = [];
  for (let v: unknown = data; Array.isArray(v); v = v[0]) shape.push(v.length);
  const values: string[] = [];
  const walk = (v: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof v !== "string") {
        throw new TypeError(
          `Cannot use "${argName}" as it mixes strings and other values: received ${
            describe(v)
          } at index [${path.join(", ")}], expected a string like the first value`,
        );
      }
      values.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new TypeError(
        `Cannot use "${argName}" as it is not a rectangular array of strings: the array at index [${
          path.join(", ")
        }] should hold ${shape[depth]} values, received ${describe(v)}`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, [...path, i]);
  };
  walk(data, 0, []);
  return { values, shape, dtype: "string" };
}

/**
 * Converts user data to {@link ArrayData}, reading tensors once.
 *
 * @param data A tensor, nested array or typed array (typed arrays are one
 *   value per sample).
 * @param argName The argument's name, for errors.
 * @returns Flat values and shape.
 */
export function toArrayData(data: unknown, argName: string): ArrayData {
  if (data instanceof SymbolicTensor) return DataTree.from(data, argName).items[0] as ArrayData;
  const strings = (data instanceof tf.Tensor && data.dtype === "string") ||
    (Array.isArray(data) && typeof firstLeaf(data) === "string");
  if (strings) {
    throw new TypeError(
      `Cannot use "${argName}" as it holds strings: expected numbers (only an Input of dtype "string" takes strings)`,
    );
  }
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
export function numSamples(data: ColumnData): number {
  return data.shape[0];
}

/** @returns Values per sample. */
export function rowSize(data: ColumnData): number {
  return data.shape.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * Copies the given rows into a new tensor (one allocation, one copy).
 *
 * @param data The samples.
 * @param rows Row indices, or `[start, end)` as a range.
 * @returns A tensor of shape `[rows, ...sampleShape]`.
 */
export function gatherRows(data: ColumnData, rows: Int32Array | [number, number]): tf.Tensor {
  const size = rowSize(data);
  if (data.dtype === "string") return gatherStrings(data, rows, size);
  if (!(rows instanceof Int32Array)) {
    const [start, end] = rows;
    const out = data.values.slice(start * size, end * size);
    return tf.tensor(out, [end - start, ...data.shape.slice(1)], data.dtype);
  }
  // A backend may take the batch's storage from its own buffers.
  return fused.gatherRows(data, rows);
}

/** String rows copied on the host (TensorFlow.js's `gather` takes no strings). */
function gatherStrings(data: StringData, rows: Int32Array | [number, number], size: number) {
  const sampleShape = data.shape.slice(1);
  if (!(rows instanceof Int32Array)) {
    const [start, end] = rows;
    return tf.tensor(data.values.slice(start * size, end * size), [end - start, ...sampleShape]);
  }
  const out = new Array<string>(rows.length * size);
  for (let r = 0; r < rows.length; r++) {
    for (let j = 0; j < size; j++) out[r * size + j] = data.values[rows[r] * size + j];
  }
  return tf.tensor(out, [rows.length, ...sampleShape], "string");
}

/**
 * A view of rows `[start, end)` without copying (strings are copied).
 *
 * @returns The sliced data.
 */
export function sliceData<T extends ColumnData>(data: T, start: number, end: number): T {
  const size = rowSize(data);
  const values = data.dtype === "string"
    ? data.values.slice(start * size, end * size)
    : data.values.subarray(start * size, end * size);
  return { values, shape: [end - start, ...data.shape.slice(1)], dtype: data.dtype } as T;
}

/**
 * Throws a RangeError naming the first NaN or infinite value and its index.
 *
 * @param data The samples.
 * @param argName The argument's name, for the error.
 */
export function checkFinite(data: ColumnData, argName: string): void {
  if (data.dtype !== "float32") return;
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
  readonly items: ColumnData[];

  /**
   * @param kind How the data were given.
   * @param keys The record's keys, or `null`.
   * @param items The arrays.
   */
  constructor(kind: DataKind, keys: string[] | null, items: ColumnData[]) {
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
      return new DataTree("single", null, [toColumnData(data, argName)]);
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
      return toColumnData(v, name);
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
  map(f: (a: ColumnData) => ColumnData): DataTree {
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
 * Fits a model's input data to its symbolic inputs, as Keras's functional
 * models do: data of one axis more whose last axis is 1 lose it, data of one
 * axis less for an input whose last axis is 1 gain it (so a flat `string[]`
 * feeds `Input({ shape: [1], dtype: "string" })`); strings for a numeric
 * input, or numbers for a string input, are refused, naming the input.
 * Data that cannot be matched to the inputs (other names or counts) are
 * returned as they are, for the model's own checks.
 *
 * @param tree The converted data.
 * @param inputs The model's symbolic inputs, in order, or `null` when unknown.
 * @param argName The argument's name, for errors (`"x"`).
 * @returns The data, reshaped where needed.
 */
export function conformInputs(
  tree: DataTree,
  inputs: readonly SymbolicTensor[] | null,
  argName: string,
): DataTree {
  if (!inputs || inputs.length === 0) return tree;
  const names = tree.names(argName);
  const specs: (SymbolicTensor | undefined)[] = tree.kind === "record"
    ? tree.keys!.map((k) => inputs.find((t) => t.name === k))
    : tree.items.length === inputs.length
    ? [...inputs]
    : [];
  if (specs.length === 0) return tree;
  return new DataTree(
    tree.kind,
    tree.keys,
    tree.items.map((a, i) => specs[i] ? conformOne(a, specs[i]!, names[i]) : a),
  );
}

function conformOne(data: ColumnData, input: SymbolicTensor, name: string): ColumnData {
  const wantsStrings = input.dtype === "string";
  if (wantsStrings !== (data.dtype === "string")) {
    throw new TypeError(
      `Cannot use "${name}" for input ${JSON.stringify(input.name)} as it holds ${
        wantsStrings ? `numbers (${data.dtype})` : "strings"
      }: the input takes ${wantsStrings ? "strings" : "numbers"} (dtype ${
        JSON.stringify(input.dtype)
      }, shape ${formatShape(input.shape)})`,
    );
  }
  const rank = data.shape.length;
  const ref = input.shape;
  if (rank === ref.length + 1 && data.shape[rank - 1] === 1) {
    return { ...data, shape: data.shape.slice(0, -1) } as ColumnData;
  }
  if (rank === ref.length - 1 && ref[ref.length - 1] === 1) {
    return { ...data, shape: [...data.shape, 1] } as ColumnData;
  }
  return data;
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
