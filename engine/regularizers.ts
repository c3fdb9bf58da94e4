/**
 * Weight regularizers: penalties added to the training loss. Keras's
 * factory forms make them: `regularizers.l2(1e-6)`, `regularizers.l1(1e-5)`,
 * `regularizers.l1L2({ l1: 1e-5, l2: 1e-4 })`; `serialize`/`deserialize`
 * convert to and from Keras's `{ className, config }` form, which every
 * option that takes a regularizer accepts too.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { normalizeIdentifier } from "./naming.ts";
import { NON_NEGATIVE, number, reject } from "./validate.ts";

/** A penalty on a weight: l1·Σ|w| + l2·Σw². */
export class L1L2 {
  /** Coefficient of the L1 term. */
  readonly l1: number;
  /** Coefficient of the L2 term. */
  readonly l2: number;
  /**
   * Creates the penalty from its two coefficients (both default to 0).
   * @param options The two coefficients.
   */
  constructor(options: { l1?: number; l2?: number } = {}) {
    this.l1 = options.l1 ?? 0;
    this.l2 = options.l2 ?? 0;
    for (const [k, v] of [["l1", this.l1], ["l2", this.l2]] as const) {
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot create a regularizer as "${k}" must be a non-negative number: received ${v}`,
        );
      }
    }
  }

  /**
   * The penalty of weight `w`, a scalar.
   * @param w The weight.
   * @returns The scalar penalty.
   */
  apply(w: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      let total: tf.Scalar = tf.scalar(0);
      if (this.l1 > 0) total = tf.add(total, tf.mul(this.l1, tf.sum(tf.abs(w))));
      if (this.l2 > 0) total = tf.add(total, tf.mul(this.l2, tf.sum(tf.square(w))));
      return total;
    });
  }

  /** The two coefficients. @returns `{ l1, l2 }`. */
  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }

  /**
   * The JSON form, so that a layer config holding this regularizer
   * survives `JSON.stringify` and rebuilds it.
   * @returns Keras's `{ className: "L1L2", config: { l1, l2 } }`
   */
  toJSON(): RegularizerConfig {
    return serialize(this);
  }
}

/** Keras's serialized form of a regularizer (`class_name` is accepted for `className`). */
export interface RegularizerConfig {
  /** `"L1L2"`, `"L1"` or `"L2"`. */
  className: string;
  /** The coefficients, e.g. `{ l1: 0, l2: 0.01 }`. */
  config?: { l1?: number; l2?: number };
}

/** Anything accepted as a regularizer. */
export type RegularizerLike =
  | "l1"
  | "l2"
  | "l1_l2"
  | string
  | L1L2
  | RegularizerConfig
  | { class_name: string; config?: Record<string, unknown> };

/**
 * Looks up a regularizer: `"l1"` and `"l2"` (coefficient 0.01, as Keras),
 * `"l1_l2"` (both 0.01), Keras's `{ className, config }` form (see
 * {@linkcode deserialize}), or an instance.
 *
 * @example
 * ```ts
 * import { getRegularizer } from "./regularizers.ts";
 * console.log(getRegularizer({ className: "L2", config: { l2: 1e-4 } }).l2); // 0.0001
 * ```
 * @param identifier The name, serialized form or instance.
 * @returns The regularizer.
 */
export function getRegularizer(identifier: RegularizerLike): L1L2 {
  if (identifier instanceof L1L2) return identifier;
  if (typeof identifier === "object" && identifier !== null) return deserialize(identifier);
  if (typeof identifier !== "string") {
    reject(
      "use regularizer",
      "regularizer",
      identifier,
      'a name ("l2"), an L1L2 or { className, config }',
    );
  }
  switch (normalizeIdentifier(identifier)) {
    case "l1":
      return new L1L2({ l1: 0.01 });
    case "l2":
      return new L1L2({ l2: 0.01 });
    case "l1l2":
      return new L1L2({ l1: 0.01, l2: 0.01 });
  }
  throw new TypeError(
    `Cannot use regularizer "${identifier}" as it is unknown: expected "l1", "l2", "l1_l2" or an L1L2 instance`,
  );
}

/**
 * Keras's `keras.regularizers.l1(l1=0.01)`: the penalty `l1·Σ|w|`.
 *
 * @example
 * ```ts
 * import { Dense } from "../layers/dense.ts";
 * import { l1 } from "./regularizers.ts";
 * const dense = new Dense(4, { kernelRegularizer: l1(1e-5) });
 * ```
 * @param l1 The coefficient, a number >= 0. @default 0.01
 * @returns The regularizer.
 */
export function l1(l1 = 0.01): L1L2 {
  return new L1L2({ l1: number("create regularizer l1", "l1", l1, NON_NEGATIVE) });
}

/**
 * Keras's `keras.regularizers.l2(l2=0.01)`: the penalty `l2·Σw²`.
 *
 * @example
 * ```ts
 * import { Dense } from "../layers/dense.ts";
 * import { l2 } from "./regularizers.ts";
 * const dense = new Dense(4, { kernelRegularizer: l2(1e-6) });
 * ```
 * @param l2 The coefficient, a number >= 0. @default 0.01
 * @returns The regularizer.
 */
export function l2(l2 = 0.01): L1L2 {
  return new L1L2({ l2: number("create regularizer l2", "l2", l2, NON_NEGATIVE) });
}

/**
 * Keras's `keras.regularizers.l1_l2(l1=0.0, l2=0.0)`: the penalty
 * `l1·Σ|w| + l2·Σw²`. Takes `{ l1, l2 }` or, as Keras's positional form,
 * `(l1, l2)`.
 *
 * @example
 * ```ts
 * import { l1L2 } from "./regularizers.ts";
 * const both = l1L2({ l1: 1e-5, l2: 1e-4 });
 * const same = l1L2(1e-5, 1e-4);
 * console.log(both.getConfig(), same.getConfig()); // { l1: 0.00001, l2: 0.0001 } twice
 * ```
 * @param options `{ l1, l2 }` (each default 0), or the L1 coefficient.
 * @param l2Coefficient The L2 coefficient when the first argument is a number. @default 0
 * @returns The regularizer.
 */
export function l1L2(
  options: { l1?: number; l2?: number } | number = {},
  l2Coefficient?: number,
): L1L2 {
  const what = "create regularizer l1L2";
  const o = typeof options === "number" ? { l1: options, l2: l2Coefficient } : options;
  if (o === null || typeof o !== "object" || Array.isArray(o)) {
    reject(what, "options", options, "{ l1, l2 } or the two coefficients");
  }
  for (const key of Object.keys(o)) {
    if (key !== "l1" && key !== "l2") {
      throw new TypeError(`Cannot ${what} as "${key}" is not an option: expected "l1" or "l2"`);
    }
  }
  return new L1L2({
    l1: number(what, "l1", o.l1, NON_NEGATIVE, 0),
    l2: number(what, "l2", o.l2, NON_NEGATIVE, 0),
  });
}

/**
 * Keras's `keras.regularizers.serialize`: a regularizer as `{ className, config }`.
 *
 * @example
 * ```ts
 * import { l2, serialize } from "./regularizers.ts";
 * console.log(serialize(l2(0.5))); // { className: "L1L2", config: { l1: 0, l2: 0.5 } }
 * ```
 * @param regularizer The regularizer (or a name, resolved first).
 * @returns Its serialized form, plain JSON.
 */
export function serialize(regularizer: RegularizerLike): RegularizerConfig {
  const r = getRegularizer(regularizer);
  return { className: "L1L2", config: { l1: r.l1, l2: r.l2 } };
}

/**
 * Keras's `keras.regularizers.deserialize`: rebuilds a regularizer from
 * `{ className, config }` (or Keras's `class_name`); the class is `"L1L2"`,
 * `"L1"` (config `{ l1 }`, default 0.01) or `"L2"` (config `{ l2 }`, default 0.01).
 *
 * @example
 * ```ts
 * import { deserialize } from "./regularizers.ts";
 * const r = deserialize({ class_name: "L2", config: { l2: 1e-6 } });
 * console.log(r.l2); // 0.000001
 * ```
 * @param config The serialized form.
 * @returns The regularizer.
 */
export function deserialize(
  config: RegularizerConfig | { class_name: string; config?: Record<string, unknown> },
): L1L2 {
  const what = "deserialize regularizer";
  const c = config as { className?: unknown; class_name?: unknown; config?: unknown };
  const className = c.className ?? c.class_name;
  const inner = (c.config ?? {}) as Record<string, unknown>;
  if (typeof inner !== "object" || inner === null || Array.isArray(inner)) {
    reject(what, "config", c.config, "an object such as { l2: 0.01 }");
  }
  const allowed: Record<string, string[]> = { L1L2: ["l1", "l2"], L1: ["l1"], L2: ["l2"] };
  const keys = typeof className === "string" && Object.hasOwn(allowed, className)
    ? allowed[className]
    : undefined;
  if (keys === undefined) {
    reject(what, "className", className, '"L1L2", "L1" or "L2"');
  }
  const unknown = Object.keys(inner).find((k) => !keys.includes(k));
  if (unknown !== undefined) {
    throw new TypeError(
      `Cannot ${what} as "${unknown}" is not an option of ${className}: expected ${
        keys.map((k) => `"${k}"`).join(" or ")
      }`,
    );
  }
  if (className === "L1") return l1(inner.l1 as number | undefined);
  if (className === "L2") return l2(inner.l2 as number | undefined);
  return l1L2({ l1: inner.l1 as number | undefined, l2: inner.l2 as number | undefined });
}
