/**
 * Losses and metrics in saved files, as Keras 3 serializes them: a name
 * given to `compile` stays a string; an instance becomes
 * `{ class_name, config, registered_name }` (plus `module` in `.keras`
 * files) with its `getConfig()` in snake_case; a function becomes
 * `{ class_name: "function", config: "<registered name>" }`. Loading
 * resolves names through kerno's built-in classes and the registry
 * (`registerSerializable`) only, and compiles a model all or nothing: what
 * cannot be restored is named in one warning and the model stays uncompiled.
 *
 * @module
 */
import type { Model } from "../engine/model.ts";
import type { CompiledState, CompileOptions, MetricLike } from "../engine/compile.ts";
import type { Optimizer } from "../optimizers/optimizer.ts";
import * as lossClasses from "../losses/mod.ts";
import * as metricClasses from "../metrics/mod.ts";
import { getLoss, Loss, type LossFunction, LossFunctionWrapper } from "../losses/mod.ts";
import { getMetric, Mean, MeanMetricWrapper, Metric, Sum } from "../metrics/mod.ts";
import { getOptimizer } from "../optimizers/get.ts";
import type { OptimizerRecord } from "./_training_state.ts";
import {
  configToKeras,
  type Dialect,
  type Json,
  kerasObject,
  toCamel,
  toSnake,
} from "./_keras_json.ts";
import { registeredNameOf, registeredObject } from "./register_serializable.ts";

/** A loss or metric as a file stores it: a name, or a serialized object. */
export type SerializedEntry = string | Json;

/** The compile settings kerno stores beside the optimizer. */
export interface CompileRecord {
  /**
   * The loss: a Keras name or a serialized loss or function; for a model of
   * several outputs, an array or a record of them (`null`: no loss).
   */
  loss: SerializedEntry | (SerializedEntry | null)[] | Record<string, SerializedEntry | null>;
  /** The metrics, in `compile`'s order (per output: arrays of them, or a record). */
  metrics: SerializedEntry[] | SerializedEntry[][] | Record<string, SerializedEntry[]>;
  /** The loss weight (per output: an array or a record). */
  lossWeight: number | number[] | Record<string, number>;
}

/** Whether a value is a plain record (an object literal), not a loss, metric or function. */
function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) &&
    Object.getPrototypeOf(v) === Object.prototype && !("class_name" in (v as object));
}

/**
 * Applies `f` to each entry of a loss as `compile` takes it: one, an
 * array, or a record (keeping `null`s).
 */
export function mapLosses<T, U>(value: unknown, f: (entry: T) => U): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === null ? null : f(v as T)));
  if (isPlainRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, v === null ? null : f(v as T)]),
    );
  }
  return f(value as T);
}

/**
 * Applies `f` to each metric of metrics as `compile` takes them: an array,
 * an array of arrays, or a record of metrics or arrays.
 */
export function mapMetrics<T, U>(value: unknown, f: (entry: T) => U): unknown {
  const one = (v: unknown): unknown => (Array.isArray(v) ? v.map((m) => f(m as T)) : f(v as T));
  if (Array.isArray(value)) return value.map(one);
  if (isPlainRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, one(v)]));
  }
  return one(value);
}

type Kind = "loss" | "metric";
type Rebuildable = { fromConfig(config: Record<string, unknown>): unknown };

/** Built-in concrete classes by name, per kind (a loss and a metric may share a name). */
function builtins(module: Record<string, unknown>, base: unknown): Map<string, Rebuildable> {
  const abstract = new Set(["Loss", "Metric", "CrossentropyLoss", "ThresholdMetric"]);
  const out = new Map<string, Rebuildable>();
  for (const [name, value] of Object.entries(module)) {
    if (
      typeof value === "function" && !abstract.has(name) &&
      (value.prototype instanceof (base as typeof Loss))
    ) {
      out.set(name, value as unknown as Rebuildable);
    }
  }
  return out;
}

const BUILTIN: Record<Kind, Map<string, Rebuildable>> = {
  loss: builtins(lossClasses, Loss),
  metric: builtins(metricClasses, Metric),
};

/**
 * A function as Keras 3 serializes it: its registered name, or its own name
 * when it was not registered (such a file does not load it back).
 *
 * @param fn The function.
 * @param dialect Which JSON to write.
 * @returns The serialized function.
 */
export function serializeFunction(fn: LossFunction, dialect: Dialect): Json {
  const key = registeredNameOf(fn);
  const out: Json = { class_name: "function", config: key ?? fn.name, registered_name: key };
  return dialect === "keras3" ? { module: key === null ? null : key.split(">")[0], ...out } : out;
}

