/**
 * `animatedGif`: the animation of `animatedSvg` as an animated GIF, for
 * places that show images only. The background is rasterised once with
 * resvg, each frame's markers over it, and the frames are encoded with
 * `gifenc` (one palette for all frames; each frame after the first keeps
 * only the pixels that changed, the rest transparent).
 *
 * @module
 */
import gifenc from "gifenc";
import {
  type AnimationOptions,
  type Background,
  frameSvg,
  resolveAnimation,
  type Track,
} from "./animation.ts";
import { svgDocument } from "./_svg.ts";
import { svgToRgba } from "./png.ts";

type Palette = number[][];

/** The parts of gifenc used here. */
interface Gifenc {
  GIFEncoder(): {
    writeFrame(
      index: Uint8Array,
      width: number,
      height: number,
      options: {
        palette?: Palette;
        delay?: number;
        transparent?: boolean;
        transparentIndex?: number;
        dispose?: number;
      },
    ): void;
    finish(): void;
    bytes(): Uint8Array;
  };
  quantize(rgba: Uint8Array, maxColors: number): Palette;
  applyPalette(rgba: Uint8Array, palette: Palette): Uint8Array;
}

const { GIFEncoder, quantize, applyPalette } = gifenc as unknown as Gifenc;

/** Options of {@link animatedGif}. */
export interface GifOptions extends AnimationOptions {
  /** Zoom factor of the raster against the SVG's size. @default 1 */
  scale?: number;
  /**
   * Most bytes the file may take: a bigger result is made again at a
   * smaller scale until it fits. @default 4 MiB
   */
  maxBytes?: number;
}

/** What {@link animatedGif} made. */
export interface GifResult {
  /** The GIF file's bytes. */
  gif: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** The zoom factor used (smaller than asked for when the file had to shrink). */
  scale: number;
}

/** A transparent index no quantized colour takes. */
const CLEAR = 255;

/**
 * Encodes the animation of {@link animatedSvg} (same frames, same timing) as
 * a looping animated GIF.
 *
 * @param background The still picture.
 * @param tracks The markers' paths in the SVG's pixels.
 * @param options Animation options, the raster's scale and the size bound.
 * @returns The GIF and its size.
 * @example
 * ```ts
 * import { animatedGif } from "./gif.ts";
 * const { gif } = await animatedGif(
 *   { body: "", width: 40, height: 30 },
 *   [{ name: "a", color: "red", points: [[5, 5], [20, 15], [35, 25]] }],
 *   { frames: 3, duration: 0.3 },
 * );
 * console.log(new TextDecoder().decode(gif.slice(0, 6))); // GIF89a
 * ```
 */
export async function animatedGif(
  background: Background,
  tracks: Track[],
  options: GifOptions = {},
): Promise<GifResult> {
  const { scale: asked = 1, maxBytes = 4 * 2 ** 20, ...animation } = options;
  resolveAnimation(background, animation);
  if (!(Number.isFinite(asked) && asked > 0)) {
    throw new RangeError(
      `Cannot make a GIF as "scale" must be a positive number: received ${asked}`,
    );
  }
  if (!(Number.isFinite(maxBytes) && maxBytes > 0)) {
    throw new RangeError(
      `Cannot make a GIF as "maxBytes" must be a positive number: received ${maxBytes}`,
    );
  }
  let scale = asked;
  for (let attempt = 0;; attempt++) {
    const result = await encode(background, tracks, animation, scale);
    if (result.gif.length <= maxBytes) return result;
    const next = scale * 0.92 * Math.sqrt(maxBytes / result.gif.length);
    if (attempt === 5 || next * Math.min(background.width, background.height) < 16) {
      throw new RangeError(
        `Cannot make a GIF within ${maxBytes} bytes: it takes ${result.gif.length} at scale ${
          scale.toFixed(3)
        } (use fewer frames or a bigger bound)`,
      );
    }
    scale = next;
  }
}

/** Renders and encodes every frame at one scale. */
async function encode(
  background: Background,
  tracks: Track[],
  options: AnimationOptions,
  scale: number,
): Promise<GifResult> {
  const o = resolveAnimation(background, options);
  const back = await svgToRgba(
    svgDocument(background.width, background.height, background.body),
    scale,
  );
  const { width, height } = back;
  const frame = async (k: number) => {
    const over = await svgToRgba(
      frameSvg({ width: background.width, height: background.height }, tracks, k, options),
      scale,
    );
    return composite(over.pixels, back.pixels);
  };
  // one palette for all: from the first, middle and last frames
  const samples = await Promise.all([0, Math.floor(o.frames / 2), o.frames - 1].map(frame));
  const joined = new Uint8Array(samples.reduce((n, s) => n + s.length, 0));
  samples.reduce((at, s) => (joined.set(s, at), at + s.length), 0);
  const colors = quantize(joined, CLEAR);
  const palette = [...colors];
  while (palette.length < CLEAR) palette.push([0, 0, 0]);
  palette.push([255, 0, 255]);
  const encoder = GIFEncoder();
  const delay = (o.duration / o.frames) * 1000;
  let previous: Uint8Array | null = null;
  for (let k = 0; k < o.frames; k++) {
    const index = applyPalette(await frame(k), colors);
    const out = previous === null ? index : index.slice();
    if (previous !== null) {
      for (let i = 0; i < out.length; i++) if (out[i] === previous[i]) out[i] = CLEAR;
    }
    encoder.writeFrame(out, width, height, {
      palette: k === 0 ? palette : undefined,
      delay: k === o.frames - 1 ? delay + o.hold * 1000 : delay,
      transparent: k > 0,
      transparentIndex: CLEAR,
      dispose: 1,
    });
    previous = index;
  }
  encoder.finish();
  return { gif: encoder.bytes(), width, height, scale };
}

/** Lays premultiplied RGBA pixels over opaque ones. */
function composite(over: Uint8Array, under: Uint8Array): Uint8Array {
  const out = new Uint8Array(under.length);
  for (let i = 0; i < out.length; i += 4) {
    const keep = 255 - over[i + 3];
    out[i] = over[i] + (under[i] * keep + 127) / 255;
    out[i + 1] = over[i + 1] + (under[i + 1] * keep + 127) / 255;
    out[i + 2] = over[i + 2] + (under[i + 2] * keep + 127) / 255;
    out[i + 3] = 255;
  }
  return out;
}
