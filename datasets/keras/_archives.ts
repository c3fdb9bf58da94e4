/**
 * Internal: the other file formats of the standard data sets — gzip
 * (through fflate), IDX (MNIST's and Fashion-MNIST's image and label
 * files) and tar (CIFAR's archives) — read from bytes.
 *
 * @module
 */
import { gunzipSync } from "fflate";

/**
 * Gunzips bytes, naming the file on failure.
 *
 * @param bytes The gzip data.
 * @param name The file's name, for errors.
 * @returns The uncompressed bytes.
 */
export function gunzip(bytes: Uint8Array, name: string): Uint8Array {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new TypeError(`Cannot read ${name} as it is not gzip data (no 1f 8b magic)`);
  }
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new TypeError(
      `Cannot read ${name} as its gzip data are corrupt: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** An array of unsigned bytes read from an IDX file. */
export interface IdxArray {
  /** The dimensions, e.g. `[60000, 28, 28]`. */
  shape: number[];
  /** The values in C order. */
  values: Uint8Array;
}

/**
 * Reads an IDX file of unsigned bytes (type code 0x08), the format of
 * MNIST's files: two zero bytes, the type code, the number of dimensions,
 * one big-endian 32-bit size per dimension, then the data.
 *
 * @param bytes The (uncompressed) file.
 * @param name The file's name, for errors.
 * @returns The shape and the values.
 */
export function readIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new TypeError(
      `Cannot read ${name} as it is not an IDX file (it must start with two zero bytes)`,
    );
  }
  if (bytes[2] !== 0x08) {
    throw new TypeError(
      `Cannot read ${name} as its IDX type code is 0x${
        bytes[2].toString(16)
      }, expected 0x08 (unsigned bytes)`,
    );
  }
  const dims = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = 4 + 4 * dims;
  if (bytes.length < start) {
    throw new TypeError(`Cannot read ${name} as its IDX header is truncated`);
  }
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + count) {
    throw new TypeError(
      `Cannot read ${name} as it holds ${
        bytes.length - start
      } bytes of data, expected ${count} for shape [${shape}]`,
    );
  }
  return { shape, values: bytes.subarray(start) };
}

/**
 * Lists the regular files of a tar archive (ustar, GNU long names and pax
 * `path` records included).
 *
 * @param bytes The (uncompressed) archive.
 * @param name The archive's name, for errors.
 * @returns A map from each file's path to its bytes.
 */
export function readTar(bytes: Uint8Array, name: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const ascii = (from: number, to: number) => {
    const field = bytes.subarray(from, to);
    const end = field.indexOf(0);
    return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
  };
  let pos = 0;
  let longName: string | null = null;
  while (pos + 512 <= bytes.length) {
    if (bytes.subarray(pos, pos + 512).every((b) => b === 0)) break;
    const sizeText = ascii(pos + 124, pos + 136).trim();
    const size = parseInt(sizeText, 8);
    if (!/^[0-7]+$/.test(sizeText) || !Number.isFinite(size)) {
      throw new TypeError(
        `Cannot read ${name} as tar header at byte ${pos} has a bad size field ${
          JSON.stringify(sizeText)
        }`,
      );
    }
    const type = String.fromCharCode(bytes[pos + 156]);
    const prefix = ascii(pos + 257, pos + 263).startsWith("ustar")
      ? ascii(pos + 345, pos + 500)
      : "";
    const path = longName ??
      (prefix ? `${prefix}/${ascii(pos, pos + 100)}` : ascii(pos, pos + 100));
    const dataStart = pos + 512;
    if (dataStart + size > bytes.length) {
      throw new TypeError(`Cannot read ${name} as its entry "${path}" is truncated`);
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    longName = null;
    if (type === "L") longName = new TextDecoder().decode(data).replace(/\0.*$/s, "");
    else if (type === "x") {
      longName = /\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data))?.[1] ?? null;
    } else if (type === "0" || type === "\0") files.set(path, data);
    pos = dataStart + Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * One file of a tar archive, found by the end of its path, with an error
 * naming what exists.
 *
 * @param files The archive's files.
 * @param suffix The end of the path, e.g. `"cifar-10-batches-bin/test_batch.bin"`.
 * @param name The archive's name, for errors.
 * @returns The file's bytes.
 */
export function tarMember(
  files: Map<string, Uint8Array>,
  suffix: string,
  name: string,
): Uint8Array {
  for (const [path, data] of files) {
    if (path === suffix || path.endsWith(`/${suffix}`)) return data;
  }
  throw new TypeError(
    `Cannot read ${name} as it holds no ${suffix}: it holds ${
      JSON.stringify([...files.keys()].slice(0, 10))
    }`,
  );
}
