/**
 * `surfaceChart`: a function of two variables as a shaded 3-D surface seen
 * in an orthographic projection (quads from the sampled grid, drawn back to
 * front, lit by their normal and coloured by height), with paths lifted onto
 * it.
 *
 * @module
 */
// @ts-types="@types/d3-scale-chromatic"
import { interpolateViridis } from "d3-scale-chromatic";
import type { Grid } from "./contour_chart.ts";
import type { Series } from "./line_chart.ts";
import { escapeXml, legend, PALETTE, round, svgDocument, text } from "./_svg.ts";

/** A path over the surface. */
export interface SurfacePath extends Series {
  /** f at each point; read from the grid (bilinearly) when missing. */
  values?: number[];
}

/** Options of {@link surfaceChart}. */
export interface SurfaceChartOptions {
  /** The title above the picture. */
  title: string;
  /** The sampled function (every grid cell becomes a quad: keep it near 50 × 50). */
  grid: Grid;
  /** Paths lifted onto the surface, each with a legend entry. */
  paths: SurfacePath[];
  /** Points marked with a star on the surface (the minima, say). @default [] */
  marks?: [number, number][];
  /** `"log"`: height log10(f + `logFloor`), for functions with minimum 0. @default "linear" */
  zScale?: "linear" | "log";
  /** What `"log"` adds to f before the logarithm. @default 0.01 */
  logFloor?: number;
  /** Turn of the view about the vertical axis in degrees (0: looking along +y). @default -35 */
  azimuth?: number;
  /** Height of the eye above the x-y plane in degrees (90: from above). @default 35 */
  elevation?: number;
  /** Height of the surface against its half-width. @default 0.6 */
  relief?: number;
  /** Width of the drawing area in pixels (the height is 0.8 of it). @default 560 */
  size?: number;
  /** Whether to draw the paths (`false`: only the legend, for animations). @default true */
  drawPaths?: boolean;
}

/** The parts of a surface chart (see {@link surfaceChartBody}). */
export interface SurfaceChartBody {
  /** The elements, without the `<svg>` wrapper. */
  body: string;
  /** Width of the picture in pixels. */
  width: number;
  /** Height of the picture in pixels. */
  height: number;
  /** Pixel position of the point (x, y, f(x, y)); NaN outside the grid's domain. */
  lift: (x: number, y: number, f?: number) => [number, number];
  /** The drawing area. */
  plot: { x: number; y: number; width: number; height: number };
  /** The colour of each path, in order. */
  colors: string[];
}

/** Options of {@link orthographic}. */
export interface ProjectionOptions {
  /** x range, mapped to [−1, 1]. */
  xDomain: [number, number];
  /** y range, mapped to [−1, 1]. */
  yDomain: [number, number];
  /** Height range, mapped to [−relief, relief]. */
  zDomain: [number, number];
  /** Degrees; see {@link SurfaceChartOptions}. */
  azimuth: number;
  /** Degrees; see {@link SurfaceChartOptions}. */
  elevation: number;
  /** See {@link SurfaceChartOptions}. */
  relief: number;
  /** The box the whole projected cube is fitted into (centred, one scale for both axes). */
  box: { x: number; y: number; width: number; height: number };
}

/**
 * An orthographic projection of the box xDomain × yDomain × zDomain: turned
 * by the azimuth about the vertical, tilted by the elevation, and scaled to
 * fit its eight corners into `box`.
 *
 * @param options Domains, angles and the target box.
 * @returns `(x, y, z) => [column, row, depth]`, depth growing away from the eye.
 * @example
 * ```ts
 * import { orthographic } from "./surface.ts";
 * const project = orthographic({
 *   xDomain: [-1, 1], yDomain: [-1, 1], zDomain: [0, 1], azimuth: 0, elevation: 90,
 *   relief: 0.5, box: { x: 0, y: 0, width: 200, height: 200 },
 * });
 * console.log(project(1, 1, 0).slice(0, 2).map(Math.round)); // [200, 0]
 * ```
 */
