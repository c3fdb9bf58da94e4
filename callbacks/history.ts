/**
 * `History`: records every epoch's logs; `fit` always adds one and returns it.
 *
 * @module
 */
import { Callback, type Logs } from "./callback.ts";

/**
 * The record of a `fit` run: `history.loss`, `history.val_accuracy`, … one
 * number per epoch.
 */
export class History extends Callback {
  /** Epoch indices that ran (0-based, `initialEpoch` onwards). */
  epoch: number[] = [];
  /** Each logged key's values, one per epoch. */
  history: Record<string, number[]> = {};

  /** Starts a new list of epochs. */
  override onTrainBegin(): Promise<void> {
    this.epoch = [];
    return Promise.resolve();
  }

  /** Appends every logged value. */
  override onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      (this.history[key] ??= []).push(value);
    }
    return Promise.resolve();
  }
}
