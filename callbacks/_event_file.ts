/**
 * Internal: TensorBoard event files, written by hand. A file is a sequence
 * of records — the data's length as a little-endian uint64, the masked
 * CRC-32C of those 8 bytes, the data, the masked CRC-32C of the data — each
 * holding one `Event` protocol buffer (tensorflow/core/util/event.proto):
 * `wall_time` (1, double), `step` (2, int64), then `file_version` (3) for
 * the first event or a `Summary` (5) of `Value`s: `tag` (1) with a
 * `simple_value` (2, float), a `HistogramProto` (5) or a string tensor (8)
 * with its `SummaryMetadata` (9).
 *
 * @module
 */

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), one table entry per byte. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC-32C of some bytes.
 *
 * @param bytes The data.
 * @returns The checksum, an unsigned 32-bit integer.
 */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * TensorFlow's masked CRC: rotated right by 15 bits plus 0xa282ead8, so that
 * a CRC of data holding CRCs stays well distributed.
 *
 * @param bytes The data.
 * @returns The masked checksum.
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** A protocol buffer message being written: fields appended in order. */
export class ProtoWriter {
  readonly #bytes: number[] = [];

  /** Appends a varint. */
  #varint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.#bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.#bytes.push(v);
  }

  #tag(field: number, wireType: number): void {
    this.#varint(field * 8 + wireType);
  }

  /** A non-negative integer field (int32, int64, enum, bool), wire type 0. */
  uint(field: number, value: number): this {
    this.#tag(field, 0);
    this.#varint(value);
    return this;
  }

  /** A double field, wire type 1. */
  double(field: number, value: number): this {
    this.#tag(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.#bytes.push(...b);
    return this;
  }

  /** A float field, wire type 5. */
  float(field: number, value: number): this {
    this.#tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.#bytes.push(...b);
    return this;
  }

  /** A length-delimited field (bytes, a string, an embedded message), wire type 2. */
  bytes(field: number, value: Uint8Array | string | ProtoWriter): this {
    const data = typeof value === "string"
      ? new TextEncoder().encode(value)
      : value instanceof ProtoWriter
      ? value.finish()
      : value;
    this.#tag(field, 2);
    this.#varint(data.length);
    for (const b of data) this.#bytes.push(b);
    return this;
  }

  /** A packed repeated double field. */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    const data = new Uint8Array(values.length * 8);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
    return this.bytes(field, data);
  }

  /** @returns The encoded message. */
  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/**
 * Frames one record (length, masked CRC of the length, data, masked CRC of
 * the data).
 *
 * @param data The serialized `Event`.
 * @returns The record's bytes.
 */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** The statistics and buckets of a `HistogramProto`. */
export interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** The right edge of each bucket (the last is `max`). */
  bucketLimit: number[];
  /** The count in each bucket. */
  bucket: number[];
}

/**
 * Summarizes values in `buckets` equal-width buckets between their minimum
 * and maximum (one bucket when all are equal), as TensorFlow 2's
 * `tf.summary.histogram` does.
 *
 * @param values The values (non-finite ones are left out).
 * @param buckets How many buckets. @default 30
 * @returns The histogram.
 */
export function histogram(values: ArrayLike<number>, buckets = 30): Histogram {
  let min = Infinity, max = -Infinity, sum = 0, sumSquares = 0, num = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    num++;
    sum += v;
    sumSquares += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (num === 0) {
    return { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  }
  const count = min === max ? 1 : buckets;
  const width = (max - min) / count;
  const bucket = new Array<number>(count).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    bucket[width === 0 ? 0 : Math.min(count - 1, Math.floor((v - min) / width))]++;
  }
  const bucketLimit = bucket.map((_, i) => (i === count - 1 ? max : min + (i + 1) * width));
  return { min, max, num, sum, sumSquares, bucketLimit, bucket };
}

/** Appends events to one event file, opened when first written. */
export class EventFileWriter {
  /** The file's path. */
  readonly path: string;
  #file: Deno.FsFile | null = null;

  /**
   * Creates the folder and the file, and writes the `file_version` event.
   *
   * @param dir The run's folder (e.g. `logDir/train`).
   * @param counter A number that keeps two writers of one process apart.
   */
  constructor(dir: string, counter: number) {
    let host = "localhost";
    try {
      host = Deno.hostname();
    } catch {
      // No --allow-sys: the host part is a placeholder.
    }
    const seconds = Math.floor(Date.now() / 1000);
    Deno.mkdirSync(dir, { recursive: true });
    this.path = `${dir}/events.out.tfevents.${seconds}.${host}.${Deno.pid}.${counter}.v2`;
    this.#file = Deno.openSync(this.path, { write: true, createNew: true });
    this.#write(new ProtoWriter().double(1, Date.now() / 1000).bytes(3, "brain.Event:2"));
  }

  /** Writes a scalar. */
  scalar(tag: string, value: number, step: number): void {
    this.#summary(step, new ProtoWriter().bytes(1, tag).float(2, value));
  }

  /** Writes a histogram. */
  histogram(tag: string, h: Histogram, step: number): void {
    const histo = new ProtoWriter().double(1, h.min).double(2, h.max).double(3, h.num).double(
      4,
      h.sum,
    )
      .double(5, h.sumSquares).packedDoubles(6, h.bucketLimit).packedDoubles(7, h.bucket);
    this.#summary(step, new ProtoWriter().bytes(1, tag).bytes(5, histo));
  }

  /**
   * Writes a scalar string tensor for a plugin (`graph_keras_model` reads a
   * model's JSON this way).
   */
  text(tag: string, text: string, step: number, plugin: string, content: string): void {
    const metadata = new ProtoWriter().bytes(
      1,
      new ProtoWriter().bytes(1, plugin).bytes(2, content),
    );
    const tensor = new ProtoWriter().uint(1, 7).bytes(2, new Uint8Array(0)).bytes(8, text); // DT_STRING, scalar
    this.#summary(step, new ProtoWriter().bytes(1, tag).bytes(9, metadata).bytes(8, tensor));
  }

  /** Closes the file. */
  close(): void {
    this.#file?.close();
    this.#file = null;
  }

  #summary(step: number, value: ProtoWriter): void {
    const summary = new ProtoWriter().bytes(1, value);
    this.#write(new ProtoWriter().double(1, Date.now() / 1000).uint(2, step).bytes(5, summary));
  }

  #write(event: ProtoWriter): void {
    if (this.#file === null) throw new TypeError(`Cannot write to ${this.path} as it is closed`);
    const record = frameRecord(event.finish());
    let written = 0;
    while (written < record.length) written += this.#file.writeSync(record.subarray(written));
  }
}
