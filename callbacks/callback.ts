/**
 * `Callback`: hooks that `fit`, `evaluate` and `predict` call as they run.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import type { Model } from "../engine/model.ts";

/** Numbers logged by the training loop: `loss`, metrics, `val_` versions, `learning_rate`. */
export type Logs = Record<string, number>;

/**
 * What `onPredictBatchEnd` receives, as Keras's `{"outputs": batch_outputs}`:
 * the batch's predictions. `predict` owns the tensor: read it during the hook
 * (it stays valid until `predict` returns), `tf.clone` it to keep it longer,
 * and never dispose it.
 */
export interface PredictBatchLogs {
  /** The batch's predictions, one row per sample of the batch. */
  outputs: tf.Tensor;
}

/**
 * What a hook returns: nothing, or a promise the loop awaits before it goes
 * on (`predict` is synchronous and throws on a promise: use `predictAsync`).
 */
export type HookResult = void | Promise<void>;

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
 * Base class of callbacks: every hook is a no-op; override the ones you need,
 * synchronous (returning nothing) or `async`. `fit`, `evaluate` and
 * `predictAsync` await a returned promise before going on; `predict` (a
 * synchronous call, as Keras's) throws if a hook returns one. `this.model` and
 * `this.params` are set before the first hook.
 *
 * @example
 * ```ts
 * import { callbacks } from "../mod.ts";
 * class PrintLoss extends callbacks.Callback {
 *   override onEpochEnd(epoch: number, logs: callbacks.Logs): void {
 *     console.log(epoch, logs.loss);
 *     if (logs.loss < 0.01) this.model.stopTraining = true;
 *   }
 * }
 * console.log(new PrintLoss() instanceof callbacks.Callback); // true
 * ```
 */
export class Callback {
  #model: Model | null = null;
  /** The run's parameters. */
  params: CallbackParams = { epochs: 0, steps: null, verbose: 0 };

  /**
   * The model being trained, evaluated or run, set by `fit`, `evaluate` and
   * `predict` before the first hook; reading it before that throws.
   *
   * @returns The model.
   */
  get model(): Model {
    if (this.#model === null) {
      throw new TypeError(
        `Cannot read ${this.constructor.name}.model as the callback is not attached to a model yet: pass it to fit, evaluate or predict (which call setModel), or call setModel(model)`,
      );
    }
    return this.#model;
  }
  set model(model: Model) {
    this.#model = model;
  }

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
  onTrainBegin(_logs?: Logs): HookResult {}
  /** Called once after training. */
  onTrainEnd(_logs?: Logs): HookResult {}
  /** Called at the start of every epoch. */
  onEpochBegin(_epoch: number, _logs?: Logs): HookResult {}
  /** Called at the end of every epoch with its logs (validation included). */
  onEpochEnd(_epoch: number, _logs?: Logs): HookResult {}
  /** Called before each training batch. */
  onTrainBatchBegin(_batch: number, _logs?: Logs): HookResult {}
  /** Called after each training batch with running means over the epoch so far. */
  onTrainBatchEnd(_batch: number, _logs?: Logs): HookResult {}
  /** Called before evaluation (also `fit`'s validation). */
  onTestBegin(_logs?: Logs): HookResult {}
  /** Called after evaluation. */
  onTestEnd(_logs?: Logs): HookResult {}
  /** Called before each evaluation batch. */
  onTestBatchBegin(_batch: number, _logs?: Logs): HookResult {}
  /** Called after each evaluation batch. */
  onTestBatchEnd(_batch: number, _logs?: Logs): HookResult {}
  /** Called before prediction. */
  onPredictBegin(_logs?: Logs): HookResult {}
  /** Called after prediction. */
  onPredictEnd(_logs?: Logs): HookResult {}
  /** Called before each prediction batch. */
  onPredictBatchBegin(_batch: number, _logs?: Logs): HookResult {}
  /** Called after each prediction batch with its predictions (`logs.outputs`; see `PredictBatchLogs`). */
  onPredictBatchEnd(_batch: number, _logs: PredictBatchLogs): HookResult {}
}
