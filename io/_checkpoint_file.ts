/**
 * kerno's single-file checkpoint: weights, optionally the optimizer, and a
 * JSON state record, in one file written atomically, so a set of values that
 * belong together can never be half-replaced.
 *
 * Layout (version 2): the 8 bytes `KERNOCK2`, a little-endian uint32 header
 * length, a little-endian uint32 FNV-1a checksum of everything after it, the
 * UTF-8 JSON header (`weights` specs, `optimizer` record or null, `compile`,
 * `state`), then the raw little-endian values. The checksum covers the
 * header (weight names, shapes, dtypes, order, the optimizer and the state)
 * as well as the values. Version 1 files (`KERNOCK1`: no binary checksum,
 * a `checksum` of the values alone in the header) are still read.
 *
 * @module
 */
import { writeFileAtomic } from "./_atomic.ts";
import {
  byteSize,
  checkSpec,
  checksum,
  decodeWeights,
  parseJson,
  readFileChecked,
  type WeightSpec,
  type WeightValue,
} from "./_binary.ts";

const MAGIC = "KERNOCK2";
const MAGIC_V1 = "KERNOCK1";
const LIMIT = 8 * 2 ** 30;

/** What a checkpoint file holds. */
export interface CheckpointContents {
  /** The weights' specs, in order. */
  weights: WeightSpec[];
  /** The optimizer part, stored after the weights. */
  optimizer: { className: string; config: Record<string, unknown>; weights: WeightSpec[] } | null;
  /** The compile record (see `_training_state.ts`), or null. */
  compile: unknown;
  /** Any JSON state (epoch, step, random state…). */
  state: Record<string, unknown>;
}

/**
 * Writes a checkpoint atomically.
 *
 * @param path The file.
 * @param contents Specs and state.
 * @param data The weights' bytes followed by the optimizer's.
 */
export async function writeCheckpoint(
  path: string,
  contents: CheckpointContents,
  data: Uint8Array,
): Promise<void> {
  const header = new TextEncoder().encode(JSON.stringify(contents));
  const out = new Uint8Array(16 + header.length + data.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, header.length, true);
  out.set(header, 16);
  out.set(data, 16 + header.length);
  view.setUint32(12, parseInt(checksum(out.subarray(16)), 16), true);
  await writeFileAtomic(path, out);
}

/**
 * Reads and checks a checkpoint.
 *
 * @param path The file.
 * @returns The contents and the weights' and optimizer's values.
 */
export async function readCheckpoint(
  path: string,
): Promise<{ contents: CheckpointContents; weights: WeightValue[]; optimizer: WeightValue[] }> {
  const bytes = await readFileChecked(path, LIMIT);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (bytes.length < 12 || (magic !== MAGIC && magic !== MAGIC_V1)) {
    throw new TypeError(
      `Cannot load ${path} as it is not a kerno checkpoint (no ${MAGIC} signature)`,
    );
  }
  const v2 = magic === MAGIC;
  const start = v2 ? 16 : 12;
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const headerLength = view.getUint32(8, true);
  if (start + headerLength > bytes.length) {
    throw new RangeError(
      `Cannot load ${path} as its header claims ${headerLength} bytes but the file holds ${
        Math.max(0, bytes.length - start)
      }: it is truncated`,
    );
  }
  const sumOk = v2 ? view.getUint32(12, true) === parseInt(checksum(bytes.subarray(16)), 16) : true;
  let out: ReturnType<typeof checked>;
  try {
    const header = parseJson(bytes.subarray(start, start + headerLength), path);
    out = checked(path, header, bytes.subarray(start + headerLength), v2);
  } catch (error) {
    if (sumOk) throw error;
    // the checksum is the cause; what the damaged header then says is only its symptom (kept as the cause)
    throw new RangeError(
      `Cannot load ${path} as its header and values do not match their checksum, and its header cannot be read: the file is corrupt or truncated`,
      { cause: error },
    );
  }
  if (!sumOk) {
    throw new RangeError(
      `Cannot load ${path} as its header (weight names, shapes, dtypes, order, state) and values do not match their checksum: the file is corrupt`,
    );
  }
  return out;
}

/**
 * Checks the header's specs against the values (and, in a version 1 file,
 * the header's checksum of the values alone).
 */
function checked(
  path: string,
  parsed: unknown,
  data: Uint8Array,
  v2: boolean,
): { contents: CheckpointContents; weights: WeightValue[]; optimizer: WeightValue[] } {
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TypeError(`Cannot load ${path} as its header is not a JSON object`);
  }
  const header = parsed as Record<string, unknown>;
  if (!Array.isArray(header.weights)) {
    throw new TypeError(`Cannot load ${path} as its header has no "weights" array`);
  }
  const weights = header.weights.map((w) => checkSpec(w, path));
  const opt = header.optimizer as CheckpointContents["optimizer"];
  if (
    opt !== null && opt !== undefined && (typeof opt !== "object" || !Array.isArray(opt.weights))
  ) {
    throw new TypeError(`Cannot load ${path} as its header's "optimizer" has no "weights" array`);
  }
  const optSpecs = opt ? opt.weights.map((w) => checkSpec(w, path)) : [];
  const needed = [...weights, ...optSpecs].reduce((n, s) => n + byteSize(s), 0);
  if (needed !== data.length) {
    throw new RangeError(
      `Cannot load ${path} as its header needs ${needed} bytes of values but the file holds ${data.length}: it is truncated or corrupt`,
    );
  }
  if (!v2 && header.checksum !== checksum(data)) {
    throw new RangeError(
      `Cannot load ${path} as its values do not match their checksum: the file is corrupt`,
    );
  }
  const values = decodeWeights(data, [...weights, ...optSpecs], path);
  return {
    contents: {
      weights,
      optimizer: opt ? { ...opt, weights: optSpecs } : null,
      compile: header.compile ?? null,
      state: (header.state ?? {}) as Record<string, unknown>,
    },
    weights: values.slice(0, weights.length),
    optimizer: values.slice(weights.length),
  };
}
