/**
 * kerno configs ↔ Keras JSON. kerno's `getConfig()` uses camelCase keys and
 * plain initializer/regularizer names; Keras (and TensorFlow.js Layers'
 * `model.json`) use snake_case keys and `{class_name, config}` objects. Two
 * dialects are written: `"tfjs"` (TensorFlow.js Layers / Keras 2 JSON) and
 * `"keras3"` (Keras 3's `{module, class_name, config, registered_name}`).
 *
 * @module
 */
import {
  Constant,
  getInitializer,
  type Initializer,
  Orthogonal,
  RandomInitializer,
  VarianceScaling,
} from "../engine/initializers.ts";
import { getRegularizer, L1L2 } from "../engine/regularizers.ts";

/** Which JSON dialect to write. */
export type Dialect = "tfjs" | "keras3";

/** A JSON object. */
export type Json = Record<string, unknown>;

/** camelCase → snake_case (`kernelInitializer` → `kernel_initializer`, `beta1` → `beta_1`). */
export function toSnake(key: string): string {
  return key.replace(/([A-Z])/g, "_$1").toLowerCase().replace(/^(beta)(\d)$/, "$1_$2");
}

/** snake_case → camelCase (`kernel_initializer` → `kernelInitializer`, `beta_1` → `beta1`). */
export function toCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const SEED_ONLY = new Set([
  "GlorotUniform",
  "GlorotNormal",
  "HeUniform",
  "HeNormal",
  "LecunUniform",
  "LecunNormal",
]);

/** Wraps a class name and config in the dialect's object form. */
export function kerasObject(
  module: string,
  className: string,
  config: Json,
  dialect: Dialect,
): Json {
  return dialect === "keras3"
    ? { module, class_name: className, config, registered_name: null }
    : { class_name: className, config };
}

function initializerToKeras(value: unknown, dialect: Dialect): Json {
  // Keras's Embedding default "uniform" is RandomUniform(-0.05, 0.05).
  const init: Initializer = value === "uniform"
    ? new RandomInitializer("RandomUniform", { minval: -0.05, maxval: 0.05 })
    : getInitializer(value as string | Initializer);
  const c = init.getConfig();
  let config: Json;
  if (SEED_ONLY.has(init.className)) config = { seed: c.seed ?? null };
  else if (init.className === "Zeros" || init.className === "Ones") config = {};
  else config = { ...c };
  return kerasObject("keras.initializers", init.className, config, dialect);
}

function regularizerToKeras(value: unknown, dialect: Dialect): Json {
  const r = getRegularizer(value as string);
  return kerasObject("keras.regularizers", "L1L2", { l1: r.l1, l2: r.l2 }, dialect);
}

/** A layer inside a layer's config (an RNN's `cell`, a wrapper's `layer`), as `getConfig()` gives it. */
export interface NestedLayer {
  /** The class name, e.g. `"LSTMCell"`. */
  className: string;
  /** The layer's `getConfig()`. */
  config: Json;
}

function isPlainObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Whether a config value is a layer's `{ className, config }` (kerno's form
 * of a nested layer: an RNN's cell, a wrapper's layer).
 *
 * @param value The value.
 * @returns `true` for `{ className: string, config: object }` and nothing else.
 */
export function isNestedLayer(value: unknown): value is NestedLayer {
  return isPlainObject(value) && typeof value.className === "string" &&
    isPlainObject(value.config) && Object.keys(value).length === 2;
}

/**
 * Whether a value of a Keras config is a serialized object with a class and
 * a config object (`{ class_name, config, ... }`: a nested layer, when its
 * key is not an initializer's, a regularizer's or a constraint's).
 *
 * @param value The value.
 * @returns `true` for such an object.
 */
export function isKerasObject(value: unknown): value is Json {
  return isPlainObject(value) && typeof value.class_name === "string" &&
    isPlainObject(value.config);
}

/**
 * Converts a kerno layer config (camelCase) to Keras's snake_case config.
 *
 * @param config `layer.getConfig()`.
 * @param dialect Which JSON to write.
 * @param nested How a nested layer's `{ className, config }` (or a list of
 *   them) under a key is written; left as it is when not given.
 * @returns The Keras config (without the input shape, which callers place).
 */
export function configToKeras(
  config: Json,
  dialect: Dialect,
  nested?: (value: NestedLayer, key: string) => unknown,
): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === "inputShape" || key === "batchSize") continue;
    if (key.endsWith("Initializer") && value !== null && value !== undefined) {
      out[toSnake(key)] = initializerToKeras(value, dialect);
    } else if (key.endsWith("Regularizer") && value !== null && value !== undefined) {
      out[toSnake(key)] = regularizerToKeras(value, dialect);
    } else if (key === "dataFormat" && dialect === "tfjs" && typeof value === "string") {
      out.data_format = TFJS_DATA_FORMAT[value] ?? value; // TensorFlow.js spells it channelsLast
    } else if (nested && isNestedLayer(value)) {
      out[toSnake(key)] = nested(value, key);
    } else if (
      nested && Array.isArray(value) && value.length > 0 && value.every(isNestedLayer)
    ) {
      out[toSnake(key)] = value.map((v) => nested(v, key));
    } else {
      out[toSnake(key)] = value;
    }
  }
  return out;
}

/** Keras's `data_format` values as TensorFlow.js Layers writes them, and back. */
const TFJS_DATA_FORMAT: Record<string, string> = {
  channels_last: "channelsLast",
  channels_first: "channelsFirst",
};

/**
 * Keys whose `null` is a value of its own, kept (elsewhere `null` stands
 * for the default and is dropped): Bidirectional's `merge_mode: null`
 * returns both outputs.
 */
