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
 * step's index and logs (plain numbers) `onTrainBatchEnd` receives. A read
 * overlaps the steps after it: the hooks hear of it when the next one starts.
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

let readInterval = READ_INTERVAL_MS;

/**
 * Sets the least time between two reads (for tests: 0 reads after every
 * step); `null` restores {@link READ_INTERVAL_MS}.
 *
 * @param ms Milliseconds, or `null`.
 */
export function forceReadInterval(ms: number | null): void {
  readInterval = ms ?? READ_INTERVAL_MS;
}

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

/** One read of the device under way: the steps it covers and how to finish it. */
interface Read {
  /** The values of the float32 tensors read together (metric states, then logs). */
  values: Promise<Float32Array>;
  /** The tensor read (freed once read), or `null` when nothing is. */
  tensor: tf.Tensor | null;
  /** Adds the metric states' values to the metrics' results. */
  merge: ((values: Float32Array) => void) | null;
  /** Where the metric states end in `values`. */
  statesSize: number;
  /** The last step's logs: plain values, offsets into `values`, or reads of their own. */
  logs: Array<
    | { name: string; plain: unknown }
    | { name: string; offset: number; size: number }
    | { name: string; own: Promise<ArrayLike<number>>; size: number }
  >;
  /** The step logs' tensors (freed once read). */
  kept: StepLogs | null;
  /** The index of the last step covered. */
  last: number;
}

/**
 * Runs the steps of one epoch (or one evaluation) and tells the batch hooks,
 * reading the logs every step or, on a backend that reads asynchronously,
 * once per {@link READ_INTERVAL_MS} and at the end.
 *
 * On such a backend a read is started and not waited for: the steps go on
 * while the values come back (on Deno a read takes about 11 ms however
 * small, time the GPU would otherwise sit idle), and the hooks hear of a
 * group of steps when the next read starts or the epoch ends. The hooks
 * still alternate: `onTrainBatchBegin` of a group comes after the previous
 * group's `onTrainBatchEnd`, and while they run, the metrics' results are
 * those read (their later batches are set aside on the device).
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
  /** Whether the hooks heard `begin` for the steps since the last read started. */
  #began = false;
  #lastUnread = 0;
  #lastRead = performance.now();
  #inflight: Read | null = null;

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

  get #hooks() {
    return this.#phase === "Train"
      ? { begin: "onTrainBatchBegin", end: "onTrainBatchEnd", step: "trainStep" } as const
      : { begin: "onTestBatchBegin", end: "onTestBatchEnd", step: "testStep" } as const;
  }

  /**
   * Runs one step and tells the hooks (at once, or when the device is read).
   *
   * @param index The step's index in the epoch.
   * @param batch The batch.
   */
  async step(index: number, batch: Batch): Promise<void> {
    const { begin, end, step } = this.#hooks;
    if (!this.#deferred) {
      await this.#list.callAt(begin, index);
      this.#last = runStep(this.#model, step, batch, this.#own);
      await this.#list.callAt(end, index, this.#last);
      return;
    }
    if (this.#firstUnread === null) {
      this.#firstUnread = index;
      this.#began = this.#inflight === null;
      if (this.#began) await this.#list.callAt(begin, index);
    }
    const pending = keepStepLogs(this.#model, step, batch);
    disposeStepLogs(this.#pending);
    this.#pending = pending;
    this.#lastUnread = index;
    if (performance.now() - this.#lastRead >= readInterval) {
      await this.#finishRead();
      this.#startRead();
    }
  }

  /**
   * Reads what is left on the device and tells the hooks about it.
   *
   * @returns The last step's logs, or `null` when no step ran.
   */
  async endEpoch(): Promise<Logs | null> {
    if (this.#deferred) {
      await this.#finishRead();
      if (this.#firstUnread !== null) {
        this.#startRead();
        await this.#finishRead();
      }
    }
    const last = this.#last;
    this.#last = null;
    return last;
  }

  /**
   * Frees what a run left behind when it ended early (an error in a step or
   * a hook): the logs kept for a read and a read under way. After
   * {@link endEpoch} there is nothing left, and this does nothing.
   */
  close(): void {
    disposeStepLogs(this.#pending);
    this.#pending = null;
    const read = this.#inflight;
    this.#inflight = null;
    if (read === null) return;
    read.values.catch(() => {}); // nobody waits for it now
    read.tensor?.dispose();
    disposeStepLogs(read.kept);
  }

  /** Starts reading the metric states and the last step's logs, in one read where it can. */
  #startRead(): void {
    const taken = Metric.takeDeviceStates(this.#model.metrics);
    const kept = this.#pending;
    this.#pending = null;
    const parts: tf.Tensor[] = taken === null ? [] : [taken.tensor];
    let offset = taken?.tensor.size ?? 0;
    const logs: Read["logs"] = [];
    for (const [name, value] of Object.entries(kept ?? {})) {
      if (!(value instanceof tf.Tensor)) logs.push({ name, plain: value });
      else if (value.dtype === "float32") {
        logs.push({ name, offset, size: value.size });
        parts.push(value);
        offset += value.size;
      } else logs.push({ name, own: value.data() as Promise<ArrayLike<number>>, size: value.size });
    }
    const tensor = parts.length === 0
      ? null
      : parts.length === 1 && taken !== null
      ? taken.tensor
      : tf.tidy(() => tf.concat(parts.map((t) => t.reshape([-1]))));
    if (taken !== null && tensor !== taken.tensor) taken.tensor.dispose();
    this.#inflight = {
      values: tensor === null
        ? Promise.resolve(new Float32Array(0))
        : (tensor.data() as Promise<Float32Array>),
      tensor,
      merge: taken?.merge ?? null,
      statesSize: taken?.tensor.size ?? 0,
      logs,
      kept,
      last: this.#lastUnread,
    };
    this.#firstUnread = null;
    this.#lastRead = performance.now();
  }

  /** Waits for the read under way (if any), merges it and tells the hooks. */
  async #finishRead(): Promise<void> {
    const read = this.#inflight;
    if (read === null) return;
    this.#inflight = null;
    const model = this.#model;
    const { begin, end, step } = this.#hooks;
    let logs: Logs;
    try {
      const values = await read.values;
      read.merge?.(values.subarray(0, read.statesSize));
      const raw: StepLogs = {};
      for (const entry of read.logs) {
        let v: ArrayLike<number>;
        let size: number;
        if ("plain" in entry) {
          raw[entry.name] = entry.plain as StepLogs[string];
          continue;
        } else if ("own" in entry) {
          v = await entry.own;
          size = entry.size;
        } else {
          v = values.subarray(entry.offset, entry.offset + entry.size);
          size = entry.size;
        }
        const numbers = Array.from(v);
        raw[entry.name] = size === 1 ? numbers[0] : numbers;
      }
      logs = readStepLogs(raw, step);
    } finally {
      read.tensor?.dispose();
      disposeStepLogs(read.kept);
    }
    await Metric.withDeviceStatesAside(model.metrics, async () => {
      if (!this.#own) logs = metricsResultOrLogs(model, null);
      else if (this.#phase === "Train") model.batchLogs = logs;
      this.#last = logs;
      await this.#list.callAt(end, read.last, logs);
      if (this.#firstUnread !== null && !this.#began) {
        this.#began = true;
        await this.#list.callAt(begin, this.#firstUnread);
      }
    });
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
