/**
 * A model's architecture as Keras JSON (`modelTopology` of TensorFlow.js
 * Layers, `config.json` of Keras 3), and back. Only kerno's built-in classes
 * and registered classes are ever instantiated.
 *
 * @module
 */
import type { Layer, Shape } from "../engine/layer.ts";
import { Model } from "../engine/model.ts";
import { Sequential } from "../engine/sequential.ts";
import { InputLayer } from "../engine/input_layer.ts";
import type { SymbolicDType, SymbolicTensor } from "../engine/symbolic.ts";
import { functionalConfig, functionalFromKeras, isFunctional } from "./_functional.ts";
import {
  configFromKeras,
  configToKeras,
  type Dialect,
  type Json,
  kerasObject,
  type NestedLayer,
  toCamel,
  toSnake,
} from "./_keras_json.ts";
import { registeredNameOf, resolveClass } from "./register_serializable.ts";
import { LoadLimitError, MAX_SAMPLE_ELEMENTS } from "../engine/_weight_budget.ts";
import { RNN } from "../layers/rnn.ts";
import { Bidirectional } from "../layers/bidirectional.ts";
import { MultiHeadAttention } from "../layers/multi_head_attention.ts";

const DTYPE_POLICY: Json = {
  module: "keras",
  class_name: "DTypePolicy",
  config: { name: "float32" },
  registered_name: null,
};

function classInfo(obj: Layer): { className: string; registered: string | null; module: string } {
  const registered = registeredNameOf(obj.constructor);
  if (registered === null) {
    return { className: obj.constructor.name, registered: null, module: "keras.layers" };
  }
  const [pkg, name] = registered.split(">");
  return { className: name, registered, module: pkg };
}

function layerToKeras(layer: Layer, dialect: Dialect, inputShape: Shape | null): Json {
  const out = layerObject(layer, layer.getConfig(), dialect, nestedWriter(layer, dialect));
  if (dialect === "tfjs" && inputShape) (out.config as Json).batch_input_shape = inputShape;
  return out;
}

/**
 * A layer as a Keras object from its (kerno) config: `{ class_name, config }`
 * (TensorFlow.js) or `{ module, class_name, config, registered_name,
 * build_config }` (Keras 3), nested layers in the config written the same way.
 */
function layerObject(
  layer: Layer | undefined,
  kernoConfig: Json,
  dialect: Dialect,
  nested: (value: NestedLayer, key: string) => unknown,
  fallbackName = "Layer",
): Json {
  const { className, registered, module } = layer
    ? classInfo(layer)
    : { className: fallbackName, registered: null, module: "keras.layers" };
  const config = configToKeras(kernoConfig, dialect, nested);
  if (dialect === "tfjs") {
    config.dtype = "float32";
    if (layer instanceof Bidirectional && (config.layer as Json | undefined)?.config) {
      // TensorFlow.js names the forward copy "forward_" + the wrapped layer's name itself.
      const inner = (config.layer as Json).config as Json;
      if (typeof inner.name === "string") inner.name = inner.name.replace(/^forward_/, "");
    }
    return registered === null
      ? { class_name: className, config }
      : { class_name: className, config, registered_name: registered };
  }
  config.dtype = DTYPE_POLICY;
  const out: Json = { module, class_name: className, config, registered_name: registered };
  const build = layer ? buildConfigToKeras(layer) : null;
  if (build) out.build_config = build;
  return out;
}

/**
 * How the layers inside a layer's config (an RNN's cell, a stack's cells, a
 * wrapper's layer, each `{ className, config }` in `getConfig()`) are
 * written: as Keras objects, found among the layer's sublayers by name for
 * their registered names and build configs. Another `{ className, config }`
 * (a serialized initializer under a key of a layer's own) is left as it is.
 */
