/**
 * Reading HDF5 weights files defensively. Every path is resolved link by
 * link (a soft or external link is refused: a weight is a dataset of its
 * own); a dataset's header (type, shape, filters) is checked before its
 * values are read, against what the caller expects and against the size of
 * the file (an uncompressed dataset cannot hold more bytes than the file);
 * values are read through h5wasm's low-level call, whose status is checked,
 * so a failed read (a corrupted compressed chunk) is an error and never an
 * uninitialised buffer; h5wasm's own errors are reworded with the file and
 * the dataset named. A file kerno wrote (it carries `kerno_digest`) is
 * verified whole when opened: every dataset against its digest, and the
 * list of datasets against the file's.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type * as H5 from "h5wasm";
import { elementCount } from "./_binary.ts";
import { type H5Lib, loadH5, scratchName } from "./_h5.ts";
import { DATASET_DIGEST, datasetDigest, FILE_DIGEST, fileDigest, typeTag } from "./_h5_digest.ts";

type H5Module = Awaited<H5Lib["ready"]>;

/** A dataset read from a file, checked before its values are read. */
export interface H5Value {
  /** Its shape. */
  shape: number[];
  /** Its values, as float32 or int32 (int64 counters become int32). */
  values: Float32Array | Int32Array;
}

/** What a dataset's header says, before any value is read. */
export interface H5Info {
  /** Its shape. */
  shape: number[];
  /** `"float"`, `"int"`, or `"other"` (strings, compounds, …). */
  kind: "float" | "int" | "other";
  /** Bytes per element. */
  size: number;
  /** Whether an integer type is signed. */
  signed: boolean;
  /** The bytes its values take once read. */
  bytes: number;
  /** Whether it is stored through filters (compression). */
  filtered: boolean;
}

/** What the caller expects of a dataset: checked from its header before reading. */
export interface H5Expect {
  /** The shape it must have. */
  shape?: number[];
  /** The number kind it must hold. */
  kind?: "float" | "int";
  /** How to name it in messages (default: its path). */
  label?: string;
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
   * The header of a dataset, or null when there is no dataset at the path.
   * @param path The dataset path.
   */
  info(path: string): H5Info | null;
  /**
   * The shape of a dataset, read from its header only, or null when absent.
   * @param path The dataset path.
   */
  shape(path: string): number[] | null;
  /**
   * Reads a numeric dataset after checking its header against `expect` and the file's size.
   * @param path The dataset path.
   * @param expect Its expected shape and kind.
   */
  read(path: string, expect?: H5Expect): H5Value;
  /**
   * Every dataset's path and shape, from the headers only (for the weight
   * budget of the model its config builds).
   */
  datasets(): { name: string; shape: number[] }[];
  /** Whether the file carried kerno's digest (and so was verified whole when opened). */
  readonly verified: boolean;
  /** Frees the in-memory file. */
  close(): void;
}

/** Most groups and datasets walked when verifying a digest, and how deep. */
const MAX_OBJECTS = 100_000;
const MAX_DEPTH = 64;
/** Deflate inflates at most about 1032:1. */
const FILTER_RATIO = 1100;

/** One opened file: the h5wasm objects and the file's name for messages. */
class Opened {
  readonly cache = new Map<string, H5Value>();
  constructor(
    readonly h5: H5Lib,
    readonly m: H5Module,
    readonly file: H5.File,
    readonly fileBytes: number,
    readonly where: string,
  ) {}

