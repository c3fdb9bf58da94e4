/**
 * The solvers on a real model: the same small network, from the same initial
 * weights, trained on the same data by every solver (mini-batches of 16), and
 * by plain SGD as batch, stochastic and mini-batch gradient descent; the
 * training loss per epoch of each is drawn in two panels.
 *
 * Run: `deno task kerno compare --model` (or `deno run -A cli/compare_on_model.ts`).
 *
 * @module
 */
import { datasets, layers, Sequential, setSeed, tf } from "../mod.ts";
import { panels, type Series } from "../plot/mod.ts";
import {
  makeSolver,
  MODEL_LEARNING_RATES,
  SOLVER_LABELS,
  SOLVER_NAMES,
  type SolverName,
} from "./solvers.ts";
import { writeChart } from "./_outputs.ts";

/** The bundled classification data sets `compare --model` can use. */
export type ModelData = "iris" | "breast_cancer" | "digits";

/** Options of {@link compareOnModel}. */
export interface ModelCompareOptions {
  /** The data set. @default "iris" */
  data?: ModelData;
  /** The solvers. @default all seven */
  solvers?: SolverName[];
  /** Learning rates overriding `MODEL_LEARNING_RATES`. @default {} */
  learningRates?: Partial<Record<SolverName, number>>;
  /** Epochs per run. @default 30 */
  epochs?: number;
  /** Learning rate of the SGD batch / stochastic / mini-batch runs. @default 0.1 */
  variantLearningRate?: number;
  /** Seed of the initial weights and the shuffles. @default 7 */
  seed?: number;
}

/** Loss per epoch of every run, and the chart. */
export interface ModelCompareResult {
  /** Training loss per epoch, keyed by the legend name. */
  losses: Record<string, number[]>;
  /** The two-panel chart (SVG). */
  svg: string;
}

async function load(name: ModelData): Promise<datasets.BundledDataset> {
  if (name === "iris") return await datasets.iris();
  if (name === "digits") return await datasets.digits();
  return await datasets.breastCancer();
}

/**
 * Trains the same network from the same start with every solver and with
 * batch, stochastic and mini-batch SGD.
 *
 * @param options Data, solvers, learning rates, epochs and seed.
 * @returns The losses per epoch and the chart.
 */
export async function compareOnModel(
  options: ModelCompareOptions = {},
): Promise<ModelCompareResult> {
  const { data = "iris", epochs = 30, variantLearningRate = 0.1, seed = 7 } = options;
  const solvers = options.solvers ?? [...SOLVER_NAMES];
  const raw = await load(data);
  const x = datasets.standardize(raw.x).transform(raw.x);
  const features = raw.featureNames.length;
  const classes = raw.classNames?.length ?? 2;
  const net = () =>
    new Sequential([
      new layers.Dense(16, { activation: "tanh", inputShape: [features] }),
      new layers.Dense(classes, { activation: "softmax" }),
    ]);
  setSeed(seed);
  const reference = net();
  reference.build([null, features]);
  const initial = reference.getWeights();
  const train = async (
    name: string,
    optimizer: ReturnType<typeof makeSolver>,
    batchSize: number,
  ) => {
    const model = net();
    model.build([null, features]);
    model.setWeights(initial);
    model.compile({ optimizer, loss: "sparse_categorical_crossentropy" });
    setSeed(seed + 1); // the same shuffles for every run
    const history = await model.fit(x, raw.y, { epochs, batchSize, verbose: 0 });
    model.dispose();
    return [name, history.history.loss] as [string, number[]];
  };
  const solverRuns: [string, number[]][] = [];
  for (const solver of solvers) {
    const lr = options.learningRates?.[solver] ?? MODEL_LEARNING_RATES[solver];
    solverRuns.push(await train(`${SOLVER_LABELS[solver]} (lr ${lr})`, makeSolver(solver, lr), 16));
  }
  const n = x.shape[0];
  const variantRuns: [string, number[]][] = [];
  for (
    const [name, batchSize] of [["batch", n], ["stochastic", 1], ["mini-batch 16", 16]] as const
  ) {
    variantRuns.push(
      await train(
        `${name} (batch ${batchSize})`,
        makeSolver("sgd", variantLearningRate),
        batchSize,
      ),
    );
  }
  tf.dispose([raw.x, raw.y, x, ...initial]);
  reference.dispose();
  const series = (runs: [string, number[]][]): Series[] =>
    runs.map(([name, loss]) => ({ name, points: loss.map((v, i) => [i + 1, v]) }));
  const svg = panels([
    {
      title: `${data}: solvers, mini-batches of 16, same start`,
      xLabel: "epoch",
      yLabel: "training loss (log scale)",
      series: series(solverRuns),
      yScale: "log",
    },
    {
      title: `${data}: SGD (lr ${variantLearningRate}), batch / stochastic / mini-batch`,
      xLabel: "epoch",
      yLabel: "training loss (log scale)",
      series: series(variantRuns),
      yScale: "log",
    },
  ], { panelWidth: 640, height: 400 });
  return { losses: Object.fromEntries([...solverRuns, ...variantRuns]), svg };
}

/**
 * Runs the model comparison and writes `compare_model.svg`/`.png` and
 * `compare_model.csv` (loss per epoch, one column per run) into a folder.
 *
 * @param out The folder (created when missing).
 * @param options See {@link ModelCompareOptions}.
 * @returns The files written.
 */
export async function writeModelComparison(
  out: string,
  options: ModelCompareOptions = {},
): Promise<string[]> {
  const { losses, svg } = await compareOnModel(options);
  await Deno.mkdir(out, { recursive: true });
  const names = Object.keys(losses);
  const rows = [["epoch", ...names.map((n) => `"${n}"`)].join(",")];
  const epochs = Math.max(...names.map((n) => losses[n].length));
  for (let e = 0; e < epochs; e++) {
    rows.push([e, ...names.map((n) => losses[n][e] ?? "NA")].join(","));
  }
  await Deno.writeTextFile(`${out}/compare_model.csv`, rows.join("\n") + "\n");
  return [`${out}/compare_model.csv`, ...await writeChart(`${out}/compare_model`, svg)];
}

if (import.meta.main) {
  for (const file of await writeModelComparison("runs/compare")) console.log(`wrote ${file}`);
}