export function orthographic(
  options: ProjectionOptions,
): (x: number, y: number, z: number) => [number, number, number] {
  const { xDomain, yDomain, zDomain, relief, box } = options;
  const theta = (options.azimuth * Math.PI) / 180;
  const phi = (options.elevation * Math.PI) / 180;
  const [ct, st, cp, sp] = [Math.cos(theta), Math.sin(theta), Math.cos(phi), Math.sin(phi)];
  const unit = (v: number, [a, b]: [number, number]) => (b === a ? 0 : (2 * (v - a)) / (b - a) - 1);
  // screen right a, screen up, depth: from unit coordinates (u, v, w)
  const view = (u: number, v: number, w: number): [number, number, number] => {
    const a = u * ct - v * st;
    const b = u * st + v * ct;
    return [a, w * cp + b * sp, b * cp - w * sp];
  };
  const corners = [-1, 1].flatMap((u) =>
    [-1, 1].flatMap((v) => [-relief, relief].map((w) => view(u, v, w)))
  );
  const [a0, a1] = [Math.min(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[0]))];
  const [h0, h1] = [Math.min(...corners.map((c) => c[1])), Math.max(...corners.map((c) => c[1]))];
  const k = Math.min(box.width / (a1 - a0), box.height / (h1 - h0));
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return (x, y, z) => {
    const [a, up, depth] = view(unit(x, xDomain), unit(y, yDomain), relief * unit(z, zDomain));
    return [cx + k * (a - (a0 + a1) / 2), cy - k * (up - (h0 + h1) / 2), depth];
  };
}

const MARGIN = { top: 40, right: 16, bottom: 20, left: 16 };

/**
 * Draws a function as a shaded surface with paths on it, a title and a legend.
 *
 * @param options Grid, paths, height scale and view.
 * @returns The SVG document: each quad is a `<path>` in `<g class="surface">`, each
 *   path a `<path class="trajectory" data-name="…">`, each legend entry a `<g class="legend-item">`.
 * @example
 * ```ts
 * import { surfaceChart } from "./surface.ts";
 * const n = 11;
 * const values = Array.from({ length: n * n }, (_, k) => {
 *   const x = -1 + (2 * (k % n)) / (n - 1), y = -1 + (2 * Math.floor(k / n)) / (n - 1);
 *   return x * x - y * y;
 * });
 * const svg = surfaceChart({
 *   title: "saddle",
 *   grid: { values, nx: n, ny: n, xDomain: [-1, 1], yDomain: [-1, 1] },
 *   paths: [{ name: "SGD", points: [[0.9, 0.01], [0.5, 0.02], [0.2, 0.05]] }],
 * });
 * console.log(svg.includes('data-name="SGD"')); // true
 * ```
 */
export function surfaceChart(options: SurfaceChartOptions): string {
  const { body, width, height } = surfaceChartBody(options);
  return svgDocument(width, height, body);
}

/** The height drawn for f. */
function heightOf(zScale: "linear" | "log", floor: number): (f: number) => number {
  return zScale === "log" ? (f) => Math.log10(Math.max(f, 0) + floor) : (f) => f;
}

/**
 * The parts of {@link surfaceChart} without the `<svg>` wrapper, with the
 * projection used, so that animations can draw over it.
 *
 * @param options See {@link SurfaceChartOptions}.
 * @returns The elements, the picture's size, the projection of points onto
 *   the surface, the drawing area and the path colours.
 */
