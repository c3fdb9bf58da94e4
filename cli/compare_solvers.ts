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
import { contourChart, lineChart, type Series } from "../plot/mod.ts";
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

/** What {@link compareOnFunction} made. */
export interface CompareResult {
  /** The function used. */
  fn: TestFunction;
  /** One path per solver. */
  trajectories: Trajectory[];
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
  const contourSvg = contourChart({
    title: `${fn.title}, ${steps} steps`,
    grid: { values, nx: n, ny: n, xDomain: fn.xDomain, yDomain: fn.yDomain },
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
  return { fn, trajectories, contourSvg, lossSvg };
}

/**
 * Runs the comparison and writes `compare_<function>.svg` (contours and
 * paths), `compare_<function>_loss.svg` and their PNGs into a folder.
 *
 * @param out The folder (created when missing).
 * @param options See {@link CompareOptions}.
 * @returns The paths of the files written.
 */
export async function writeComparison(
  out: string,
  options: CompareOptions = {},
): Promise<string[]> {
  const result = compareOnFunction(options);
  await Deno.mkdir(out, { recursive: true });
  const name = result.fn.name;
  return [
    ...await writeChart(`${out}/compare_${name}`, result.contourSvg),
    ...await writeChart(`${out}/compare_${name}_loss`, result.lossSvg),
  ];
}

if (import.meta.main) {
  for (const file of await writeComparison("runs/compare")) console.log(`wrote ${file}`);
}
