/**
 * `contourChart`: a 2-D function as filled contour bands (d3-contour,
 * projected with d3-geo) with paths over it (d3-shape), for showing where
 * optimizers travel on a loss surface.
 *
 * @module
 */
// @ts-types="@types/d3-contour"
import { contours } from "d3-contour";
// @ts-types="@types/d3-geo"
import { geoPath, geoTransform } from "d3-geo";
// @ts-types="@types/d3-scale"
import { scaleLinear, scaleSequential } from "d3-scale";
// @ts-types="@types/d3-scale-chromatic"
import { interpolateYlGnBu } from "d3-scale-chromatic";
// @ts-types="@types/d3-shape"
import { line } from "d3-shape";
import type { Series } from "./line_chart.ts";
import {
  axisBottom,
  axisLeft,
  escapeXml,
  legend,
  PALETTE,
  round,
  svgDocument,
  text,
} from "./_svg.ts";

/** Values of a function sampled on a regular grid. */
export interface Grid {
  /** Row-major values: `values[j * nx + i]` is f at (x_i, y_j). */
  values: ArrayLike<number>;
  /** Samples along x. */
  nx: number;
  /** Samples along y. */
  ny: number;
  /** x of the first and last column. */
  xDomain: [number, number];
  /** y of the first and last row. */
  yDomain: [number, number];
}

/** Options of {@link contourChart}. */
export interface ContourChartOptions {
  /** The title above the plot. */
  title: string;
  /** The sampled function. */
  grid: Grid;
  /** The contour levels, increasing. */
  levels: number[];
  /** Paths drawn over the contours, each with a legend entry. */
  paths: Series[];
  /** Points marked with a star (the minima, say). @default [] */
  marks?: [number, number][];
  /** Size of the square plot area in pixels. @default 520 */
  size?: number;
  /**
   * Whether to draw the paths; `false` leaves only their legend entries, for
   * animations that draw the paths themselves. @default true
   */
  drawPaths?: boolean;
}

/** A contour chart's parts without the `<svg>` wrapper (see {@link contourChartBody}). */
export interface ContourChartBody {
  /** The elements. */
  body: string;
  /** Width of the picture in pixels. */
  width: number;
  /** Height of the picture in pixels. */
  height: number;
  /** Maps x to a pixel column. */
  x: (value: number) => number;
  /** Maps y to a pixel row. */
  y: (value: number) => number;
  /** The plot area in pixels. */
  plot: { x: number; y: number; width: number; height: number };
  /** The colour of each path, in order. */
  colors: string[];
}

const MARGIN = { top: 36, right: 16, bottom: 52, left: 72 };

/**
 * Draws filled contours of a sampled function with paths on top, axes, a
 * title and a legend. Paths are clipped to the plot area; a dot marks each
 * path's start and a ring its end.
 *
 * @param options Grid, levels, paths and marks.
 * @returns The SVG document: each path is a `<path class="trajectory"
 *   data-name="…">`, each contour a `<path class="contour">`, each legend
 *   entry a `<g class="legend-item">`.
 * @example
 * ```ts
 * import { contourChart } from "./contour_chart.ts";
 * const n = 21;
 * const values = Array.from({ length: n * n }, (_, k) => {
 *   const x = -1 + (2 * (k % n)) / (n - 1), y = -1 + (2 * Math.floor(k / n)) / (n - 1);
 *   return x * x + y * y;
 * });
 * const svg = contourChart({
 *   title: "bowl",
 *   grid: { values, nx: n, ny: n, xDomain: [-1, 1], yDomain: [-1, 1] },
 *   levels: [0.1, 0.4, 0.8],
 *   paths: [{ name: "SGD", points: [[0.8, 0.8], [0.4, 0.4], [0, 0]] }],
 * });
 * console.log(svg.includes('data-name="SGD"')); // true
 * ```
 */
export function contourChart(options: ContourChartOptions): string {
  const { body, width, height } = contourChartBody(options);
  return svgDocument(width, height, body);
}

/**
 * The parts of {@link contourChart} without the `<svg>` wrapper, with the
 * scales and colours used, so that animations can draw over it.
 *
 * @param options See {@link ContourChartOptions}.
 * @returns The elements, the picture's size, the scales, the plot area and the path colours.
 */