function nestedWriter(
  layer: Layer,
  dialect: Dialect,
): (value: NestedLayer, key: string) => unknown {
  const byName = new Map<string, Layer>();
  const visit = (l: Layer) => {
    for (const child of l.trackedLayers) {
      if (!byName.has(child.name)) byName.set(child.name, child);
      visit(child);
    }
  };
  visit(layer);
  const write = (value: NestedLayer, key: string): unknown => {
    const name = value.config.name;
    const live = typeof name === "string" ? byName.get(name) : undefined;
    const found = live && live.constructor.name === value.className ? live : undefined;
    if (!found && !NESTED_LAYER_KEYS.has(toSnake(key))) return value;
    return layerObject(found, value.config, dialect, write, value.className);
  };
  return write;
}

/** `layer.getBuildConfig()` with snake_case keys (`input_shape`), or null. */
function buildConfigToKeras(layer: Layer): Json | null {
  const config = layer.getBuildConfig();
  if (config === null || config === undefined) return null;
  const shapes = config.inputShape;
  if (layer instanceof MultiHeadAttention && Array.isArray(shapes) && Array.isArray(shapes[0])) {
    // Keras 3's MultiHeadAttention builds from build(query_shape, value_shape, key_shape).
    const [query, value, key] = shapes as Shape[];
    return {
      shapes_dict: {
        query_shape: query,
        value_shape: value,
        ...(key === undefined ? {} : { key_shape: key }),
      },
    };
  }
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [toSnake(k), v]));
}

/**
 * Calls `buildFromConfig` of a layer or model that is not built, with a
 * saved `build_config` (keys in camelCase), as Keras's loading does.
 */
function buildFromKeras(layer: Layer, buildConfig: unknown, file: string): void {
  if (layer.built || buildConfig === undefined || buildConfig === null) return;
  let raw = asObject(buildConfig, "build_config", file);
  if (raw.input_shape === undefined && raw.shapes_dict !== undefined) {
    // Keras 3's form for a build of several arguments: { shapes_dict: { query_shape, value_shape } }.
    const shapes = Object.values(asObject(raw.shapes_dict, "build_config.shapes_dict", file));
    raw = { input_shape: shapes.filter((v) => v !== null) };
  }
  if (Array.isArray(raw.input_shape)) {
    const shapes = raw.input_shape.every((d) => Array.isArray(d) || d === null)
      ? raw.input_shape.filter((d) => d !== null)
      : [raw.input_shape];
    for (const shape of shapes) checkShape(shape, "build_config.input_shape", file);
  }
  try {
    layer.buildFromConfig(Object.fromEntries(Object.entries(raw).map(([k, v]) => [toCamel(k), v])));
  } catch (error) {
    layer.dispose(); // the weights its layers made before the build failed
    throw error;
  }
}

/** An InputLayer's entry: Keras 3's `batch_shape`, TensorFlow.js's `batch_input_shape`. */
function inputLayerToKeras(layer: InputLayer, dialect: Dialect): Json {
  const shape = dialect === "keras3" ? "batch_shape" : "batch_input_shape";
  return kerasObject("keras.layers", "InputLayer", {
    [shape]: [...layer.batchShape],
    dtype: layer.dtype,
    sparse: false,
    name: layer.name,
  }, dialect);
}

/** A layer's entry in a functional model's `layers` (without its name and nodes). */
function layerEntry(layer: Layer, dialect: Dialect): Json {
  if (layer instanceof InputLayer) return inputLayerToKeras(layer, dialect);
  if (layer instanceof Model) {
    const { keras_version: _v, backend: _b, ...entry } = modelToKeras(layer, dialect);
    return entry;
  }
  return layerToKeras(layer, dialect, null);
}

/**
 * A functional model as Keras 3 writes it (`Functional`, module
 * `keras.src.models.functional`) or as TensorFlow.js Layers does (`Model`).
 */
function functionalToKeras(model: Model, dialect: Dialect): Json {
  const config = functionalConfig(model, dialect, (layer) => layerEntry(layer, dialect));
  if (dialect === "keras3") {
    return {
      module: "keras.src.models.functional",
      class_name: "Functional",
      config,
      registered_name: "Functional",
    };
  }
  return {
    class_name: "Model",
    config,
    keras_version: "tfjs-layers 4.22.0",
    backend: "tensor_flow.js",
  };
}

