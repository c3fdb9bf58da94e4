/**
 * Saving and loading, by path: a path ending in `.keras` is a Keras 3
 * archive; any other path given to `save`/`loadModel` is a TensorFlow.js
 * Layers directory (`model.json` + shards). `saveWeights` writes Keras 3's
 * HDF5 layout to a path ending in `.h5` (`.weights.h5`), and otherwise a
 * single kerno checkpoint file.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { Model } from "../engine/model.ts";
import { encodeTensors, specsOf } from "./_binary.ts";
import { readCheckpoint, writeCheckpoint } from "./_checkpoint_file.ts";
import { writeH5 } from "./_h5.ts";
import { openH5 } from "./_h5_read.ts";
import { writeFileAtomic } from "./_atomic.ts";
import {
  loadKeras,
  readArchive,
  readWeightPairs,
  restoreHookedLayers,
  saveKeras,
  weightGroups,
} from "./keras_format.ts";
import { kernoChecks, loadTfjs, readManifest, saveTfjs } from "./tfjs_format.ts";
import { assignWeights, collectWeights, matchWeights } from "./_weights.ts";
import { hookValues, restoreHookValues, tensorsOf, withoutHookValues } from "./_hooks.ts";
import { compileRecordOf, optimizerStateOf } from "./_training_state.ts";
import { parseJson, readFileChecked } from "./_binary.ts";
import { checkOptions } from "../engine/options.ts";
import { boolean } from "../engine/validate.ts";

/** Options of `model.save`. */
export interface SaveOptions {
  /** Store the compile options and the optimizer's state, so training resumes exactly. @default true */
  includeOptimizer?: boolean;
}

/** Options of `loadModel`. */
export interface LoadOptions {
  /**
   * Compile the model as it was saved (loss and metrics with their configs)
   * and restore its optimizer's state. When a custom loss, metric or
   * optimizer in the file is not registered, the model is loaded uncompiled
   * and one `console.warn` names the file and what was dropped.
   * @default true
   */
  compile?: boolean;
}

/** Options of `model.loadWeights`. */
export interface LoadWeightsOptions {
  /** Skip layers whose weight shapes differ from the file's (with a warning) instead of failing. @default false */
  skipMismatch?: boolean;
}

function checkPath(path: unknown, what: string): string {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `Cannot ${what} as "path" must be a non-empty string: received ${String(path)}`,
    );
  }
  return path.replace(/\/+$/, "") || "/";
}

/**
 * Saves a model: `.keras` → Keras 3 archive, otherwise a TensorFlow.js Layers directory.
 *
 * @param model The model.
 * @param path The file or directory.
 * @param options Whether to include the optimizer.
 */
export async function saveModel(
  model: Model,
  path: string,
  options: SaveOptions = {},
): Promise<void> {
  const p = checkPath(path, `save ${model.name}`);
  if (!model.built) {
    throw new TypeError(
      `Cannot save ${model.name} as it is not built: call it on data or give the first layer an "inputShape"`,
    );
  }
  options = checkOptions(`save ${model.name}`, options, ["includeOptimizer"]);
  const include = boolean(`save ${model.name}`, "includeOptimizer", options.includeOptimizer, true);
  if (p.endsWith(".keras")) await saveKeras(model, p, include);
  else await saveTfjs(model, p, include);
}

/**
 * Loads a model saved by `model.save` (or by TensorFlow.js Layers, or a Keras 3 `.keras` file).
 *
 * @param path A `.keras` file, or a directory holding `model.json` (or `model.json` itself).
 * @param options Whether to compile as saved.
 * @returns The model, with its weights (and optimizer state).
 * @example
 * ```ts ignore
 * import { loadModel } from "../mod.ts";
 * const model = await loadModel("runs/digits");
 * ```
 */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<Model> {
  const p = checkPath(path, "load a model");
  options = checkOptions("load a model", options, ["compile"]);
  const compile = boolean("load a model", "compile", options.compile, true);
  if (p.endsWith(".keras")) return await loadKeras(p, compile);
  return await loadTfjs(p.endsWith("/model.json") ? p.slice(0, -"/model.json".length) : p, compile);
}

/**
 * Saves only the weights: Keras 3's HDF5 layout for a path ending in `.h5`,
 * otherwise a kerno checkpoint file.
 *
 * @param model The model.
 * @param path The file.
 */