  /** Runs an h5wasm call, rewording its errors with the file and the object named. */
  call<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      // h5wasm's own words ("error - name not defined!") say nothing about the file: kept as the cause
      throw new TypeError(
        `Cannot load ${this.where} as HDF5 cannot read ${what}: the file is damaged`,
        { cause: error },
      );
    }
  }

  /** Resolves a path link by link; null when absent; refuses soft and external links. */
  resolve(path: string): H5.Group | H5.Dataset | null {
    const parts = path.split("/").filter((p) => p !== "");
    let sofar = "";
    for (const part of parts) {
      sofar = `${sofar}/${part}`;
      const type = this.call(sofar, () => this.file.get_type(sofar));
      if (type < 0) return null;
      const soft = this.call(sofar, () => this.file.get_link(sofar));
      const external = this.call(sofar, () => this.file.get_external_link(sofar));
      if (type === this.m.H5G_LINK || typeof soft === "string") {
        throw new TypeError(
          `Cannot load ${this.where} as ${sofar} is a soft link (to ${
            JSON.stringify(soft)
          }): kerno reads weights only from datasets of their own`,
        );
      }
      if (type === this.m.H5G_UDLINK || typeof external?.filename === "string") {
        throw new TypeError(
          `Cannot load ${this.where} as ${sofar} is an external link (to ${
            JSON.stringify(external?.filename)
          }): kerno reads weights only from datasets of their own`,
        );
      }
    }
    const entity = this.call(path, () => this.file.get(path === "" ? "/" : path));
    return entity instanceof this.h5.Group || entity instanceof this.h5.Dataset ? entity : null;
  }

  info(path: string): H5Info | null {
    const d = this.resolve(path);
    if (!(d instanceof this.h5.Dataset)) return null;
    const meta = this.call(path, () => d.metadata);
    const filters = this.call(path, () => d.filters);
    const shape = [...(meta.shape ?? [])];
    const count = elementCount(shape, `${this.where} (${path})`);
    const numeric = meta.shape !== null && !meta.vlen;
    const kind = numeric && meta.type === 1 && (meta.size === 4 || meta.size === 8)
      ? "float"
      : numeric && meta.type === 0 && (meta.size === 4 || meta.size === 8)
      ? "int"
      : "other";
    return {
      shape,
      kind,
      size: meta.size,
      signed: meta.signed,
      bytes: count * meta.size,
      filtered: filters.length > 0,
    };
  }

  /** Reads a dataset's bytes (little-endian) through h5wasm, checking the read's status. */
  raw(path: string, info: H5Info, label: string): Uint8Array {
    const ptr = this.m._malloc(Math.max(info.bytes, 1));
    if (!ptr) {
      throw new RangeError(`Cannot load ${label} as ${info.bytes} bytes cannot be allocated`);
    }
    try {
      const status = this.call(
        path,
        () => this.m.get_dataset_data(this.file.file_id, `/${path}`, null, null, null, BigInt(ptr)),
      );
      if (status < 0) {
        throw new TypeError(
          `Cannot load ${label} as HDF5 failed to read its values (status ${status}): the file is damaged (for example a corrupted compressed chunk)`,
        );
      }
      return this.m.HEAPU8.slice(ptr, ptr + info.bytes);
    } finally {
      this.m._free(ptr);
    }
  }

  /** Checks a header against the caller's expectations and the file's size. */
  check(info: H5Info, label: string, expect?: H5Expect): void {
    if (info.kind === "other") {
      throw new TypeError(
        `Cannot load ${label} as its dtype is not a float or integer number type (${info.size} bytes per element)`,
      );
    }
    if (expect?.kind !== undefined && info.kind !== expect.kind) {
      throw new TypeError(
        `Cannot load ${label} as it holds ${info.kind === "int" ? "integers" : "floats"} (${
          typeTag(info.kind, info.size, info.signed)
        }) where a ${expect.kind} weight is expected`,
      );
    }
    if (expect?.shape !== undefined && !tf.util.arraysEqual(info.shape, expect.shape)) {
      throw new RangeError(
        `Cannot load ${label} as its shape is [${info.shape}] where [${expect.shape}] is expected`,
      );
    }
    const limit = info.filtered ? FILTER_RATIO * this.fileBytes + 2 ** 20 : this.fileBytes;
    if (info.bytes > limit) {
      throw new RangeError(
        `Cannot load ${label} as its header claims ${info.bytes} bytes of values (shape [${info.shape}]) in a file of ${this.fileBytes} bytes`,
      );
    }
  }

  read(path: string, expect?: H5Expect): H5Value {
    const clean = path.replace(/^\/+/, "");
    const label = `${this.where} (${expect?.label ?? clean})`;
    const info = this.info(clean);
    if (info === null) {
      throw new TypeError(`Cannot load ${label} as it is missing or not a dataset`);
    }
    this.check(info, label, expect);
    return this.cache.get(clean) ?? convert(this.raw(clean, info, label), info);
  }
}

