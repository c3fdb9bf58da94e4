/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly; it runs
 * offline under Deno). Files are built and read in h5wasm's in-memory file
 * system, so kerno writes the resulting bytes itself (atomically). Every
 * file kerno writes carries its digest (`_h5_digest.ts`); reading is in
 * `_h5_read.ts`.
 *
 * @module
 */
import type * as H5 from "h5wasm";
import { DATASET_DIGEST, datasetDigest, FILE_DIGEST, fileDigest, typeTag } from "./_h5_digest.ts";

/** The h5wasm module. */
export type H5Lib = typeof H5;
type H5File = H5.File;
type H5Group = H5.Group;

let counter = 0;
let lib: Promise<H5Lib> | null = null;

/**
 * A fresh name in h5wasm's in-memory file system.
 *
 * @param kind `"read"` or `"write"`.
 * @returns The path.
 */
export function scratchName(kind: string): string {
  return `/kerno-${kind}-${counter++}.h5`;
}

/**
 * Loads h5wasm (and its WebAssembly) on first use only.
 *
 * @returns The module.
 */
export function loadH5(): Promise<H5Lib> {
  lib ??= import("h5wasm").then(async (m) => {
    await m.ready;
    return m;
  });
  return lib;
}

async function fs() {
  const m = await loadH5();
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

function digestOf(v: H5Data): Promise<string> {
  const tag = v.data instanceof Float32Array
    ? typeTag("float", 4, true)
    : typeTag("int", v.data.BYTES_PER_ELEMENT, true);
  return datasetDigest(
    tag,
    v.shape,
    new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength),
  );
}

/**
 * Builds an HDF5 file in memory, with kerno's digest of its datasets.
 *
 * @param groups The groups, parents created as needed.
 * @returns The file's bytes.
 */
export async function writeH5(groups: H5GroupSpec[]): Promise<Uint8Array> {
  const h5wasm = await loadH5();
  const FS = await fs();
  const digests = new Map<string, string>();
  for (const spec of groups) {
    for (const [k, v] of Object.entries(spec.datasets ?? {})) {
      digests.set(`${spec.path}/${k}`, await digestOf(v));
    }
  }
  const name = scratchName("write");
  const file = new h5wasm.File(name, "w");
  try {
    for (const spec of groups) {
      const group = ensureGroup(file, spec.path);
      for (const [k, v] of Object.entries(spec.attrs ?? {})) group.create_attribute(k, v);
      for (const [k, v] of Object.entries(spec.datasets ?? {})) {
        const dataset = group.create_dataset({ name: k, data: v.data, shape: v.shape });
        dataset.create_attribute(DATASET_DIGEST, digests.get(`${spec.path}/${k}`)!);
      }
    }
    file.create_attribute(FILE_DIGEST, await fileDigest(digests));
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
