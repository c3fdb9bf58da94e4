/**
 * `svgToPng`: rasterises kerno's SVG charts with resvg (the WebAssembly
 * build, so it needs no native library), using a system font for the text.
 *
 * @module
 */
import { initWasm, Resvg } from "@resvg/resvg-wasm";

/** Where common systems keep a sans-serif TrueType font. */
const FONT_CANDIDATES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/TTF/DejaVuSans.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
  "/System/Library/Fonts/Supplemental/Arial.ttf",
  "/Library/Fonts/Arial.ttf",
  "C:\\Windows\\Fonts\\arial.ttf",
];

let ready: Promise<void> | null = null;
let fonts: Uint8Array[] | null = null;

function readFonts(): Uint8Array[] {
  for (const path of FONT_CANDIDATES) {
    try {
      return [Deno.readFileSync(path)];
    } catch {
      // try the next one
    }
  }
  return [];
}

async function init(): Promise<void> {
  const url = new URL(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm"));
  const wasm = url.protocol === "file:" ? await Deno.readFile(url) : await fetch(url);
  await initWasm(wasm);
}

/** What {@link svgToPng} produced. */
export interface PngResult {
  /** The PNG file's bytes. */
  png: Uint8Array;
  /** Whether a font was found; without one, the picture has no text. */
  hasText: boolean;
}

/**
 * Renders an SVG document to PNG at its own size (times `scale`).
 *
 * @param svg The SVG document.
 * @param scale Zoom factor. @default 1
 * @returns The PNG bytes, and whether a system font was found for the text.
 * @example
 * ```ts
 * import { svgToPng } from "./png.ts";
 * const { png } = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
 * console.log(png.length > 0); // true
 * ```
 */
export async function svgToPng(svg: string, scale = 1): Promise<PngResult> {
  const { image, renderer } = await render(svg, scale);
  const png = image.asPng();
  image.free();
  renderer.free();
  return { png, hasText: fonts!.length > 0 };
}

async function render(svg: string, scale: number) {
  ready ??= init();
  await ready;
  fonts ??= readFonts();
  const renderer = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
    font: {
      fontBuffers: fonts,
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return { image: renderer.render(), renderer };
}

/** What {@link svgToRgba} produced. */
export interface RgbaResult {
  /** Premultiplied RGBA bytes, row by row from the top left. */
  pixels: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/**
 * Renders an SVG document to raw pixels at its own size (times `scale`), for
 * compositing and encoding frames of an animation.
 *
 * @param svg The SVG document.
 * @param scale Zoom factor. @default 1
 * @returns Premultiplied RGBA pixels (transparent where the SVG draws nothing) and the size.
 * @example
 * ```ts
 * import { svgToRgba } from "./png.ts";
 * const { pixels, width } = await svgToRgba(
 *   '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="1"><rect width="1" height="1" fill="red"/></svg>',
 * );
 * console.log(width, [...pixels.slice(0, 8)]); // 2 [255, 0, 0, 255, 0, 0, 0, 0]
 * ```
 */
export async function svgToRgba(svg: string, scale = 1): Promise<RgbaResult> {
  const { image, renderer } = await render(svg, scale);
  const result = { pixels: image.pixels, width: image.width, height: image.height };
  image.free();
  renderer.free();
  return result;
}
