/**
 * The lesson's seven solvers as kerno optimizers: SGD, Momentum, Nesterov,
 * Adagrad, Adadelta, RMSprop and Adam, with the learning rates at which each
 * shows its best on the 2-D test functions.
 *
 * @module
 */
import { optimizers } from "../mod.ts";
import type { TestFunctionName } from "./test_functions.ts";

/** The solvers' command-line names. */
export type SolverName =
  | "sgd"
  | "momentum"
  | "nesterov"
  | "adagrad"
  | "adadelta"
  | "rmsprop"
  | "adam";

/** Every solver, in the lesson's order. */
export const SOLVER_NAMES: readonly SolverName[] = [
  "sgd",
  "momentum",
  "nesterov",
  "adagrad",
  "adadelta",
  "rmsprop",
  "adam",
];

/** The names shown in legends. */
export const SOLVER_LABELS: Record<SolverName, string> = {
  sgd: "SGD",
  momentum: "Momentum",
  nesterov: "Nesterov",
  adagrad: "Adagrad",
  adadelta: "Adadelta",
  rmsprop: "RMSprop",
  adam: "Adam",
};

/**
 * Makes a solver: Keras's defaults except the learning rate; Momentum and
 * Nesterov use momentum 0.9.
 *
 * @param name The solver.
 * @param learningRate Its learning rate.
 * @returns A new optimizer.
 */
export function makeSolver(name: SolverName, learningRate: number): optimizers.Optimizer {
  switch (name) {
    case "sgd":
      return new optimizers.SGD({ learningRate });
    case "momentum":
      return new optimizers.SGD({ learningRate, momentum: 0.9 });
    case "nesterov":
      return new optimizers.SGD({ learningRate, momentum: 0.9, nesterov: true });
    case "adagrad":
      return new optimizers.Adagrad({ learningRate });
    case "adadelta":
      return new optimizers.Adadelta({ learningRate });
    case "rmsprop":
      return new optimizers.RMSprop({ learningRate });
    case "adam":
      return new optimizers.Adam({ learningRate });
  }
}

/**
 * Default learning rates per test function. For Beale, Rosenbrock and
 * Himmelblau each is the rate, from a grid of half-decades (1e-5 … 30), with
 * the lowest mean log10 loss over the function's default number of steps from
 * its start point, among the rates whose path never jumps more than a tenth of
 * the plot in one step (fast and steady beats fast and erratic); for the unbounded
 * saddle, rates at which every path is seen leaving the saddle on the plot.
 */
export const DEFAULT_LEARNING_RATES: Record<TestFunctionName, Record<SolverName, number>> = {
  beale: {
    sgd: 0.003,
    momentum: 0.003,
    nesterov: 0.003,
    adagrad: 0.3,
    adadelta: 30,
    rmsprop: 0.03,
    adam: 0.3,
  },
  rosenbrock: {
    sgd: 0.001,
    momentum: 0.001,
    nesterov: 0.0003,
    adagrad: 0.1,
    adadelta: 30,
    rmsprop: 0.03,
    adam: 0.1,
  },
  saddle: {
    sgd: 0.01,
    momentum: 0.01,
    nesterov: 0.01,
    adagrad: 0.1,
    adadelta: 1,
    rmsprop: 0.01,
    adam: 0.01,
  },
  himmelblau: {
    sgd: 0.01,
    momentum: 0.003,
    nesterov: 0.003,
    adagrad: 0.3,
    adadelta: 30,
    rmsprop: 0.1,
    adam: 0.3,
  },
};

/** Default learning rates on a model (`compare --model`). */
export const MODEL_LEARNING_RATES: Record<SolverName, number> = {
  sgd: 0.1,
  momentum: 0.03,
  nesterov: 0.03,
  adagrad: 0.1,
  adadelta: 3,
  rmsprop: 0.01,
  adam: 0.01,
};
