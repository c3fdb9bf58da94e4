/**
 * What `Model.compile` resolves: optimizer, loss, loss weight and metrics,
 * from strings or instances.
 *
 * @module
 */
import type { tf } from "./tf.ts";
import { getOptimizer, type Optimizer } from "../optimizers/mod.ts";
import { getLoss, type Loss, type LossFunction } from "../losses/mod.ts";
import { getMetric, Mean, type Metric } from "../metrics/mod.ts";
import { checkOptions } from "./options.ts";

/** A metric as `compile` accepts it. */
export type MetricLike = string | Metric | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor);

/** Options of `Model.compile`. */
export interface CompileOptions {
  /** An optimizer name (`"adam"`, `"SGD"`, …) or instance. @default "rmsprop" */
  optimizer?: string | Optimizer;
  /**
   * A loss name (`"binary_crossentropy"`, `"mse"`, …), instance or function.
   * Optional, as in Keras: a model whose own `trainStep` computes its loss
   * (or a GAN whose `compile` takes its own arguments and calls
   * `super.compile()`) compiles without one; the default `trainStep` needs it.
   */
  loss?: string | Loss | LossFunction;
  /** Metrics to log: names (`"accuracy"`), instances or functions. @default [] */
  metrics?: MetricLike[];
  /** Scale of the loss (one output: a number, or an array or record with one value). @default 1 */
  lossWeights?: number | number[] | Record<string, number>;
}

/** The keys of {@link CompileOptions}. */
export const COMPILE_OPTION_KEYS: readonly (keyof CompileOptions)[] = [
  "optimizer",
  "loss",
  "metrics",
  "lossWeights",
];

/** The resolved compile options plus the metric objects, built on first data. */
export class CompiledState {
  /** The optimizer `fit` updates the weights with. */
  readonly optimizer: Optimizer;
  /** The training loss, or `null` when `compile` was given none. */
  readonly loss: Loss | null;
  /**
   * The loss as `compile` was given it (a name, a `Loss` or a function), or
   * `null`: what saving stores.
   */
  readonly lossIdentifier: string | Loss | LossFunction | null;
  /** The factor the loss is scaled by. */
  readonly lossWeight: number;
  /** Running mean of the loss, weighted by batch size (Keras's loss tracker). */
  readonly lossTracker: Mean = new Mean({ name: "loss" });
  readonly #metricIds: MetricLike[];
  #metrics: Metric[] | null = null;

  /** Resolves what `compile` was given; throws on unknown names. @param options What `compile` was given. */
  constructor(options: CompileOptions = {}) {
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError(
        `Cannot compile as the options must be an object: received ${
          Array.isArray(options) ? "an array" : options
        }; e.g. compile({ optimizer: "adam", loss: "mse" })`,
      );
    }
    checkOptions("compile", options, COMPILE_OPTION_KEYS);
    this.optimizer = getOptimizer(options.optimizer ?? "rmsprop");
    this.loss = options.loss === undefined ? null : getLoss(options.loss);
    this.lossIdentifier = options.loss ?? null;
    this.lossWeight = resolveLossWeight(options.lossWeights);
    const ids = options.metrics ?? [];
    if (!Array.isArray(ids)) {
      throw new TypeError(`Cannot compile as "metrics" must be an array: received ${typeof ids}`);
    }
    for (const id of ids) getMetric(id, { loss: this.loss?.name }); // fail early on unknown names
    this.#metricIds = ids;
  }

  /** The metrics as `compile` was given them (names, instances, functions): what saving stores. */
  get metricIdentifiers(): readonly MetricLike[] {
    return this.#metricIds;
  }

  /** Whether `build` has run. */
  get built(): boolean {
    return this.#metrics !== null;
  }

  /** The metrics; empty before `build`. */
  get metrics(): Metric[] {
    return this.#metrics ?? [];
  }

  /**
   * Creates the metric objects; `"accuracy"` is resolved by the shapes.
   *
   * @param yTrueShape Shape of a batch of targets.
   * @param yPredShape Shape of a batch of predictions.
   */
  build(yTrueShape: number[], yPredShape: number[]): void {
    if (this.#metrics) return;
    this.#metrics = this.#metricIds.map((id) =>
      getMetric(id, { loss: this.loss?.name, yTrueShape, yPredShape })
    );
  }

  /** Resets the loss tracker and every metric. */
  resetState(): void {
    this.lossTracker.resetState();
    for (const m of this.metrics) m.resetState();
  }

  /**
   * The current loss and metric values as logs; a metric with one value per
   * threshold logs each as `<metric>_0`, `<metric>_1`, ….
   * @returns `{ loss, <metric>: value }` from the current state.
   */
  results(): Record<string, number> {
    const logs: Record<string, number> = { loss: this.lossTracker.result() };
    for (const m of this.metrics) {
      const value = m.result();
      if (typeof value === "number") logs[m.name] = value;
      else value.forEach((v, i) => logs[`${m.name}_${i}`] = v);
    }
    return logs;
  }
}

function resolveLossWeight(weights: CompileOptions["lossWeights"]): number {
  if (weights === undefined) return 1;
  const values = typeof weights === "number"
    ? [weights]
    : Array.isArray(weights)
    ? weights
    : Object.values(weights);
  if (values.length !== 1 || !Number.isFinite(values[0])) {
    throw new TypeError(
      `Cannot compile as "lossWeights" must hold one finite number for a single-output model: received ${
        JSON.stringify(weights)
      }`,
    );
  }
  return values[0];
}
