/**
 * Activation functions by Keras name.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { normalizeIdentifier } from "./naming.ts";

/** An activation: a function from a tensor to a tensor of the same shape. */
export type Activation = (x: tf.Tensor) => tf.Tensor;

/** Names accepted wherever an activation is asked for. */
export type ActivationName =
  | "linear"
  | "relu"
  | "sigmoid"
  | "tanh"
  | "softmax"
  | "elu"
  | "selu"
  | "gelu"
  | "leaky_relu"
  | "swish"
  | "silu"
  | "softplus";

const SQRT1_2 = Math.SQRT1_2;

/** Gaussian error linear unit, exact form: x · Φ(x) = 0.5 x (1 + erf(x / √2)). */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT1_2)))));
}

const ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x, -1),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  gelu,
  leakyrelu: (x) => tf.leakyRelu(x, 0.2),
  swish: (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x))),
  silu: (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x))),
  softplus: (x) => tf.softplus(x),
};

/**
 * Looks up an activation by name (snake_case, camelCase or class name,
 * case-insensitive) or passes a function through.
 *
 * @param identifier A name such as `"relu"` or `"leaky_relu"`, a function, or
 *   `undefined`/`null` for the identity.
 * @returns The activation function.
 * @example
 * ```ts
 * import { getActivation } from "./activations.ts";
 * const relu = getActivation("relu");
 * ```
 */
export function getActivation(
  identifier: ActivationName | string | Activation | null | undefined,
): Activation {
  if (identifier === undefined || identifier === null) return ACTIVATIONS.linear;
  if (typeof identifier === "function") return identifier;
  const key = normalizeIdentifier(String(identifier));
  const found = Object.hasOwn(ACTIVATIONS, key) ? ACTIVATIONS[key] : undefined;
  if (!found) {
    throw new TypeError(
      `Cannot use activation "${identifier}" as it is unknown: expected one of ${
        [
          "linear",
          "relu",
          "sigmoid",
          "tanh",
          "softmax",
          "elu",
          "selu",
          "gelu",
          "leaky_relu",
          "swish",
          "silu",
          "softplus",
        ].join(", ")
      }, or a function`,
    );
  }
  return found;
}

/**
 * The name under which an activation is serialised.
 *
 * @param identifier What the layer was given.
 * @returns The Keras name, or `"custom"` for a user function.
 */
export function activationName(identifier: string | Activation | null | undefined): string {
  if (identifier === undefined || identifier === null) return "linear";
  if (typeof identifier === "function") return identifier.name || "custom";
  return identifier;
}
