/**
 * Array data for the trainer and `Dataset`: whatever the user passes
 * (tensors, nested arrays, typed arrays) becomes one flat typed array plus a
 * shape, so that batches are cut by copying rows, never by slicing tensors.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { fused } from "./fused.ts";

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
