/**
 * The command line's help texts and its usage error. Internal.
 *
 * @module
 */

/** A bad command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

/**
 * Makes the one-line usage error of a command.
 *
 * @param command The command ("" for none).
 * @param message What was wrong.
 * @returns The error.
 */
export function usageError(command: string, message: string): UsageError {
  const where = command === "" ? "kerno" : `kerno ${command}`;
  return new UsageError(`${where}: ${message} (see: kerno ${command ? `${command} ` : ""}--help)`);
}

/** Help text per command. */
export const HELP: Record<"main" | "demo" | "train" | "compare", string> = {
  main: `kerno: Keras-style deep learning for Deno

Usage: deno task kerno <command> [options]      (or: deno run -A cli.ts <command>)

Commands:
  demo      train a network on the bundled handwritten digits and chart it
  train     train a preset network on a bundled data set or a CSV file
  compare   the solvers side by side on 2-D test functions or on a small model

Run "deno task kerno <command> --help" for a command's options.`,
  demo: `Usage: deno task demo [options]

Trains a small network on the bundled digits (progress bar, 10% validation split,
exponential learning-rate decay, early stopping), prints the accuracy on a
held-out 20% and the confusion matrix, and writes the saved model (model/),
history.csv and curves.svg/.png.

Options:
  --epochs N       most epochs (early stopping may end sooner)   [default: 40]
  --model NAME     cnn or mlp             [default: cnn with BLAS, else mlp]
  --verbose 0|1|2  0 silent, 1 progress bar, 2 one line per epoch [default: 1]
  --out DIR        output folder                          [default: runs/demo]
  -h, --help       this text`,
  train: `Usage: deno task kerno train <data> [options]

<data> is a bundled data set (digits, iris, breast_cancer, diabetes) or a CSV
file with a header row (then --target names the column to predict; the other
columns must be numbers). Features are standardised on the training part; 20%
is held out for the test. Writes model/, history.csv and curves.svg/.png.

Options:
  --data NAME|PATH        the data (instead of <data>)
  --target COLUMN         the CSV column to predict
  --model PRESET          mlp, linear or cnn (cnn: digits only)  [default: mlp]
  --hidden 64,32          hidden layer sizes of mlp              [default: 64,32]
  --optimizer NAME        sgd, adagrad, adadelta, rmsprop, adam, adamax, nadam,
                          adamw, lion                            [default: adam]
  --lr RATE               initial learning rate                  [default: 0.001]
  --schedule NAME         constant, exponential (x0.9 per epoch) or cosine
                                                                 [default: constant]
  --epochs N              epochs                                 [default: 20]
  --batch-size N|full     samples per step; full = batch gradient descent [default: 32]
  --validation-split F    validation fraction of the training part [default: 0.2]
  --seed N                seed of the split, weights and shuffles [default: 42]
  --verbose 0|1|2         progress display                       [default: 2]
  --out DIR               output folder                          [default: runs/train]
  -h, --help              this text`,
  compare: `Usage: deno task kerno compare [options]
       deno task kerno compare --model [options]

Runs SGD, Momentum, Nesterov, Adagrad, Adadelta, RMSprop and Adam (kerno's own
optimizers on a tf.Variable) from one start point on a 2-D test function and
draws their paths over its contours (compare_<function>.svg/.png) and the loss
per step (compare_<function>_loss.svg/.png). Each solver has its own default
learning rate per function, chosen to show it at its best. --view surface draws
the paths on the function's shaded 3-D surface (compare_<function>_surface.svg/.png).
--animate adds, per view, an animation of the same runs: every solver's marker
moves step by step in lockstep with a fading trail and a step counter, as SVG
(plays in a browser) and GIF (compare_<function>[_surface]_animated.svg/.gif).

With --model: trains the same small network from the same initial weights with
every solver, and with SGD as batch / stochastic / mini-batch gradient descent,
and draws the loss curves (compare_model.svg/.png, compare_model.csv).

Options:
  --function NAME     beale, rosenbrock, saddle, himmelblau or all [default: beale]
  --solvers LIST      comma-separated subset, e.g. sgd,momentum,adam [default: all]
  --lr RATES          learning rates, e.g. adam=0.05,sgd=0.01 (or one number for all)
  --steps N           steps per solver                [default: per function]
  --view NAME         contour, surface (3-D) or both        [default: contour]
  --animate           also write the animations (SVG and GIF)
  --frames N          frames of an animation (at least 2)  [default: 120]
  --duration S        seconds the markers move; the last frame then stays 1.5 s
                                                            [default: 6]
  --model             compare on a small model instead
  --data NAME         with --model: iris, breast_cancer or digits [default: iris]
  --epochs N          with --model: epochs per run          [default: 30]
  --out DIR           output folder                         [default: runs/compare]
  -h, --help          this text`,
};
