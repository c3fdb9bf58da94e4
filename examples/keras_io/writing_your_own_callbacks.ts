/**
 * keras.io guide "Writing your own callbacks", ported to kerno: a callback
 * that overrides every hook and reports the log keys it gets (used in `fit`,
 * `evaluate` and `predict`), one that reads `logs.loss` and
 * `logs.mean_absolute_error`, early stopping at the minimum loss through
 * `this.model.stop_training` and `getWeights`/`setWeights`, and a
 * learning-rate scheduler that sets `this.model.optimizer.learningRate`
 * each epoch. The hooks are plain synchronous methods, as in Keras.
 *
 * The guide regresses MNIST's label with a single Dense unit
 * (`mean_squared_error`, `mean_absolute_error`); here the bundled 8×8 digits
 * stand in for MNIST: pixels scaled to 0..1, the digit itself the target, the
 * first 1,000 images for training and the other 797 for testing.
 *
 * Run: `deno run -A examples/keras_io/writing_your_own_callbacks.ts`
 *
 * @module
 */
import { callbacks, datasets, layers, optimizers, Sequential, setSeed, tf } from "../../mod.ts";

/** Where a callback's lines go (`console.log` when run as a script). */
export type Print = (line: string) => void;

/** The log keys, as the guide prints them: `['loss', 'mean_absolute_error']`. */
function keys(logs?: object): string {
  return `[${Object.keys(logs ?? {}).map((k) => `'${k}'`).join(", ")}]`;
}

/**
 * The guide's `CustomCallback`: every hook reports that it ran and which log
 * keys it got. Each line is kept in `lines` (and the hook's name in `hooks`)
 * as well as printed.
 */
export class CustomCallback extends callbacks.Callback {
  /** Every line reported, in order. */
  readonly lines: string[] = [];
  /** The hook that reported each line, in order. */
  readonly hooks: string[] = [];

  /**
   * Creates the callback.
   *
   * @param print Where the lines are printed as well. @default console.log
   */
  constructor(private readonly print: Print = console.log) {
    super();
  }

  private report(hook: string, line: string): void {
    this.hooks.push(hook);
    this.lines.push(line);
    this.print(line);
  }

  override onTrainBegin(logs?: callbacks.Logs): void {
    this.report("onTrainBegin", `Starting training; got log keys: ${keys(logs)}`);
  }

  override onTrainEnd(logs?: callbacks.Logs): void {
    this.report("onTrainEnd", `Stop training; got log keys: ${keys(logs)}`);
  }

  override onEpochBegin(epoch: number, logs?: callbacks.Logs): void {
    this.report("onEpochBegin", `Start epoch ${epoch} of training; got log keys: ${keys(logs)}`);
  }

  override onEpochEnd(epoch: number, logs?: callbacks.Logs): void {
    this.report("onEpochEnd", `End epoch ${epoch} of training; got log keys: ${keys(logs)}`);
  }

  override onTestBegin(logs?: callbacks.Logs): void {
    this.report("onTestBegin", `Start testing; got log keys: ${keys(logs)}`);
  }

  override onTestEnd(logs?: callbacks.Logs): void {
    this.report("onTestEnd", `Stop testing; got log keys: ${keys(logs)}`);
  }

  override onPredictBegin(logs?: callbacks.Logs): void {
    this.report("onPredictBegin", `Start predicting; got log keys: ${keys(logs)}`);
  }

  override onPredictEnd(logs?: callbacks.Logs): void {
    this.report("onPredictEnd", `Stop predicting; got log keys: ${keys(logs)}`);
  }

  override onTrainBatchBegin(batch: number, logs?: callbacks.Logs): void {
    this.report(
      "onTrainBatchBegin",
      `...Training: start of batch ${batch}; got log keys: ${keys(logs)}`,
    );
  }

  override onTrainBatchEnd(batch: number, logs?: callbacks.Logs): void {
    this.report(
      "onTrainBatchEnd",
      `...Training: end of batch ${batch}; got log keys: ${keys(logs)}`,
    );
  }