/**
 * The model's architecture as Keras JSON.
 *
 * @param model The model.
 * @param dialect `"tfjs"` (TensorFlow.js Layers `modelTopology`) or `"keras3"`.
 * @returns The JSON object.
 */
export function modelToKeras(model: Model, dialect: Dialect): Json {
  const inputShape = model.buildInputShape ?? null;
  if (isFunctional(model) && model.constructor === Model) return functionalToKeras(model, dialect);
  if (!(model instanceof Sequential)) {
    const { className, registered, module } = classInfo(model);
    const out: Json = {
      class_name: className,
      config: configToKeras(model.getConfig(), dialect),
      registered_name: registered ?? `Custom>${className}`,
    };
    if (dialect === "keras3") out.module = registered === null ? "Custom" : module;
    const build = buildConfigToKeras(model);
    if (build) out.build_config = build;
    return out;
  }
  const layers = model.layers;
  const first = layers[0]?.batchInputShape ?? inputShape;
  const configs = layers.map((l, i) => layerToKeras(l, dialect, i === 0 ? first : null));
  if (dialect === "tfjs") {
    return {
      class_name: "Sequential",
      config: { name: model.name, layers: configs },
      keras_version: "tfjs-layers 4.22.0",
      backend: "tensor_flow.js",
    };
  }
  if (first) {
    const input = sequentialInput(model); // a Sequential started at an Input: its dtype and name
    configs.unshift(kerasObject("keras.layers", "InputLayer", {
      batch_shape: first,
      dtype: input?.dtype ?? "float32",
      sparse: false,
      name: input?.node.layer.name ?? "input_layer",
    }, "keras3"));
  }
  const config: Json = {
    name: model.name,
    trainable: model.trainable,
    dtype: DTYPE_POLICY,
    layers: configs,
  };
  if (first) config.build_input_shape = first;
  const out: Json = { module: "keras", class_name: "Sequential", config, registered_name: null };
  if (first) out.build_config = { input_shape: first };
  return out;
}

/** A Sequential model's symbolic input, once it knows its input shape. */
function sequentialInput(model: Sequential): SymbolicTensor | undefined {
  try {
    return model.symbolicGraph()?.inputs[0];
  } catch {
    return undefined; // no graph (two layers of one name): the defaults
  }
}

function asObject(value: unknown, what: string, file: string): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(
      `Cannot load ${file} as ${what} must be an object: received ${
        JSON.stringify(value)?.slice(0, 80)
      }`,
    );
  }
  return value as Json;
}

function layerFromKeras(entry: Json, file: string, inputShape: unknown, build = true): Layer {
  const cls = resolveClass(entry.class_name, entry.registered_name, file);
  let raw = {
    ...asObject(entry.config ?? {}, `the config of ${String(entry.class_name)}`, file),
  };
  if (cls === RNN && raw.cell !== undefined && raw.cell !== null) {
    // TensorFlow.js's RNN config repeats its cell's options beside its own: the cell has them.
    const own = new Set(RNN.optionKeys);
    raw = Object.fromEntries(
      Object.entries(raw).filter(([k]) =>
        own.has(toCamel(k)) || ["cell", "dtype", "batch_input_shape", "batch_shape"].includes(k)
      ),
    );
  }
  if (inputShape !== undefined && raw.batch_input_shape === undefined) {
    raw.batch_input_shape = inputShape;
  }
  const where = `${file} (layer ${String(raw.name ?? entry.class_name)})`;
  for (const key of ["batch_input_shape", "batch_shape"]) {
    if (raw[key] !== undefined && raw[key] !== null) checkShape(raw[key], key, where);
  }
  const config = configFromKeras(raw, where, (inner, key) => nestedFromKeras(inner, key, file));
  let layer: Layer;
  try {
    layer = cls.fromConfig(config);
  } catch (error) {
    if (error instanceof LoadLimitError) throw error;
    const E = error instanceof RangeError ? RangeError : TypeError;
    throw new E(`Cannot load ${where}: ${(error as Error).message}`, { cause: error });
  }
  if (build) buildFromKeras(layer, entry.build_config, file);
  return layer;
}

