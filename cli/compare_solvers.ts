/**
 * The lesson's "visual comparison" of solvers: every solver starts from the
 * same point of a 2-D test function and takes its steps with kerno's real
 * optimizer classes on a `tf.Variable`; the paths are drawn over the
 * function's contours, and the loss per step beside them.
 *
 * Run: `deno task kerno compare --function beale` (or
 * `deno run -A cli/compare_solvers.ts`).
 *
 * @module
 */
import { gradients, type optimizers, tf } from "../mod.ts";
import {
  animatedGif,
  animatedSvg,
  type Background,
  type Box,
  contourChart,
  contourChartBody,
  type Grid,
  lineChart,
  type Series,
  surfaceChartBody,
  type Track,
} from "../plot/mod.ts";
import { svgDocument } from "../plot/_svg.ts";
import {
  contourLevels,
  sampleGrid,
  TEST_FUNCTIONS,
  type TestFunction,
  type TestFunctionName,
} from "./test_functions.ts";
import {
  DEFAULT_LEARNING_RATES,
  makeSolver,
  SOLVER_LABELS,
  SOLVER_NAMES,
  type SolverName,
} from "./solvers.ts";
import { writeChart } from "./_outputs.ts";

/** The path one solver took. */
export interface Trajectory {
  /** The solver. */
  solver: SolverName;
  /** Its learning rate. */
  learningRate: number;
  /** The points visited, the start first. */
  points: [number, number][];
  /** f at each point. */
  losses: number[];
}

/**
 * Runs one optimizer from the function's start point.
 *
 * @param fn The test function.
 * @param optimizer The optimizer (disposed of here).
 * @param steps How many updates.
 * @returns The points visited and f at each; stops early when a point is
 *   not finite or far off the plot.
 */
export function trajectory(
  fn: TestFunction,
  optimizer: optimizers.Optimizer,
  steps: number,
): { points: [number, number][]; losses: number[] } {
  const start = tf.tensor1d(fn.start);
  const p = tf.variable(start);
  start.dispose();
  const loss = () => {
    const [x, y] = tf.unstack(p);
    return fn.f(x, y);
  };
  const points: [number, number][] = [[...fn.start]];
  const losses: number[] = [];
  const span = Math.max(fn.xDomain[1] - fn.xDomain[0], fn.yDomain[1] - fn.yDomain[0]);
  for (let step = 0; step < steps; step++) {
    const { value, grads } = gradients(loss, [p]);
    losses.push(value.dataSync()[0]);
    optimizer.applyGradients(grads, [p]);
    tf.dispose([value, ...grads.filter((g) => g !== null)]);
    const [x, y] = p.dataSync();
    points.push([x, y]);
    const far = Math.abs(x - fn.start[0]) > 2 * span || Math.abs(y - fn.start[1]) > 2 * span;
    if (!Number.isFinite(x) || !Number.isFinite(y) || far) break;
  }
  const last = tf.tidy(loss);
  losses.push(last.dataSync()[0]);
  tf.dispose([last, p]);
  optimizer.dispose();
  return { points, losses };
}

/** Options of {@link compareOnFunction}. */
export interface CompareOptions {
  /** The test function. @default "beale" */
  function?: TestFunctionName;
  /** The solvers. @default all seven */
  solvers?: SolverName[];
  /** Learning rates overriding the defaults of `DEFAULT_LEARNING_RATES`. @default {} */
  learningRates?: Partial<Record<SolverName, number>>;
  /** Updates per solver. @default the function's `steps` */
  steps?: number;
  /** Grid samples along each axis for the contours. @default 160 */
  gridSize?: number;
}

/** How the paths are shown: over contours, on the 3-D surface, or both. */
export type View = "contour" | "surface" | "both";

/** Options of {@link writeComparison}. */
export interface WriteOptions extends CompareOptions {
  /** Which pictures. @default "contour" */
  view?: View;
  /** Also write the animations (SVG and GIF). @default false */
  animate?: boolean;
  /** Frames of the animations. @default 120 */
  frames?: number;
  /** Seconds the markers move in the animations (the last frame then stays 1.5 s). @default 6 */
  duration?: number;
}

