/**
 * Reading zip archives (`.keras` files) defensively: the central directory
 * is parsed by kerno itself, so that every entry's declared sizes, CRC-32,
 * method and name are known before a byte is inflated. Duplicate names,
 * encrypted entries, entries whose local header disagrees with the central
 * directory and data that lies outside the file are errors; an entry
 * inflates in small steps into a buffer of the size it declares and fails
 * as soon as it would exceed it; its CRC-32 is checked against the
 * directory's.
 *
 * @module
 */
import { Inflate } from "fflate";

/** One entry of a zip archive's central directory. */
export interface ZipEntry {
  /** The entry's name (a path inside the archive). */
  name: string;
  /** 0 (stored) or 8 (deflated). */
  method: number;
  /** The CRC-32 of its uncompressed bytes, as the directory states it. */
  crc: number;
  /** The bytes its data takes in the file. */
  compressedSize: number;
  /** The bytes it declares to inflate to. */
  size: number;
  /** Where its local header starts. */
  headerOffset: number;
}

/** The most entries an archive may list. */
const MAX_ENTRIES = 65_535;
/** Compressed bytes handed to the inflater at a time (at most ~1032x that comes out). */
const STEP = 16 * 1024;

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC-32 (IEEE 802.3, as zip uses it) of bytes.
 *
 * @param bytes The bytes.
 * @returns The checksum, an unsigned 32-bit integer.
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function fail(file: string, problem: string): never {
  throw new TypeError(`Cannot load ${file} as it is not a valid .keras zip archive: ${problem}`);
}

/** Finds the end-of-central-directory record (it ends the file, before a comment). */
function endRecord(view: DataView, file: string): number {
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === 0x06054b50) return at;
  }
  return fail(file, "no end of central directory record (the file is truncated or not a zip)");
}

function u64(view: DataView, at: number, file: string): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(file, `a zip64 field holds ${value}`);
  return Number(value);
}

/** Where the central directory starts, how long it is and how many entries it lists. */
function directoryBounds(view: DataView, file: string): [number, number, number] {
  const end = endRecord(view, file);
  let count = view.getUint16(end + 10, true);
  let size = view.getUint32(end + 12, true);
  let offset = view.getUint32(end + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50) {
      fail(file, "a zip64 archive without its zip64 end record locator");
    }
    const record = u64(view, locator + 8, file);
    if (record + 56 > view.byteLength || view.getUint32(record, true) !== 0x06064b50) {
      fail(file, "the zip64 end of central directory record is missing");
    }
    count = u64(view, record + 32, file);
    size = u64(view, record + 40, file);
    offset = u64(view, record + 48, file);
  }
  if (count > MAX_ENTRIES) fail(file, `it lists ${count} entries: at most ${MAX_ENTRIES} are read`);
  if (offset + size > view.byteLength) {
    fail(file, `its central directory (${size} bytes at ${offset}) lies outside the file`);
  }
  return [offset, size, count];
}

/** Applies a zip64 extended-information extra field to the fields that overflowed. */
function zip64Extra(
  view: DataView,
  start: number,
  length: number,
  entry: ZipEntry,
  file: string,
): void {
  for (let at = start; at + 4 <= start + length;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let p = at + 4;
      const next = () => {
        if (p + 8 > at + 4 + size) fail(file, `entry ${entry.name} has a short zip64 field`);
        const v = u64(view, p, file);
        p += 8;
        return v;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.headerOffset === 0xffffffff) entry.headerOffset = next();
      return;
    }
    at += 4 + size;
  }
}

/**
 * Lists a zip archive's entries from its central directory, refusing
 * duplicate names, encrypted entries, methods other than stored and
 * deflate, and directories that lie outside the file.
 *
 * @param bytes The archive.
 * @param file The file, for messages.
 * @returns The entries, in directory order.
 */
