/**
 * Weight specs and raw little-endian weight bytes, shared by every format:
 * validation of what a file claims (before anything is allocated), encoding
 * of tensors, decoding of slices, and a checksum that ties shards to their
 * manifest.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";

/** The dtypes kerno stores. */
export type WeightDtype = "float32" | "int32";

/** One stored weight: its name, shape and dtype (TensorFlow.js's manifest entry). */
export interface WeightSpec {
  /** The weight's name, e.g. `"dense_1/kernel"`. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Its dtype. */
  dtype: WeightDtype;
}

/** A weight read from a file: its spec and its values. */
export interface WeightValue {
  /** The weight's spec. */
  spec: WeightSpec;
  /** Its values (a copy owned by the caller). */
  values: Float32Array | Int32Array;
}

/** The most elements one stored weight may claim (4 GiB of float32). */
export const MAX_ELEMENTS = 2 ** 30;

/**
 * Number of elements of a shape, refusing shapes no weight can have.
 *
 * @param shape The claimed shape.
 * @param where The file and weight, for the message.
 * @returns The element count.
 */
export function elementCount(shape: unknown, where: string): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(
      `Cannot load ${where} as its shape must be an array of non-negative integers: received ${
        JSON.stringify(shape)
      }`,
    );
  }
  let n = 1;
  for (const d of shape as number[]) {
    n *= d;
    if (n > MAX_ELEMENTS) {
      throw new RangeError(
        `Cannot load ${where} as its shape [${shape}] claims ${
          (shape as number[]).reduce((a, b) => a * b, 1)
        } elements: at most ${MAX_ELEMENTS} are allowed`,
      );
    }
  }
  return n;
}

/**
 * Validates one manifest entry.
 *
 * @param entry The parsed entry.
 * @param file The file it came from, for messages.
 * @returns The checked spec.
 */
export function checkSpec(entry: unknown, file: string): WeightSpec {
  if (entry === null || typeof entry !== "object") {
    throw new TypeError(
      `Cannot load ${file} as a weight entry is not an object: received ${entry}`,
    );
  }
  const e = entry as Record<string, unknown>;
  if (typeof e.name !== "string") {
    throw new TypeError(
      `Cannot load ${file} as a weight entry has no string "name": received ${String(e.name)}`,
    );
  }
  const where = `${file} (weight "${e.name}")`;
  elementCount(e.shape, where);
  if (e.dtype !== "float32" && e.dtype !== "int32") {
    throw new TypeError(
      `Cannot load ${where} as its dtype must be "float32" or "int32": received ${
        JSON.stringify(e.dtype)
      }`,
    );
  }
  if (e.quantization !== undefined && e.quantization !== null) {
    throw new TypeError(
      `Cannot load ${where} as it is quantized, which kerno does not read: save it unquantized`,
    );
  }
  return { name: e.name, shape: [...(e.shape as number[])], dtype: e.dtype };
}

/**
 * @param spec A checked spec.
 * @returns The bytes its values take.
 */
export function byteSize(spec: WeightSpec): number {
  return spec.shape.reduce((a, b) => a * b, 1) * 4;
}

/**
 * Describes tensors as specs.
 *
 * @param named Names and tensors.
 * @returns One spec per tensor (non-float32/int32 tensors are stored as float32).
 */
export function specsOf(named: { name: string; tensor: tf.Tensor }[]): WeightSpec[] {
  return named.map(({ name, tensor }) => ({
    name,
    shape: [...tensor.shape],
    dtype: tensor.dtype === "int32" ? "int32" : "float32",
  }));
}

/**
 * Concatenates the tensors' values as little-endian bytes.
 *
 * @param tensors The tensors, in manifest order.
 * @returns The bytes.
 */
