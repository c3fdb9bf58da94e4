/**
 * Internal: running the steps of `fit` and `evaluate` and reading their logs.
 *
 * On a backend that reads synchronously (the CPU ones) every step's logs are
 * read as it ends and the batch hooks are told each step, as always. On a
 * backend that reads asynchronously only (`webgpu` on Deno) nothing is read
 * between steps: the loss and the metrics accumulate on the device, and they
 * are read with one `await tensor.data()` once per progress-bar refresh
 * ({@link READ_INTERVAL_MS}) and at the end of the epoch — Keras's
 * `steps_per_execution`: the steps between two reads form one execution,
 * whose first step's index `onTrainBatchBegin` receives and whose last
 * step's index and logs (plain numbers) `onTrainBatchEnd` receives.
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { Model } from "./model.ts";
import type { Batch } from "./epoch_iterator.ts";
import { packXYSampleWeight, readStepLogs, type StepLogs } from "./step_data.ts";
import { readsDeferred } from "./_reads.ts";
import { Metric } from "../metrics/metric.ts";
import type { Logs } from "../callbacks/callback.ts";
import type { CallbackList } from "../callbacks/callback_list.ts";

/**
 * The least time between two reads of the device during `fit` and
 * `evaluate` on a backend that reads asynchronously: the progress bar's
 * refresh interval, in milliseconds.
 */
export const READ_INTERVAL_MS = 50;

/**
 * Runs one step of the model (`model.trainStep` or `model.testStep`) on one
 * batch, inside a `tf.tidy` that ends with the step: tensors the step
 * creates (its predictions) are valid until it returns and freed after; the
 * logs it returns are read into numbers first (synchronously).
 *
 * @param model The model.
 * @param step Which step.
 * @param batch The batch.
 * @param own Whether the model overrides the step (its logs are then also `model.batchLogs`).
 * @returns The step's logs, as numbers.
 */
export function runStep(
  model: Model,
  step: "trainStep" | "testStep",
  batch: Batch,
  own: boolean,
): Logs {
  const data = packXYSampleWeight(batch.x, batch.y, batch.sampleWeight);
  let logs = tf.tidy(() => readStepLogs(model[step](data), step));
  // the default step leaves its metrics on the device where reads are asynchronous
  if (!own && readsDeferred()) logs = metricsResultOrLogs(model, null);
  if (own && step === "trainStep") model.batchLogs = logs;
  return logs;
}

/**
 * {@link runStep} for a backend that reads asynchronously (any backend, in
 * fact): runs the step without reading, then reads its logs and the metrics'
 * device state with one `await tensor.data()` each, for `trainOnBatchAsync`
 * and `testOnBatchAsync`.
 *
 * @param model The model.
 * @param step Which step.
 * @param batch The batch.
 * @param own Whether the model overrides the step.
 * @returns The step's logs, as numbers.
 */
export async function runStepAsync(
  model: Model,
  step: "trainStep" | "testStep",
  batch: Batch,
  own: boolean,
): Promise<Logs> {
  const kept = keepStepLogs(model, step, batch);
  let logs: Logs;
  try {
    await Metric.readDeviceStates(model.metrics);
    logs = await readStepLogsAsync(kept, step);
  } finally {
    disposeStepLogs(kept);
  }
  if (!own) return metricsResultOrLogs(model, null);
  if (step === "trainStep") model.batchLogs = logs;
  return logs;
}

/**
 * Keras's `_get_metrics_result_or_logs`: the results of `model.metrics` when
 * their names are those of the last step's logs (the default steps), else
 * the last step's logs (a step that logs other values).
 *
 * @param model The model.
 * @param last The last step's logs, or `null` when no step ran.
 * @returns The logs.
 */
export function metricsResultOrLogs(model: Model, last: Logs | null): Logs {
  const results: Logs = {};
  for (const m of model.metrics) {
    const value = m.result();
    if (typeof value === "number") results[m.name] = value;
    else value.forEach((v, i) => results[`${m.name}_${i}`] = v);
  }
  if (last === null) return results;
  const names = Object.keys(results);
  const same = names.length === Object.keys(last).length && names.every((k) => k in last);
  return same ? results : { ...last };
}

/**
 * Runs the steps of one epoch (or one evaluation) and tells the batch hooks,
 * reading the logs every step or, on a backend that reads asynchronously,
 * once per {@link READ_INTERVAL_MS} and at the end.
 */
export class StepReader {
  readonly #model: Model;
  readonly #list: CallbackList;
  readonly #phase: "Train" | "Test";
  readonly #own: boolean;
  readonly #deferred: boolean = readsDeferred();
  #last: Logs | null = null;
  #pending: StepLogs | null = null;
  #firstUnread: number | null = null;
  #lastUnread = 0;
  #lastRead = performance.now();

