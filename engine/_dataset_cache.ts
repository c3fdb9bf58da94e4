/**
 * `Dataset.cache`: the first complete pass is recorded — in memory as host
 * values (no tensors are held between passes), or in a file — and later
 * passes replay it instead of reading upstream. A pass left early records
 * nothing. A cache file that exists when a pass starts is read, as
 * tf.data's is: delete it to read the source again.
 *
 * File format: the line `kerno-dataset-cache 1`, then per element a 4-byte
 * little-endian length, a JSON header of that length (the element's
 * structure, each leaf either inline JSON or the place of its bytes) and the
 * leaves' bytes.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { type Pass, type Pipe, refuseSync } from "./_dataset_pipe.ts";
import { isRecord, isTuple, mapLeaves } from "./_dataset_structure.ts";

/** A tensor's values on the host. */
class HostTensor {
  constructor(
    readonly values: Float32Array | Int32Array | Uint8Array | string[],
    readonly shape: number[],
    readonly dtype: tf.DataType,
  ) {}
}

function toHost(e: unknown): unknown {
  return mapLeaves(
    e,
    (leaf) =>
      leaf instanceof tf.Tensor
        ? new HostTensor(leaf.dataSync() as HostTensor["values"], [...leaf.shape], leaf.dtype)
        : leaf,
  );
}

async function toHostAsync(e: unknown): Promise<unknown> {
  const reads: Promise<unknown>[] = [];
  const skeleton = mapLeaves(e, (leaf) => {
    if (!(leaf instanceof tf.Tensor)) return leaf;
    const t = leaf;
    const slot = new Slot();
    reads.push(
      t.data().then((v) =>
        slot.host = new HostTensor(v as HostTensor["values"], [...t.shape], t.dtype)
      ),
    );
    return slot;
  });
  await Promise.all(reads);
  return mapLeaves(skeleton, (leaf) => leaf instanceof Slot ? leaf.host : leaf);
}

/** Where a tensor's values land once read. */
class Slot {
  host: HostTensor | null = null;
}

function fromHost(h: unknown): unknown {
  return mapLeaves(
    h,
    (leaf) =>
      leaf instanceof HostTensor
        ? tf.tensor(leaf.values as Float32Array, leaf.shape, leaf.dtype)
        : leaf,
  );
}

/** A cache in memory. */
export function memoryCachePipe(up: Pipe): Pipe {
  let stored: unknown[] | null = null;
  return {
    asyncReason: up.asyncReason,
    cardinality: up.cardinality,
    *open() {
      if (stored) return yield* replay(stored);
      const recording: unknown[] = [];
      for (const e of up.open()) {
        recording.push(toHost(e));
        yield e;
      }
      stored = recording;
    },
    async *openAsync() {
      if (stored) return yield* replay(stored);
      const recording: unknown[] = [];
      for await (const e of up.openAsync()) {
        recording.push(await toHostAsync(e));
        yield e;
      }
      stored = recording;
    },
  };
}

function* replay(stored: unknown[]): Pass {
  for (const h of stored) yield fromHost(h);
}

const MAGIC = "kerno-dataset-cache 1\n";

