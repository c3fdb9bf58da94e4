/**
 * `registerSerializable`: the classes and functions a saved file may name.
 * Loading only ever instantiates kerno's built-in layers, models, losses and
 * metrics and the classes registered here (Keras's
 * `register_keras_serializable`), and only calls loss and metric functions
 * registered here; nothing in a file is evaluated as code.
 *
 * @module
 */
import { Layer } from "../engine/layer.ts";
import type { tf } from "../engine/tf.ts";
import type { Loss } from "../losses/loss.ts";
import type { Metric } from "../metrics/metric.ts";
import { Sequential } from "../engine/sequential.ts";
import * as builtinLayers from "../layers/mod.ts";

/** A class that can be rebuilt from its config. */
export interface SerializableClass {
  /** The class name. */
  readonly name: string;
  /** Rebuilds an instance from `getConfig()`'s output. */
  fromConfig(config: Record<string, unknown>): Layer;
}

/** A loss or metric class that can be rebuilt from its config. */
export interface SerializableCompileClass {
  /** The class name. */
  readonly name: string;
  /** Rebuilds an instance from `getConfig()`'s output. */
  fromConfig(config: Record<string, unknown>): Loss | Metric;
}

/** A loss or metric written as a plain function, registered under a name. */
export type SerializableFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Anything {@link registerSerializable} accepts. */
export type Registrable = SerializableClass | SerializableCompileClass | SerializableFunction;

/** Options of {@link registerSerializable}. */
export interface RegisterOptions {
  /** The package part of the registered name. @default "Custom" */
  package?: string;
  /** The name part. @default the class's name */
  name?: string;
}

const BY_KEY = new Map<string, Registrable>();
const KEY_OF = new Map<unknown, string>();

/** Whether a function is a class (its `prototype` is read-only), not a plain function. */
function isClass(fn: unknown): boolean {
  return typeof fn === "function" &&
    Object.getOwnPropertyDescriptor(fn, "prototype")?.writable === false;
}

/**
 * Registers a layer, model, loss or metric class, or a loss or metric
 * function, so that saved files naming it can be loaded: they are stored
 * under `"<package>>name"` (Keras's registered name). A class needs a static
 * `fromConfig` (every `Layer`, `Loss` and `Metric` inherits one that passes
 * `getConfig()`'s output to the constructor).
 *
 * @param cls The class (a subclass of `Layer`, `Model`, `Loss` or `Metric`) or
 *   a `(yTrue, yPred) => tf.Tensor` function given to `compile` as a loss or metric.
 * @param options The package and name to register under (a function's
 *   default name is its `name`).
 * @returns The registered name, e.g. `"Custom>TextClassifier"`.
 * @example
 * ```ts
 * import { layers, Model, registerSerializable, tf } from "../mod.ts";
 * class Tiny extends Model {
 *   out = new layers.Dense(1);
 *   override call(x: tf.Tensor): tf.Tensor {
 *     return this.out.apply(x);
 *   }
 * }
 * registerSerializable(Tiny); // "Custom>Tiny"
 * ```
 */
export function registerSerializable(
  cls: Registrable,
  options: RegisterOptions = {},
): string {
  if (
    typeof (cls as unknown) !== "function" ||
    (isClass(cls) && typeof (cls as SerializableClass).fromConfig !== "function")
  ) {
    throw new TypeError(
      `Cannot register ${
        typeof cls === "function" ? cls.name : String(cls)
      } as it must be a Layer, Model, Loss or Metric class with a static fromConfig, or a loss or metric function`,
    );
  }
  const pkg = options.package ?? "Custom";
  const name = options.name ?? cls.name;
  if (typeof name !== "string" || name === "" || name.includes(">")) {
    throw new TypeError(
      `Cannot register ${
        cls.name || "an anonymous function"
      } as "name" must be a non-empty string without ">": received ${
        JSON.stringify(name)
      }; an anonymous function needs registerSerializable(fn, { name: "my_loss" })`,
    );
  }
  if (typeof pkg !== "string" || pkg === "" || pkg.includes(">")) {
    throw new TypeError(
      `Cannot register ${cls.name} as "package" must be a non-empty string without ">": received ${
        JSON.stringify(pkg)
      }`,
    );
  }
  const key = `${pkg}>${name}`;
  const existing = BY_KEY.get(key);
  if (existing && existing !== cls) {
    throw new TypeError(
      `Cannot register ${cls.name} as "${key}" is already registered to another class`,
    );
  }
  BY_KEY.set(key, cls);
  KEY_OF.set(cls, key);
  return key;
}

/**
 * The registered name of a class, or null when it was not registered.
 *
 * @param cls The class.
 * @returns The `"package>name"` key, or null.
 */
export function registeredNameOf(cls: unknown): string | null {
  return KEY_OF.get(cls) ?? null;
}

/**
 * What was registered under a name, or undefined.
 *
 * @param key The `"package>name"` key.
 * @returns The class or function.
 */
export function registeredObject(key: string): Registrable | undefined {
  return BY_KEY.get(key);
}

/** The registered layer or model class under a key, if that is what it names. */
function registeredLayer(key: string): SerializableClass | undefined {
  const found = BY_KEY.get(key);
  return typeof found === "function" && found.prototype instanceof Layer
    ? found as unknown as SerializableClass
    : undefined;
}

const BUILTINS: Record<string, SerializableClass> = { Sequential };
for (const [name, value] of Object.entries(builtinLayers)) {
  // Classes only: not the bases, nor the functional forms (`add`, `concatenate`).
  if (typeof value === "function" && !name.startsWith("Base") && /^[A-Z]/.test(name)) {
    BUILTINS[name] = value as unknown as SerializableClass;
  }
}

/**
 * Finds the class a file names: a registered name first, then kerno's
 * built-in classes, then a class registered under the default package.
 *
 * @param className The stored class name.
 * @param registeredName The stored registered name, if any.
 * @param file The file, for the message.
 * @returns The class.
 */
export function resolveClass(
  className: unknown,
  registeredName: unknown,
  file: string,
): SerializableClass {
  const registered = typeof registeredName === "string"
    ? registeredLayer(registeredName)
    : undefined;
  if (registered) return registered;
  if (typeof className !== "string") {
    throw new TypeError(
      `Cannot load ${file} as an object has no string "class_name": received ${
        JSON.stringify(className)
      }`,
    );
  }
  if (Object.hasOwn(BUILTINS, className)) return BUILTINS[className];
  const fallback = registeredLayer(`Custom>${className}`);
  if (fallback) return fallback;
  const key = typeof registeredName === "string" ? registeredName : `Custom>${className}`;
  const [pkg, name] = key.split(">");
  throw new TypeError(
    `Cannot load ${file} as it names class "${className}" (registered name "${key}"), which is neither built into kerno nor registered: import the class and call registerSerializable(${className}${
      pkg === "Custom" && name === className ? "" : `, { package: "${pkg}", name: "${name}" }`
    }) before loading`,
  );
}
