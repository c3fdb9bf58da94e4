/**
 * `LambdaCallback`: a callback made of plain functions, for one-off hooks.
 *
 * @module
 */
import { Callback, type Logs } from "./callback.ts";

/** A hook without an index: `(logs) => void`, sync or async. */
export type RunHook = (logs: Logs) => void | Promise<void>;
/** A hook with an epoch or batch index: `(index, logs) => void`, sync or async. */
export type IndexedHook = (index: number, logs: Logs) => void | Promise<void>;

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
  /** After each prediction batch. @default undefined */
  onPredictBatchEnd?: IndexedHook;
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
  override async onTrainBegin(logs: Logs = {}): Promise<void> {
    await this.#fns.onTrainBegin?.(logs);
  }
  /** Calls the `onTrainEnd` function, if given. */
  override async onTrainEnd(logs: Logs = {}): Promise<void> {
    await this.#fns.onTrainEnd?.(logs);
  }
  /** Calls the `onEpochBegin` function, if given. */
  override async onEpochBegin(epoch: number, logs: Logs = {}): Promise<void> {
    await this.#fns.onEpochBegin?.(epoch, logs);
  }
  /** Calls the `onEpochEnd` function, if given. */
  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    await this.#fns.onEpochEnd?.(epoch, logs);
  }
  /** Calls the `onTrainBatchBegin` function, if given. */
  override async onTrainBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    await this.#fns.onTrainBatchBegin?.(batch, logs);
  }
  /** Calls the `onTrainBatchEnd` function, if given. */
  override async onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    await this.#fns.onTrainBatchEnd?.(batch, logs);
  }
  /** Calls the `onTestBegin` function, if given. */
  override async onTestBegin(logs: Logs = {}): Promise<void> {
    await this.#fns.onTestBegin?.(logs);
  }
  /** Calls the `onTestEnd` function, if given. */
  override async onTestEnd(logs: Logs = {}): Promise<void> {
    await this.#fns.onTestEnd?.(logs);
  }
  /** Calls the `onTestBatchBegin` function, if given. */
  override async onTestBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    await this.#fns.onTestBatchBegin?.(batch, logs);
  }
  /** Calls the `onTestBatchEnd` function, if given. */
  override async onTestBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    await this.#fns.onTestBatchEnd?.(batch, logs);
  }
  /** Calls the `onPredictBegin` function, if given. */
  override async onPredictBegin(logs: Logs = {}): Promise<void> {
    await this.#fns.onPredictBegin?.(logs);
  }
  /** Calls the `onPredictEnd` function, if given. */
  override async onPredictEnd(logs: Logs = {}): Promise<void> {
    await this.#fns.onPredictEnd?.(logs);
  }
  /** Calls the `onPredictBatchBegin` function, if given. */
  override async onPredictBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    await this.#fns.onPredictBatchBegin?.(batch, logs);
  }
  /** Calls the `onPredictBatchEnd` function, if given. */
  override async onPredictBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    await this.#fns.onPredictBatchEnd?.(batch, logs);
  }
}
