/**
 * Decodes an animated GIF with omggif, frame by frame as a viewer shows it.
 * Test helper.
 *
 * @module
 */
import omggif from "omggif";

/** The parts of omggif's reader used here. */
interface GifReader {
  width: number;
  height: number;
  numFrames(): number;
  frameInfo(k: number): { delay: number };
  decodeAndBlitFrameRGBA(k: number, pixels: Uint8Array): void;
}

/** Decodes a GIF: its size, per-frame delays (1/100 s) and each frame's pixels as shown. */
export function decodeGif(gif: Uint8Array) {
  const reader = new (omggif as unknown as { GifReader: new (b: Uint8Array) => GifReader })
    .GifReader(gif);
  const pixels = new Uint8Array(reader.width * reader.height * 4);
  const frames: Uint8Array[] = [];
  const delays: number[] = [];
  for (let k = 0; k < reader.numFrames(); k++) {
    reader.decodeAndBlitFrameRGBA(k, pixels); // transparent pixels keep the frame before
    frames.push(pixels.slice());
    delays.push(reader.frameInfo(k).delay);
  }
  return { width: reader.width, height: reader.height, frames, delays };
}
