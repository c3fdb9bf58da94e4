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
import { zipSync } from "fflate";
import type { Model } from "../engine/model.ts";
import { tf } from "../engine/tf.ts";
import { withWeightBudget } from "../engine/_weight_budget.ts";
import { writeFileAtomic } from "./_atomic.ts";
import { parseJson, readFileChecked, type WeightValue } from "./_binary.ts";
import { type H5GroupSpec, writeH5 } from "./_h5.ts";
import { type H5Reader, openH5 } from "./_h5_read.ts";
import { inflateEntry, zipEntries } from "./_zip.ts";
import type { Json } from "./_keras_json.ts";
import { optimizerRecordFromKeras, optimizerToKeras } from "./_compile_config.ts";
import { modelFromKeras, modelToKeras } from "./_topology.ts";
import { assignWeights, collectWeights, h5Layout, type WeightPair } from "./_weights.ts";
import { loadOwnVariables, savedOwnVariables, usesVariableHooks } from "./_hooks.ts";
import { ASSETS, loadArchiveAssets, saveArchiveAssets } from "./_assets.ts";
import { compileRecordOf, optimizerStateOf, restoreTraining } from "./_training_state.ts";

const FILE_LIMIT = 8 * 2 ** 30;
const ENTRY_LIMIT = 4 * 2 ** 30;
/** The weights entry. */
const WEIGHTS = "model.weights.h5";
/** The most bytes each JSON entry may declare. */
const JSON_LIMITS = new Map([["metadata.json", 2 ** 20], ["config.json", 16 * 2 ** 20]]);
/** {@link JSON_LIMITS} as a record, for the limits' arithmetic. */
const JSON_LIMIT_OF: Record<string, number> = Object.fromEntries(JSON_LIMITS);
/**
 * How much better than this a JSON entry may not compress (beyond `SLACK`
 * bytes): a config of many alike layers deflates well (101 Dense layers:
 * 55 KB to 875 bytes, 63 times), while JSON padded with one long string or
 * a run of spaces deflates about 1000 times.
 */
const JSON_RATIO = 256;
/**
 * How much better than this a binary entry may not compress: weights barely
 * compress (kerno and Keras store them uncompressed), and only degenerate
 * data such as long runs of zeros does, which is how zip bombs are made.
 */
