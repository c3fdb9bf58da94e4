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

/** The compile options kerno stores. */
export interface CompileRecord {
  /** The loss's Keras name. */
  loss: string;
  /** The compiled metrics' names. */
  metrics: string[];
  /** The loss weight. */
  lossWeight: number;
}

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
 * The compile options of a model, or null when it is not compiled or its
 * loss is a plain function (which cannot be stored).
 *
 * @param model The model.
 * @returns The record, or null.
 */
export function compileRecordOf(model: Model): CompileRecord | null {
  const compiled = model.compiled;
  if (!compiled || compiled.loss.constructor.name === "LossFunctionWrapper") return null;
  return {
    loss: compiled.loss.name,
    metrics: compiled.metrics.map((m) => m.name),
    lossWeight: compiled.lossWeight,
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
 * Compiles a loaded model as it was saved and restores the optimizer state.
 *
 * @param model The loaded model.
 * @param compile The compile record, or null to leave the model uncompiled.
 * @param optimizer The optimizer record, or null for a fresh default optimizer.
 * @param state The optimizer's stored `getWeights()` values, or null.
 * @param file The file, for messages.
 */
export function restoreTraining(
  model: Model,
  compile: CompileRecord | null,
  optimizer: OptimizerRecord | null,
  state: WeightValue[] | null,
  file: string,
): void {
  if (compile === null) return;
  const opt = optimizer
    ? getOptimizer({ className: optimizer.className, config: optimizer.config })
    : undefined;
  model.compile({
    optimizer: opt,
    loss: compile.loss,
    metrics: compile.metrics,
    lossWeights: compile.lossWeight,
  });
  if (!opt || !state || state.length === 0) return;
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
}
