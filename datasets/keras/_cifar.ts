/**
 * Internal: CIFAR's binary version, records of label byte(s) then 3,072
 * pixel bytes (1,024 red, 1,024 green, 1,024 blue, each row by row),
 * turned channels-last as Keras returns them.
 *
 * @module
 */
import { gunzip, readTar, tarMember } from "./_archives.ts";

/** Images and labels read from CIFAR binary files, not yet tensors. */
export interface CifarArrays {
  /** `n * 32 * 32 * 3` pixel values, channels last. */
  x: Int32Array;
  /** `n` labels. */
  y: Int32Array;
}

const PIXELS = 32 * 32;

/**
 * Reads records from binary batch files.
 *
 * @param files The batch files' bytes.
 * @param labelBytes Label bytes per record (1 for CIFAR-10, 2 for CIFAR-100).
 * @param labelIndex Which label byte to keep.
 * @param name The archive's name, for errors.
 * @returns The images (channels last) and labels.
 */
export function cifarRecords(
  files: Uint8Array[],
  labelBytes: number,
  labelIndex: number,
  name: string,
): CifarArrays {
  const size = labelBytes + 3 * PIXELS;
  const n = files.reduce((sum, f) => sum + f.length / size, 0);
  if (!Number.isInteger(n)) {
    throw new TypeError(
      `Cannot read ${name} as its batch files are not a whole number of ${size}-byte records`,
    );
  }
  const x = new Int32Array(n * 3 * PIXELS);
  const y = new Int32Array(n);
  let i = 0;
  for (const file of files) {
    for (let at = 0; at < file.length; at += size, i++) {
      y[i] = file[at + labelIndex];
      const base = i * 3 * PIXELS;
      for (let c = 0; c < 3; c++) {
        const plane = at + labelBytes + c * PIXELS;
        for (let p = 0; p < PIXELS; p++) x[base + p * 3 + c] = file[plane + p];
      }
    }
  }
  return { x, y };
}

/**
 * Opens a CIFAR `.tar.gz` and returns the named members.
 *
 * @param bytes The archive.
 * @param members The ends of the members' paths.
 * @param name The archive's name, for errors.
 * @returns The members' bytes, in the order asked.
 */
export function cifarMembers(bytes: Uint8Array, members: string[], name: string): Uint8Array[] {
  const files = readTar(gunzip(bytes, name), name);
  return members.map((m) => tarMember(files, m, name));
}
