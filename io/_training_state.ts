/**
 * What a saved model needs to go on training exactly: the compile options
 * (loss, metrics, loss weight) and the optimizer's config and state.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { Model } from "../engine/model.ts";
import { getOptimizer, serializeOptimizer } from "../optimizers/get.ts";
import type { WeightSpec, WeightValue } from "./_binary.ts";
import { specsOf } from "./_binary.ts";
import {
  compileFromStored,
  type CompileRecord,
  mapLosses,
  mapMetrics,
  serializeEntry,
  type StoredCompile,
} from "./_compile_config.ts";
import type { LossFunction } from "../losses/mod.ts";
import type { MetricLike } from "../engine/compile.ts";
import type { Dialect } from "./_keras_json.ts";

export type { CompileRecord } from "./_compile_config.ts";

/** The optimizer kerno stores: class, config, and the specs of its state. */
export interface OptimizerRecord {
  /** The class name. */
  className: string;
  /** `getConfig()`. */
  config: Record<string, unknown>;
  /** Specs of `getWeights()`, in order. */
  weights: WeightSpec[];
}

/**
 * The compile options of a model (loss and metrics as Keras serializes them),
 * or null when it is not compiled.
 *
 * @param model The model.
 * @param dialect Which JSON to write.
 * @returns The record, or null.
 */
export function compileRecordOf(model: Model, dialect: Dialect = "tfjs"): CompileRecord | null {
  // Keras's get_compile_config: a subclass's override decides what is saved.
  const config = model.getCompileConfig();
  if (!config || config.loss === undefined) return null; // no loss: nothing to restore
  const weights = config.lossWeights;
  const serialize = (kind: "loss" | "metric") => (m: MetricLike) =>
    serializeEntry(m as LossFunction, kind, dialect);
  return {
    loss: mapLosses(config.loss, serialize("loss")) as CompileRecord["loss"],
    metrics: mapMetrics(config.metrics ?? [], serialize("metric")) as CompileRecord["metrics"],
    lossWeight:
      weights !== undefined && (typeof weights === "number" || model.compiled?.multiOutput)
        ? weights
        : model.compiled?.lossWeight ?? 1,
  };
}

/**
 * The optimizer's record and state tensors (the caller disposes them), or null.
 *
 * @param model The model.
 * @returns The record and `optimizer.getWeights()`.
 */
export function optimizerStateOf(
  model: Model,
): { record: OptimizerRecord; tensors: tf.Tensor[] } | null {
  const compiled = model.compiled;
  if (!compiled) return null;
  const optimizer = compiled.optimizer;
  const tensors = optimizer.getWeights();
  const weights = specsOf(tensors.map((tensor, i) => ({ name: `optimizer/${i}`, tensor })));
  const { className, config } = serializeOptimizer(optimizer);
  return { record: { className, config, weights }, tensors };
}

/**
 * Compiles a loaded model as it was saved and restores the optimizer state;
 * when the compile settings cannot all be restored, warns (naming the file
 * and what was dropped) and leaves the model uncompiled.
 *
 * @param model The loaded model.
 * @param compile The stored compile settings, or null to leave the model uncompiled.
 * @param optimizer The optimizer record, or null for a fresh default optimizer.
 * @param state The optimizer's stored `getWeights()` values, or null.
 * @param file The file, for messages.
 * @returns Whether the model was compiled.
 */
export function restoreTraining(
  model: Model,
  compile: StoredCompile | null,
  optimizer: OptimizerRecord | null,
  state: WeightValue[] | null,
  file: string,
): boolean {
  if (compile === null) return false;
  const makeOptimizer = () =>
    optimizer
      ? getOptimizer({ className: optimizer.className, config: optimizer.config })
      : undefined;
  if (!compileFromStored(model, compile, makeOptimizer, file)) return false;
  if (!optimizer || !state || state.length === 0) return true;
  const opt = model.optimizer;
  if (state.length > 1) opt.build(model.trainableWeights);
  const tensors = state.map((v) => tf.tensor(v.values, v.spec.shape, v.spec.dtype));
  try {
    opt.setWeights(tensors);
  } catch (error) {
    throw new RangeError(
      `Cannot load the optimizer state from ${file}: ${(error as Error).message}`,
    );
  } finally {
    tf.dispose(tensors);
  }
  return true;
}