function serializeInstance(obj: Loss | Metric, kind: Kind, dialect: Dialect): Json {
  const cls = obj.constructor;
  const registered = registeredNameOf(cls);
  const config: Record<string, unknown> = { ...obj.getConfig() };
  if (obj instanceof LossFunctionWrapper && cls === LossFunctionWrapper) {
    config.fn = serializeFunction(obj.fn, dialect);
  }
  if (obj instanceof MeanMetricWrapper && cls === MeanMetricWrapper) {
    config.fn = serializeFunction(obj.fn, dialect);
  }
  if (obj instanceof Metric && (cls === Mean || cls === Sum || cls === MeanMetricWrapper)) {
    config.direction = obj.direction; // their constructors take it; subclasses fix it
  }
  const snake: Json = {};
  for (const [k, v] of Object.entries(config)) if (v !== undefined) snake[toSnake(k)] = v;
  const className = registered === null ? cls.name : registered.split(">")[1];
  const out: Json = { class_name: className, config: snake, registered_name: registered };
  if (dialect === "tfjs") return out;
  const module = registered !== null
    ? registered.split(">")[0]
    : BUILTIN[kind].get(cls.name) === cls as unknown
    ? `keras.${kind === "loss" ? "losses" : "metrics"}`
    : null;
  return { module, ...out };
}

/**
 * A loss or metric identifier as a file stores it: strings as they are,
 * instances and functions serialized.
 *
 * @param id What `compile` was given.
 * @param kind Loss or metric.
 * @param dialect Which JSON to write.
 * @returns The stored form.
 */
export function serializeEntry(
  id: string | Loss | Metric | LossFunction,
  kind: Kind,
  dialect: Dialect,
): SerializedEntry {
  if (typeof id === "string") return id;
  if (typeof id === "function") return serializeFunction(id, dialect);
  return serializeInstance(id, kind, dialect);
}

/**
 * The compile settings of a model, or null when it is not compiled.
 *
 * @param compiled The model's compiled state.
 * @param dialect Which JSON to write.
 * @returns Loss, metrics and loss weight.
 */
export function compileRecordFrom(
  compiled: CompiledState | null,
  dialect: Dialect,
): CompileRecord | null {
  if (!compiled || compiled.lossIdentifier === null) return null; // no loss: nothing to restore
  const serialize = (kind: Kind) => (m: MetricLike) => serializeEntry(m, kind, dialect);
  return {
    loss: mapLosses(compiled.lossIdentifier, serialize("loss")) as CompileRecord["loss"],
    metrics: mapMetrics(compiled.metricsIdentifier ?? [], serialize("metric")) as CompileRecord[
      "metrics"
    ],
    lossWeight: compiled.multiOutput ? compiled.lossWeightsIdentifier ?? 1 : compiled.lossWeight,
  };
}

/** Something in a file that cannot be restored here (unknown or unregistered). */
class Unrestorable extends Error {}

/** Keys Keras writes that kerno's losses and metrics have no option for, when at their default. */
function configFromFile(config: Json): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === null || k === "dtype" || (k === "axis" && v === -1)) continue;
    out[toCamel(k)] = v;
  }
  return out;
}

function resolveFunction(entry: Json, kind: Kind): LossFunction | string {
  const keys = [entry.registered_name, entry.config, `Custom>${String(entry.config)}`];
  for (const key of keys) {
    const found = typeof key === "string" ? registeredObject(key) : undefined;
    if (typeof found === "function" && !("fromConfig" in found)) return found as LossFunction;
  }
  // A Keras built-in function (`keras.losses.mean_squared_error`) is its name.
  if (typeof entry.config === "string" && knownName(entry.config, kind)) return entry.config;
  const name = typeof entry.config === "string" ? entry.config : "";
  throw new Unrestorable(
    `${kind} function "${name || "(anonymous)"}" is not registered: call ${
      name === "" ? 'registerSerializable(fn, { name: "..." })' : `registerSerializable(${name})`
    } before loading`,
  );
}

function knownName(name: string, kind: Kind): boolean {
  try {
    if (kind === "loss") getLoss(name);
    else getMetric(name);
    return true;
  } catch {
    return false;
  }
}