function convert(raw: Uint8Array, info: H5Info): H5Value {
  const { buffer } = raw;
  const shape = [...info.shape];
  if (info.kind === "float") {
    return {
      shape,
      values: info.size === 4
        ? new Float32Array(buffer)
        : Float32Array.from(new Float64Array(buffer)),
    };
  }
  const source = info.size === 4
    ? (info.signed ? new Int32Array(buffer) : new Uint32Array(buffer))
    : (info.signed ? new BigInt64Array(buffer) : new BigUint64Array(buffer));
  const values = new Int32Array(source.length);
  for (let i = 0; i < source.length; i++) values[i] = Number(source[i]);
  return { shape, values };
}

/** Every dataset path of the file (without a leading `/`), refusing links. */
function datasetPaths(f: Opened): string[] {
  const out: string[] = [];
  let objects = 0;
  const walk = (path: string, depth: number) => {
    if (depth > MAX_DEPTH) {
      throw new RangeError(`Cannot load ${f.where} as its groups nest deeper than ${MAX_DEPTH}`);
    }
    const group = f.resolve(path) as H5.Group;
    for (const key of f.call(path || "/", () => group.keys())) {
      if (++objects > MAX_OBJECTS) {
        throw new RangeError(`Cannot load ${f.where} as it holds over ${MAX_OBJECTS} objects`);
      }
      const child = path === "" ? key : `${path}/${key}`;
      const entity = f.resolve(child);
      if (entity instanceof f.h5.Group) walk(child, depth + 1);
      else if (entity instanceof f.h5.Dataset) out.push(child);
    }
  };
  walk("", 0);
  return out;
}

/** Verifies kerno's digest of every dataset, keeping the values read. */
async function verifyDigest(f: Opened, stated: string): Promise<void> {
  const digests = new Map<string, string>();
  let total = 0;
  for (const path of datasetPaths(f)) {
    const info = f.info(path)!;
    const parent = path.split("/").slice(0, -1).join("/");
    const layer = attrOf(f, parent, "name");
    const label = `${f.where} (dataset ${path}${layer === null ? "" : ` of layer "${layer}"`})`;
    f.check(info, label);
    total += info.bytes;
    if (total > f.fileBytes) {
      throw new RangeError(
        `Cannot load ${f.where} as its datasets claim ${total} bytes of values, more than the file holds (${f.fileBytes})`,
      );
    }
    const d = f.resolve(path) as H5.Dataset;
    const own = f.call(path, () => d.attrs[DATASET_DIGEST]?.value);
    if (typeof own !== "string") {
      throw new TypeError(
        `Cannot load ${label} as it has no ${DATASET_DIGEST} attribute though the file carries kerno's digest: it was added or changed after kerno wrote the file`,
      );
    }
    const raw = f.raw(path, info, label);
    const digest = await datasetDigest(
      typeTag(info.kind as "float", info.size, info.signed),
      info.shape,
      raw,
    );
    if (digest !== own) {
      throw new TypeError(
        `Cannot load ${label} as its values, type or shape differ from the digest kerno wrote with them: the file is damaged`,
      );
    }
    digests.set(path, digest);
    f.cache.set(path, convert(raw, info));
  }
  if (await fileDigest(digests) !== stated) {
    throw new TypeError(
      `Cannot load ${f.where} as its datasets were added, removed or renamed since kerno wrote it (its ${FILE_DIGEST} does not match): the file is damaged`,
    );
  }
}