  override onTestBatchBegin(batch: number, logs?: callbacks.Logs): void {
    this.report(
      "onTestBatchBegin",
      `...Evaluating: start of batch ${batch}; got log keys: ${keys(logs)}`,
    );
  }

  override onTestBatchEnd(batch: number, logs?: callbacks.Logs): void {
    this.report(
      "onTestBatchEnd",
      `...Evaluating: end of batch ${batch}; got log keys: ${keys(logs)}`,
    );
  }

  override onPredictBatchBegin(batch: number, logs?: callbacks.Logs): void {
    this.report(
      "onPredictBatchBegin",
      `...Predicting: start of batch ${batch}; got log keys: ${keys(logs)}`,
    );
  }

  override onPredictBatchEnd(batch: number, logs: callbacks.PredictBatchLogs): void {
    this.report(
      "onPredictBatchEnd",
      `...Predicting: end of batch ${batch}; got log keys: ${keys(logs)}`,
    );
  }
}

/** The guide's `LossAndErrorPrintingCallback`: the running loss, and each epoch's mean absolute error. */
export class LossAndErrorPrintingCallback extends callbacks.Callback {
  /**
   * Creates the callback.
   *
   * @param print Where the lines go. @default console.log
   */
  constructor(private readonly print: Print = console.log) {
    super();
  }

  override onTrainBatchEnd(batch: number, logs: callbacks.Logs): void {
    this.print(`Up to batch ${batch}, the average loss is ${logs.loss.toFixed(2).padStart(7)}.`);
  }

  override onTestBatchEnd(batch: number, logs: callbacks.Logs): void {
    this.print(`Up to batch ${batch}, the average loss is ${logs.loss.toFixed(2).padStart(7)}.`);
  }

  override onEpochEnd(epoch: number, logs: callbacks.Logs): void {
    this.print(
      `The average loss for epoch ${epoch} is ${logs.loss.toFixed(2).padStart(7)} ` +
        `and mean absolute error is ${logs.mean_absolute_error.toFixed(2).padStart(7)}.`,
    );
  }
}

/**
 * The guide's `EarlyStoppingAtMinLoss`: stops training when the loss stops
 * decreasing, and puts back the weights of the epoch with the lowest loss.
 * (`callbacks.EarlyStopping` is the complete version.)
 */
export class EarlyStoppingAtMinLoss extends callbacks.Callback {
  /** Epochs without improvement after which training stops. */
  readonly patience: number;
  /** The weights at the end of the epoch with the lowest loss. */
  bestWeights: tf.Tensor[] | null = null;
  /** Epochs waited since the lowest loss. */
  wait = 0;
  /** The epoch training stopped at (0 when it did not stop). */
  stoppedEpoch = 0;
  /** The lowest epoch loss so far. */
  best = Infinity;

  /**
   * Creates the callback.
   *
   * @param patience Epochs to wait after the minimum before stopping. @default 0
   * @param print Where the messages go. @default console.log
   */
  constructor(patience = 0, private readonly print: Print = console.log) {
    super();
    this.patience = patience;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = Infinity;
  }

  override onEpochEnd(epoch: number, logs: callbacks.Logs): void {
    const current = logs.loss;
    if (current < this.best) {
      this.best = current;
      this.wait = 0;
      // Keep the weights of the best epoch (freeing the previous copy).
      tf.dispose(this.bestWeights ?? []);
      this.bestWeights = this.model.getWeights();
    } else {
      this.wait += 1;
      if (this.wait >= this.patience) {
        this.stoppedEpoch = epoch;
        this.model.stop_training = true;
        this.print("Restoring model weights from the end of the best epoch.");
        this.model.setWeights(this.bestWeights!);
      }
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0) this.print(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    tf.dispose(this.bestWeights ?? []);
    this.bestWeights = null;
  }
}

/**
 * A schedule for {@link CustomLearningRateScheduler}: the epoch index and
 * the current rate in, the rate for that epoch out.
 */
export type Schedule = (epoch: number, lr: number) => number;

/**
 * The guide's `CustomLearningRateScheduler`: sets the optimizer's learning
 * rate from `schedule` before every epoch. (`callbacks.LearningRateScheduler`
 * is the complete version.) The rate of each epoch is kept in `rates`.
 */
export class CustomLearningRateScheduler extends callbacks.Callback {
  /** The rate set for each epoch, in order. */
  readonly rates: number[] = [];

