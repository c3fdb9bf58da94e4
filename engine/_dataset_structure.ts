/**
 * The shape of a `Dataset` element: which parts are structure (tuples and
 * records) and which are values (leaves), and the operations on whole
 * elements — finding their tensors, stacking rows into a batch, padding
 * ragged rows, splitting a batch back into rows.
 *
 * The rule (stated once, in `Dataset`'s doc comment too):
 *
 * - a plain object is a record (structure) at any depth;
 * - an array at the top of an element is a tuple (`[x, y]`, `[x, y, w]`);
 * - below the top, an array holding a tensor, a typed array or a record is a
 *   tuple (several inputs); any other array (numbers, strings, booleans,
 *   nested to any depth) is one value;
 * - tensors, numbers, strings, booleans and typed arrays are values.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { formatShape } from "./format.ts";

/** A typed array of numbers. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | Uint8ClampedArray;

/** Whether `v` is a plain object (a record of an element). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Whether `v` is a tuple of an element at `depth` (0 = the element itself). */
export function isTuple(v: unknown, depth: number): v is unknown[] {
  if (!Array.isArray(v)) return false;
  if (depth === 0) return true;
  return v.some((e) => e instanceof tf.Tensor || ArrayBuffer.isView(e) || isRecord(e));
}

/**
 * Rebuilds an element with every leaf replaced by `fn(leaf, path)`.
 *
 * @param e The element.
 * @param fn Called on each leaf with its path (`[0].price`).
 * @returns The new element.
 */
export function mapLeaves(
  e: unknown,
  fn: (leaf: unknown, path: string) => unknown,
  path = "",
  depth = 0,
): unknown {
  if (isTuple(e, depth)) return e.map((v, i) => mapLeaves(v, fn, `${path}[${i}]`, depth + 1));
  if (isRecord(e)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) out[k] = mapLeaves(v, fn, `${path}.${k}`, depth + 1);
    return out;
  }
  return fn(e, path);
}

/** The leaves of an element, in order, with their paths. */
export function leavesOf(e: unknown): { leaf: unknown; path: string }[] {
  const out: { leaf: unknown; path: string }[] = [];
  mapLeaves(e, (leaf, path) => out.push({ leaf, path }));
  return out;
}

/** The tensors of an element. */
export function tensorsIn(e: unknown): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  collectTensors(e, 0, out);
  return out;
}

/** Walks an element's structure for tensors without building paths (on every element: kept cheap). */
function collectTensors(e: unknown, depth: number, out: tf.Tensor[]): void {
  if (e instanceof tf.Tensor) out.push(e);
  else if (e === null || typeof e !== "object" || ArrayBuffer.isView(e)) return;
  else if (isTuple(e, depth)) { for (const v of e) collectTensors(v, depth + 1, out); }
  else if (isRecord(e)) { for (const k in e) collectTensors(e[k], depth + 1, out); }
}

/** Whether an element holds a tensor. */
export function holdsTensors(e: unknown): boolean {
  return tensorsIn(e).length > 0;
}

/** Disposes the tensors of elements (an element's tensors belong to whoever holds it). */
export function disposeElements(elements: readonly unknown[]): void {
  for (const e of elements) tf.dispose(tensorsIn(e));
}

/** Disposes the tensors of `input` that `output` does not hold (a map passed them through). */
export function disposeUnused(input: unknown, output: unknown): void {
  const inputTensors = tensorsIn(input);
  if (inputTensors.length === 0) return;
  const kept = new Set(tensorsIn(output).map((t) => t.id));
  tf.dispose(inputTensors.filter((t) => !kept.has(t.id)));
}

/** A leaf as flat values and a shape. */
export interface FlatLeaf {
  values: Float32Array | Int32Array | Uint8Array | string[];
  shape: number[];
  dtype: "float32" | "int32" | "bool" | "string";
}

/**
 * Reads a leaf as flat values and a shape.
 *
 * @param leaf The value.
 * @param what What is being done, for errors.
 * @param path Where the leaf is in the element.
 * @returns Flat values, shape and dtype.
 */