function attrOf(f: Opened, path: string, name: string): string | null {
  const g = f.resolve(path);
  if (g === null) return null;
  const value = f.call(`the attributes of ${path || "/"}`, () => g.attrs[name]?.value);
  return typeof value === "string" ? value : null;
}

/**
 * Walks every global heap collection (`GCOL`, where HDF5 keeps
 * variable-length strings such as attribute values) and refuses one whose
 * objects do not tile it exactly: HDF5 1.14 does not check this and, given
 * an object size that runs into the free space, loops forever while it
 * reads an attribute (found by tools/fuzz_load.ts: one flipped bit in the
 * size of kerno's own `kerno_digest` string hung the load).
 *
 * @param bytes The file's bytes.
 * @param where The file, for messages.
 */
export function checkGlobalHeaps(bytes: Uint8Array, where: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = (at: number, problem: string): never => {
    throw new TypeError(
      `Cannot load ${where} as its HDF5 global heap at byte ${at} (where variable-length strings are kept) is damaged: ${problem}`,
    );
  };
  for (let at = 0; at + 16 <= bytes.length; at++) {
    // "GCOL", version 1
    if (
      bytes[at] !== 0x47 || bytes[at + 1] !== 0x43 || bytes[at + 2] !== 0x4f ||
      bytes[at + 3] !== 0x4c || bytes[at + 4] !== 1
    ) continue;
    const size = Number(view.getBigUint64(at + 8, true));
    const end = at + size;
    if (size < 16 || end > bytes.length) damaged(at, `it claims ${size} bytes`);
    let p = at + 16;
    while (p + 16 <= end) {
      const index = view.getUint16(p, true);
      const objectSize = Number(view.getBigUint64(p + 8, true));
      if (index === 0) {
        // the free space, header included, runs to the collection's end
        if (p + objectSize !== end) {
          damaged(at, `its free space at byte ${p} does not reach its end`);
        }
        break;
      }
      const next = p + 16 + Math.ceil(objectSize / 8) * 8;
      if (next > end) damaged(at, `object ${index} (${objectSize} bytes) runs past its end`);
      p = next;
    }
    at = end - 1;
  }
}

/**
 * Opens HDF5 bytes; a file that carries kerno's digest is verified whole.
 *
 * @param bytes The file's bytes.
 * @param where The file, for messages.
 * @returns A reader; call `close()`.
 */
export async function openH5(bytes: Uint8Array, where: string): Promise<H5Reader> {
  const h5 = await loadH5();
  const m = await h5.ready;
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || signature.some((b, i) => bytes[i] !== b)) {
    throw new TypeError(`Cannot load ${where} as it is not an HDF5 file (no HDF5 signature)`);
  }
  checkGlobalHeaps(bytes, where);
  const name = scratchName("read");
  m.FS!.writeFile(name, bytes);
  let file: H5.File;
  try {
    file = new h5.File(name, "r");
    file.keys();
  } catch (error) {
    m.FS!.unlink(name);
    throw new TypeError(
      `Cannot load ${where} as it is not a valid HDF5 file: HDF5 cannot open it (it is damaged or truncated)`,
      { cause: error },
    );
  }
  const f = new Opened(h5, m, file, bytes.length, where);
  const close = () => {
    f.cache.clear();
    file.close();
    m.FS!.unlink(name);
  };
  let verified = false;
  try {
    const stated = attrOf(f, "", FILE_DIGEST);
    if (stated !== null) {
      await verifyDigest(f, stated);
      verified = true;
    }
  } catch (error) {
    close();
    throw error;
  }
  return {
    verified,
    keys(path) {
      const g = f.resolve(path);
      return g instanceof h5.Group ? f.call(path || "/", () => g.keys()) : null;
    },
    attr(path, attrName) {
      return attrOf(f, path, attrName);
    },
    info: (path) => f.info(path),
    datasets: () => datasetPaths(f).map((name) => ({ name, shape: f.info(name)!.shape })),
    shape: (path) => f.info(path)?.shape ?? null,
    read: (path, expect) => f.read(path, expect),
    close,
  };
}