/** The config keys Keras and TensorFlow.js give layers inside a layer's config. */
const NESTED_LAYER_KEYS = new Set(["cell", "cells", "layer", "backward_layer"]);

/**
 * A layer inside a layer's config (an RNN's cell, a wrapper's layer),
 * rebuilt unbuilt (the layer holding it builds it). Under another key, an
 * object of a class that is not a layer kerno knows is left as it is, for
 * the layer's own `fromConfig`.
 */
function nestedFromKeras(entry: Json, key: string, file: string): unknown {
  if (!NESTED_LAYER_KEYS.has(key)) {
    try {
      resolveClass(entry.class_name, entry.registered_name, file);
    } catch {
      return entry;
    }
  }
  return layerFromKeras(entry, file, undefined, false);
}

/** The dtype of an input as Keras or TensorFlow.js names it (a string or a dtype policy). */
function inputDtype(value: unknown, file: string): SymbolicDType {
  const name = value !== null && typeof value === "object"
    ? ((value as Json).config as Json | undefined)?.name
    : value;
  if (name === undefined || name === null) return "float32";
  if (typeof name === "string") {
    if (/^(b?float|mixed_)/.test(name)) return "float32";
    if (/^u?int/.test(name)) return "int32";
    if (name === "bool") return "bool";
    if (name === "string") return "string";
  }
  throw new TypeError(
    `Cannot load ${file} as an InputLayer has dtype ${
      JSON.stringify(value)
    }: kerno's inputs are float32, int32, bool or string`,
  );
}

