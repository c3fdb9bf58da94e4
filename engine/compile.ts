/**
 * What `Model.compile` resolves: optimizer, loss, loss weight and metrics,
 * from strings or instances.
 *
 * @module
 */
import type { tf } from "./tf.ts";
import { getOptimizer, type Optimizer } from "../optimizers/mod.ts";
import { getLoss, Loss, type LossFunction } from "../losses/mod.ts";
import { getMetric, Mean, type Metric } from "../metrics/mod.ts";
import { checkOptions } from "./options.ts";

/** A metric as `compile` accepts it. */
export type MetricLike = string | Metric | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor);

/** A loss as `compile` accepts it. */
export type LossLike = string | Loss | LossFunction;

/** Options of `Model.compile`. */
export interface CompileOptions {
  /** An optimizer name (`"adam"`, `"SGD"`, …) or instance. @default "rmsprop" */
  optimizer?: string | Optimizer;
  /**
   * A loss name (`"binary_crossentropy"`, `"mse"`, …), instance or function.
   * Optional, as in Keras: a model whose own `trainStep` computes its loss
   * (or a GAN whose `compile` takes its own arguments and calls
   * `super.compile()`) compiles without one; the default `trainStep` needs it.
   * A model of several outputs takes one loss for all, an array (one per
   * output, in order) or a record keyed by output names (`null`: no loss
   * for that output).
   */
  loss?: LossLike | (LossLike | null)[] | Record<string, LossLike | null>;
  /**
   * Metrics to log: names (`"accuracy"`), instances or functions. For
   * several outputs: an array (each metric on every output), an array of
   * arrays (per output, in order) or a record keyed by output names; logged
   * as `<output>_<metric>`. @default []
   */
  metrics?: MetricLike[] | MetricLike[][] | Record<string, MetricLike | MetricLike[]>;
  /**
   * Scale of each output's loss in the total: a number for one output, an
   * array (in order) or a record keyed by output names. @default 1
   */
  lossWeights?: number | number[] | Record<string, number>;
}

/** The keys of {@link CompileOptions}. */
export const COMPILE_OPTION_KEYS: readonly (keyof CompileOptions)[] = [
  "optimizer",
  "loss",
  "metrics",
  "lossWeights",
];

/** What `compile` resolved for one output of the model. */
export interface CompiledOutput {
  /** The output's name (its layer's name, or its key in a record of outputs). */
  readonly name: string;
  /** Its loss, or `null` for none. */
  readonly loss: Loss | null;
  /** The factor its loss is scaled by in the total. */
  readonly weight: number;
  /** Its metrics as given. */
  readonly metricIds: MetricLike[];
  /** Running mean of its weighted loss, logged as `<output>_loss` (several outputs only). */
  readonly tracker: Mean | null;
}

/** The resolved compile options plus the metric objects, built on first data. */
export class CompiledState {
  /** The optimizer `fit` updates the weights with. */
  readonly optimizer: Optimizer;
  /** What was resolved per output, in the model's output order. */
  readonly outputs: CompiledOutput[];
  /**
   * The loss as `compile` was given it (a name, a `Loss` or a function), or
   * `null`: what saving stores. For several outputs, as given (an array or a record).
   */
  readonly lossIdentifier: CompileOptions["loss"] | null;
  /** The weights of the losses as given, or `undefined`. */
  readonly lossWeightsIdentifier: CompileOptions["lossWeights"];
  /** Running mean of the loss, weighted by batch size (Keras's loss tracker). */
  readonly lossTracker: Mean = new Mean({ name: "loss" });
  readonly #metricIds: CompileOptions["metrics"];
  #metrics: Metric[][] | null = null;