export function surfaceChartBody(options: SurfaceChartOptions): SurfaceChartBody {
  const {
    title,
    grid,
    paths,
    marks = [],
    zScale = "linear",
    logFloor = 0.01,
    azimuth = -35,
    elevation = 35,
    relief = 0.6,
    size = 560,
    drawPaths = true,
  } = options;
  const { nx, ny, xDomain, yDomain } = grid;
  if (grid.values.length !== nx * ny || nx < 2 || ny < 2) {
    throw new RangeError(
      `Cannot draw surface chart "${title}" as the grid needs nx * ny = ${
        nx * ny
      } values (nx, ny ≥ 2): received ${grid.values.length}`,
    );
  }
  const h = heightOf(zScale, logFloor);
  const heights = Array.from(grid.values, h);
  const zDomain: [number, number] = [Math.min(...heights), Math.max(...heights)];
  const plot = { x: MARGIN.left, y: MARGIN.top, width: size, height: Math.round(size * 0.8) };
  const project = orthographic({
    xDomain,
    yDomain,
    zDomain,
    azimuth,
    elevation,
    relief,
    box: plot,
  });
  const gx = (i: number) => xDomain[0] + ((xDomain[1] - xDomain[0]) * i) / (nx - 1);
  const gy = (j: number) => yDomain[0] + ((yDomain[1] - yDomain[0]) * j) / (ny - 1);
  const at = (i: number, j: number) => heights[j * nx + i];
  const quads = quadElements(nx, ny, gx, gy, at, zDomain, project, options);
  const clamp = (z: number) => Math.min(zDomain[1], Math.max(zDomain[0], z));
  const lift = (x: number, y: number, f?: number): [number, number] => {
    const inside = x >= Math.min(...xDomain) && x <= Math.max(...xDomain) &&
      y >= Math.min(...yDomain) && y <= Math.max(...yDomain);
    if (!inside) return [NaN, NaN];
    const z = f === undefined ? bilinear(grid, heights, x, y) : h(f);
    const [px, py] = project(x, y, Number.isFinite(z) ? clamp(z) : NaN);
    return [px, py];
  };
  const entries = paths.map((p, i) => ({
    name: p.name,
    color: p.color ?? PALETTE[i % PALETTE.length],
  }));
  const drawn = paths.filter(() => drawPaths).map((p, i) => {
    const pixels = p.points.map(([x, y], k) => lift(x, y, p.values?.[k]));
    const end = pixels.findIndex((q) => !Number.isFinite(q[0]) || !Number.isFinite(q[1]));
    const shown = end < 0 ? pixels : pixels.slice(0, end);
    if (shown.length === 0) return "";
    const d = "M" + shown.map(([x, y]) => `${round(x)},${round(y)}`).join("L");
    const c = entries[i].color;
    const [first, last] = [shown[0], shown[shown.length - 1]];
    return `<g><path d="${d}" fill="none" stroke="white" stroke-width="4" stroke-opacity="0.6" ` +
      `stroke-linejoin="round"/><path class="trajectory" data-name="${escapeXml(p.name)}" ` +
      `d="${d}" fill="none" stroke="${c}" stroke-width="2.2" stroke-linejoin="round"/>` +
      `<circle cx="${round(first[0])}" cy="${round(first[1])}" r="4" fill="${c}"/>` +
      `<circle cx="${round(last[0])}" cy="${round(last[1])}" r="5" fill="none" stroke="${c}" ` +
      `stroke-width="2"/></g>`;
  });
  const stars = marks.map(([mx, my]) => {
    const [sx, sy] = lift(mx, my);
    return Number.isFinite(sx)
      ? text(sx, sy + 6, "★", 'class="mark" text-anchor="middle" font-size="18" fill="#c00"')
      : "";
  });
  const longest = Math.max(0, ...paths.map((p) => p.name.length));
  const width = Math.round(plot.x + plot.width + 24 + 46 + longest * 7.6 + MARGIN.right);
  const height = plot.y + plot.height + MARGIN.bottom;
  const body = [
    text(plot.x + plot.width / 2, 24, title, 'class="title" text-anchor="middle" font-size="15"'),
    floor(xDomain, yDomain, zDomain[0], project),
    `<g class="surface" stroke-width="0.6" stroke-linejoin="round">${quads}</g>`,
    `<g class="trajectories">${drawn.join("\n")}${stars.join("")}</g>`,
    legend(entries, plot.x + plot.width + 24, plot.y),
  ].join("\n");
  return { body, width, height, lift, plot, colors: entries.map((e) => e.color) };
}

type Project = (x: number, y: number, z: number) => [number, number, number];

