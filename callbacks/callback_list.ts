/**
 * `CallbackList`: tells every callback, in order, what the loop is doing.
 *
 * @module
 */
import type { Model } from "../engine/model.ts";
import type { Callback, CallbackParams, Logs } from "./callback.ts";

/** The hooks without an index. */
export type RunHookName =
  | "onTrainBegin"
  | "onTrainEnd"
  | "onTestBegin"
  | "onTestEnd"
  | "onPredictBegin"
  | "onPredictEnd";
/** The hooks with an epoch or batch index. */
export type IndexedHookName =
  | "onEpochBegin"
  | "onEpochEnd"
  | "onTrainBatchBegin"
  | "onTrainBatchEnd"
  | "onTestBatchBegin"
  | "onTestBatchEnd"
  | "onPredictBatchBegin"
  | "onPredictBatchEnd";

/** A list of callbacks called in order. */
export class CallbackList {
  /** The callbacks, in call order. */
  readonly callbacks: Callback[];

  /**
   * Gives every callback the model and the run's parameters.
   *
   * @param callbacks The callbacks.
   * @param model The model they watch.
   * @param params The run's parameters.
   */
  constructor(callbacks: Callback[], model: Model, params: CallbackParams) {
    this.callbacks = callbacks;
    for (const c of callbacks) {
      c.setModel(model);
      c.setParams(params);
    }
  }

  /**
   * Calls a run-level hook on every callback, awaiting each in turn.
   *
   * @param hook The hook's name.
   * @param logs The logs passed along (one object shared by all).
   * @returns When every callback is done.
   */
  async call(hook: RunHookName, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c[hook](logs);
  }

  /**
   * Calls an epoch- or batch-level hook on every callback, awaiting each in turn.
   *
   * @param hook The hook's name.
   * @param index The epoch or batch index.
   * @param logs The logs passed along (one object shared by all).
   * @returns When every callback is done.
   */
  async callAt(hook: IndexedHookName, index: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c[hook](index, logs);
  }
}