/** What {@link compareOnFunction} made. */
export interface CompareResult {
  /** The function used. */
  fn: TestFunction;
  /** One path per solver. */
  trajectories: Trajectory[];
  /** The sampled function behind the contours. */
  grid: Grid;
  /** The contour plot with the paths (SVG). */
  contourSvg: string;
  /** f per step for every solver (SVG). */
  lossSvg: string;
}

/**
 * Runs every solver on one test function and draws the comparison.
 *
 * @param options Function, solvers, learning rates and steps.
 * @returns The paths and both charts.
 */
export function compareOnFunction(options: CompareOptions = {}): CompareResult {
  const fn = TEST_FUNCTIONS[options.function ?? "beale"];
  const solvers = options.solvers ?? [...SOLVER_NAMES];
  const steps = options.steps ?? fn.steps;
  const trajectories = solvers.map((solver) => {
    const learningRate = options.learningRates?.[solver] ?? DEFAULT_LEARNING_RATES[fn.name][solver];
    return { solver, learningRate, ...trajectory(fn, makeSolver(solver, learningRate), steps) };
  });
  const n = options.gridSize ?? 160;
  const values = sampleGrid(fn, n);
  const label = (t: Trajectory) => `${SOLVER_LABELS[t.solver]} (lr ${t.learningRate})`;
  const grid = { values, nx: n, ny: n, xDomain: fn.xDomain, yDomain: fn.yDomain };
  const contourSvg = contourChart({
    title: `${fn.title}, ${steps} steps`,
    grid,
    levels: contourLevels(fn, values),
    paths: trajectories.map((t) => ({ name: label(t), points: t.points })),
    marks: fn.minima,
  });
  const series: Series[] = trajectories.map((t) => ({
    name: label(t),
    points: t.losses.map((v, i) => [i, v]),
  }));
  const lossSvg = lineChart({
    title: `${fn.title.split(" ")[0]}: loss per step`,
    xLabel: "step",
    yLabel: fn.logScale ? "f(x, y) (log scale)" : "f(x, y)",
    series,
    yScale: fn.logScale ? "log" : "linear",
    width: 760,
  });
  return { fn, trajectories, grid, contourSvg, lossSvg };
}

/** A picture the paths can be animated over. */
export interface Scene {
  /** The still picture with the paths (SVG). */
  still: string;
  /** The same without the paths, for the animations. */
  background: Background;
  /** Each solver's position in pixels at every step, in the result's order. */
  tracks: Track[];
  /** Where the markers may go. */
  clip: Box;
  /** Where the step counter is written. */
  counter: [number, number];
}

/** The label of a solver in legends. */
function label(t: Trajectory): string {
  return `${SOLVER_LABELS[t.solver]} (lr ${t.learningRate})`;
}

/**
 * The contour picture of a comparison as a scene: paths over the contours
 * (the x and y scales of `contourChart`).
 *
 * @param result What {@link compareOnFunction} made.
 * @returns The still, the background and the solvers' tracks.
 */
export function contourScene(result: CompareResult): Scene {
  const { fn, trajectories, grid } = result;
  const options = {
    title: `${fn.title}, ${Math.max(...trajectories.map((t) => t.points.length - 1))} steps`,
    grid,
    levels: contourLevels(fn, Float32Array.from(grid.values)),
    paths: trajectories.map((t) => ({ name: label(t), points: t.points })),
    marks: fn.minima,
    drawPaths: false,
  };
  const chart = contourChartBody(options);
  const tracks = trajectories.map((t, i) => ({
    name: label(t),
    color: chart.colors[i],
    points: t.points.map(([x, y]): [number, number] => [chart.x(x), chart.y(y)]),
  }));
  return scene(result.contourSvg, chart, tracks, trajectories.length);
}

