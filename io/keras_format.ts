/**
 * The Keras 3 `.keras` format: a zip archive holding `metadata.json`
 * (`keras_version`, `date_saved`), `config.json` (the model's Keras 3
 * serialization with `compile_config`) and `model.weights.h5`, whose groups
 * follow Keras 3's `saving_lib`: each layer's own variables are datasets
 * `0`, `1`, … of `<path>/vars` (a Sequential's layers under
 * `layers/<snake_case class name>[_n]`), and the optimizer's under
 * `optimizer/vars` (`iterations`, `learning_rate` when it is a number, then
 * its slots).
 *
 * @module
 */
import { unzipSync, zipSync } from "fflate";
import type { Model } from "../engine/model.ts";
import { tf } from "../engine/tf.ts";
import { writeFileAtomic } from "./_atomic.ts";
import { parseJson, readFileChecked, type WeightValue } from "./_binary.ts";
import { type H5GroupSpec, type H5Reader, openH5, writeH5 } from "./_h5.ts";
import type { Json } from "./_keras_json.ts";
import { optimizerRecordFromKeras, optimizerToKeras } from "./_compile_config.ts";
import { modelFromKeras, modelToKeras } from "./_topology.ts";
import { assignWeights, collectWeights, h5Layout, type WeightPair } from "./_weights.ts";
import { loadOwnVariables, savedOwnVariables, usesVariableHooks } from "./_hooks.ts";
import { ASSETS, loadArchiveAssets, saveArchiveAssets } from "./_assets.ts";
import { compileRecordOf, optimizerStateOf, restoreTraining } from "./_training_state.ts";

const FILE_LIMIT = 8 * 2 ** 30;
const ENTRY_LIMIT = 4 * 2 ** 30;

/**
 * The HDF5 groups of a model's weights in Keras 3's layout.
 *
 * @param model The model.
 * @returns One group per layer (and the model itself), with a `name` attribute.
 */
export function weightGroups(model: Model): H5GroupSpec[] {
  return h5Layout(model).map(({ path, layer }) => {
    const datasets: H5GroupSpec["datasets"] = {};
    const group = path === "" ? "vars" : `${path}/vars`;
    if (usesVariableHooks(layer)) {
      for (const { spec, values } of savedOwnVariables(layer)) {
        datasets[spec.name] = { data: values, shape: spec.shape };
      }
      return { path: group, attrs: { name: layer.name }, datasets };
    }
    layer.namedWeights.forEach(({ variable }, i) => {
      datasets[String(i)] = {
        data: variable.dtype === "int32"
          ? Int32Array.from(variable.dataSync())
          : Float32Array.from(variable.dataSync()),
        shape: [...variable.shape],
      };
    });
    return { path: group, attrs: { name: layer.name }, datasets };
  });
}

function optimizerGroup(model: Model): H5GroupSpec | null {
  const state = optimizerStateOf(model);
  if (!state) return null;
  const [calls, ...slots] = state.tensors;
  const datasets: H5GroupSpec["datasets"] = {
    "0": { data: BigInt64Array.from([BigInt(calls.dataSync()[0])]), shape: [] },
  };
  let i = 1;
  const optimizer = model.optimizer;
  if (optimizer.learningRateSchedule === null) {
    datasets[String(i++)] = { data: Float32Array.from([optimizer.learningRate]), shape: [] };
  }
  for (const s of slots) {
    datasets[String(i++)] = { data: Float32Array.from(s.dataSync()), shape: [...s.shape] };
  }
  tf.dispose(state.tensors);
  return { path: "optimizer/vars", attrs: { name: optimizer.name }, datasets };
}

