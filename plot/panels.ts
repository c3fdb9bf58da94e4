/**
 * `panels`: several line charts side by side in one SVG picture.
 *
 * @module
 */
import { lineChartBody, type LineChartOptions } from "./line_chart.ts";
import { svgDocument } from "./_svg.ts";

/** Options of {@link panels}. */
export interface PanelsOptions {
  /** Width of one panel in pixels. @default 460 */
  panelWidth?: number;
  /** Height of the picture in pixels. @default 340 */
  height?: number;
}

/**
 * Draws line charts side by side, each with its own axes and legend.
 *
 * @param charts One line-chart description per panel (their sizes are set here).
 * @param options Panel sizes.
 * @returns The SVG document, one nested `<svg class="panel">` per chart.
 * @example
 * ```ts
 * import { panels } from "./panels.ts";
 * const svg = panels([
 *   { title: "a", xLabel: "x", yLabel: "y", series: [{ name: "a", points: [[0, 1], [1, 2]] }] },
 *   { title: "b", xLabel: "x", yLabel: "y", series: [{ name: "b", points: [[0, 2], [1, 1]] }] },
 * ]);
 * console.log(svg.match(/class="panel"/g)?.length); // 2
 * ```
 */
export function panels(charts: LineChartOptions[], options: PanelsOptions = {}): string {
  const { panelWidth = 460, height = 340 } = options;
  if (charts.length === 0) throw new RangeError(`Cannot draw panels as "charts" is empty`);
  const parts = charts.map((chart, i) => {
    const { body } = lineChartBody({ ...chart, width: panelWidth, height });
    return `<svg class="panel" x="${i * panelWidth}" y="0" width="${panelWidth}" ` +
      `height="${height}">\n${body}</svg>\n`;
  });
  return svgDocument(panelWidth * charts.length, height, parts.join(""));
}
