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
import {
  configFromKeras,
  configToKeras,
  type Dialect,
  type Json,
  kerasObject,
  toCamel,
  toSnake,
} from "./_keras_json.ts";
import { registeredNameOf, resolveClass } from "./register_serializable.ts";

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
  const { className, registered, module } = classInfo(layer);
  const config = configToKeras(layer.getConfig(), dialect);
  if (dialect === "tfjs") {
    config.dtype = "float32";
    if (inputShape) config.batch_input_shape = inputShape;
    return registered === null
      ? { class_name: className, config }
      : { class_name: className, config, registered_name: registered };
  }
  config.dtype = DTYPE_POLICY;
  const out: Json = { module, class_name: className, config, registered_name: registered };
  const build = buildConfigToKeras(layer);
  if (build) out.build_config = build;
  return out;
}

/** `layer.getBuildConfig()` with snake_case keys (`input_shape`), or null. */
function buildConfigToKeras(layer: Layer): Json | null {
  const config = layer.getBuildConfig();
  if (config === null || config === undefined) return null;
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [toSnake(k), v]));
}

/**
 * Calls `buildFromConfig` of a layer or model that is not built, with a
 * saved `build_config` (keys in camelCase), as Keras's loading does.
 */
function buildFromKeras(layer: Layer, buildConfig: unknown, file: string): void {
  if (layer.built || buildConfig === undefined || buildConfig === null) return;
  const raw = asObject(buildConfig, "build_config", file);
  if (Array.isArray(raw.input_shape)) checkShape(raw.input_shape, file);
  layer.buildFromConfig(Object.fromEntries(Object.entries(raw).map(([k, v]) => [toCamel(k), v])));
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
    configs.unshift(kerasObject("keras.layers", "InputLayer", {
      batch_shape: first,
      dtype: "float32",
      sparse: false,
      name: "input_layer",
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

function layerFromKeras(entry: Json, file: string, inputShape: unknown): Layer {
  const cls = resolveClass(entry.class_name, entry.registered_name, file);
  const raw = {
    ...asObject(entry.config ?? {}, `the config of ${String(entry.class_name)}`, file),
  };
  if (inputShape !== undefined && raw.batch_input_shape === undefined) {
    raw.batch_input_shape = inputShape;
  }
  const config = configFromKeras(raw, `${file} (layer ${String(raw.name ?? entry.class_name)})`);
  const layer = cls.fromConfig(config);
  buildFromKeras(layer, entry.build_config, file);
  return layer;
}

/**
 * Rebuilds a model from Keras JSON, built when the JSON gives an input shape.
 *
 * @param json The topology or config.json object.
 * @param file The file, for messages.
 * @returns The model, with fresh weights.
 */
export function modelFromKeras(json: unknown, file: string): Model {
  const top = asObject(json, "the model topology", file);
  const inner = top.model_config === undefined
    ? top
    : asObject(top.model_config, "model_config", file);
  let model: Model;
  if (inner.class_name === "Sequential") {
    const config = Array.isArray(inner.config)
      ? { layers: inner.config }
      : asObject(inner.config, "the Sequential config", file);
    if (!Array.isArray(config.layers)) {
      throw new TypeError(`Cannot load ${file} as the Sequential config has no "layers" array`);
    }
    const layers: Layer[] = [];
    let pendingShape: unknown = undefined;
    for (const raw of config.layers) {
      const entry = asObject(raw, "a layer entry", file);
      if (entry.class_name === "InputLayer") {
        const c = asObject(entry.config ?? {}, "the InputLayer config", file);
        pendingShape = c.batch_shape ?? c.batch_input_shape;
        continue;
      }
      layers.push(layerFromKeras(entry, file, layers.length === 0 ? pendingShape : undefined));
    }
    model = new Sequential(layers, typeof config.name === "string" ? { name: config.name } : {});
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

function checkShape(shape: unknown[], file: string): void {
  if (
    shape.some((d) =>
      d !== null && (!Number.isInteger(d) || (d as number) <= 0 || (d as number) > 2 ** 20)
    )
  ) {
    throw new RangeError(
      `Cannot load ${file} as its build input shape is not a valid shape: received ${
        JSON.stringify(shape)
      }`,
    );
  }
}