/**
 * The 3-D surface picture of a comparison as a scene: the function as a
 * shaded surface (log10 of f for the functions with minimum 0), the paths
 * lifted onto it at f of each point; a path ends where it leaves the plotted
 * square.
 *
 * @param result What {@link compareOnFunction} made.
 * @param gridSize Grid samples along each axis (quads: its square). @default 49
 * @returns The still, the background and the solvers' tracks.
 */
export function surfaceScene(result: CompareResult, gridSize = 49): Scene {
  const { fn, trajectories } = result;
  const options = {
    title: `${fn.title}, ${Math.max(...trajectories.map((t) => t.points.length - 1))} steps`,
    grid: {
      values: sampleGrid(fn, gridSize),
      nx: gridSize,
      ny: gridSize,
      xDomain: fn.xDomain,
      yDomain: fn.yDomain,
    },
    paths: trajectories.map((t) => ({ name: label(t), points: t.points, values: t.losses })),
    marks: fn.minima,
    zScale: fn.logScale ? "log" as const : "linear" as const,
    ...SURFACE_VIEWS[fn.name],
  };
  const still = surfaceChartBody(options);
  const chart = surfaceChartBody({ ...options, drawPaths: false });
  const tracks = trajectories.map((t, i) => ({
    name: label(t),
    color: chart.colors[i],
    points: t.points.map(([x, y], k) => chart.lift(x, y, t.losses[k])),
  }));
  return scene(svgDocument(still.width, still.height, still.body), chart, tracks, tracks.length);
}

/** The angles each function reads best from. */
const SURFACE_VIEWS: Record<TestFunctionName, { azimuth: number; elevation: number }> = {
  beale: { azimuth: -130, elevation: 35 },
  rosenbrock: { azimuth: -35, elevation: 40 },
  saddle: { azimuth: 60, elevation: 30 },
  himmelblau: { azimuth: -35, elevation: 35 },
};

function scene(
  still: string,
  chart: { body: string; width: number; height: number; plot: Box },
  tracks: Track[],
  entries: number,
): Scene {
  const { plot } = chart;
  return {
    still,
    background: { body: chart.body, width: chart.width, height: chart.height },
    tracks,
    clip: plot,
    counter: [plot.x + plot.width + 30, plot.y + entries * 18 + 40],
  };
}

/**
 * Runs the comparison and writes, into a folder, `compare_<function>_loss.svg/.png`
 * and per view: `compare_<function>.svg/.png` (contours) or
 * `compare_<function>_surface.svg/.png` (3-D surface); with `animate`, also
 * `compare_<function>_animated.svg/.gif` and
 * `compare_<function>_surface_animated.svg/.gif`.
 *
 * @param out The folder (created when missing).
 * @param options See {@link WriteOptions}.
 * @returns The paths of the files written.
 */
export async function writeComparison(
  out: string,
  options: WriteOptions = {},
): Promise<string[]> {
  const { view = "contour", animate = false, frames, duration, ...compare } = options;
  const result = compareOnFunction(compare);
  await Deno.mkdir(out, { recursive: true });
  const name = result.fn.name;
  const written = [];
  const scenes: [string, () => Scene][] = [];
  if (view !== "surface") scenes.push([`compare_${name}`, () => contourScene(result)]);
  if (view !== "contour") scenes.push([`compare_${name}_surface`, () => surfaceScene(result)]);
  for (const [base, make] of scenes) {
    const s = make();
    written.push(...await writeChart(`${out}/${base}`, s.still));
    if (!animate) continue;
    const motion = { frames, duration, clip: s.clip, counter: s.counter };
    await Deno.writeTextFile(
      `${out}/${base}_animated.svg`,
      animatedSvg(s.background, s.tracks, motion),
    );
    const { gif } = await animatedGif(s.background, s.tracks, motion);
    await Deno.writeFile(`${out}/${base}_animated.gif`, gif);
    written.push(`${out}/${base}_animated.svg`, `${out}/${base}_animated.gif`);
  }
  written.push(...await writeChart(`${out}/compare_${name}_loss`, result.lossSvg));
  return written;
}

if (import.meta.main) {
  for (const file of await writeComparison("runs/compare")) console.log(`wrote ${file}`);
}
