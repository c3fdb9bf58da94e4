/**
 * `trainingCurves`: the per-epoch curves of a `fit` run (loss, each metric
 * and the learning rate; training solid, validation dashed) as panels of one
 * SVG picture.
 *
 * @module
 */
import type { LineChartOptions, Series } from "./line_chart.ts";
import { panels, type PanelsOptions } from "./panels.ts";
import { PALETTE } from "./_svg.ts";

/**
 * The panels {@link trainingCurves} draws: one per base key (`loss`, each
 * metric, `learning_rate`), its `val_` twin in the same panel.
 *
 * @param history `History.history`.
 * @returns One line-chart description per panel.
 */
export function curvePanels(history: Record<string, number[]>): LineChartOptions[] {
  const keys = Object.keys(history).filter((k) => history[k].length > 0);
  const bases = keys.filter((k) => !k.startsWith("val_"));
  for (const k of keys) {
    if (k.startsWith("val_") && !keys.includes(k.slice(4))) bases.push(k);
  }
  bases.sort((a, b) => order(a) - order(b));
  const points = (values: number[]): [number, number][] => values.map((v, i) => [i + 1, v]);
  return bases.map((base, p) => {
    const color = PALETTE[p % PALETTE.length];
    const series: Series[] = [];
    if (!base.startsWith("val_")) series.push({ name: base, points: points(history[base]), color });
    const val = history[`val_${base}`];
    if (val?.length) series.push({ name: `val_${base}`, points: points(val), color, dashed: true });
    return {
      title: base === "learning_rate" ? "learning rate" : base,
      xLabel: "epoch",
      yLabel: base,
      series,
      yScale: base.endsWith("loss") ? "log" : "linear",
    };
  });
}

/** Loss first, the learning rate last, metrics between. */
function order(key: string): number {
  if (key === "loss") return 0;
  if (key === "learning_rate") return 2;
  return 1;
}

/**
 * Draws a training history as side-by-side panels: loss, each metric and the
 * learning rate per epoch, with the validation curve (`val_…`) dashed in the
 * same colour as its training curve.
 *
 * @param history `History.history`: one array of per-epoch values per key.
 * @param options Panel sizes (see `PanelsOptions`).
 * @returns The SVG document, one nested `<svg class="panel">` per panel.
 * @example
 * ```ts
 * import { trainingCurves } from "./training_curves.ts";
 * const svg = trainingCurves({ loss: [1, 0.5], val_loss: [1.1, 0.7], learning_rate: [0.01, 0.009] });
 * console.log(svg.match(/class="panel"/g)?.length); // 2
 * ```
 */
export function trainingCurves(
  history: Record<string, number[]>,
  options: PanelsOptions = {},
): string {
  const charts = curvePanels(history);
  if (charts.length === 0) {
    throw new RangeError(`Cannot draw training curves as the history holds no values`);
  }
  return panels(charts, options);
}
