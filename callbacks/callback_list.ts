/**
 * `CallbackList`: tells every callback, in order, what the loop is doing.
 *
 * @module
 */
import type { Model } from "../engine/model.ts";
import type { Callback, CallbackParams, Logs } from "./callback.ts";

type Hook =
  | "onTrainBegin"
  | "onTrainEnd"
  | "onTestBegin"
  | "onTestEnd"
  | "onPredictBegin"
  | "onPredictEnd";
type IndexedHook =
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

  /** Calls a run-level hook on every callback. */
  async call(hook: Hook, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c[hook](logs);
  }

  /** Calls an epoch- or batch-level hook on every callback. */
  async callAt(hook: IndexedHook, index: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c[hook](index, logs);
  }
}