function compileConfig(model: Model): Json | null {
  const record = compileRecordOf(model, "keras3");
  if (!record) return null;
  return {
    optimizer: optimizerToKeras(model.optimizer, "keras3"),
    loss: record.loss,
    loss_weights: record.lossWeight === 1 ? null : record.lossWeight,
    metrics: Object.keys(record.metrics).length > 0 ? record.metrics : null,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/**
 * Saves a model as a Keras 3 `.keras` archive.
 *
 * @param model The model.
 * @param path The `.keras` file.
 * @param includeOptimizer Whether to store the compile options and optimizer state.
 */
export async function saveKeras(
  model: Model,
  path: string,
  includeOptimizer: boolean,
): Promise<void> {
  const config = modelToKeras(model, "keras3");
  const groups = weightGroups(model);
  if (includeOptimizer) {
    const compile = compileConfig(model);
    if (compile) config.compile_config = compile;
    const opt = optimizerGroup(model);
    if (opt && compile) groups.push(opt);
  }
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  const metadata = {
    keras_version: "3.5.0",
    date_saved: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}@${
      pad(now.getHours())
    }:${pad(now.getMinutes())}:${pad(now.getSeconds())}`,
    generated_by: "kerno 0.1.0",
  };
  const enc = new TextEncoder();
  const zip = zipSync({
    "metadata.json": enc.encode(JSON.stringify(metadata)),
    "config.json": enc.encode(JSON.stringify(config)),
    "model.weights.h5": await writeH5(groups),
    ...await saveArchiveAssets(model),
  }, { level: 0 });
  await writeFileAtomic(path, zip);
}

/**
 * Reads the entries of a `.keras` archive, refusing zip bombs and archives
 * that do not parse.
 *
 * @param path The file.
 * @returns The entries by name.
 */
export async function readArchive(path: string): Promise<Record<string, Uint8Array>> {
  const bytes = await readFileChecked(path, FILE_LIMIT);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (f.originalSize > ENTRY_LIMIT || f.originalSize > 1024 * f.size + 2 ** 20) {
          throw new RangeError(
            `entry ${f.name} claims ${f.originalSize} bytes from ${f.size} compressed`,
          );
        }
        return ["metadata.json", "config.json", "model.weights.h5"].includes(f.name) ||
          (f.name.startsWith(`${ASSETS}/`) && !f.name.endsWith("/"));
      },
    });
  } catch (error) {
    throw new TypeError(
      `Cannot load ${path} as it is not a valid .keras zip archive: ${(error as Error).message}`,
    );
  }
  for (const needed of ["config.json", "model.weights.h5"]) {
    if (!entries[needed]) {
      throw new TypeError(`Cannot load ${path} as the archive has no ${needed}`);
    }
  }
  return entries;
}

/**
 * Pairs a model's weights with the datasets of a Keras 3 weights file,
 * checking counts and shapes from the headers before reading any values.
 *
 * @param model The model.
 * @param h5 The opened file.
 * @param where The file, for messages.
 * @returns The pairs.
 */
export function readWeightPairs(model: Model, h5: H5Reader, where: string): WeightPair[] {
  const byVariable = new Map(collectWeights(model).map((w) => [w.variable, w]));
  const pairs: WeightPair[] = [];
  for (const { path, layer } of h5Layout(model)) {
    if (usesVariableHooks(layer)) continue; // restored by its own hook: restoreHookedLayers
    const group = path === "" ? "vars" : `${path}/vars`;
    const own = layer.namedWeights;
    const keys = h5.keys(group) ?? [];
    if (keys.length !== own.length) {
      throw new RangeError(
        `Cannot load weights from ${where} into layer "${layer.name}" (${layer.constructor.name}) as it has ${own.length} weights and group ${group} holds ${keys.length}`,
      );
    }
    own.forEach(({ variable }, i) => {
      const target = byVariable.get(variable)!;
      const shape = h5.shape(`${group}/${i}`);
      if (shape === null) throw new TypeError(`Cannot load ${where} as ${group}/${i} is missing`);
      if (!tf.util.arraysEqual(shape, variable.shape)) {
        const fake = {
          spec: { name: target.name, shape, dtype: "float32" as const },
          values: new Float32Array(0),
        };
        pairs.push({ target, value: fake });
        return;
      }
      const { values } = h5.read(`${group}/${i}`);
      pairs.push({
        target,
        value: {
          spec: {
            name: target.name,
            shape,
            dtype: values instanceof Int32Array ? "int32" : "float32",
          },
          values,
        },
      });
    });
  }
  return pairs;
}

/**
 * Calls `loadOwnVariables` of every layer that saves through its variable
 * hooks, with a store of its group's datasets (by key).
 *
 * @param model The model.
 * @param h5 The opened weights file.
 * @param where The file, for messages.
 */
export function restoreHookedLayers(model: Model, h5: H5Reader, where: string): void {
  for (const { path, layer } of h5Layout(model)) {
    if (!usesVariableHooks(layer)) continue;
    const group = path === "" ? "vars" : `${path}/vars`;
    const values: WeightValue[] = (h5.keys(group) ?? []).map((key) => {
      const v = h5.read(`${group}/${key}`);
      const dtype = v.values instanceof Int32Array ? "int32" as const : "float32" as const;
      return { spec: { name: key, shape: v.shape, dtype }, values: v.values };
    });
    loadOwnVariables(layer, values, where);
  }
}

/**
 * Loads a `.keras` archive.
 *
 * @param path The file.
 * @param compile Whether to compile as saved and restore the optimizer state.
 * @returns The model.
 */
export async function loadKeras(path: string, compile: boolean): Promise<Model> {
  const entries = await readArchive(path);
  const config = parseJson(entries["config.json"], `${path} (config.json)`) as Json;
  const h5 = await openH5(entries["model.weights.h5"], `${path} (model.weights.h5)`);
  let model: Model | null = null;
  try {
    model = modelFromKeras(config, `${path} (config.json)`);
    const where = `${path} (model.weights.h5)`;
    assignWeights(readWeightPairs(model, h5, where), where);
    restoreHookedLayers(model, h5, where);
    await loadArchiveAssets(model, entries, path);
    const cc = config.compile_config;
    if (compile && cc !== undefined && cc !== null) {
      if (typeof cc !== "object" || Array.isArray(cc)) {
        throw new TypeError(
          `Cannot load ${path} as "compile_config" in config.json must be an object: received ${
            JSON.stringify(cc).slice(0, 80)
          }`,
        );
      }
      restoreKerasTraining(model, cc as Json, h5, path);
    }
  } catch (error) {
    model?.dispose();
    throw error;
  } finally {
    h5.close();
  }
  return model;
}

function restoreKerasTraining(model: Model, cc: Json, h5: H5Reader, path: string): void {
  const where = `${path} (model.weights.h5)`;
  const keys = h5.keys("optimizer/vars");
  const compiled = restoreTraining(
    model,
    { loss: cc.loss, metrics: cc.metrics, lossWeight: cc.loss_weights },
    optimizerRecordFromKeras(cc.optimizer),
    null,
    path,
  );
  if (!compiled) return;
  if (!keys || keys.length === 0) return;
  const optimizer = model.optimizer;
  optimizer.build(model.trainableWeights);
  // An optimizer that never stepped was saved with its iterations (and learning rate) alone.
  if (keys.length === 1 + (optimizer.learningRateSchedule === null ? 1 : 0)) {
    const iterations = h5.read("optimizer/vars/0");
    if (Number(iterations.values[0]) === 0) return;
  }
  const slots = optimizer.getWeights();
  const expected = slots.length + (optimizer.learningRateSchedule === null ? 1 : 0);
  tf.dispose(slots);
  if (keys.length !== expected) {
    console.warn(
      `kerno: skipped the optimizer state of ${where}: it holds ${keys.length} variables and ${optimizer.name} expects ${expected}`,
    );
    return;
  }
  const values: WeightValue[] = [];
  keys.forEach((_, i) => {
    if (i === 1 && optimizer.learningRateSchedule === null) return; // the learning rate is in the config
    const v = h5.read(`optimizer/vars/${i}`);
    values.push({
      spec: { name: String(i), shape: v.shape, dtype: i === 0 ? "int32" : "float32" },
      values: v.values,
    });
  });
  const tensors = values.map((v) => tf.tensor(v.values, v.spec.shape, v.spec.dtype));
  try {
    optimizer.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