export function zipEntries(bytes: Uint8Array, file: string): ZipEntry[] {
  if (bytes.length < 22) fail(file, `it holds ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [offset, size, count] = directoryBounds(view, file);
  const names = new TextDecoder();
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > offset + size || view.getUint32(at, true) !== 0x02014b50) {
      fail(file, `central directory entry ${i} is damaged`);
    }
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength + commentLength > offset + size) {
      fail(file, `central directory entry ${i} runs past the directory`);
    }
    const entry: ZipEntry = {
      name: names.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      headerOffset: view.getUint32(at + 42, true),
    };
    zip64Extra(view, at + 46 + nameLength, extraLength, entry, file);
    if (seen.has(entry.name)) fail(file, `entry ${JSON.stringify(entry.name)} appears twice`);
    seen.add(entry.name);
    if (flags & 1) fail(file, `entry ${JSON.stringify(entry.name)} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) {
      fail(file, `entry ${JSON.stringify(entry.name)} uses compression method ${entry.method}`);
    }
    if (entry.method === 0 && entry.size !== entry.compressedSize) {
      fail(file, `stored entry ${JSON.stringify(entry.name)} declares two different sizes`);
    }
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The bytes of an entry's (compressed) data, after checking its local header. */
function entryData(bytes: Uint8Array, entry: ZipEntry, file: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.headerOffset;
  const label = JSON.stringify(entry.name);
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) {
    fail(file, `entry ${label} has no local header where the directory says`);
  }
  const nameLength = view.getUint16(at + 26, true);
  const start = at + 30 + nameLength + view.getUint16(at + 28, true);
  const local = new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + nameLength));
  if (local !== entry.name) {
    fail(file, `entry ${label} is named ${JSON.stringify(local)} in its local header`);
  }
  // a reader that follows local headers must see the same method and CRC-32 as the directory's
  const localMethod = view.getUint16(at + 8, true);
  if (localMethod !== entry.method) {
    fail(
      file,
      `entry ${label} has compression method ${localMethod} in its local header and ${entry.method} in the directory`,
    );
  }
  const streamed = (view.getUint16(at + 6, true) & 0x8) !== 0; // CRC and sizes in a data descriptor
  if (!streamed && view.getUint32(at + 14, true) !== entry.crc) {
    fail(
      file,
      `entry ${label} states a different CRC-32 in its local header than in the directory`,
    );
  }
  if (start + entry.compressedSize > bytes.length) {
    fail(file, `the data of entry ${label} runs past the end of the file (truncated)`);
  }
  return bytes.subarray(start, start + entry.compressedSize);
}

/**
 * Inflates one entry into a buffer of the size it declares, refusing an
 * entry that declares more than `limit` bytes, inflates to more or fewer
 * bytes than it declares, or whose CRC-32 differs from the directory's.
 *
 * @param bytes The archive.
 * @param entry The entry (from `zipEntries`).
 * @param limit The most bytes it may declare.
 * @param file The file, for messages.
 * @returns The entry's bytes.
 */
export function inflateEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  limit: number,
  file: string,
): Uint8Array {
  const label = `entry ${JSON.stringify(entry.name)}`;
  if (entry.size > limit) {
    throw new RangeError(
      `Cannot load ${file} as its ${label} declares ${entry.size} bytes from ${entry.compressedSize} compressed: at most ${limit} are plausible for it`,
    );
  }
  const data = entryData(bytes, entry, file);
  let out: Uint8Array;
  if (entry.method === 0) {
    out = data;
  } else {
    out = new Uint8Array(entry.size);
    let filled = 0;
    const inflater = new Inflate((chunk) => {
      if (filled + chunk.length > entry.size) {
        throw new RangeError(
          `Cannot load ${file} as its ${label} inflates to more than the ${entry.size} bytes it declares`,
        );
      }
      out.set(chunk, filled);
      filled += chunk.length;
    });
    try {
      for (let i = 0; i < data.length || i === 0; i += STEP) {
        inflater.push(data.subarray(i, i + STEP), i + STEP >= data.length);
      }
    } catch (error) {
      if (error instanceof RangeError) throw error;
      fail(file, `${label} does not inflate (${(error as Error).message})`);
    }
    if (filled !== entry.size) {
      fail(file, `${label} inflates to ${filled} bytes and declares ${entry.size}`);
    }
  }
  const crc = crc32(out);
  if (crc !== entry.crc) {
    fail(
      file,
      `the CRC-32 of ${label} is ${hex(crc)} and the directory states ${
        hex(entry.crc)
      }: the file is damaged`,
    );
  }
  return out;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}
