/**
 * `CallbackList`: tells every callback, in order, what the loop is doing.
 *
 * @module
 */
import type { Model } from "../engine/model.ts";
import type { Callback, CallbackParams, HookResult, Logs } from "./callback.ts";

/** The hooks without an index. */
export type RunHookName =
  | "onTrainBegin"
  | "onTrainEnd"
  | "onTestBegin"
  | "onTestEnd"
  | "onPredictBegin"
  | "onPredictEnd";
/** The hooks with an epoch or batch index and numeric logs (`onPredictBatchEnd` gets outputs instead). */
export type IndexedHookName =
  | "onEpochBegin"
  | "onEpochEnd"
  | "onTrainBatchBegin"
  | "onTrainBatchEnd"
  | "onTestBatchBegin"
  | "onTestBatchEnd"
  | "onPredictBatchBegin";
/** Every hook. */
export type HookName = RunHookName | IndexedHookName | "onPredictBatchEnd";

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
    await this.each((c) => c[hook](logs));
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
    await this.each((c) => c[hook](index, logs));
  }

  /**
   * Runs `invoke` on every callback in order; a returned promise is awaited
   * before the next callback is called.
   *
   * @param invoke Calls one hook of one callback.
   * @returns When every callback is done.
   */
  async each(invoke: (callback: Callback) => HookResult): Promise<void> {
    for (const c of this.callbacks) {
      const result = invoke(c);
      if (isPromiseLike(result)) await result;
    }
  }

  /**
   * Runs `invoke` on every callback in order, synchronously (`predict`'s
   * hooks): a hook that returns a promise is an error, since nothing can wait
   * for it.
   *
   * @param hook The hook `invoke` calls, for the error message.
   * @param invoke Calls that hook of one callback.
   * @param method The synchronous caller (`"predict"`); its asynchronous form is `<method>Async`.
   * @throws {TypeError} If a hook returns a promise.
   */
  eachSync(
    hook: HookName,
    invoke: (callback: Callback) => HookResult,
    method: string,
  ): void {
    for (const c of this.callbacks) {
      if (isPromiseLike(invoke(c))) {
        throw new TypeError(
          `Cannot ${method} as ${c.constructor.name}.${hook} returned a promise, which the synchronous ${method} cannot wait for: call "await model.${method}Async(x, options)" to run asynchronous hooks, or make the hook synchronous`,
        );
      }
    }
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}
