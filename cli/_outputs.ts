/**
 * Writing a run's outputs: charts as SVG and PNG, training curves, the
 * saved model. Internal to the demo and the command line.
 *
 * @module
 */
import type { Model } from "../mod.ts";
import { svgToPng, trainingCurves } from "../plot/mod.ts";

let warnedNoFont = false;

/**
 * Writes a chart as `<base>.svg` and `<base>.png`.
 *
 * @param base The path without extension.
 * @param svg The SVG document.
 * @returns The files written.
 */
export async function writeChart(base: string, svg: string): Promise<string[]> {
  await Deno.writeTextFile(`${base}.svg`, svg);
  const { png, hasText } = await svgToPng(svg);
  if (!hasText && !warnedNoFont) {
    warnedNoFont = true;
    console.error("kerno: no system font found; the PNG charts have no text (the SVGs do)");
  }
  await Deno.writeFile(`${base}.png`, png);
  return [`${base}.svg`, `${base}.png`];
}

/**
 * Writes the training curves (`curves.svg`/`.png`) and saves the model
 * (`model/`) into a run folder.
 *
 * @param out The run folder (exists already).
 * @param model The trained model.
 * @param history `History.history`.
 * @returns The files and folders written.
 */
export async function writeRun(
  out: string,
  model: Model,
  history: Record<string, number[]>,
): Promise<string[]> {
  const written = await writeChart(`${out}/curves`, trainingCurves(history));
  await model.save(`${out}/model`);
  return [...written, `${out}/model`];
}