/** A cache in a file (asynchronous). */
export function fileCachePipe(up: Pipe, path: string): Pipe {
  return {
    asyncReason: "a cache file",
    cardinality: up.cardinality,
    open: refuseSync("it caches to a file"),
    async *openAsync() {
      if (await exists(path)) return yield* readCache(path);
      const partial = `${path}.partial-${Deno.pid}-${Math.floor(Math.random() * 1e9)}`;
      const file = await Deno.open(partial, { write: true, createNew: true });
      let complete = false;
      try {
        await writeAll(file, new TextEncoder().encode(MAGIC));
        for await (const e of up.openAsync()) {
          await writeAll(file, encodeElement(await toHostAsync(e)));
          yield e;
        }
        complete = true;
      } finally {
        file.close();
        if (complete) await Deno.rename(partial, path);
        else await Deno.remove(partial).catch(() => {});
      }
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
}

type Chunk = { bytes: Uint8Array };

/** One element as length, JSON header and bytes. */
function encodeElement(h: unknown): Uint8Array {
  const chunks: Chunk[] = [];
  let offset = 0;
  const bytesOf = (view: ArrayBufferView) => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
    chunks.push({ bytes });
    const at = offset;
    offset += bytes.length;
    return at;
  };
  const header = describe(h, 0, (leaf) => {
    if (leaf instanceof HostTensor) {
      if (Array.isArray(leaf.values)) return { $s: [leaf.shape, leaf.values] };
      return { $t: [leaf.dtype, leaf.shape, bytesOf(leaf.values), leaf.values.byteLength] };
    }
    if (ArrayBuffer.isView(leaf)) {
      return { $a: [leaf.constructor.name, bytesOf(leaf), leaf.byteLength] };
    }
    if (typeof leaf === "number" && !Number.isFinite(leaf)) return { $f: String(leaf) };
    return { $v: leaf };
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + json.length + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let at = 4 + json.length;
  for (const c of chunks) {
    out.set(c.bytes, at);
    at += c.bytes.length;
  }
  return out;
}

/** The element's structure as JSON, with each leaf written by `leaf`. */
function describe(e: unknown, depth: number, leaf: (v: unknown) => unknown): unknown {
  if (isTuple(e, depth)) return e.map((v) => describe(v, depth + 1, leaf));
  if (isRecord(e)) {
    return {
      $r: Object.fromEntries(Object.entries(e).map(([k, v]) => [k, describe(v, depth + 1, leaf)])),
    };
  }
  return leaf(e);
}

const TYPED: Record<string, new (b: ArrayBuffer) => ArrayBufferView> = {
  Float32Array,
  Float64Array,
  Int32Array,
  Int16Array,
  Int8Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
  Uint8ClampedArray,
};

/** Rebuilds an element from its header and bytes. */
function decode(header: unknown, bytes: Uint8Array): unknown {
  if (Array.isArray(header)) return header.map((h) => decode(h, bytes));
  const h = header as Record<string, unknown>;
  if ("$r" in h) {
    return Object.fromEntries(
      Object.entries(h.$r as Record<string, unknown>).map(([k, v]) => [k, decode(v, bytes)]),
    );
  }
  const copy = (at: number, n: number) => bytes.slice(at, at + n).buffer;
  if ("$t" in h) {
    const [dtype, shape, at, n] = h.$t as [tf.DataType, number[], number, number];
    const buffer = copy(at, n);
    const values = dtype === "int32"
      ? new Int32Array(buffer)
      : dtype === "bool"
      ? new Uint8Array(buffer)
      : new Float32Array(buffer);
    return tf.tensor(values, shape, dtype);
  }
  if ("$s" in h) {
    const [shape, values] = h.$s as [number[], string[]];
    return tf.tensor(values, shape, "string");
  }
  if ("$a" in h) {
    const [name, at, n] = h.$a as [string, number, number];
    return new TYPED[name](copy(at, n));
  }
  if ("$f" in h) return Number(h.$f);
  return h.$v;
}

async function* readCache(path: string): AsyncGenerator<unknown, void, undefined> {
  const file = await Deno.open(path);
  const reader = new ByteReader(file);
  try {
    const magic = new TextDecoder().decode((await reader.exactly(MAGIC.length, path))!);
    if (magic !== MAGIC) {
      throw new TypeError(`Cannot read the Dataset cache "${path}" as it is not one: delete it`);
    }
    while (true) {
      const head = await reader.exactly(4, path, true);
      if (head === null) return;
      const length = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
      const header = JSON.parse(new TextDecoder().decode((await reader.exactly(length, path))!));
      const size = payloadSize(header);
      yield decode(header, size === 0 ? new Uint8Array(0) : (await reader.exactly(size, path))!);
    }
  } finally {
    file.close();
  }
}

/** The byte count of an element's leaves, from its header. */
function payloadSize(header: unknown): number {
  if (Array.isArray(header)) return header.reduce((n: number, h) => n + payloadSize(h), 0);
  const h = header as Record<string, unknown>;
  if ("$r" in h) {
    return Object.values(h.$r as object).reduce((n: number, v) => n + payloadSize(v), 0);
  }
  if ("$t" in h) return (h.$t as number[])[3];
  if ("$a" in h) return (h.$a as number[])[2];
  return 0;
}

/** Reads exact byte counts from a file through a buffer. */
class ByteReader {
  #buf = new Uint8Array(0);
  #file: Deno.FsFile;

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** `n` bytes; `null` at a clean end when `endOk`. */
  async exactly(n: number, path: string, endOk = false): Promise<Uint8Array | null> {
    while (this.#buf.length < n) {
      const chunk = new Uint8Array(Math.max(1 << 16, n - this.#buf.length));
      const got = await this.#file.read(chunk);
      if (got === null) {
        if (endOk && this.#buf.length === 0) return null;
        throw new RangeError(`Cannot read the Dataset cache "${path}" as it ends early: delete it`);
      }
      const joined = new Uint8Array(this.#buf.length + got);
      joined.set(this.#buf);
      joined.set(chunk.subarray(0, got), this.#buf.length);
      this.#buf = joined;
    }
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }
}