  /**
   * Resolves what `compile` was given; throws on unknown names.
   * @param options What `compile` was given.
   * @param outputNames The model's output names, when known (a functional
   *   model); `null`: one output.
   */
  constructor(options: CompileOptions = {}, outputNames: string[] | null = null) {
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError(
        `Cannot compile as the options must be an object: received ${
          Array.isArray(options) ? "an array" : options
        }; e.g. compile({ optimizer: "adam", loss: "mse" })`,
      );
    }
    checkOptions("compile", options, COMPILE_OPTION_KEYS);
    this.optimizer = getOptimizer(options.optimizer ?? "rmsprop");
    const names = outputNames ?? ["output"];
    const multi = names.length > 1;
    const losses = perOutput("loss", options.loss, names, (v) => v === undefined, isLossLike);
    const weights = resolveLossWeights(options.lossWeights, names);
    const metricIds = resolveMetricIds(options.metrics, names);
    this.outputs = names.map((name, i) => {
      const id = losses[i];
      const loss = id === undefined || id === null ? null : getLoss(id as LossLike);
      for (const m of metricIds[i]) getMetric(m, { loss: loss?.name }); // fail early on unknown names
      return {
        name,
        loss,
        weight: weights[i],
        metricIds: metricIds[i],
        tracker: multi && loss ? new Mean({ name: `${name}_loss` }) : null,
      };
    });
    if (multi && options.loss !== undefined && this.outputs.every((o) => o.loss === null)) {
      throw new TypeError(`Cannot compile as "loss" gives no output a loss`);
    }
    this.lossIdentifier = options.loss ?? null;
    this.lossWeightsIdentifier = options.lossWeights;
    this.#metricIds = options.metrics;
  }

  /** Whether the model has several outputs. */
  get multiOutput(): boolean {
    return this.outputs.length > 1;
  }

  /** Whether any output has a loss. */
  get hasLoss(): boolean {
    return this.outputs.some((o) => o.loss !== null);
  }

  /** The loss of a model of one output (`null` without one, or for several outputs). */
  get loss(): Loss | null {
    return this.multiOutput ? null : this.outputs[0].loss;
  }

  /** The factor the loss of a model of one output is scaled by (1 for several outputs). */
  get lossWeight(): number {
    return this.multiOutput ? 1 : this.outputs[0].weight;
  }

  /** The metrics as `compile` was given them (names, instances, functions): what saving stores. */
  get metricIdentifiers(): readonly MetricLike[] {
    return this.multiOutput ? this.outputs.flatMap((o) => o.metricIds) : this.outputs[0].metricIds;
  }

  /** The metrics as `compile` was given them, in their structure (an array, arrays, or a record). */
  get metricsIdentifier(): CompileOptions["metrics"] {
    return this.#metricIds;
  }

  /** Whether `build` has run. */
  get built(): boolean {
    return this.#metrics !== null;
  }

  /** The compiled metrics, every output's in order; empty before `build`. */
  get metrics(): Metric[] {
    return (this.#metrics ?? []).flat();
  }

  /** The per-output loss trackers (`<output>_loss`), for a model of several outputs. */
  get outputTrackers(): Mean[] {
    return this.outputs.flatMap((o) => (o.tracker ? [o.tracker] : []));
  }

  /**
   * Creates the metric objects; `"accuracy"` is resolved by the shapes. A
   * model of several outputs names them `<output>_<metric>`.
   *
   * @param yTrueShape Shape of a batch of targets (one per output, for several).
   * @param yPredShape Shape of a batch of predictions (one per output, for several).
   */
  build(yTrueShape: number[] | number[][], yPredShape: number[] | number[][]): void {
    if (this.#metrics) return;
    const listOf = (s: number[] | number[][]) =>
      (s.length > 0 && Array.isArray(s[0]) ? s : [s]) as number[][];
    const yTrue = listOf(yTrueShape);
    const yPred = listOf(yPredShape);
    const seen = new Set<Metric>();
    this.#metrics = this.outputs.map((out, i) =>
      out.metricIds.map((id) => {
        const m = getMetric(id, {
          loss: out.loss?.name,
          yTrueShape: yTrue[i] ?? yTrue[0],
          yPredShape: yPred[i] ?? yPred[0],
        });
        if (this.multiOutput) {
          if (seen.has(m)) {
            throw new TypeError(
              `Cannot compile as the metric instance ${
                JSON.stringify(m.name)
              } is given for two outputs: pass a new instance (or a name) for each`,
            );
          }
          seen.add(m);
          // Keras logs a metric of one of several outputs as `<output>_<metric>`.
          if (!m.name.startsWith(`${out.name}_`)) {
            (m as { name: string }).name = `${out.name}_${m.name}`;
          }
        }
        return m;
      })
    );
  }

  /**
   * The metrics of one output, in order; empty before `build`.
   *
   * @param index The output's index.
   * @returns Its metrics.
   */
  metricsOf(index: number): Metric[] {
    return this.#metrics?.[index] ?? [];
  }

  /** Resets the loss trackers and every metric. */
  resetState(): void {
    this.lossTracker.resetState();
    for (const t of this.outputTrackers) t.resetState();
    for (const m of this.metrics) m.resetState();
  }

  /**
   * The current loss and metric values as logs; a metric with one value per
   * threshold logs each as `<metric>_0`, `<metric>_1`, ….
   * @returns `{ loss, <output>_loss…, <metric>: value }` from the current state.
   */
  results(): Record<string, number> {
    const logs: Record<string, number> = { loss: this.lossTracker.result() };
    for (const t of this.outputTrackers) logs[t.name] = t.result();
    for (const m of this.metrics) {
      const value = m.result();
      if (typeof value === "number") logs[m.name] = value;
      else value.forEach((v, i) => logs[`${m.name}_${i}`] = v);
    }
    return logs;
  }
}