export function encodeTensors(tensors: tf.Tensor[]): Uint8Array {
  const parts = tensors.map((t) => {
    const data = t.dtype === "int32"
      ? Int32Array.from(t.dataSync())
      : Float32Array.from(t.dataSync());
    return new Uint8Array(data.buffer);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Cuts weights out of a byte buffer, after checking that it holds them all.
 *
 * @param bytes The concatenated shard bytes.
 * @param specs The checked specs, in order.
 * @param file The file, for messages.
 * @returns One value per spec (copies).
 */
export function decodeWeights(bytes: Uint8Array, specs: WeightSpec[], file: string): WeightValue[] {
  const needed = specs.reduce((n, s) => n + byteSize(s), 0);
  if (needed > bytes.length) {
    throw new RangeError(
      `Cannot load ${file} as its weights need ${needed} bytes but the data holds ${bytes.length}: the file is truncated or its manifest is wrong`,
    );
  }
  let offset = 0;
  return specs.map((spec) => {
    const size = byteSize(spec);
    const copy = bytes.slice(offset, offset + size);
    offset += size;
    const values = spec.dtype === "int32"
      ? new Int32Array(copy.buffer, 0, size / 4)
      : new Float32Array(copy.buffer, 0, size / 4);
    return { spec, values };
  });
}

/**
 * FNV-1a checksum of bytes (of several parts, as if concatenated), as 8 hex
 * digits; ties a shard to its manifest.
 *
 * @param parts The bytes.
 * @returns The checksum.
 */
export function checksum(...parts: Uint8Array[]): string {
  let h = 0x811c9dc5;
  for (const bytes of parts) {
    for (let i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193);
    }
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The bytes a manifest checksum covers: the names, shapes and dtypes of
 * weights, in order (and the shard paths, when given), as canonical JSON.
 *
 * @param specs The checked specs.
 * @param paths The shard paths of the group, if any.
 * @returns UTF-8 JSON.
 */
export function manifestBytes(
  specs: readonly WeightSpec[],
  paths: readonly string[] = [],
): Uint8Array {
  const weights = specs.map(({ name, shape, dtype }) => ({ name, shape, dtype }));
  return new TextEncoder().encode(JSON.stringify({ paths, weights }));
}

/**
 * Reads a whole file after checking its size, with the file named in errors.
 *
 * @param path The file.
 * @param limit The most bytes accepted.
 * @returns The bytes.
 */
export async function readFileChecked(path: string, limit: number): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await Deno.stat(path)).size;
  } catch (error) {
    throw new TypeError(`Cannot load ${path} as it cannot be read: ${(error as Error).message}`);
  }
  if (size > limit) {
    throw new RangeError(
      `Cannot load ${path} as it holds ${size} bytes: at most ${limit} are read`,
    );
  }
  return await Deno.readFile(path);
}

/** The deepest nesting of arrays and objects {@link parseJson} accepts. */
export const MAX_JSON_DEPTH = 100;

/** The most bytes of JSON {@link parseJson} accepts by default (64 MiB). */
export const MAX_JSON_BYTES = 64 * 2 ** 20;

/**
 * Parses the JSON of a model file (TensorFlow.js `model.json`, a checkpoint's
 * header, a `.keras` file's `config.json` and `metadata.json`), naming the
 * file when it does not parse. Before parsing it checks the size and scans
 * the text for its nesting depth (without recursion), so a hostile file
 * cannot overflow the stack here or in the code that walks the result; an
 * object key `"__proto__"` (which no model file has) is refused.
 *
 * @param bytes UTF-8 JSON.
 * @param file The file, for messages.
 * @param maxBytes The most bytes accepted. @default {MAX_JSON_BYTES}
 * @returns The parsed value.
 */
export function parseJson(bytes: Uint8Array, file: string, maxBytes = MAX_JSON_BYTES): unknown {
  if (bytes.length > maxBytes) {
    throw new RangeError(
      `Cannot load ${file} as its JSON holds ${bytes.length} bytes: at most ${maxBytes} are read`,
    );
  }
  if (jsonDepth(bytes) > MAX_JSON_DEPTH) {
    throw new RangeError(
      `Cannot load ${file} as its JSON nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep: it is not a model file kerno reads`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new TypeError(`Cannot load ${file} as it is not valid JSON: it is not UTF-8 text`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value) => {
      if (key === "__proto__") throw new TypeError(PROTO_KEY);
      return value;
    });
  } catch (error) {
    const message = (error as Error).message;
    if (message === PROTO_KEY) {
      throw new TypeError(
        `Cannot load ${file} as its JSON holds the object key "__proto__", which no model file has`,
      );
    }
    const at = /position (\d+)/.exec(message);
    throw new TypeError(
      `Cannot load ${file} as it is not valid JSON: ${
        at ? `a syntax error at character ${at[1]}` : "a syntax error or an early end"
      }`,
      { cause: error },
    );
  }
  return parsed;
}

const PROTO_KEY = "kerno: __proto__ key";

/**
 * The deepest nesting of `[` and `{` in UTF-8 JSON text, outside strings
 * (the scan stops once it passes {@link MAX_JSON_DEPTH}). Bytes of multi-byte
 * characters are never ASCII, so the bytes can be scanned as they are.
 */
function jsonDepth(bytes: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++; // a backslash escapes the next byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) {
      inString = true;
    } else if (b === 0x5b || b === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > MAX_JSON_DEPTH) return deepest;
    } else if (b === 0x5d || b === 0x7d) {
      depth--;
    }
  }
  return deepest;
}
