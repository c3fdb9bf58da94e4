/**
 * `LambdaCallback`: a callback made of plain functions, for one-off hooks.
 *
 * @module
 */
import { Callback, type HookResult, type Logs, type PredictBatchLogs } from "./callback.ts";

/** A hook without an index: `(logs) => void`, sync or async. */
export type RunHook = (logs: Logs) => void | Promise<void>;
/** A hook with an epoch or batch index: `(index, logs) => void`, sync or async. */
export type IndexedHook = (index: number, logs: Logs) => void | Promise<void>;
/** `onPredictBatchEnd`: `(batch, { outputs }) => void`, sync or async (see `PredictBatchLogs`). */
export type PredictBatchHook = (batch: number, logs: PredictBatchLogs) => void | Promise<void>;

/** The functions of a `LambdaCallback`; every one is optional. */
export interface LambdaCallbackOptions {
  /** Before training. @default undefined */
  onTrainBegin?: RunHook;
  /** After training, with the last epoch's logs. @default undefined */
  onTrainEnd?: RunHook;
  /** At the start of each epoch. @default undefined */
  onEpochBegin?: IndexedHook;
  /** At the end of each epoch, with its logs. @default undefined */
  onEpochEnd?: IndexedHook;
  /** Before each training batch. @default undefined */
  onTrainBatchBegin?: IndexedHook;
  /** After each training batch (running means; `model.batchLogs` has the raw values). @default undefined */
  onTrainBatchEnd?: IndexedHook;
  /** Before evaluation. @default undefined */
  onTestBegin?: RunHook;
  /** After evaluation. @default undefined */
  onTestEnd?: RunHook;
  /** Before each evaluation batch. @default undefined */
  onTestBatchBegin?: IndexedHook;
  /** After each evaluation batch. @default undefined */
  onTestBatchEnd?: IndexedHook;
  /** Before prediction. @default undefined */
  onPredictBegin?: RunHook;
  /** After prediction. @default undefined */
  onPredictEnd?: RunHook;
  /** Before each prediction batch. @default undefined */
  onPredictBatchBegin?: IndexedHook;
  /** After each prediction batch, with its predictions as `logs.outputs`. @default undefined */
  onPredictBatchEnd?: PredictBatchHook;
}

const HOOKS: readonly (keyof LambdaCallbackOptions)[] = [
  "onTrainBegin",
  "onTrainEnd",
  "onEpochBegin",
  "onEpochEnd",
  "onTrainBatchBegin",
  "onTrainBatchEnd",
  "onTestBegin",
  "onTestEnd",
  "onTestBatchBegin",
  "onTestBatchEnd",
  "onPredictBegin",
  "onPredictEnd",
  "onPredictBatchBegin",
  "onPredictBatchEnd",
];

/**
 * A callback built from functions; hooks that are not given do nothing.
 * Each function receives the same logs object the other callbacks see.
 *
 * @example
 * ```ts
 * import { callbacks } from "../mod.ts";
 * const printer = new callbacks.LambdaCallback({
 *   onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss),
 * });
 * console.log(printer instanceof callbacks.Callback); // true
 * ```
 */
export class LambdaCallback extends Callback {
  readonly #fns: LambdaCallbackOptions;

  /**
   * Wraps the given functions.
   *
   * @param hooks The functions; see `LambdaCallbackOptions`.
   */
  constructor(hooks: LambdaCallbackOptions = {}) {
    super();
    if (hooks === null || typeof hooks !== "object") {
      throw new TypeError(
        `Cannot create LambdaCallback as "hooks" must be an object such as { onEpochEnd: (epoch, logs) => {} }: received ${
          String(hooks)
        }`,
      );
    }
    for (const [key, fn] of Object.entries(hooks)) {
      if (!HOOKS.includes(key as keyof LambdaCallbackOptions)) {
        throw new TypeError(
          `Cannot create LambdaCallback as "${key}" is not a hook: expected one of ${
            HOOKS.join(", ")
          }`,
        );
      }
      if (fn !== undefined && typeof fn !== "function") {
        throw new TypeError(
          `Cannot create LambdaCallback as "${key}" must be a function: received ${typeof fn}`,
        );
      }
    }
    this.#fns = { ...hooks };
  }

  /** Calls the `onTrainBegin` function, if given. */
  override onTrainBegin(logs: Logs = {}): HookResult {
    return this.#fns.onTrainBegin?.(logs);
  }
  /** Calls the `onTrainEnd` function, if given. */
  override onTrainEnd(logs: Logs = {}): HookResult {
    return this.#fns.onTrainEnd?.(logs);
  }
  /** Calls the `onEpochBegin` function, if given. */
  override onEpochBegin(epoch: number, logs: Logs = {}): HookResult {
    return this.#fns.onEpochBegin?.(epoch, logs);
  }
  /** Calls the `onEpochEnd` function, if given. */
  override onEpochEnd(epoch: number, logs: Logs = {}): HookResult {
    return this.#fns.onEpochEnd?.(epoch, logs);
  }
  /** Calls the `onTrainBatchBegin` function, if given. */
  override onTrainBatchBegin(batch: number, logs: Logs = {}): HookResult {
    return this.#fns.onTrainBatchBegin?.(batch, logs);
  }
  /** Calls the `onTrainBatchEnd` function, if given. */
  override onTrainBatchEnd(batch: number, logs: Logs = {}): HookResult {
    return this.#fns.onTrainBatchEnd?.(batch, logs);
  }
  /** Calls the `onTestBegin` function, if given. */
  override onTestBegin(logs: Logs = {}): HookResult {
    return this.#fns.onTestBegin?.(logs);
  }
  /** Calls the `onTestEnd` function, if given. */
  override onTestEnd(logs: Logs = {}): HookResult {
    return this.#fns.onTestEnd?.(logs);
  }
  /** Calls the `onTestBatchBegin` function, if given. */
  override onTestBatchBegin(batch: number, logs: Logs = {}): HookResult {
    return this.#fns.onTestBatchBegin?.(batch, logs);
  }
  /** Calls the `onTestBatchEnd` function, if given. */
  override onTestBatchEnd(batch: number, logs: Logs = {}): HookResult {
    return this.#fns.onTestBatchEnd?.(batch, logs);
  }
  /** Calls the `onPredictBegin` function, if given. */
  override onPredictBegin(logs: Logs = {}): HookResult {
    return this.#fns.onPredictBegin?.(logs);
  }
  /** Calls the `onPredictEnd` function, if given. */
  override onPredictEnd(logs: Logs = {}): HookResult {
    return this.#fns.onPredictEnd?.(logs);
  }
  /** Calls the `onPredictBatchBegin` function, if given. */
  override onPredictBatchBegin(batch: number, logs: Logs = {}): HookResult {
    return this.#fns.onPredictBatchBegin?.(batch, logs);
  }
  /** Calls the `onPredictBatchEnd` function, if given. */
  override onPredictBatchEnd(batch: number, logs: PredictBatchLogs): HookResult {
    return this.#fns.onPredictBatchEnd?.(batch, logs);
  }
}