const RATIO = 32;
/** What a binary entry may declare beyond `RATIO` times its compressed size. */
const SLACK = 2 ** 20;

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
 * Reads the entries of a `.keras` archive that kerno uses (`metadata.json`,
 * `config.json`, `model.weights.h5`, `assets/…`), each checked against its
 * CRC-32; the sizes they declare are checked before anything is inflated
 * (JSON entries against a fixed bound, binary ones against `RATIO` times
 * their compressed size, all together against the file's size), and none
 * inflates past what it declares.
 *
 * @param path The file.
 * @returns The entries by name.
 */
export async function readArchive(path: string): Promise<Record<string, Uint8Array>> {
  const bytes = await readFileChecked(path, FILE_LIMIT);
  const wanted = zipEntries(bytes, path).filter((e) =>
    JSON_LIMITS.has(e.name) || e.name === WEIGHTS ||
    (e.name.startsWith(`${ASSETS}/`) && !e.name.endsWith("/"))
  );
  const limits = wanted.map((e) =>
    Object.hasOwn(JSON_LIMIT_OF, e.name)
      ? Math.min(JSON_LIMIT_OF[e.name], JSON_RATIO * e.compressedSize + SLACK)
      : Math.min(ENTRY_LIMIT, RATIO * e.compressedSize + SLACK)
  );
  wanted.forEach((e, i) => {
    if (e.size > limits[i]) inflateEntry(bytes, e, limits[i], path); // throws before inflating
  });
  const total = wanted.reduce((n, e) => n + e.size, 0);
  const allowed = RATIO * bytes.length + 18 * 2 ** 20;
  if (total > allowed) {
    throw new RangeError(
      `Cannot load ${path} as its entries declare ${total} bytes in all from a file of ${bytes.length}: at most ${allowed} are plausible`,
    );
  }
  const entries: Record<string, Uint8Array> = {};
  wanted.forEach((e, i) => entries[e.name] = inflateEntry(bytes, e, limits[i], path));
  for (const needed of ["config.json", WEIGHTS]) {
    if (!Object.hasOwn(entries, needed)) {
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
      const label = `${group}/${i}, weight "${target.name}"`;
      const info = h5.info(`${group}/${i}`);
      if (info === null) throw new TypeError(`Cannot load ${where} as ${group}/${i} is missing`);
      const kind = variable.dtype === "int32" ? "int" as const : "float" as const;
      if (info.kind !== kind) {
        throw new TypeError(
          `Cannot load ${where} (${label}) as ${
            info.kind === "other"
              ? "its dtype is not a float or integer number type"
              : `it holds ${info.kind === "int" ? "integers" : "floats"}`
          } where a ${kind} weight is expected`,
        );
      }
      if (!tf.util.arraysEqual(info.shape, variable.shape)) {
        const fake = {
          spec: { name: target.name, shape: info.shape, dtype: "float32" as const },
          values: new Float32Array(0),
        };
        pairs.push({ target, value: fake });
        return;
      }
      const { values } = h5.read(`${group}/${i}`, { kind, shape: [...variable.shape], label });
      pairs.push({
        target,
        value: {
          spec: {
            name: target.name,
            shape: info.shape,
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
 * Refuses a weights entry larger than the model's weights make plausible:
 * float64 values for every weight and three optimizer slots each, plus
 * room for HDF5's headers. Layers that save through their own variable
 * hooks (lookup tables) store what their config does not size, so a model
 * with one is not checked.
 *
 * @param model The model built from the config.
 * @param declared The bytes the weights entry declares.
 * @param path The file, for messages.
 */
function checkPlausibleWeights(model: Model, declared: number, path: string): void {
  const layout = h5Layout(model);
  if (layout.some(({ layer }) => usesVariableHooks(layer))) return;
  const elements = model.weights.reduce((n, w) => n + w.size, 0);
  const plausible = SLACK + 64 * 1024 * layout.length + 32 * elements;
  if (declared > plausible) {
    throw new RangeError(
      `Cannot load ${path} as its ${WEIGHTS} holds ${declared} bytes, more than the ${elements} weight values of its config make plausible (${plausible} bytes)`,
    );
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
  const where = `${path} (${WEIGHTS})`;
  const h5 = await openH5(entries[WEIGHTS], where);
  let model: Model | null = null;
  try {
    const declared = h5.datasets().filter(({ name }) => !name.startsWith("optimizer/"));
    model = withWeightBudget(
      declared,
      where,
      () => modelFromKeras(config, `${path} (config.json)`),
    );
    checkPlausibleWeights(model, entries[WEIGHTS].length, path);
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

function optimizerError(path: string, problem: string): TypeError {
  return new TypeError(
    `Cannot load ${path} as its config.json says the model was compiled and ${problem}: the file is damaged; pass { compile: false } to load the model without its loss, metrics and optimizer`,
  );
}

function restoreKerasTraining(model: Model, cc: Json, h5: H5Reader, path: string): void {
  const group = "optimizer/vars";
  const keys = h5.keys(group);
  if (keys === null || keys.length === 0) {
    throw optimizerError(path, `${WEIGHTS} holds no optimizer state (no group ${group})`);
  }
  const compiled = restoreTraining(
    model,
    { loss: cc.loss, metrics: cc.metrics, lossWeight: cc.loss_weights },
    optimizerRecordFromKeras(cc.optimizer),
    null,
    path,
  );
  if (!compiled) return;
  const optimizer = model.optimizer;
  const withRate = optimizer.learningRateSchedule === null;
  const read = (i: number, expect: { shape: number[]; kind?: "float" | "int" }) => {
    try {
      return h5.read(`${group}/${i}`, { ...expect, label: `${group}/${i}` });
    } catch (error) {
      const problem = (error as Error).message.replace(/^Cannot load /, "");
      throw optimizerError(path, `its optimizer state is unreadable (${problem})`);
    }
  };
  // An optimizer that never stepped was saved with its iterations (and learning rate) alone.
  if (keys.length === 1 + (withRate ? 1 : 0)) {
    if (Number(read(0, { shape: [] }).values[0]) === 0) return;
  }
  optimizer.build(model.trainableWeights);
  const slots = optimizer.getWeights();
  const shapes = slots.map((t) => [...t.shape]);
  tf.dispose(slots);
  const expected = shapes.length + (withRate ? 1 : 0);
  if (keys.length !== expected) {
    throw optimizerError(
      path,
      `its optimizer state holds ${keys.length} variables where ${optimizer.name} has ${expected}`,
    );
  }
  const values: WeightValue[] = [];
  for (let i = 0, j = 0; i < keys.length; i++) {
    if (i === 1 && withRate) {
      read(i, { shape: [], kind: "float" }); // the learning rate is in the config
      continue;
    }
    const v = read(i, j === 0 ? { shape: shapes[0] } : { shape: shapes[j], kind: "float" });
    values.push({
      spec: { name: String(i), shape: v.shape, dtype: j === 0 ? "int32" : "float32" },
      values: j === 0 ? Int32Array.from(v.values) : v.values,
    });
    j++;
  }
  const tensors = values.map((v) => tf.tensor(v.values, v.spec.shape, v.spec.dtype));
  try {
    optimizer.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