  /**
   * Creates the callback.
   *
   * @param schedule The epoch and current rate to the epoch's rate.
   * @param print Where the messages go. @default console.log
   */
  constructor(readonly schedule: Schedule, private readonly print: Print = console.log) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    if (!("learningRate" in this.model.optimizer)) {
      throw new TypeError('Optimizer must have a "learningRate" attribute.');
    }
    // Get the current learning rate from the model's optimizer.
    const lr = this.model.optimizer.learningRate;
    // Call the schedule to get the scheduled learning rate.
    const scheduledLr = this.schedule(epoch, lr);
    // Set it on the optimizer before this epoch starts.
    this.model.optimizer.learningRate = scheduledLr;
    this.rates.push(scheduledLr);
    this.print(`\nEpoch ${epoch}: Learning rate is ${scheduledLr}.`);
  }
}

/** `[epoch to start, learning rate]` pairs. */
export const LR_SCHEDULE: readonly (readonly [number, number])[] = [
  [3, 0.05],
  [6, 0.01],
  [9, 0.005],
  [12, 0.001],
];

/**
 * The guide's `lr_schedule`: the rate of `LR_SCHEDULE` starting at `epoch`,
 * else the current rate.
 *
 * @param epoch The epoch index.
 * @param lr The current rate.
 * @returns The rate for the epoch.
 */
export function lrSchedule(epoch: number, lr: number): number {
  if (epoch < LR_SCHEDULE[0][0] || epoch > LR_SCHEDULE[LR_SCHEDULE.length - 1][0]) return lr;
  for (const [start, rate] of LR_SCHEDULE) {
    if (epoch === start) return rate;
  }
  return lr;
}

/**
 * The guide's model: one Dense unit on the flattened image, RMSprop at 0.1,
 * mean squared error, mean absolute error as a metric.
 *
 * @returns The compiled model.
 */
export function getModel(): Sequential {
  const model = new Sequential();
  model.add(new layers.Dense(1, { inputShape: [64] }));
  model.compile({
    optimizer: new optimizers.RMSprop({ learningRate: 0.1 }),
    loss: "mean_squared_error",
    metrics: ["mean_absolute_error"],
  });
  return model;
}

/** The data: the first 1,000 digits to train on, the other 797 to test on. */
export interface Data {
  /** Training images, `[1000, 64]`, scaled to 0..1. */
  xTrain: tf.Tensor;
  /** Training targets: the digit, `[1000]`, float32. */
  yTrain: tf.Tensor;
  /** Test images, `[797, 64]`. */
  xTest: tf.Tensor;
  /** Test targets, `[797]`. */
  yTest: tf.Tensor;
}

/**
 * Loads the digits, scales the pixels to 0..1 and splits them.
 *
 * @returns The four tensors (the caller disposes them).
 */
export async function loadData(): Promise<Data> {
  const digits = await datasets.digits();
  const data = tf.tidy(() => {
    const x = tf.div(digits.x, 16);
    const y = tf.cast(digits.y, "float32");
    const n = x.shape[0];
    return {
      xTrain: tf.slice(x, [0, 0], [1000, -1]),
      yTrain: tf.slice(y, [0], [1000]),
      xTest: tf.slice(x, [1000, 0], [n - 1000, -1]),
      yTest: tf.slice(y, [1000], [n - 1000]),
    };
  });
  tf.dispose([digits.x, digits.y]);
  return data;
}

/** What {@link main} reports. */
export interface Result {
  /** The `CustomCallback` hook names in call order, for `fit`, `evaluate` and `predict`. */
  hooks: { fit: string[]; evaluate: string[]; predict: string[] };
  /** The `CustomCallback` lines, for `fit`, `evaluate` and `predict`. */
  lines: { fit: string[]; evaluate: string[]; predict: string[] };
  /** The shape `predict` returned. */
  predictShape: number[];
  /** The learning rate the scheduler set for each epoch. */
  scheduledRates: number[];
  /** The learning rate the training logs recorded for each epoch. */
  loggedRates: number[];
  /** The epoch `EarlyStoppingAtMinLoss` stopped at (0 if it did not). */
  stoppedEpoch: number;
  /** The epochs that ran before it stopped. */
  epochsRun: number;
  /** Each epoch's training loss in that run. */
  epochLosses: number[];
  /** The lowest of them. */
  bestLoss: number;
  /** The test loss after the learning-rate scheduling run. */
  loss: number;
}

