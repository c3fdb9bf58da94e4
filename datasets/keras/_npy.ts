/**
 * Internal: NumPy's `.npy` arrays and `.npz` archives (a zip of `.npy`
 * files), read without NumPy. Only numeric little-endian arrays in C order
 * are read as arrays; an object array (`|O`, a pickle stream) is handed to
 * the restricted reader of `_pickle.ts` only when the caller asks for
 * ragged sequences, and that reader never runs code.
 *
 * @module
 */
import { unzipSync } from "fflate";
import { raggedSequences } from "./_pickle.ts";

/** A numeric array read from a `.npy` file. */
export interface NpyArray {
  /** NumPy's type string, e.g. `"<u1"`, `"<i8"`, `"<f8"`. */
  descr: string;
  /** The array's shape. */
  shape: number[];
  /** The values in C order, as numbers (64-bit integers must fit in 2^53). */
  values:
    | Uint8Array
    | Int8Array
    | Int16Array
    | Uint16Array
    | Int32Array
    | Uint32Array
    | Float32Array
    | Float64Array;
}

/** Bytes per value and the typed array of each accepted type string (byte order stripped). */
const TYPES: Record<
  string,
  { size: number; make: (b: ArrayBuffer) => NpyArray["values"] | BigInt64Array | BigUint64Array }
> = {
  u1: { size: 1, make: (b) => new Uint8Array(b) },
  i1: { size: 1, make: (b) => new Int8Array(b) },
  b1: { size: 1, make: (b) => new Uint8Array(b) },
  u2: { size: 2, make: (b) => new Uint16Array(b) },
  i2: { size: 2, make: (b) => new Int16Array(b) },
  u4: { size: 4, make: (b) => new Uint32Array(b) },
  i4: { size: 4, make: (b) => new Int32Array(b) },
  f4: { size: 4, make: (b) => new Float32Array(b) },
  f8: { size: 8, make: (b) => new Float64Array(b) },
  i8: { size: 8, make: (b) => new BigInt64Array(b) },
  u8: { size: 8, make: (b) => new BigUint64Array(b) },
};

/** A parsed `.npy` header and where its data start. */
interface NpyHeader {
  descr: string;
  fortran: boolean;
  shape: number[];
  dataOffset: number;
}

/**
 * Reads the header of a `.npy` file (format versions 1 to 3).
 *
 * @param bytes The file.
 * @param name The file's name, for errors.
 * @returns Type string, order, shape and the data's offset.
 */
export function npyHeader(bytes: Uint8Array, name: string): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) {
    throw new TypeError(`Cannot read ${name} as it is not a .npy file (no \\x93NUMPY magic)`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [lengthSize, length] = major === 1
    ? [2, view.getUint16(8, true)]
    : major === 2 || major === 3
    ? [4, view.getUint32(8, true)]
    : [0, 0];
  if (lengthSize === 0) {
    throw new TypeError(`Cannot read ${name} as its .npy version ${major} is unknown`);
  }
  const start = 8 + lengthSize;
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(start, start + length),
  );
  const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw new TypeError(
      `Cannot read ${name} as its .npy header is malformed: ${JSON.stringify(text.trim())}`,
    );
  }
  const dims = shape.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new TypeError(`Cannot read ${name} as its .npy shape is malformed: (${shape})`);
  }
  return { descr, fortran: fortran === "True", shape: dims, dataOffset: start + length };
}

/**
 * Reads a numeric `.npy` array; refuses object arrays, big-endian data,
 * Fortran order and types other than integers, booleans and floats.
 *
 * @param bytes The file.
 * @param name The file's name, for errors.
 * @returns The array.
 */
export function readNpy(bytes: Uint8Array, name: string): NpyArray {
  const header = npyHeader(bytes, name);
  const { descr, shape } = header;
  const order = descr[0];
  const type = TYPES[descr.slice(1)];
  if (type === undefined || order === ">" || (order !== "<" && order !== "|" && order !== "=")) {
    throw new TypeError(
      `Cannot read ${name} as its dtype ${
        JSON.stringify(descr)
      } is not a little-endian number (expected one of <u1, <i4, <i8, <f4, <f8, ...; object arrays are pickles and are not loaded)`,
    );
  }
  if (header.fortran) {
    throw new TypeError(`Cannot read ${name} as it is stored in Fortran order (expected C order)`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const end = header.dataOffset + count * type.size;
  if (end > bytes.length) {
    throw new TypeError(
      `Cannot read ${name} as it is truncated: ${count} values of ${descr} need ${end} bytes, the file has ${bytes.length}`,
    );
  }
  const raw = type.make(bytes.slice(header.dataOffset, end).buffer);
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
    return { descr, shape, values: bigToNumbers(raw, name) };
  }
  return { descr, shape, values: raw };
}

/** 64-bit integers as float64 numbers, refusing any beyond 2^53. */
function bigToNumbers(raw: BigInt64Array | BigUint64Array, name: string): Float64Array {
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = Number(raw[i]);
    if (!Number.isSafeInteger(v)) {
      throw new RangeError(`Cannot read ${name} as value ${raw[i]} at index ${i} exceeds 2^53`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Reads a `.npy` file holding a one-dimensional object array of integer
 * lists (how Keras's IMDB and Reuters files store ragged sequences), through
 * the restricted pickle reader.
 *
 * @param bytes The file.
 * @param name The file's name, for errors.
 * @returns One array of integers per element.
 */
export function readNpySequences(bytes: Uint8Array, name: string): number[][] {
  const header = npyHeader(bytes, name);
  if (header.descr !== "|O") {
    const array = readNpy(bytes, name);
    if (array.shape.length !== 2) {
      throw new TypeError(
        `Cannot read ${name} as sequences: expected an object array or a 2-D integer array, received shape [${array.shape}]`,
      );
    }
    const [n, m] = array.shape;
    return Array.from(
      { length: n },
      (_, i) => Array.from(array.values.subarray(i * m, (i + 1) * m)),
    );
  }
  return raggedSequences(bytes.subarray(header.dataOffset), name);
}

/**
 * Opens an `.npz` archive: the names of its arrays (without `.npy`) and
 * their bytes.
 *
 * @param bytes The archive.
 * @param name The archive's name, for errors.
 * @returns A map from array name to `.npy` bytes.
 */
export function readNpz(bytes: Uint8Array, name: string): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new TypeError(
      `Cannot read ${name} as it is not a valid .npz (zip) archive: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const out = new Map<string, Uint8Array>();
  for (const [file, data] of Object.entries(files)) out.set(file.replace(/\.npy$/, ""), data);
  return out;
}

/**
 * One member of an `.npz` archive, with an error naming what exists.
 *
 * @param npz The archive's members.
 * @param key The array's name.
 * @param name The archive's name, for errors.
 * @returns The member's `.npy` bytes.
 */
export function npzMember(npz: Map<string, Uint8Array>, key: string, name: string): Uint8Array {
  const member = npz.get(key);
  if (member === undefined) {
    throw new TypeError(
      `Cannot read ${name} as it has no array "${key}": it holds ${
        JSON.stringify([...npz.keys()])
      }`,
    );
  }
  return member;
}
