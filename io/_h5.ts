/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly; it runs
 * offline under Deno). Files are built and read in h5wasm's in-memory file
 * system, so kerno writes the resulting bytes itself (atomically).
 *
 * @module
 */
import type * as H5 from "h5wasm";
import { elementCount } from "./_binary.ts";

type H5Lib = typeof H5;
type H5File = H5.File;
type H5Group = H5.Group;
type H5Dataset = H5.Dataset;

let counter = 0;
let lib: Promise<H5Lib> | null = null;

/** Loads h5wasm (and its WebAssembly) on first use only. */
function load(): Promise<H5Lib> {
  lib ??= import("h5wasm").then(async (m) => {
    await m.ready;
    return m;
  });
  return lib;
}

async function fs() {
  const m = await load();
  return (await m.ready).FS;
}

/** A dataset to write: a flat typed array and its shape. */
export interface H5Data {
  /** The values. */
  data: Float32Array | Int32Array | BigInt64Array;
  /** The shape (`[]` for a scalar). */
  shape: number[];
}

/** A group to write: its path, attributes and datasets (by key). */
export interface H5GroupSpec {
  /** The group path, e.g. `"layers/dense/vars"`. */
  path: string;
  /** String attributes. */
  attrs?: Record<string, string>;
  /** Datasets by name. */
  datasets?: Record<string, H5Data>;
}

/**
 * Builds an HDF5 file in memory.
 *
 * @param groups The groups, parents created as needed.
 * @returns The file's bytes.
 */
export async function writeH5(groups: H5GroupSpec[]): Promise<Uint8Array> {
  const h5wasm = await load();
  const FS = await fs();
  const name = `/kerno-write-${counter++}.h5`;
  const file = new h5wasm.File(name, "w");
  try {
    for (const spec of groups) {
      const group = ensureGroup(file, spec.path);
      for (const [k, v] of Object.entries(spec.attrs ?? {})) group.create_attribute(k, v);
      for (const [k, v] of Object.entries(spec.datasets ?? {})) {
        group.create_dataset({ name: k, data: v.data, shape: v.shape });
      }
    }
  } finally {
    file.close();
  }
  const bytes = FS.readFile(name) as Uint8Array;
  FS.unlink(name);
  return bytes;
}

function ensureGroup(file: H5File, path: string): H5Group {
  let current: H5Group = file;
  let sofar = "";
  for (const part of path.split("/")) {
    sofar = sofar === "" ? part : `${sofar}/${part}`;
    const existing = file.get(sofar);
    current = existing !== null && "keys" in existing
      ? existing as H5Group
      : current.create_group(part);
  }
  return current;
}

/** A dataset read from a file, checked before its values are read. */
export interface H5Value {
  /** Its shape. */
  shape: number[];
  /** Its values, as float32 or int32 (int64 counters become int32). */
  values: Float32Array | Int32Array;
}

/** An HDF5 file opened for reading. */
export interface H5Reader {
  /**
   * The keys of a group, or null when it does not exist.
   * @param path The group path.
   */
  keys(path: string): string[] | null;
  /**
   * A string attribute of a group, or null.
   * @param path The group path.
   * @param name The attribute.
   */
  attr(path: string, name: string): string | null;
  /**
   * The shape of a dataset, read from its header only, or null when absent.
   * @param path The dataset path.
   */
  shape(path: string): number[] | null;
  /**
   * Reads a numeric dataset after checking its type and size.
   * @param path The dataset path.
   */
  read(path: string): H5Value;
  /** Frees the in-memory file. */
  close(): void;
}

/**
 * Opens HDF5 bytes.
 *
 * @param bytes The file's bytes.
 * @param where The file, for messages.
 * @returns A reader; call `close()`.
 */
export async function openH5(bytes: Uint8Array, where: string): Promise<H5Reader> {
  const h5wasm = await load();
  const FS = await fs();
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || signature.some((b, i) => bytes[i] !== b)) {
    throw new TypeError(`Cannot load ${where} as it is not an HDF5 file (no HDF5 signature)`);
  }
  const name = `/kerno-read-${counter++}.h5`;
  FS.writeFile(name, bytes);
  let file: H5File;
  try {
    file = new h5wasm.File(name, "r");
    file.keys();
  } catch (error) {
    FS.unlink(name);
    throw new TypeError(
      `Cannot load ${where} as it is not a valid HDF5 file: ${(error as Error).message}`,
    );
  }
  const get = (path: string) => {
    try {
      return file.get(path);
    } catch {
      return null;
    }
  };
  return {
    keys(path) {
      const g = path === "" ? file : get(path);
      return g instanceof h5wasm.Group ? g.keys() : null;
    },
    attr(path, attrName) {
      const g = get(path);
      if (!(g instanceof h5wasm.Group) || !(attrName in g.attrs)) return null;
      const value = g.attrs[attrName].value;
      return typeof value === "string" ? value : null;
    },
    shape(path) {
      const d = get(path);
      return d instanceof h5wasm.Dataset ? [...(d.metadata.shape ?? [])] : null;
    },
    read(path) {
      const d = get(path);
      if (!(d instanceof h5wasm.Dataset)) {
        throw new TypeError(`Cannot load ${where} as ${path} is not a dataset`);
      }
      return readDataset(d, `${where} (${path})`);
    },
    close() {
      file.close();
      FS.unlink(name);
    },
  };
}

function readDataset(d: H5Dataset, where: string): H5Value {
  const meta = d.metadata;
  const shape = meta.shape ?? [];
  const count = elementCount(shape, where);
  const isFloat = meta.type === 1 && (meta.size === 4 || meta.size === 8);
  const isInt = meta.type === 0 && (meta.size === 4 || meta.size === 8);
  if (!isFloat && !isInt) {
    throw new TypeError(
      `Cannot load ${where} as its dtype is not a float or integer number type (HDF5 class ${meta.type}, ${meta.size} bytes)`,
    );
  }
  const raw = d.value as ArrayLike<number | bigint> | number | bigint | null;
  const flat: ArrayLike<number | bigint> = raw === null
    ? []
    : typeof raw === "object"
    ? raw
    : [raw];
  if (flat.length !== count) {
    throw new RangeError(
      `Cannot load ${where} as it holds ${flat.length} values for shape [${shape}]`,
    );
  }
  const values = isFloat ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++) values[i] = Number(flat[i]);
  return { shape: [...shape], values };
}