export async function saveWeights(model: Model, path: string): Promise<void> {
  const p = checkPath(path, `save the weights of ${model.name}`);
  if (p.endsWith(".h5")) {
    await writeFileAtomic(p, await writeH5(weightGroups(model)));
    return;
  }
  await saveCheckpoint(model, p, {}, false);
}

/**
 * Loads weights saved by `saveWeights`, `save` (either format) or TensorFlow.js;
 * checks every shape before changing any weight.
 *
 * @param model The model (built).
 * @param path The file or directory.
 * @param options `skipMismatch`.
 */
export async function loadWeights(
  model: Model,
  path: string,
  options: LoadWeightsOptions = {},
): Promise<void> {
  const p = checkPath(path, `load weights into ${model.name}`);
  options = checkOptions(`load weights into ${model.name}`, options, ["skipMismatch"]);
  const skip = boolean(
    `load weights into ${model.name}`,
    "skipMismatch",
    options.skipMismatch,
    false,
  );
  if (p.endsWith(".h5") || p.endsWith(".keras")) {
    const bytes = p.endsWith(".h5")
      ? await readFileChecked(p, 8 * 2 ** 30)
      : (await readArchive(p))["model.weights.h5"];
    const where = p.endsWith(".h5") ? p : `${p} (model.weights.h5)`;
    const h5 = await openH5(bytes, where);
    try {
      assignWeights(readWeightPairs(model, h5, where), where, skip);
      restoreHookedLayers(model, h5, where);
    } finally {
      h5.close();
    }
    return;
  }
  const info = await Deno.stat(p).catch(() => null);
  if (info?.isDirectory) {
    const file = `${p}/model.json`;
    const json = parseJson(await readFileChecked(file, 64 * 2 ** 20), file) as Record<
      string,
      unknown
    >;
    const values = await readManifest(p, json.weightsManifest, file, kernoChecks(json.kerno, file));
    assignWeights(matchWeights(collectWeights(model), withoutHookValues(values), file), file, skip);
    restoreHookValues(model, values, file);
    return;
  }
  const { weights } = await readCheckpoint(p);
  assignWeights(matchWeights(collectWeights(model), withoutHookValues(weights), p), p, skip);
  restoreHookValues(model, weights, p);
}

/**
 * Writes weights, optimizer state (when `withOptimizer`) and a JSON state to one file, atomically.
 *
 * @param model The model.
 * @param path The file.
 * @param state Any JSON (epoch, step, random state).
 * @param withOptimizer Whether to store the optimizer.
 */
export async function saveCheckpoint(
  model: Model,
  path: string,
  state: Record<string, unknown>,
  withOptimizer = true,
): Promise<void> {
  const weights = collectWeights(model);
  const hooked = hookValues(model); // layers that save through saveOwnVariables
  const hookedTensors = tensorsOf(hooked);
  const opt = withOptimizer ? optimizerStateOf(model) : null;
  const tensors = [
    ...weights.map((w) => w.variable),
    ...hookedTensors,
    ...(opt?.tensors ?? []),
  ];
  const data = encodeTensors(tensors);
  tf.dispose(hookedTensors);
  if (opt) tf.dispose(opt.tensors);
  await writeCheckpoint(path, {
    weights: [
      ...specsOf(weights.map((w) => ({ name: w.name, tensor: w.variable }))),
      ...hooked.map((v) => v.spec),
    ],
    optimizer: opt ? opt.record : null,
    compile: withOptimizer ? compileRecordOf(model) : null,
    state,
  }, data);
}

/**
 * Restores a checkpoint into a compiled model: weights, then optimizer state.
 *
 * @param model The model, compiled as when the checkpoint was written.
 * @param path The file.
 * @returns The stored JSON state.
 */
export async function loadCheckpoint(model: Model, path: string): Promise<Record<string, unknown>> {
  const { contents, weights, optimizer } = await readCheckpoint(path);
  assignWeights(matchWeights(collectWeights(model), withoutHookValues(weights), path), path);
  restoreHookValues(model, weights, path);
  if (contents.optimizer && model.compiled) {
    const opt = model.optimizer;
    if (optimizer.length > 1) opt.build(model.trainableWeights);
    const tensors = optimizer.map((v) => tf.tensor(v.values, v.spec.shape, v.spec.dtype));
    try {
      opt.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
  }
  return contents.state;
}
