/**
 * kerno's single-file checkpoint: weights, optionally the optimizer, and a
 * JSON state record, in one file written atomically, so a set of values that
 * belong together can never be half-replaced.
 *
 * Layout: the 8 bytes `KERNOCK1`, a little-endian uint32 header length, the
 * UTF-8 JSON header (`weights` specs, `optimizer` record or null, `state`,
 * `checksum` of the data), then the raw little-endian values.
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

const MAGIC = "KERNOCK1";
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
  const header = new TextEncoder().encode(
    JSON.stringify({ ...contents, checksum: checksum(data) }),
  );
  const out = new Uint8Array(12 + header.length + data.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(data, 12 + header.length);
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
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new TypeError(
      `Cannot load ${path} as it is not a kerno checkpoint (no ${MAGIC} signature)`,
    );
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (12 + headerLength > bytes.length) {
    throw new RangeError(
      `Cannot load ${path} as its header claims ${headerLength} bytes but the file holds ${
        bytes.length - 12
      }: it is truncated`,
    );
  }
  const header = parseJson(bytes.subarray(12, 12 + headerLength), path) as Record<string, unknown>;
  if (!Array.isArray(header.weights)) {
    throw new TypeError(`Cannot load ${path} as its header has no "weights" array`);
  }
  const weights = header.weights.map((w) => checkSpec(w, path));
  const opt = header.optimizer as CheckpointContents["optimizer"];
  const optSpecs = opt && Array.isArray(opt.weights)
    ? opt.weights.map((w) => checkSpec(w, path))
    : [];
  const data = bytes.subarray(12 + headerLength);
  const needed = [...weights, ...optSpecs].reduce((n, s) => n + byteSize(s), 0);
  if (needed !== data.length) {
    throw new RangeError(
      `Cannot load ${path} as its header needs ${needed} bytes of values but the file holds ${data.length}: it is truncated or corrupt`,
    );
  }
  if (header.checksum !== checksum(data)) {
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