export function flatLeaf(leaf: unknown, what: string, path: string): FlatLeaf {
  if (leaf instanceof tf.Tensor) {
    const dtype = leaf.dtype === "complex64" ? "float32" : leaf.dtype;
    const values = leaf.dataSync() as FlatLeaf["values"];
    return { values, shape: [...leaf.shape], dtype };
  }
  if (typeof leaf === "number") {
    return { values: Float32Array.of(leaf), shape: [], dtype: "float32" };
  }
  if (typeof leaf === "boolean") return { values: Uint8Array.of(+leaf), shape: [], dtype: "bool" };
  if (typeof leaf === "string") return { values: [leaf], shape: [], dtype: "string" };
  if (ArrayBuffer.isView(leaf) && !(leaf instanceof DataView)) {
    const integral = !(leaf instanceof Float32Array || leaf instanceof Float64Array);
    const values = integral
      ? Int32Array.from(leaf as Int32Array)
      : leaf instanceof Float32Array
      ? leaf
      : Float32Array.from(leaf as Float64Array);
    return { values, shape: [values.length], dtype: integral ? "int32" : "float32" };
  }
  if (Array.isArray(leaf)) {
    const shape = nestedShape(leaf);
    const size = shape.reduce((a, b) => a * b, 1);
    const text = typeof firstScalar(leaf) === "string";
    const values = text ? new Array<string>(size) : new Float32Array(size);
    fillNested(leaf, shape, 0, values, 0, what, path);
    return { values, shape, dtype: text ? "string" : "float32" };
  }
  throw new TypeError(
    `Cannot ${what} as the value at ${
      where(path)
    } must be a tensor, a number, a string, a boolean, a typed array or a nested array: received ${
      describeValue(leaf)
    }`,
  );
}

function firstScalar(a: unknown): unknown {
  while (Array.isArray(a)) a = a[0];
  return a;
}

function nestedShape(a: unknown): number[] {
  const shape: number[] = [];
  while (Array.isArray(a)) {
    shape.push(a.length);
    a = a[0];
  }
  return shape;
}

/** Copies a nested array of `shape` into `out` at `offset`; returns the next offset. */
function fillNested(
  a: unknown,
  shape: number[],
  axis: number,
  out: Float32Array | string[],
  offset: number,
  what: string,
  path: string,
): number {
  if (axis === shape.length) {
    const fits = Array.isArray(out) ? typeof a === "string" : typeof a === "number";
    if (!fits) {
      throw new TypeError(
        `Cannot ${what} as the nested array at ${where(path)} mixes ${
          Array.isArray(out) ? "strings" : "numbers"
        } with ${describeValue(a)}`,
      );
    }
    out[offset] = a as never;
    return offset + 1;
  }
  if (!Array.isArray(a) || a.length !== shape[axis]) {
    throw new RangeError(
      `Cannot ${what} as the nested array at ${where(path)} is ragged: expected shape ${
        formatShape(shape)
      }`,
    );
  }
  for (const v of a) offset = fillNested(v, shape, axis + 1, out, offset, what, path);
  return offset;
}

/**
 * Stacks rows (elements of the same structure) into one batch: every leaf
 * becomes a tensor with a new first axis.
 *
 * @param rows The elements.
 * @returns The batch; the rows are left as they are (the caller disposes them).
 */
export function stackRows(rows: readonly unknown[]): unknown {
  return tf.tidy(() =>
    zipRows(rows, 0, "", (leaves, path) => stackLeaves(leaves, path)) as tf.TensorContainer
  );
}

/** Walks the structure of the first row, handing every leaf position's values to `fn`. */
export function zipRows(
  rows: readonly unknown[],
  depth: number,
  path: string,
  fn: (leaves: unknown[], path: string) => unknown,
): unknown {
  const first = rows[0];
  if (isTuple(first, depth)) {
    for (const r of rows) {
      if (!Array.isArray(r) || r.length !== first.length) structureMismatch(path, first, r);
    }
    return first.map((_, i) =>
      zipRows(rows.map((r) => (r as unknown[])[i]), depth + 1, `${path}[${i}]`, fn)
    );
  }
  if (isRecord(first)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    for (const r of rows) {
      if (!isRecord(r) || Object.keys(r).length !== keys.length || keys.some((k) => !(k in r))) {
        structureMismatch(path, first, r);
      }
    }
    for (const k of keys) {
      out[k] = zipRows(
        rows.map((r) => (r as Record<string, unknown>)[k]),
        depth + 1,
        `${path}.${k}`,
        fn,
      );
    }
    return out;
  }
  return fn(rows as unknown[], path);
}

function structureMismatch(path: string, a: unknown, b: unknown): never {
  throw new TypeError(
    `Cannot batch a Dataset as its elements differ in structure at ${where(path)}: ${
      describeValue(a)
    } and ${describeValue(b)}`,
  );
}