/** The grid's cells as quads, farthest first, lit and coloured by height. */
function quadElements(
  nx: number,
  ny: number,
  gx: (i: number) => number,
  gy: (j: number) => number,
  at: (i: number, j: number) => number,
  zDomain: [number, number],
  project: Project,
  options: SurfaceChartOptions,
): string {
  const { azimuth = -35, relief = 0.6 } = options;
  const [z0, z1] = zDomain;
  const span = z1 - z0 || 1;
  // light from above, over the viewer's left shoulder: −0.7 right − 0.5 away + 1.2 up
  const t = (azimuth * Math.PI) / 180;
  const [right, away] = [[Math.cos(t), -Math.sin(t)], [Math.sin(t), Math.cos(t)]];
  const light = normalize([-0.7 * right[0] - 0.5 * away[0], -0.7 * right[1] - 0.5 * away[1], 1.2]);
  const cells: { depth: number; d: string; fill: string }[] = [];
  const sx = 2 / (nx - 1);
  const sy = 2 / (ny - 1);
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const corners: [number, number][] = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
      const zs = corners.map(([a, b]) => at(a, b));
      if (!zs.every(Number.isFinite)) continue;
      const pixels = corners.map(([a, b], k) => project(gx(a), gy(b), zs[k]));
      // normal from the diagonals in the unit box (heights scaled as drawn)
      const w = (z: number) => (2 * relief * (z - z0)) / span;
      const d1 = [sx, sy, w(zs[2]) - w(zs[0])];
      const d2 = [-sx, sy, w(zs[3]) - w(zs[1])];
      const n = normalize([
        d1[1] * d2[2] - d1[2] * d2[1],
        d1[2] * d2[0] - d1[0] * d2[2],
        d1[0] * d2[1] - d1[1] * d2[0],
      ]);
      const lit = 0.45 + 0.55 * Math.max(0, n[0] * light[0] + n[1] * light[1] + n[2] * light[2]);
      const mean = (zs[0] + zs[1] + zs[2] + zs[3]) / 4;
      const fill = shade(interpolateViridis(0.1 + 0.85 * ((mean - z0) / span)), lit);
      const depth = pixels.reduce((s, p) => s + p[2], 0) / 4;
      const d = "M" + pixels.map(([x, y]) => `${round(x)},${round(y)}`).join("L") + "Z";
      cells.push({ depth, d, fill });
    }
  }
  cells.sort((a, b) => b.depth - a.depth);
  return cells.map((c) => `<path d="${c.d}" fill="${c.fill}" stroke="${c.fill}"/>`).join("");
}

/** The domain's outline at the lowest height, with the axes named. */
function floor(
  xDomain: [number, number],
  yDomain: [number, number],
  z: number,
  project: Project,
): string {
  const p = (x: number, y: number) => project(x, y, z);
  const ring = [p(xDomain[0], yDomain[0]), p(xDomain[1], yDomain[0]), p(xDomain[1], yDomain[1]), [
    ...p(xDomain[0], yDomain[1]),
  ]];
  const d = "M" + ring.map(([x, y]) => `${round(x)},${round(y)}`).join("L") + "Z";
  const xm = p((xDomain[0] + xDomain[1]) / 2, yDomain[0]);
  const ym = p(xDomain[1], (yDomain[0] + yDomain[1]) / 2);
  return `<g class="floor"><path d="${d}" fill="#f2f2f2" stroke="#999"/>` +
    text(xm[0], xm[1] + 18, "x", 'class="axis-title" text-anchor="middle"') +
    text(ym[0] + 12, ym[1] + 14, "y", 'class="axis-title" text-anchor="middle"') + "</g>";
}

/** Scales a colour's channels by a brightness, as #rrggbb. */
function shade(color: string, brightness: number): string {
  const channels = color.startsWith("#")
    ? [1, 3, 5].map((k) => parseInt(color.slice(k, k + 2), 16))
    : (color.match(/\d+/g) ?? ["0", "0", "0"]).slice(0, 3).map(Number);
  return "#" +
    channels.map((c) =>
      Math.max(0, Math.min(255, Math.round(c * brightness))).toString(16).padStart(2, "0")
    ).join("");
}

function normalize(v: number[]): number[] {
  const n = Math.hypot(...v) || 1;
  return v.map((c) => c / n);
}

/** The grid's heights read bilinearly at (x, y). */
function bilinear(grid: Grid, heights: number[], x: number, y: number): number {
  const { nx, ny, xDomain, yDomain } = grid;
  const fi = ((x - xDomain[0]) / (xDomain[1] - xDomain[0])) * (nx - 1);
  const fj = ((y - yDomain[0]) / (yDomain[1] - yDomain[0])) * (ny - 1);
  const i = Math.min(nx - 2, Math.max(0, Math.floor(fi)));
  const j = Math.min(ny - 2, Math.max(0, Math.floor(fj)));
  const [a, b] = [fi - i, fj - j];
  const v = (di: number, dj: number) => heights[(j + dj) * nx + i + di];
  return (1 - a) * (1 - b) * v(0, 0) + a * (1 - b) * v(1, 0) + (1 - a) * b * v(0, 1) +
    a * b * v(1, 1);
}
