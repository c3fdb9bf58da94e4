/**
 * `TerminateOnNaN`: stops training as soon as the loss becomes NaN or infinite.
 *
 * @module
 */
import { Callback, type Logs } from "./callback.ts";
import { boolean } from "../engine/validate.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Options of `TerminateOnNaN`. */
export interface TerminateOnNaNOptions {
  /** Throw a RangeError instead of stopping `fit` quietly. @default false */
  raiseError?: boolean;
}

/**
 * Watches the loss after every training batch; when it is NaN or infinite,
 * sets `model.stopTraining` (the epoch ends after this batch and `fit`
 * returns its History) or, with `raiseError`, throws a RangeError from `fit`.
 *
 * @example
 * ```ts
 * import { callbacks } from "../mod.ts";
 * const guard = new callbacks.TerminateOnNaN({ raiseError: true });
 * console.log(guard.raiseError); // true
 * ```
 */
export class TerminateOnNaN extends Callback {
  /** Whether a bad loss throws. */
  readonly raiseError: boolean;
  #epoch = 0;

  /** The keys of {@link TerminateOnNaNOptions}. */
  static optionKeys: readonly string[] = [
    "raiseError",
  ] satisfies (keyof TerminateOnNaNOptions)[];

  /**
   * Checks the options.
   *
   * @param options See `TerminateOnNaNOptions`.
   */
  constructor(options: TerminateOnNaNOptions = {}) {
    checkClassOptions(`create ${new.target.name}`, new.target, options);
    super();
    this.raiseError = boolean("create TerminateOnNaN", "raiseError", options.raiseError ?? false);
  }

  /** Remembers the epoch, for the message. */
  override onEpochBegin(epoch: number): Promise<void> {
    this.#epoch = epoch;
    return Promise.resolve();
  }

  /** Stops training (or throws) when the loss is NaN or infinite. */
  override onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    const loss = logs.loss;
    if (typeof loss !== "number" || Number.isFinite(loss)) return Promise.resolve();
    if (this.raiseError) {
      throw new RangeError(
        `Training stopped as the loss became ${loss} at batch ${batch} of epoch ${
          this.#epoch + 1
        }: lower the learning rate, check the data for NaN/Inf, or clip gradients`,
      );
    }
    console.log(`Batch ${batch}: invalid loss ${loss}, terminating training`);
    this.model!.stopTraining = true;
    return Promise.resolve();
  }
}