/** Stacks the values of one leaf position. */
function stackLeaves(leaves: unknown[], path: string): tf.Tensor {
  const n = leaves.length;
  const first = leaves[0];
  if (first instanceof tf.Tensor) {
    for (const t of leaves) {
      if (!(t instanceof tf.Tensor) || !sameShape(t.shape, first.shape)) {
        shapeMismatch(path, first.shape, t instanceof tf.Tensor ? t.shape : null);
      }
    }
    return tf.stack(leaves as tf.Tensor[]);
  }
  if (typeof first === "number") {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (typeof leaves[i] !== "number") kindMismatch(path, first, leaves[i]);
      out[i] = leaves[i] as number;
    }
    return tf.tensor1d(out, "float32");
  }
  const flats = leaves.map((l) => flatLeaf(l, "batch a Dataset", path));
  const shape = flats[0].shape;
  const size = flats[0].values.length;
  const dtype = flats[0].dtype;
  for (const f of flats) {
    if (f.dtype !== dtype) kindMismatch(path, first, leaves[flats.indexOf(f)]);
    if (!sameShape(f.shape, shape)) shapeMismatch(path, shape, f.shape);
  }
  if (dtype === "string") {
    return tf.tensor(flats.flatMap((f) => f.values as string[]), [n, ...shape], "string");
  }
  const out = dtype === "int32"
    ? new Int32Array(n * size)
    : dtype === "bool"
    ? new Uint8Array(n * size)
    : new Float32Array(n * size);
  flats.forEach((f, i) => out.set(f.values as Float32Array, i * size));
  return tf.tensor(out, [n, ...shape], dtype);
}

function sameShape(a: readonly number[], b: readonly number[] | null): boolean {
  return b !== null && a.length === b.length && a.every((d, i) => d === b[i]);
}

function shapeMismatch(path: string, a: readonly number[], b: readonly number[] | null): never {
  throw new RangeError(
    `Cannot batch a Dataset as the values at ${where(path)} differ in shape: ${
      formatShape([...a])
    } and ${b === null ? "a non-tensor" : formatShape([...b])}; pad them with paddedBatch`,
  );
}

function kindMismatch(path: string, a: unknown, b: unknown): never {
  throw new TypeError(
    `Cannot batch a Dataset as the values at ${where(path)} differ in kind: ${
      describeValue(a)
    } and ${describeValue(b)}`,
  );
}

/**
 * Splits a batch into its rows along the first axis of every leaf.
 *
 * @param e The batch.
 * @returns The rows (new tensors; the batch is left as it is).
 */
export function unstackElement(e: unknown): unknown[] {
  return tf.tidy(() => {
    const parts = leavesOf(e).map(({ leaf, path }) => splitLeaf(leaf, path));
    const n = parts.length === 0 ? 0 : parts[0].length;
    parts.forEach((p, i) => {
      if (p.length !== n) {
        throw new RangeError(
          `Cannot unbatch a Dataset as its values hold different numbers of rows: ${n} and ${p.length} at ${
            where(leavesOf(e)[i].path)
          }`,
        );
      }
    });
    const rows: unknown[] = [];
    for (let r = 0; r < n; r++) {
      let j = 0;
      rows.push(mapLeaves(e, () => parts[j++][r]));
    }
    return rows as tf.TensorContainer;
  }) as unknown[];
}

function splitLeaf(leaf: unknown, path: string): unknown[] {
  if (leaf instanceof tf.Tensor) {
    if (leaf.rank === 0) {
      throw new RangeError(
        `Cannot unbatch a Dataset as the value at ${where(path)} is a scalar: it has no rows`,
      );
    }
    return tf.unstack(leaf);
  }
  if (Array.isArray(leaf)) return leaf;
  if (ArrayBuffer.isView(leaf) && !(leaf instanceof DataView)) {
    return Array.from(leaf as Float32Array);
  }
  throw new TypeError(
    `Cannot unbatch a Dataset as the value at ${where(path)} has no rows: received ${
      describeValue(leaf)
    }`,
  );
}

/** `the element` or `[0].price`. */
export function where(path: string): string {
  return path === "" ? "the element" : `"${path.replace(/^\./, "")}"`;
}

/** A short description of a value for messages. */
export function describeValue(v: unknown): string {
  if (v instanceof tf.Tensor) return `a ${v.dtype} tensor of shape ${formatShape(v.shape)}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (isRecord(v)) return `a record of ${JSON.stringify(Object.keys(v))}`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "function") return "a function";
  return String(v);
}
