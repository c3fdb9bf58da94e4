/**
 * Optimizer lookup by name, instance or serialised form.
 *
 * @module
 */
import { normalizeIdentifier } from "../engine/naming.ts";
import { Adadelta } from "./adadelta.ts";
import { Adagrad } from "./adagrad.ts";
import { Adam } from "./adam.ts";
import { Adamax } from "./adamax.ts";
import { AdamW } from "./adamw.ts";
import { Lion } from "./lion.ts";
import { Nadam } from "./nadam.ts";
import { Optimizer, type OptimizerOptions } from "./optimizer.ts";
import { RMSprop } from "./rmsprop.ts";
import { SGD } from "./sgd.ts";

/** A serialised optimizer: its class name and `getConfig()`. */
export interface SerializedOptimizer {
  /** The class name, such as `"Adam"`. */
  className: string;
  /** The `getConfig()` output. @default {{}} */
  config?: Record<string, unknown>;
}

/** What `getOptimizer` needs of an optimizer class. */
interface OptimizerClass {
  new (options?: OptimizerOptions): Optimizer;
  fromConfig(config: Record<string, unknown>): Optimizer;
}

const BY_KEY: Record<string, OptimizerClass> = {
  sgd: SGD,
  adagrad: Adagrad,
  adadelta: Adadelta,
  rmsprop: RMSprop,
  adam: Adam,
  adamax: Adamax,
  nadam: Nadam,
  adamw: AdamW,
  lion: Lion,
};

const NAMES = "sgd, adagrad, adadelta, rmsprop, adam, adamax, nadam, adamw, lion";

function lookup(name: string): OptimizerClass {
  const key = normalizeIdentifier(String(name));
  const cls = Object.hasOwn(BY_KEY, key) ? BY_KEY[key] : undefined;
  if (cls === undefined) {
    throw new TypeError(
      `Cannot find optimizer as "identifier" must be one of ${NAMES} (any case, snake_case, camelCase or class name): received "${name}"`,
    );
  }
  return cls;
}

/**
 * Resolves an optimizer: an instance is returned as is; a name (Keras
 * snake_case, camelCase or class name, any case: `"adam"`, `"Adam"`,
 * `"RMSprop"`) gives a new optimizer with Keras's defaults; a
 * `{ className, config }` object is rebuilt with `fromConfig`.
 *
 * @param identifier A name, an optimizer, or a serialised optimizer.
 * @returns The optimizer.
 *
 * @example
 * ```ts
 * import { getOptimizer } from "./get.ts";
 * getOptimizer("rmsprop").learningRate; // 0.001
 * ```
 */
export function getOptimizer(identifier: string | Optimizer | SerializedOptimizer): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === "string") return new (lookup(identifier))();
  if (identifier !== null && typeof identifier === "object" && "className" in identifier) {
    return lookup(identifier.className).fromConfig(identifier.config ?? {});
  }
  throw new TypeError(
    `Cannot find optimizer as "identifier" must be a name (${NAMES}), an Optimizer or { className, config }: received ${
      String(identifier)
    }`,
  );
}

/**
 * Serialises an optimizer as `{ className, config }` (its state is in `getWeights`).
 *
 * @param optimizer The optimizer.
 * @returns Its class name and config.
 */
export function serializeOptimizer(
  optimizer: Optimizer,
): { className: string; config: Record<string, unknown> } {
  return { className: optimizer.constructor.name, config: optimizer.getConfig() };
}