  /**
   * @param model The model.
   * @param list The callbacks to tell.
   * @param phase `"Train"` (trainStep, onTrainBatch*) or `"Test"` (testStep, onTestBatch*).
   * @param own Whether the model overrides the step.
   */
  constructor(model: Model, list: CallbackList, phase: "Train" | "Test", own: boolean) {
    this.#model = model;
    this.#list = list;
    this.#phase = phase;
    this.#own = own;
  }

  /**
   * Runs one step and tells the hooks (at once, or when the device is read).
   *
   * @param index The step's index in the epoch.
   * @param batch The batch.
   */
  async step(index: number, batch: Batch): Promise<void> {
    const begin = this.#phase === "Train" ? "onTrainBatchBegin" : "onTestBatchBegin";
    const end = this.#phase === "Train" ? "onTrainBatchEnd" : "onTestBatchEnd";
    const step = this.#phase === "Train" ? "trainStep" : "testStep";
    if (!this.#deferred) {
      await this.#list.callAt(begin, index);
      this.#last = runStep(this.#model, step, batch, this.#own);
      await this.#list.callAt(end, index, this.#last);
      return;
    }
    if (this.#firstUnread === null) {
      this.#firstUnread = index;
      await this.#list.callAt(begin, index);
    }
    const pending = keepStepLogs(this.#model, step, batch);
    disposeStepLogs(this.#pending);
    this.#pending = pending;
    this.#lastUnread = index;
    if (performance.now() - this.#lastRead >= READ_INTERVAL_MS) await this.#read();
  }

  /**
   * Reads what is left on the device and tells the hooks about it.
   *
   * @returns The last step's logs, or `null` when no step ran.
   */
  async endEpoch(): Promise<Logs | null> {
    if (this.#deferred && this.#firstUnread !== null) await this.#read();
    const last = this.#last;
    this.#last = null;
    return last;
  }

  async #read(): Promise<void> {
    const model = this.#model;
    await Metric.readDeviceStates(model.metrics);
    const pending = this.#pending;
    this.#pending = null;
    let logs: Logs;
    try {
      logs = await readStepLogsAsync(pending, this.#phase === "Train" ? "trainStep" : "testStep");
    } finally {
      disposeStepLogs(pending);
    }
    if (!this.#own) logs = metricsResultOrLogs(model, null);
    else if (this.#phase === "Train") model.batchLogs = logs;
    this.#last = logs;
    this.#firstUnread = null;
    this.#lastRead = performance.now();
    const end = this.#phase === "Train" ? "onTrainBatchEnd" : "onTestBatchEnd";
    await this.#list.callAt(end, this.#lastUnread, logs);
  }
}

/** Runs a step and keeps what it returned (copies of its tensors) past its `tf.tidy`. */
function keepStepLogs(model: Model, step: "trainStep" | "testStep", batch: Batch): StepLogs {
  const data = packXYSampleWeight(batch.x, batch.y, batch.sampleWeight);
  let kept: StepLogs = {};
  tf.tidy(() => {
    const out = model[step](data);
    readStepLogs(out, step, false); // checks the form without reading
    kept = {};
    for (const [name, value] of Object.entries(out ?? {})) {
      kept[name] = value instanceof tf.Tensor ? tf.keep(tf.clone(value)) : value;
    }
  });
  return kept;
}

/** Reads a step's kept logs with asynchronous reads, into numbers. */
async function readStepLogsAsync(logs: StepLogs | null, step: string): Promise<Logs> {
  if (logs === null) return {};
  const read: StepLogs = {};
  for (const [name, value] of Object.entries(logs)) {
    if (!(value instanceof tf.Tensor)) read[name] = value;
    else {
      const values = Array.from(await value.data() as Float32Array);
      read[name] = value.size === 1 ? values[0] : values;
    }
  }
  return readStepLogs(read, step);
}

function disposeStepLogs(logs: StepLogs | null): void {
  if (logs === null) return;
  for (const value of Object.values(logs)) if (value instanceof tf.Tensor) value.dispose();
}

/**
 * On a backend that reads asynchronously, reads every tensor found in the
 * given data (arrays and plain objects are searched) with
 * `await tensor.data()`, so that the synchronous reads which turn the data
 * into batches find the values on the host; elsewhere it does nothing.
 *
 * @param data What `fit`, `evaluate` or `predict` received.
 * @returns A promise that resolves once every tensor's values are on the host.
 */
export async function cacheOnHost(data: unknown[]): Promise<void> {
  if (!readsDeferred()) return;
  const found: tf.Tensor[] = [];
  const visit = (v: unknown): void => {
    if (v instanceof tf.Tensor) found.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      Object.values(v).forEach(visit);
    }
  };
  data.forEach(visit);
  await Promise.all(found.map((t) => t.data()));
}
