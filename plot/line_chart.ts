/**
 * `lineChart`: one or more series of (x, y) points as lines on shared axes,
 * drawn with d3-scale and d3-shape into an SVG string (no DOM needed).
 *
 * @module
 */
// @ts-types="@types/d3-scale"
import { scaleLinear, scaleLog } from "d3-scale";
// @ts-types="@types/d3-shape"
import { line } from "d3-shape";
import { axisBottom, axisLeft, escapeXml, legend, PALETTE, svgDocument, text } from "./_svg.ts";

/** One line of a chart. */
export interface Series {
  /** The name shown in the legend. */
  name: string;
  /** The points, in drawing order; non-finite points break the line. */
  points: [number, number][];
  /** The line colour. @default the palette colour of the series' index */
  color?: string;
  /** Draw the line dashed (validation curves, for example). @default false */
  dashed?: boolean;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** The title above the plot. */
  title: string;
  /** The x axis' title. */
  xLabel: string;
  /** The y axis' title. */
  yLabel: string;
  /** The lines. */
  series: Series[];
  /** `"log"` for values spanning decades (values ≤ 0 are left out). @default "linear" */
  yScale?: "linear" | "log";
  /** Width of the whole picture in pixels. @default 640 */
  width?: number;
  /** Height of the whole picture in pixels. @default 400 */
  height?: number;
}

const MARGIN = { top: 36, right: 16, bottom: 52, left: 84 };

/** The extent of the finite values picked by `pick`, widened when flat. */
function extent(values: number[], fallback: [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return fallback;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}

/**
 * The chart's parts without the `<svg>` wrapper, for composing panels.
 *
 * @param options See {@link LineChartOptions}.
 * @returns The elements and the size they take.
 */
export function lineChartBody(
  options: LineChartOptions,
): { body: string; width: number; height: number } {
  const { title, xLabel, yLabel, series, yScale = "linear", width = 640, height = 400 } = options;
  if (!Array.isArray(series) || series.length === 0) {
    throw new RangeError(`Cannot draw line chart "${title}" as "series" is empty`);
  }
  const entries = series.map((s, i) => ({
    name: s.name,
    color: s.color ?? PALETTE[i % PALETTE.length],
    dashed: s.dashed ?? false,
  }));
  const legendWidth = 52 + Math.max(...series.map((s) => s.name.length)) * 7.6;
  const plotRight = width - MARGIN.right - legendWidth;
  const usable = (y: number) => Number.isFinite(y) && (yScale !== "log" || y > 0);
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]).filter(usable));
  const x = scaleLinear().domain(extent(xs, [0, 1])).range([MARGIN.left, plotRight]);
  const yRange = [height - MARGIN.bottom, MARGIN.top];
  const yDomain = extent(ys, yScale === "log" ? [0.1, 1] : [0, 1]);
  const y = yScale === "log"
    ? scaleLog().domain(yDomain).range(yRange).nice()
    : scaleLinear().domain(yDomain).range(yRange).nice();
  const path = line<[number, number]>()
    .defined((p) => Number.isFinite(p[0]) && usable(p[1]))
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  const lines = series.map((s, i) => {
    const dash = entries[i].dashed ? ' stroke-dasharray="6 4"' : "";
    return `<path class="series" data-name="${escapeXml(s.name)}" d="${path(s.points) ?? ""}" ` +
      `fill="none" stroke="${entries[i].color}" stroke-width="2"${dash}/>`;
  });
  const body = [
    text(width / 2, 22, title, 'class="title" text-anchor="middle" font-size="15"'),
    axisBottom(x, height - MARGIN.bottom, xLabel, 6, xs.every(Number.isInteger)),
    yScale === "log" ? axisLeft(y, MARGIN.left, yLabel, 5, "~g") : axisLeft(y, MARGIN.left, yLabel),
    `<g class="lines">${lines.join("\n")}</g>\n`,
    legend(entries, plotRight + 12, MARGIN.top),
  ].join("\n");
  return { body, width, height };
}

/**
 * Draws series of points as a line chart with axes, a title and a legend.
 *
 * @param options Title, axis titles, series and scale.
 * @returns The SVG document: each line is a `<path class="series"
 *   data-name="…">`, each legend entry a `<g class="legend-item">`.
 * @example
 * ```ts
 * import { lineChart } from "./line_chart.ts";
 * const svg = lineChart({
 *   title: "loss",
 *   xLabel: "epoch",
 *   yLabel: "loss",
 *   series: [{ name: "loss", points: [[1, 0.9], [2, 0.5], [3, 0.3]] }],
 * });
 * console.log(svg.startsWith("<svg")); // true
 * ```
 */
export function lineChart(options: LineChartOptions): string {
  const { body, width, height } = lineChartBody(options);
  return svgDocument(width, height, body);
}
