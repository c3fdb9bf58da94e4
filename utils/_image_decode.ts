/**
 * Internal: decoding image files into 8-bit pixels with a chosen number of
 * channels, as TensorFlow's `decode_image(channels=…, expand_animations=False)`
 * does for `imageDatasetFromDirectory`. PNG (every bit depth and colour type,
 * interlaced too) through `fast-png`, JPEG (baseline and progressive) through
 * `jpeg-js`, GIF (its first frame) through `omggif`, BMP (uncompressed 24- and
 * 32-bit) here. The format is told by the file's first bytes, not its name.
 *
 * This module imports no tensor code: Web Workers load it to decode in
 * parallel (see `image_dataset.ts`).
 *
 * Channel conversions: grey to RGB repeats the grey value; RGB to grey is
 * the rounded luma `0.299·R + 0.587·G + 0.114·B`; a missing alpha channel is
 * 255; an alpha channel that is not asked for is dropped (not composited).
 *
 * @module
 */
import { convertIndexedToRgb, decode as decodePng } from "fast-png";
import jpeg from "jpeg-js";
import omggif from "omggif";

/** The part of omggif's reader used here (the package ships no types). */
interface GifFrames {
  width: number;
  height: number;
  decodeAndBlitFrameRGBA(frame: number, pixels: Uint8Array): void;
}
const { GifReader } = omggif as unknown as { GifReader: new (bytes: Uint8Array) => GifFrames };

/** Decoded pixels: `height × width × channels` bytes, row-major. */
export interface DecodedImage {
  /** The pixels. */
  data: Uint8Array;
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
  /** Channels per pixel (1, 3 or 4). */
  channels: number;
}

/**
 * Decodes an image file's bytes.
 *
 * @param bytes The file's content.
 * @param channels The channels wanted: 1 (grey), 3 (RGB) or 4 (RGBA).
 * @param name The file's path, for error messages.
 * @returns The pixels with `channels` channels.
 */
export function decodeImage(bytes: Uint8Array, channels: number, name: string): DecodedImage {
  const kind = sniff(bytes);
  if (kind === null) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new TypeError(
      `Cannot decode image "${name}": it is not a PNG, JPEG, GIF or BMP file (it starts with bytes ${
        head || "(none: the file is empty)"
      })`,
    );
  }
  let raw: DecodedImage;
  try {
    raw = kind === "png"
      ? fromPng(bytes)
      : kind === "jpeg"
      ? fromJpeg(bytes)
      : kind === "gif"
      ? fromGif(bytes)
      : fromBmp(bytes);
  } catch (e) {
    throw new TypeError(
      `Cannot decode image "${name}" as ${kind.toUpperCase()}: ${(e as Error)?.message ?? e}`,
    );
  }
  return convertChannels(raw, channels);
}

function sniff(b: Uint8Array): "png" | "jpeg" | "gif" | "bmp" | null {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return "png";
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) {
    return "gif";
  }
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d) return "bmp";
  return null;
}

function fromPng(bytes: Uint8Array): DecodedImage {
  const png = decodePng(bytes);
  const { width, height, depth } = png;
  if (png.palette) {
    const data = convertIndexedToRgb(png);
    return { data, width, height, channels: data.length / (width * height) };
  }
  const channels = png.channels;
  const n = width * height * channels;
  const data = new Uint8Array(n);
  if (depth === 16) {
    const src = png.data as Uint16Array;
    for (let i = 0; i < n; i++) data[i] = Math.round(src[i] / 257);
  } else if (depth === 8) {
    data.set(png.data.subarray(0, n) as Uint8Array);
  } else {
    // 1, 2 or 4 bits per sample (grey only, by the PNG rules): rows are packed, first sample highest.
    const src = png.data as Uint8Array;
    const rowBytes = Math.ceil((depth * channels * width) / 8);
    const max = (1 << depth) - 1;
    for (let r = 0; r < height; r++) {
      for (let s = 0; s < width * channels; s++) {
        const bit = s * depth;
        const byte = src[r * rowBytes + (bit >> 3)];
        const v = (byte >> (8 - depth - (bit & 7))) & max;
        data[r * width * channels + s] = Math.round((v * 255) / max);
      }
    }
  }
  return { data, width, height, channels };
}

function fromJpeg(bytes: Uint8Array): DecodedImage {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false });
  const channels = img.data.length / (img.width * img.height);
  return { data: img.data, width: img.width, height: img.height, channels };
}

function fromGif(bytes: Uint8Array): DecodedImage {
  const reader = new GifReader(bytes);
  const data = new Uint8Array(reader.width * reader.height * 4);
  reader.decodeAndBlitFrameRGBA(0, data);
  return { data, width: reader.width, height: reader.height, channels: 4 };
}

/** Uncompressed (BI_RGB) 24- and 32-bit BMP, rows bottom-up or top-down. */
function fromBmp(b: Uint8Array): DecodedImage {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const offset = view.getUint32(10, true);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  if ((bits !== 24 && bits !== 32) || (compression !== 0 && compression !== 3)) {
    throw new Error(
      `only uncompressed 24- and 32-bit BMP files are supported (this one has ${bits} bits per pixel, compression ${compression})`,
    );
  }
  const height = Math.abs(rawHeight);
  const step = bits / 8;
  const rowBytes = Math.ceil((width * step) / 4) * 4;
  if (offset + rowBytes * height > b.length) throw new Error("the file is truncated");
  const data = new Uint8Array(width * height * 3);
  for (let r = 0; r < height; r++) {
    const srcRow = offset + (rawHeight > 0 ? height - 1 - r : r) * rowBytes;
    for (let c = 0; c < width; c++) {
      const s = srcRow + c * step;
      const d = (r * width + c) * 3;
      data[d] = b[s + 2];
      data[d + 1] = b[s + 1];
      data[d + 2] = b[s];
    }
  }
  return { data, width, height, channels: 3 };
}

/** 1, 2 (grey + alpha), 3 or 4 channels in; `channels` (1, 3 or 4) out. */
function convertChannels(img: DecodedImage, channels: number): DecodedImage {
  const from = img.channels;
  if (from === channels) return img;
  const n = img.width * img.height;
  const src = img.data;
  const out = new Uint8Array(n * channels);
  const colour = from >= 3;
  const hasAlpha = from === 2 || from === 4;
  for (let p = 0; p < n; p++) {
    const s = p * from;
    const d = p * channels;
    if (channels === 1) {
      out[d] = colour
        ? Math.round(0.299 * src[s] + 0.587 * src[s + 1] + 0.114 * src[s + 2])
        : src[s];
      continue;
    }
    out[d] = src[s];
    out[d + 1] = colour ? src[s + 1] : src[s];
    out[d + 2] = colour ? src[s + 2] : src[s];
    if (channels === 4) out[d + 3] = hasAlpha ? src[s + from - 1] : 255;
  }
  return { data: out, width: img.width, height: img.height, channels };
}

/**
 * What a decoding worker is given: the file and how to decode it.
 * (The label travels beside it, untouched.)
 */
export interface LoadRequest {
  /** The file's path. */
  path: string;
  /** Channels wanted (1, 3 or 4). */
  channels: number;
}

/**
 * Reads and decodes one file (the function Web Workers run through this
 * module).
 *
 * @param request The file and the channels.
 * @returns The pixels.
 */
export async function loadImage(request: LoadRequest): Promise<DecodedImage> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(request.path);
  } catch (e) {
    throw new TypeError(`Cannot read image "${request.path}": ${(e as Error).message}`);
  }
  return decodeImage(bytes, request.channels, request.path);
}