export function contourChartBody(options: ContourChartOptions): ContourChartBody {
  const { title, grid, levels, paths, marks = [], size = 520, drawPaths = true } = options;
  const { nx, ny, xDomain, yDomain } = grid;
  if (grid.values.length !== nx * ny || nx < 2 || ny < 2) {
    throw new RangeError(
      `Cannot draw contour chart "${title}" as the grid needs nx * ny = ${
        nx * ny
      } values (nx, ny ≥ 2): received ${grid.values.length}`,
    );
  }
  const longest = Math.max(0, ...paths.map((p) => p.name.length));
  const width = MARGIN.left + size + 24 + 46 + longest * 7.6 + MARGIN.right;
  const height = MARGIN.top + size + MARGIN.bottom;
  const x = scaleLinear().domain(xDomain).range([MARGIN.left, MARGIN.left + size]);
  const y = scaleLinear().domain(yDomain).range([MARGIN.top + size, MARGIN.top]);
  // d3-contour puts grid value i at coordinate i + 0.5.
  const gx = scaleLinear().domain([0.5, nx - 0.5]).range([x(xDomain[0]), x(xDomain[1])]);
  const gy = scaleLinear().domain([0.5, ny - 0.5]).range([y(yDomain[0]), y(yDomain[1])]);
  const project = geoPath(geoTransform({
    point(px: number, py: number) {
      this.stream.point(gx(px), gy(py));
    },
  }));
  const color = scaleSequential((t: number) => interpolateYlGnBu(0.05 + 0.5 * t))
    .domain([levels.length, -1]);
  const bands = contours().size([nx, ny]).thresholds(levels)(Array.from(grid.values));
  const contourPaths = bands.map((band, i) =>
    `<path class="contour" data-level="${band.value}" d="${project(band) ?? ""}" ` +
    `fill="${color(i)}" stroke="#6b7f8f" stroke-width="0.5" stroke-opacity="0.6"/>`
  );
  const entries = paths.map((p, i) => ({
    name: p.name,
    color: p.color ?? PALETTE[i % PALETTE.length],
  }));
  const pathOf = line<[number, number]>()
    .defined((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]))
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  const trajectories = paths.filter(() => drawPaths).map((p, i) => {
    const c = entries[i].color;
    const first = p.points[0];
    const last = p.points[p.points.length - 1];
    const ends = first && last
      ? `<circle cx="${round(x(first[0]))}" cy="${round(y(first[1]))}" r="4" fill="${c}"/>` +
        `<circle cx="${round(x(last[0]))}" cy="${round(y(last[1]))}" r="5" fill="none" ` +
        `stroke="${c}" stroke-width="2"/>`
      : "";
    return `<g><path class="trajectory" data-name="${escapeXml(p.name)}" d="${
      pathOf(p.points) ?? ""
    }" fill="none" stroke="${c}" stroke-width="2.2" stroke-linejoin="round"/>${ends}</g>`;
  });
  const stars = marks.map(([mx, my]) =>
    text(x(mx), y(my) + 6, "★", 'class="mark" text-anchor="middle" font-size="18" fill="#c00"')
  );
  const body = [
    `<defs><clipPath id="plot-area"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${size}" ` +
    `height="${size}"/></clipPath></defs>`,
    text(MARGIN.left + size / 2, 22, title, 'class="title" text-anchor="middle" font-size="15"'),
    `<g class="contours" clip-path="url(#plot-area)"><rect x="${MARGIN.left}" y="${MARGIN.top}" ` +
    `width="${size}" height="${size}" fill="${color(-1)}"/>${contourPaths.join("\n")}</g>`,
    `<g class="trajectories" clip-path="url(#plot-area)">${trajectories.join("\n")}${
      stars.join("")
    }</g>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${size}" height="${size}" fill="none" ` +
    `stroke="#333"/>`,
    axisBottom(x, MARGIN.top + size, "x"),
    axisLeft(y, MARGIN.left, "y"),
    legend(entries, MARGIN.left + size + 24, MARGIN.top),
  ].join("\n");
  return {
    body,
    width: Math.round(width),
    height,
    x,
    y,
    plot: { x: MARGIN.left, y: MARGIN.top, width: size, height: size },
    colors: entries.map((e) => e.color),
  };
}
