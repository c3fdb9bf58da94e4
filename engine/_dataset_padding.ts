/**
 * `Dataset.paddedBatch`: ragged rows stacked into one batch, every value
 * padded to a common shape — the longest in the batch on each axis, or the
 * shape the options give — and filled with the padding value.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { formatShape } from "./format.ts";
import { type FlatLeaf, flatLeaf, isRecord, where, zipRows } from "./_dataset_structure.ts";
import { reject } from "./validate.ts";

/** Options of `paddedBatch`, resolved per leaf. */
export interface PadSpec {
  /** The padded shape of a row's value; `null` or -1 on an axis: the longest in the batch. */
  shape: (number | null)[] | null;
  /** The value padding is filled with; `null`: 0, or "" for strings. */
  value: number | string | null;
}

/**
 * Stacks ragged rows, padding every value to a common shape.
 *
 * @param rows The elements.
 * @param specOf The padded shape and padding value of the leaf at a path.
 * @returns The batch.
 */
export function padRows(rows: readonly unknown[], specOf: (path: string) => PadSpec): unknown {
  return tf.tidy(() =>
    zipRows(rows, 0, "", (leaves, path) => {
      const flats = leaves.map((l) => flatLeaf(l, "paddedBatch a Dataset", path));
      return padLeaves(flats, specOf(path), path);
    }) as tf.TensorContainer
  );
}

function padLeaves(flats: FlatLeaf[], spec: PadSpec, path: string): tf.Tensor {
  const rank = flats[0].shape.length;
  const dtype = flats[0].dtype;
  for (const f of flats) {
    if (f.shape.length !== rank || f.dtype !== dtype) {
      throw new RangeError(
        `Cannot paddedBatch a Dataset as the values at ${where(path)} differ in rank or dtype: ${
          formatShape(flats[0].shape)
        } ${dtype} and ${formatShape(f.shape)} ${f.dtype}`,
      );
    }
  }
  if (spec.shape !== null && spec.shape.length !== rank) {
    throw new RangeError(
      `Cannot paddedBatch a Dataset as "paddedShapes" gives ${
        formatShape(spec.shape)
      } for the value at ${where(path)}, which has rank ${rank}`,
    );
  }
  const target = Array.from({ length: rank }, (_, a) => {
    const longest = Math.max(...flats.map((f) => f.shape[a]));
    const want = spec.shape?.[a] ?? -1;
    if (want === -1 || want === null) return longest;
    if (longest > want) {
      throw new RangeError(
        `Cannot paddedBatch a Dataset as a value at ${
          where(path)
        } is longer (${longest}) than its padded shape ${
          formatShape(spec.shape!)
        } allows on axis ${a}`,
      );
    }
    return want;
  });
  const size = target.reduce((a, b) => a * b, 1);
  const text = dtype === "string";
  const fill = spec.value ?? (text ? "" : 0);
  if (text !== (typeof fill === "string")) {
    throw new TypeError(
      `Cannot paddedBatch a Dataset as the padding value ${
        JSON.stringify(spec.value)
      } does not suit the ${dtype} values at ${where(path)}`,
    );
  }
  const out = text
    ? new Array<string>(flats.length * size).fill(fill as string)
    : dtype === "int32"
    ? new Int32Array(flats.length * size).fill(fill as number)
    : dtype === "bool"
    ? new Uint8Array(flats.length * size).fill(fill as number)
    : new Float32Array(flats.length * size).fill(fill as number);
  flats.forEach((f, i) => copyPadded(f, target, out, i * size));
  return tf.tensor(out as Float32Array, [flats.length, ...target], dtype);
}

/** Copies a row's values into the top-left corner of its padded block. */
function copyPadded(
  f: FlatLeaf,
  target: number[],
  out: Float32Array | Int32Array | Uint8Array | string[],
  offset: number,
): void {
  const rank = target.length;
  if (rank === 0) {
    out[offset] = f.values[0] as never;
    return;
  }
  const inner = f.shape[rank - 1];
  const rows = f.values.length / Math.max(inner, 1);
  for (let r = 0; r < rows && inner > 0; r++) {
    // r indexes the row's outer axes; find its place in the padded block.
    let rem = r;
    let dst = 0;
    let stride = target[rank - 1];
    for (let a = rank - 2; a >= 0; a--) {
      const idx = rem % f.shape[a];
      rem = Math.floor(rem / f.shape[a]);
      dst += idx * stride;
      stride *= target[a];
    }
    for (let j = 0; j < inner; j++) out[offset + dst + j] = f.values[r * inner + j] as never;
  }
}

/** Per value of the element's structure, its padded shape and padding value. */
export function padSpecs(shapes: unknown, values: unknown): (path: string) => PadSpec {
  const what = "paddedBatch a Dataset";
  const isShape = (v: unknown) =>
    Array.isArray(v) && v.every((d) => d === null || (Number.isInteger(d) && d >= -1));
  const lookup = (spec: unknown, path: string, leaf: (v: unknown) => boolean): unknown => {
    let node = spec;
    for (const key of path.match(/\[\d+\]|\.[^.[]+/g) ?? []) {
      if (node === undefined || leaf(node)) return node;
      node = key.startsWith("[")
        ? (Array.isArray(node) ? node[Number(key.slice(1, -1))] : undefined)
        : (isRecord(node) ? node[key.slice(1)] : undefined);
    }
    return node;
  };
  return (path) => {
    const shape = lookup(shapes, path, isShape);
    const value = lookup(values, path, (v) => typeof v === "number" || typeof v === "string");
    if (shape !== undefined && shape !== null && !isShape(shape)) {
      reject(
        what,
        "paddedShapes",
        shape,
        "a shape (an array of sizes, null or -1 for the longest) per value",
      );
    }
    if (value !== undefined && typeof value !== "number" && typeof value !== "string") {
      reject(what, "paddingValues", value, "a number or a string per value");
    }
    return {
      shape: (shape as (number | null)[] | undefined) ?? null,
      value: (value as number | string | undefined) ?? null,
    };
  };
}