function resolveClassOf(entry: Json, kind: Kind): Rebuildable {
  const className = String(entry.class_name);
  const registered = typeof entry.registered_name === "string"
    ? registeredObject(entry.registered_name)
    : undefined;
  const found = registered ?? BUILTIN[kind].get(className) ??
    registeredObject(`Custom>${className}`);
  if (found === undefined || !("fromConfig" in found)) {
    throw new Unrestorable(
      `${kind} "${className}" is neither built into kerno nor registered: import its class and call registerSerializable(${className}) before loading`,
    );
  }
  return found as Rebuildable;
}

function rebuild(entry: Json, kind: Kind, where: string): Loss | Metric | LossFunction | string {
  if (entry.class_name === "function") return resolveFunction(entry, kind);
  if (typeof entry.class_name !== "string") {
    throw new TypeError(
      `Cannot load ${where} as a ${kind} in its compile config has no string "class_name": received ${
        JSON.stringify(entry).slice(0, 80)
      }`,
    );
  }
  if (entry.config !== undefined && (entry.config === null || typeof entry.config !== "object")) {
    throw new TypeError(
      `Cannot load ${where} as the config of ${kind} "${entry.class_name}" must be an object`,
    );
  }
  const cls = resolveClassOf(entry, kind);
  const config = configFromFile((entry.config ?? {}) as Json);
  const target = kind === "loss" ? Loss : Metric;
  let made: unknown;
  try {
    if (cls === LossFunctionWrapper as unknown || cls === MeanMetricWrapper as unknown) {
      const { fn, ...rest } = config;
      const inner = rebuildFunction(fn, kind, where);
      made = cls === LossFunctionWrapper as unknown
        ? new LossFunctionWrapper(inner, rest)
        : new MeanMetricWrapper(inner, rest);
    } else made = cls.fromConfig(config);
  } catch (error) {
    if (error instanceof Unrestorable) throw error;
    throw new Unrestorable(
      `${kind} "${entry.class_name}" cannot be rebuilt from its config: ${
        (error as Error).message
      }`,
    );
  }
  if (!(made instanceof target)) {
    throw new Unrestorable(`${kind} "${entry.class_name}" is not a ${target.name} class`);
  }
  return made as Loss | Metric;
}

function rebuildFunction(fn: unknown, kind: Kind, where: string): LossFunction {
  if (fn === null || typeof fn !== "object") {
    throw new Unrestorable(`the wrapped ${kind} function is missing`);
  }
  const resolved = resolveFunction(fn as Json, kind);
  if (typeof resolved === "string") {
    throw new TypeError(
      `Cannot load ${where} as a wrapped ${kind} names "${resolved}", a name rather than a function`,
    );
  }
  return resolved;
}

/**
 * Rebuilds one stored loss or metric.
 *
 * @param entry The stored form.
 * @param kind Loss or metric.
 * @param where The file, for messages.
 * @returns The identifier to give `compile`.
 * @throws TypeError when the entry is malformed (names the file);
 *   `Unrestorable` (internal) when it names something unknown here.
 */
function deserializeEntry(
  entry: unknown,
  kind: Kind,
  where: string,
): Loss | Metric | LossFunction | string {
  if (typeof entry === "string") {
    if (!knownName(entry, kind)) {
      throw new Unrestorable(`${kind} "${entry}" is not one kerno knows`);
    }
    return entry;
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw new TypeError(
      `Cannot load ${where} as a ${kind} in its compile config must be a name or an object: received ${
        JSON.stringify(entry)?.slice(0, 80)
      }`,
    );
  }
  return rebuild(entry as Json, kind, where);
}

/** Compile settings as read from a file, before they are checked. */
export interface StoredCompile {
  /** The loss entry. */
  loss: unknown;
  /** The metric entries (an array, or null/undefined for none). */
  metrics: unknown;
  /** The loss weight (a number, or null/undefined for 1). */
  lossWeight: unknown;
}

/**
 * Compiles a loaded model as its file says, all or nothing: when any loss,
 * metric or optimizer named in the file cannot be restored here, one
 * `console.warn` names the file and everything dropped, and the model is left
 * uncompiled.
 *
 * @param model The loaded model.
 * @param stored The stored loss, metrics and loss weight.
 * @param makeOptimizer Builds the stored optimizer (it may throw for an unknown one).
 * @param where The file, for messages.
 * @returns Whether the model was compiled.
 * @throws TypeError naming the file when the compile config is malformed.
 */
