/**
 * Internal: layers inside layers' configs (an RNN's cell, a wrapper's
 * layer), as Keras serialises them: `{ className, config }`.
 *
 * @module
 */
import { Layer } from "../engine/layer.ts";
import { describe } from "../engine/format.ts";

/** A layer's serialised form: its class name and `getConfig()`. */
export interface NestedLayerConfig {
  /** The class name, e.g. `"LSTMCell"`. */
  className: string;
  /** The layer's `getConfig()`. */
  config: Record<string, unknown>;
}

/** A class `fromConfig` can rebuild. */
export interface LayerClass {
  /** Rebuilds a layer from its config. */
  fromConfig(config: Record<string, unknown>): Layer;
}

/**
 * A layer as `{ className, config }`.
 *
 * @param layer The layer.
 * @returns Its serialised form.
 */
export function serializeLayer(layer: Layer): NestedLayerConfig {
  return { className: layer.constructor.name, config: layer.getConfig() };
}

/**
 * A layer from a config value: a layer passes through; `{ className,
 * config }` (or Keras's `class_name`) is rebuilt with the class of that
 * name among `classes`.
 *
 * @param what What was being done, e.g. `"rebuild RNN"`.
 * @param arg The config key, e.g. `"cell"`.
 * @param value The value.
 * @param classes The classes it may name (built-in ones; pass a layer itself for others).
 * @returns The layer.
 */
export function deserializeLayer(
  what: string,
  arg: string,
  value: unknown,
  classes: Record<string, unknown>,
): Layer {
  if (value instanceof Layer) return value;
  const v = value as { className?: unknown; class_name?: unknown; config?: unknown } | null;
  const name = v !== null && typeof v === "object" ? v.className ?? v.class_name : undefined;
  if (typeof name !== "string") {
    throw new TypeError(
      `Cannot ${what} as "${arg}" must be a layer or { className, config }: received ${
        describe(value)
      }`,
    );
  }
  const cls = Object.hasOwn(classes, name) ? classes[name] as LayerClass : undefined;
  if (cls === undefined || typeof cls.fromConfig !== "function") {
    throw new TypeError(
      `Cannot ${what} as "${arg}" names class "${name}", which kerno cannot rebuild here: pass the layer itself ({ ...config, ${arg}: new ${name}(...) })`,
    );
  }
  return cls.fromConfig({ ...(v!.config ?? {}) as Record<string, unknown> });
}