function isLossLike(v: unknown): boolean {
  return typeof v === "string" || typeof v === "function" || v instanceof Loss;
}

function names(list: string[]): string {
  return list.map((n) => JSON.stringify(n)).join(", ");
}

/**
 * One value per output from one value (for all), an array in output order,
 * or a record keyed by output names; `absent` marks a value that is not
 * given at all.
 */
function perOutput<T>(
  option: string,
  given: unknown,
  outputs: string[],
  absent: (v: unknown) => boolean,
  isOne: (v: unknown) => boolean,
): (T | null | undefined)[] {
  if (absent(given)) return outputs.map(() => undefined);
  if (isOne(given)) return outputs.map(() => given as T);
  const several = outputs.length > 1;
  if (Array.isArray(given)) {
    if (given.length !== outputs.length) {
      throw new RangeError(
        `Cannot compile as "${option}" holds ${given.length} entries for ${outputs.length} output${
          several ? "s" : ""
        } (${names(outputs)}): pass one per output, in order, or a record keyed by output name`,
      );
    }
    return given as T[];
  }
  if (given !== null && typeof given === "object" && !Array.isArray(given)) {
    const record = given as Record<string, T | null>;
    const unknown = Object.keys(record).filter((k) => !outputs.includes(k));
    if (unknown.length > 0) {
      throw new TypeError(
        `Cannot compile as "${option}" names ${
          unknown.length === 1 ? "an output" : "outputs"
        } the model does not have: ${names(unknown)}; its outputs are ${names(outputs)}`,
      );
    }
    if (!several && Object.keys(record).length === 0) return [undefined];
    return outputs.map((o) => {
      if (!(o in record)) {
        if (option === "loss") {
          throw new TypeError(
            `Cannot compile as "loss" has no entry for output ${
              JSON.stringify(o)
            }: give it a loss, or null to train it without one (outputs: ${names(outputs)})`,
          );
        }
        return undefined;
      }
      return record[o];
    });
  }
  throw new TypeError(
    `Cannot compile as "${option}" must be ${
      option === "loss" ? "a loss (name, Loss or function)" : "a value"
    }, an array (one per output) or a record keyed by output name: received ${
      given === null ? "null" : typeof given
    }`,
  );
}

function resolveLossWeights(weights: CompileOptions["lossWeights"], outputs: string[]): number[] {
  if (weights === undefined) return outputs.map(() => 1);
  if (typeof weights === "number") {
    if (!Number.isFinite(weights)) {
      throw new TypeError(
        `Cannot compile as "lossWeights" must be a finite number: received ${weights}`,
      );
    }
    return outputs.map(() => weights);
  }
  const values = perOutput<number>(
    "lossWeights",
    weights,
    outputs,
    () => false,
    () => false,
  );
  return values.map((v, i) => {
    if (v === undefined) return 1;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new TypeError(
        `Cannot compile as "lossWeights" for output ${
          JSON.stringify(outputs[i])
        } must be a finite number: received ${JSON.stringify(v)}`,
      );
    }
    return v;
  });
}

function resolveMetricIds(metrics: CompileOptions["metrics"], outputs: string[]): MetricLike[][] {
  if (metrics === undefined || metrics === null) return outputs.map(() => []);
  if (Array.isArray(metrics)) {
    const nested = metrics.length > 0 && metrics.every((m) => Array.isArray(m));
    if (!nested) {
      if (metrics.some((m) => Array.isArray(m))) {
        throw new TypeError(
          `Cannot compile as "metrics" mixes metrics and arrays of metrics: pass an array of metrics, or one array per output`,
        );
      }
      return outputs.map(() => [...(metrics as MetricLike[])]);
    }
    if (metrics.length !== outputs.length) {
      throw new RangeError(
        `Cannot compile as "metrics" holds ${metrics.length} arrays for ${outputs.length} output${
          outputs.length > 1 ? "s" : ""
        } (${names(outputs)}): pass one array per output, in order`,
      );
    }
    return (metrics as MetricLike[][]).map((m) => [...m]);
  }
  if (typeof metrics === "object") {
    const per = perOutput<MetricLike | MetricLike[]>(
      "metrics",
      metrics,
      outputs,
      () => false,
      () => false,
    );
    return per.map((m) => (m === undefined || m === null ? [] : Array.isArray(m) ? [...m] : [m]));
  }
  throw new TypeError(`Cannot compile as "metrics" must be an array: received ${typeof metrics}`);
}
