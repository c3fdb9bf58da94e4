/**
 * `registerSerializable`: the classes a saved file may name. Loading only
 * ever instantiates kerno's built-in layers and models and the classes
 * registered here (Keras's `register_keras_serializable`); nothing in a file
 * is evaluated as code.
 *
 * @module
 */
import type { Layer } from "../engine/layer.ts";
import { Sequential } from "../engine/sequential.ts";
import * as builtinLayers from "../layers/mod.ts";

/** A class that can be rebuilt from its config. */
export interface SerializableClass {
  /** The class name. */
  readonly name: string;
  /** Rebuilds an instance from `getConfig()`'s output. */
  fromConfig(config: Record<string, unknown>): Layer;
}

/** Options of {@link registerSerializable}. */
export interface RegisterOptions {
  /** The package part of the registered name. @default "Custom" */
  package?: string;
  /** The name part. @default the class's name */
  name?: string;
}

const BY_KEY = new Map<string, SerializableClass>();
const KEY_OF = new Map<SerializableClass, string>();

/**
 * Registers a layer or model class so that saved files naming it can be
 * loaded: they are stored under `"<package>>name"` (Keras's registered name).
 *
 * @param cls The class (a subclass of `Layer` or `Model`).
 * @param options The package and name to register under.
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
  cls: SerializableClass,
  options: RegisterOptions = {},
): string {
  if (typeof (cls as unknown) !== "function" || typeof cls.fromConfig !== "function") {
    throw new TypeError(
      `Cannot register ${
        String(cls)
      } as it must be a Layer or Model class with a static fromConfig`,
    );
  }
  const pkg = options.package ?? "Custom";
  const name = options.name ?? cls.name;
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
  return KEY_OF.get(cls as SerializableClass) ?? null;
}

const BUILTINS: Record<string, SerializableClass> = { Sequential };
for (const [name, value] of Object.entries(builtinLayers)) {
  if (typeof value === "function" && !name.startsWith("Base")) {
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
  if (typeof registeredName === "string" && BY_KEY.has(registeredName)) {
    return BY_KEY.get(registeredName)!;
  }
  if (typeof className !== "string") {
    throw new TypeError(
      `Cannot load ${file} as an object has no string "class_name": received ${
        JSON.stringify(className)
      }`,
    );
  }
  if (Object.hasOwn(BUILTINS, className)) return BUILTINS[className];
  const fallback = BY_KEY.get(`Custom>${className}`);
  if (fallback) return fallback;
  const key = typeof registeredName === "string" ? registeredName : `Custom>${className}`;
  const [pkg, name] = key.split(">");
  throw new TypeError(
    `Cannot load ${file} as it names class "${className}" (registered name "${key}"), which is neither built into kerno nor registered: import the class and call registerSerializable(${className}${
      pkg === "Custom" && name === className ? "" : `, { package: "${pkg}", name: "${name}" }`
    }) before loading`,
  );
}