export function compileFromStored(
  model: Model,
  stored: StoredCompile,
  makeOptimizer: () => Optimizer | undefined,
  where: string,
): boolean {
  const metricEntries = stored.metrics ?? [];
  if (!Array.isArray(metricEntries) && !isPlainRecord(metricEntries)) {
    throw new TypeError(
      `Cannot load ${where} as "metrics" in its compile config must be an array or a record: received ${
        JSON.stringify(metricEntries)?.slice(0, 80)
      }`,
    );
  }
  const weight = stored.lossWeight ?? undefined;
  const dropped: string[] = [];
  /** Runs `f`; an `Unrestorable` (or, with `label`, any error) is dropped, the rest propagate. */
  const attempt = <T>(f: () => T, label?: (e: Error) => string): T | undefined => {
    try {
      return f();
    } catch (error) {
      if (error instanceof Unrestorable) dropped.push(error.message);
      else if (label && error instanceof Error) dropped.push(label(error));
      else throw error;
      return undefined;
    }
  };
  const loss = stored.loss === null || stored.loss === undefined
    ? undefined
    : mapLosses(stored.loss, (e: unknown) => attempt(() => deserializeEntry(e, "loss", where)));
  const metrics = mapMetrics(
    metricEntries,
    (m: unknown) => attempt(() => deserializeEntry(m, "metric", where)),
  );
  const missing = (v: unknown): boolean =>
    v === undefined || (Array.isArray(v) && v.some(missing)) ||
    (isPlainRecord(v) && Object.values(v).some(missing));
  const optimizer = attempt(makeOptimizer, (e) => `the optimizer (${e.message})`);
  if (dropped.length > 0 || missing(loss)) {
    console.warn(
      `kerno: loaded ${where} without compiling it, as its compile settings cannot all be restored: dropped ${
        dropped.join("; ")
      }. Compile it yourself, or pass { compile: false } to loadModel to skip the compile settings`,
    );
    return false;
  }
  try {
    model.compileFromConfig({ // Keras's compile_from_config: a subclass's override runs
      optimizer,
      loss: loss as CompileOptions["loss"],
      metrics: metrics as CompileOptions["metrics"],
      lossWeights: weight as CompileOptions["lossWeights"],
    });
  } catch (error) {
    throw new TypeError(
      `Cannot load ${where} as its compile config does not compile: ${(error as Error).message}`,
    );
  }
  return true;
}

/**
 * An optimizer as Keras JSON: `{ class_name, config }` with snake_case keys,
 * a learning-rate schedule nested the same way.
 *
 * @param optimizer The optimizer.
 * @param dialect Which JSON to write.
 * @returns The serialized optimizer.
 */
export function optimizerToKeras(optimizer: Optimizer, dialect: Dialect): Json {
  const config = configToKeras(optimizer.getConfig(), dialect);
  const rate = config.learning_rate as Json | number;
  if (typeof rate === "object" && rate !== null && "className" in rate) {
    config.learning_rate = kerasObject(
      "keras.optimizers.schedules",
      String(rate.className),
      configToKeras((rate.config ?? {}) as Json, dialect),
      dialect,
    );
  }
  return kerasObject("keras.optimizers", optimizer.constructor.name, config, dialect);
}

/**
 * Reads a Keras-JSON optimizer (Keras 3's `compile_config.optimizer`, Keras
 * 2's `optimizer_config`) as kerno's record, keeping only the options the
 * kerno class knows (files from Keras carry more).
 *
 * @param json The serialized optimizer, or a name.
 * @returns The class name and camelCase config.
 */
export function optimizerRecordFromKeras(json: unknown): OptimizerRecord {
  if (typeof json === "string") return { className: json, config: {}, weights: [] };
  const opt = (json ?? {}) as Json;
  const config: Json = {};
  for (const [k, v] of Object.entries((opt.config ?? {}) as Json)) {
    if (k === "learning_rate" && v !== null && typeof v === "object") {
      const s = v as Json;
      const sc: Json = {};
      for (const [sk, sv] of Object.entries((s.config ?? {}) as Json)) sc[toCamel(sk)] = sv;
      config.learningRate = { className: s.class_name, config: sc };
    } else config[toCamel(k)] = v;
  }
  const className = String(opt.class_name ?? "RMSprop");
  let known: Set<string> | null = null;
  try {
    const probe = getOptimizer(className);
    known = new Set(Object.keys(probe.getConfig()));
    probe.dispose();
  } catch {
    // An optimizer kerno lacks: building it later names it.
  }
  const kept = known === null
    ? config
    : Object.fromEntries(Object.entries(config).filter(([k]) => known.has(k)));
  return { className, config: kept, weights: [] };
}
