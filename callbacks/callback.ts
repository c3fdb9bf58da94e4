/**
 * `Callback`: hooks that `fit`, `evaluate` and `predict` call as they run.
 *
 * @module
 */
import type { Model } from "../engine/model.ts";

/** Numbers logged by the training loop: `loss`, metrics, `val_` versions, `learning_rate`. */
export type Logs = Record<string, number>;

/** What the loop tells callbacks about the run. */
export interface CallbackParams {
  /** Number of epochs `fit` runs. */
  epochs: number;
  /** Batches per epoch, or `null` when unknown (a Dataset's first epoch). */
  steps: number | null;
  /** The verbosity `fit` was called with. */
  verbose: number;
}

/**
 * Base class of callbacks: every hook is an async no-op; override the ones
 * you need. `this.model` and `this.params` are set before the first hook.
 *
 * @example
 * ```ts
 * import { callbacks } from "../mod.ts";
 * class PrintLoss extends callbacks.Callback {
 *   override onEpochEnd(epoch: number, logs: callbacks.Logs): Promise<void> {
 *     console.log(epoch, logs.loss);
 *     return Promise.resolve();
 *   }
 * }
 * console.log(new PrintLoss() instanceof callbacks.Callback); // true
 * ```
 */
export class Callback {
  /** The model being trained, evaluated or run. */
  model: Model | null = null;
  /** The run's parameters. */
  params: CallbackParams = { epochs: 0, steps: null, verbose: 0 };

  /**
   * Attaches the model the hooks act on.
   *
   * @param model The model.
   */
  setModel(model: Model): void {
    this.model = model;
  }
  /**
   * Sets the run's parameters (epochs, steps, verbose).
   *
   * @param params The run's parameters.
   */
  setParams(params: CallbackParams): void {
    this.params = params;
  }
  /** Called once before training. */
  async onTrainBegin(_logs?: Logs): Promise<void> {}
  /** Called once after training. */
  async onTrainEnd(_logs?: Logs): Promise<void> {}
  /** Called at the start of every epoch. */
  async onEpochBegin(_epoch: number, _logs?: Logs): Promise<void> {}
  /** Called at the end of every epoch with its logs (validation included). */
  async onEpochEnd(_epoch: number, _logs?: Logs): Promise<void> {}
  /** Called before each training batch. */
  async onTrainBatchBegin(_batch: number, _logs?: Logs): Promise<void> {}
  /** Called after each training batch with running means over the epoch so far. */
  async onTrainBatchEnd(_batch: number, _logs?: Logs): Promise<void> {}
  /** Called before evaluation (also `fit`'s validation). */
  async onTestBegin(_logs?: Logs): Promise<void> {}
  /** Called after evaluation. */
  async onTestEnd(_logs?: Logs): Promise<void> {}
  /** Called before each evaluation batch. */
  async onTestBatchBegin(_batch: number, _logs?: Logs): Promise<void> {}
  /** Called after each evaluation batch. */
  async onTestBatchEnd(_batch: number, _logs?: Logs): Promise<void> {}
  /** Called before prediction. */
  async onPredictBegin(_logs?: Logs): Promise<void> {}
  /** Called after prediction. */
  async onPredictEnd(_logs?: Logs): Promise<void> {}
  /** Called before each prediction batch. */
  async onPredictBatchBegin(_batch: number, _logs?: Logs): Promise<void> {}
  /** Called after each prediction batch. */
  async onPredictBatchEnd(_batch: number, _logs?: Logs): Promise<void> {}
}