const NULL_KEPT = new Set(["noise_shape", "seed", "merge_mode"]);

/** Keys Keras or TensorFlow.js write that kerno has no option for, dropped when default. */
const IGNORED: Record<string, (v: unknown) => boolean> = {
  dtype: () => true,
  batch_input_shape: () => true,
  batch_shape: () => true,
  input_shape: () => true,
  input_dtype: () => true,
  data_format: (v) => v === null || v === "channels_last" || v === "channelsLast",
  activity_regularizer: (v) => v === null,
  sparse: (v) => v === false || v === null,
  ragged: (v) => v === false || v === null,
  synchronized: (v) => v === false,
  rms_scaling: (v) => v === false,
  lora_rank: (v) => v === null,
  lora_alpha: (v) => v === null,
  quantization_config: (v) => v === null,
  autocast: (v) => v === true,
  // How Keras and TensorFlow.js run a recurrent layer (same numbers either way).
  implementation: (v) => v === null || v === 0 || v === 1 || v === 2,
  use_cudnn: (v) => v === "auto" || v === true || v === false,
  time_major: (v) => v === false || v === null,
};

/**
 * Converts a Keras (or TensorFlow.js) layer config to kerno's options.
 *
 * @param config The Keras config.
 * @param where The file and layer, for messages.
 * @param nested How a nested layer (`{ class_name, config, ... }`, or a list
 *   of them: an RNN's `cell`, a wrapper's `layer`) under a key is rebuilt;
 *   left as it is when not given.
 * @returns The kerno config (camelCase), with `inputShape`/`batchSize` from `batch_input_shape`.
 */
export function configFromKeras(
  config: Json,
  where: string,
  nested?: (entry: Json, key: string) => unknown,
): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === "data_format" && (value === "channels_first" || value === "channelsFirst")) {
      out.dataFormat = "channels_first"; // layers without the option refuse it by name
      continue;
    }
    if (Object.hasOwn(IGNORED, key)) {
      if (IGNORED[key](value)) continue;
      throw new TypeError(
        `Cannot load ${where} as option "${key}" is not supported by kerno: received ${
          JSON.stringify(value)
        }`,
      );
    }
    if (key.endsWith("_constraint")) {
      if (value === null) continue;
      throw new TypeError(
        `Cannot load ${where} as kerno has no weight constraints: "${key}" is ${
          JSON.stringify(value)
        }`,
      );
    }
    if (key.endsWith("_initializer") && value !== null && typeof value === "object") {
      out[toCamel(key)] = initializerFromKeras(value as Json, where);
    } else if (key.endsWith("_regularizer")) {
      if (value !== null) out[toCamel(key)] = regularizerFromKeras(value as Json, where);
    } else if (nested && isKerasObject(value)) {
      out[toCamel(key)] = nested(value, key);
    } else if (
      nested && Array.isArray(value) && value.length > 0 && value.every(isKerasObject)
    ) {
      out[toCamel(key)] = value.map((v) => nested(v, key));
    } else if (value !== null || NULL_KEPT.has(key)) {
      out[toCamel(key)] = value;
    }
  }
  const shape = config.batch_input_shape ?? config.batch_shape ??
    (Array.isArray(config.input_shape) ? [null, ...config.input_shape] : undefined);
  if (Array.isArray(shape)) {
    out.inputShape = shape.slice(1);
    if (typeof shape[0] === "number") out.batchSize = shape[0];
  }
  return out;
}

function initializerFromKeras(value: Json, where: string): string | Initializer {
  const className = value.class_name;
  const c = (value.config ?? {}) as Json;
  const seed = typeof c.seed === "number" ? c.seed : undefined;
  if (typeof className !== "string") {
    throw new TypeError(
      `Cannot load ${where} as an initializer has no class_name: received ${JSON.stringify(value)}`,
    );
  }
  if (
    (SEED_ONLY.has(className) || className === "Zeros" || className === "Ones") &&
    seed === undefined
  ) {
    return className;
  }
  switch (className) {
    case "Constant":
      return new Constant(Number(c.value ?? 0));
    case "RandomNormal":
    case "TruncatedNormal":
    case "RandomUniform":
      return new RandomInitializer(className, {
        mean: c.mean as number | undefined,
        stddev: c.stddev as number | undefined,
        minval: c.minval as number | undefined,
        maxval: c.maxval as number | undefined,
        seed,
      });
    case "Orthogonal": {
      const gain = c.gain === undefined || c.gain === null ? 1 : Number(c.gain);
      // The default (recurrent kernels'), as kerno's own configs name it.
      if (gain === 1 && seed === undefined) return "orthogonal";
      return new Orthogonal({ gain, seed });
    }
    case "VarianceScaling":
      return new VarianceScaling({
        scale: c.scale as number | undefined,
        mode: toSnake(String(c.mode ?? "fan_in")) as "fan_in",
        distribution:
          (c.distribution === "normal" ? "truncated_normal" : c.distribution) as "uniform",
        seed,
      });
  }
  if (SEED_ONLY.has(className)) return className; // a seeded named initializer: its seed only matters at creation
  throw new TypeError(`Cannot load ${where} as initializer "${className}" is not one kerno knows`);
}

function regularizerFromKeras(value: Json, where: string): L1L2 {
  const className = value.class_name;
  const c = (value.config ?? {}) as Json;
  if (className !== "L1L2" && className !== "L1" && className !== "L2") {
    throw new TypeError(
      `Cannot load ${where} as regularizer ${
        JSON.stringify(className)
      } is not one kerno knows: expected L1L2, L1 or L2`,
    );
  }
  return new L1L2({ l1: Number(c.l1 ?? 0), l2: Number(c.l2 ?? 0) });
}