/**
 * Runs the guide: `CustomCallback` through `fit`, `evaluate` and `predict`,
 * `LossAndErrorPrintingCallback`, early stopping at the minimum loss, and
 * learning-rate scheduling.
 *
 * @param options Where the callbacks' lines go (nowhere by default), the
 *   early-stopping patience and the epochs of the last two runs.
 * @returns What each part recorded.
 */
export async function main(
  options: { print?: Print; patience?: number; stopEpochs?: number; scheduleEpochs?: number } = {},
): Promise<Result> {
  setSeed(3);
  const print = options.print ?? (() => {});
  const { xTrain, yTrain, xTest, yTest } = await loadData();

  // A basic example: every hook, in fit, evaluate and predict.
  let model = getModel();
  const inFit = new CustomCallback(print);
  await model.fit(xTrain, yTrain, {
    batchSize: 128,
    epochs: 1,
    verbose: 0,
    validationSplit: 0.5,
    callbacks: [inFit],
  });
  const inEvaluate = new CustomCallback(print);
  await model.evaluate(xTest, yTest, { batchSize: 128, verbose: 0, callbacks: [inEvaluate] });
  const inPredict = new CustomCallback(print);
  const predictions = model.predict(xTest, { batchSize: 128, callbacks: [inPredict] });
  const predictShape = predictions.shape;
  predictions.dispose();
  model.dispose();

  // Usage of the logs: the running loss and the mean absolute error.
  model = getModel();
  await model.fit(xTrain, yTrain, {
    batchSize: 128,
    epochs: 2,
    verbose: 0,
    callbacks: [new LossAndErrorPrintingCallback(print)],
  });
  await model.evaluate(xTest, yTest, {
    batchSize: 128,
    verbose: 0,
    callbacks: [new LossAndErrorPrintingCallback(print)],
  });
  model.dispose();

  // Early stopping at the minimum loss.
  model = getModel();
  const earlyStopping = new EarlyStoppingAtMinLoss(options.patience ?? 0, print);
  const history = await model.fit(xTrain, yTrain, {
    batchSize: 64,
    epochs: options.stopEpochs ?? 30,
    verbose: 0,
    callbacks: [new LossAndErrorPrintingCallback(print), earlyStopping],
  });
  model.dispose();

  // Learning-rate scheduling.
  model = getModel();
  const scheduler = new CustomLearningRateScheduler(lrSchedule, print);
  const scheduled = await model.fit(xTrain, yTrain, {
    batchSize: 64,
    epochs: options.scheduleEpochs ?? 15,
    verbose: 0,
    callbacks: [new LossAndErrorPrintingCallback(print), scheduler],
  });
  const score = await model.evaluate(xTest, yTest, { batchSize: 128, verbose: 0 });
  model.dispose();

  tf.dispose([xTrain, yTrain, xTest, yTest]);
  const epochLosses = history.history.loss;
  return {
    hooks: { fit: inFit.hooks, evaluate: inEvaluate.hooks, predict: inPredict.hooks },
    lines: { fit: inFit.lines, evaluate: inEvaluate.lines, predict: inPredict.lines },
    predictShape,
    scheduledRates: scheduler.rates,
    loggedRates: scheduled.history.learning_rate,
    stoppedEpoch: earlyStopping.stoppedEpoch,
    epochsRun: history.epoch.length,
    epochLosses,
    bestLoss: Math.min(...epochLosses),
    loss: score.loss,
  };
}

if (import.meta.main) {
  const result = await main({ print: console.log });
  console.log(`\nTest loss after learning-rate scheduling: ${result.loss.toFixed(4)}`);
}