/** An InputLayer from its Keras 3 (`batch_shape`) or TensorFlow.js (`batch_input_shape`) config. */
function inputLayerFromKeras(entry: Json, file: string): InputLayer {
  const c = asObject(entry.config ?? {}, "the InputLayer config", file);
  const batchShape = c.batch_shape ?? c.batch_input_shape;
  const name = typeof c.name === "string" ? c.name : entry.name;
  if (!Array.isArray(batchShape)) {
    throw new TypeError(
      `Cannot load ${file} as InputLayer ${JSON.stringify(name)} has no "batch_shape"`,
    );
  }
  checkShape(batchShape, "batch_shape", `${file} (InputLayer ${JSON.stringify(name)})`);
  try {
    return new InputLayer({
      batchShape: batchShape as Shape,
      dtype: inputDtype(c.dtype, file),
      ...(typeof name === "string" ? { name } : {}),
    });
  } catch (error) {
    if (error instanceof LoadLimitError) throw error;
    throw new TypeError(`Cannot load ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Whether a model entry is a functional model's: `Functional` or `Model` with a layer graph. */
function isFunctionalEntry(entry: Json): boolean {
  const config = entry.config as Json | undefined;
  return (entry.class_name === "Functional" || entry.class_name === "Model") &&
    config !== null && typeof config === "object" && Array.isArray(config.layers) &&
    "output_layers" in config;
}

/** A layer of a functional model from its entry: an input, a nested model, or a layer. */
function memberFromKeras(entry: Json, file: string): Layer {
  if (entry.class_name === "InputLayer") return inputLayerFromKeras(entry, file);
  if (isFunctionalEntry(entry)) {
    return functionalFromKeras(entry, file, (e) => memberFromKeras(e, file));
  }
  if (entry.class_name === "Sequential") return sequentialFromKeras(entry, file);
  // Built by its calls in the graph, as saved; build_config is for a layer alone.
  return layerFromKeras(entry, file, undefined, false);
}

/** A Sequential model from its entry (Keras 3's, with an InputLayer, or TensorFlow.js's). */
function sequentialFromKeras(inner: Json, file: string): Sequential {
  const config = Array.isArray(inner.config)
    ? { layers: inner.config }
    : asObject(inner.config, "the Sequential config", file);
  if (!Array.isArray(config.layers)) {
    throw new TypeError(`Cannot load ${file} as the Sequential config has no "layers" array`);
  }
  const layers: Layer[] = [];
  let pendingShape: unknown = undefined;
  try {
    for (const raw of config.layers) {
      const entry = asObject(raw, "a layer entry", file);
      if (entry.class_name === "InputLayer") {
        const c = asObject(entry.config ?? {}, "the InputLayer config", file);
        pendingShape = c.batch_shape ?? c.batch_input_shape;
        if (pendingShape !== undefined && pendingShape !== null) {
          checkShape(pendingShape, "batch_shape", `${file} (InputLayer)`);
        }
        continue;
      }
      const nested = entry.class_name === "Sequential" || isFunctionalEntry(entry);
      layers.push(
        nested
          ? memberFromKeras(entry, file)
          : layerFromKeras(entry, file, layers.length === 0 ? pendingShape : undefined),
      );
    }
    const model = new Sequential(
      layers,
      typeof config.name === "string" ? { name: config.name } : {},
    );
    if (!model.built && Array.isArray(pendingShape)) model.build(pendingShape as Shape);
    if (config.trainable === false) model.trainable = false;
    return model;
  } catch (error) {
    for (const layer of layers) layer.dispose(); // the weights of what was built
    throw error;
  }
}

/**
 * Rebuilds a model from Keras JSON, built when the JSON gives an input shape.
 *
 * @param json The topology or config.json object.
 * @param file The file, for messages.
 * @returns The model, with fresh weights.
 */
export function modelFromKeras(json: unknown, file: string): Model {
  try {
    return modelFromTopology(json, file);
  } catch (error) {
    if (!(error instanceof Error) || error.message.includes(file)) throw error;
    // A load limit names its own file (the weights' entry of a .keras, say).
    if (error instanceof LoadLimitError && error.message.startsWith("Cannot load ")) throw error;
    // A layer that failed while the model was built (an unknown initializer name, a weight budget).
    const E = error instanceof RangeError ? RangeError : TypeError;
    throw new E(`Cannot load ${file}: ${error.message}`, { cause: error });
  }
}

function modelFromTopology(json: unknown, file: string): Model {
  const top = asObject(json, "the model topology", file);
  const inner = top.model_config === undefined
    ? top
    : asObject(top.model_config, "model_config", file);
  let model: Model;
  if (isFunctionalEntry(inner)) {
    model = functionalFromKeras(inner, file, (e) => memberFromKeras(e, file));
  } else if (inner.class_name === "Sequential") {
    model = sequentialFromKeras(inner, file);
  } else {
    const cls = resolveClass(inner.class_name, inner.registered_name, file);
    const config = configFromKeras(asObject(inner.config ?? {}, "the model config", file), file);
    const built = cls.fromConfig(config);
    if (!(built instanceof Model)) {
      throw new TypeError(
        `Cannot load ${file} as its top-level class ${
          String(inner.class_name)
        } is a layer, not a Model`,
      );
    }
    model = built;
  }
  buildFromKeras(model, inner.build_config, file);
  return model;
}

/** The largest size of one axis kerno reads from a file's shapes. */
const MAX_AXIS = 2 ** 20;

/**
 * Checks a shape read from a file (`batch_input_shape`, `batch_shape`,
 * `build_config.input_shape`) before anything is sized by it: an array of
 * `null` or positive integers of at most {@link MAX_AXIS}, whose known axes
 * hold at most {@link MAX_SAMPLE_ELEMENTS} elements.
 */
function checkShape(shape: unknown, field: string, where: string): void {
  const bad = (why: string) =>
    new RangeError(
      `Cannot load ${where} as "${field}" ${why}: received ${JSON.stringify(shape)?.slice(0, 120)}`,
    );
  if (!Array.isArray(shape) || shape.length > 32) {
    throw bad("must be an array of at most 32 axes");
  }
  let elements = 1;
  for (const d of shape) {
    if (d === null) continue;
    if (!Number.isInteger(d) || d <= 0 || d > MAX_AXIS) {
      throw bad(`must hold null or positive integers of at most ${MAX_AXIS}`);
    }
    elements *= d;
  }
  if (elements > MAX_SAMPLE_ELEMENTS) {
    throw bad(
      `claims ${elements} elements per sample: kerno reads shapes of at most ${MAX_SAMPLE_ELEMENTS} from a file`,
    );
  }
}
