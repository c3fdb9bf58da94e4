/**
 * Internal: what the attention layers share: the check of their
 * `[query, value, key?]` inputs, the causal mask, the masks' checks, and
 * the relaxing of a built layer's sequence lengths.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { formatShape, type InputShapes, type Layer, type Shape } from "../engine/layer.ts";
import { describe } from "../engine/format.ts";

/** The call options every attention layer takes besides `training` and `mask`. */
export interface AttentionCallOptions {
  /**
   * Whether to return `[output, scores]` instead of the output alone, the
   * scores being the attention probabilities (after masking and softmax).
   * @default false
   */
  returnAttentionScores?: boolean;
  /**
   * Whether each query step may attend only to key steps at or before it
   * (a lower-triangular mask, for decoder self-attention). @default false
   */
  useCausalMask?: boolean;
}

/** `mha (MultiHeadAttention)`: a layer as messages name it. */
export function layerLabel(layer: Layer): string {
  return `${layer.name} (${layer.constructor.name})`;
}

/**
 * Checks that an attention layer got `[query, value]` or `[query, value,
 * key]`, each of rank 3 or more; returns their shapes.
 *
 * @param layer The layer, for messages.
 * @param inputShape What `build` received.
 * @param rank3 Whether the inputs must be exactly `[batch, steps, features]`.
 * @returns The two or three shapes.
 */
export function attentionShapes(layer: Layer, inputShape: InputShapes, rank3: boolean): Shape[] {
  const what = `Cannot apply ${layerLabel(layer)}`;
  const how =
    `call it on an array: ${layer.name}.apply([query, value]) or .apply([query, value, key])`;
  if (!Array.isArray(inputShape)) {
    throw new TypeError(
      `${what} as it takes an array [query, value] or [query, value, key]: received a record (keys ${
        Object.keys(inputShape).join(", ")
      }); ${how}`,
    );
  }
  if (inputShape.length === 0 || !Array.isArray(inputShape[0])) {
    throw new TypeError(
      `${what} as it takes an array [query, value] or [query, value, key]: received one tensor of shape ${
        formatShape(inputShape as Shape)
      }; ${how}`,
    );
  }
  const shapes = inputShape as Shape[];
  if (shapes.length < 2 || shapes.length > 3) {
    throw new RangeError(
      `${what} as it takes 2 or 3 inputs ([query, value] or [query, value, key]): received ${shapes.length} (${
        shapes.map(formatShape).join(", ")
      })`,
    );
  }
  const names = ["query", "value", "key"];
  shapes.forEach((s, i) => {
    if (rank3 ? s.length !== 3 : s.length < 3) {
      const want = rank3
        ? "rank 3, [batch, steps, features]"
        : "rank 3 or more, [batch, ..., features]";
      throw new RangeError(
        `${what} as its ${names[i]} must have ${want}: received ${formatShape(s)}`,
      );
    }
    if (s[s.length - 1] === null) {
      throw new RangeError(
        `${what} as its ${names[i]}'s last axis (features) must have a known size: received ${
          formatShape(s)
        }`,
      );
    }
  });
  const [, value, key = value] = shapes;
  const differ = value.length !== key.length ||
    value.slice(1, -1).some((d, i) => d !== null && key[i + 1] !== null && d !== key[i + 1]);
  if (differ) {
    throw new RangeError(
      `${what} as its value and key must agree on every axis but the last: received value ${
        formatShape(value)
      } and key ${formatShape(key)}`,
    );
  }
  return shapes;
}

/**
 * Checks the concrete inputs of a call: one batch size, and value and key
 * equal on every axis but the last (the steps `build` left unknown).
 */
export function checkAttentionInputs(layer: Layer, inputs: tf.Tensor[]): void {
  const [query, value, key = value] = inputs;
  const shapes = () => inputs.map((t) => `[${t.shape}]`).join(", ");
  if (value.shape[0] !== query.shape[0] || key.shape[0] !== query.shape[0]) {
    throw new RangeError(
      `Cannot apply ${layerLabel(layer)} as its inputs' batch sizes differ: received ${shapes()}`,
    );
  }
  if (!tf.util.arraysEqual(value.shape.slice(0, -1), key.shape.slice(0, -1))) {
    throw new RangeError(
      `Cannot apply ${
        layerLabel(layer)
      } as its value and key must agree on every axis but the last: received value [${value.shape}] and key [${key.shape}]`,
    );
  }
}

/**
 * The masks a call received (`options.mask`, or those found on the
 * inputs), as `[queryMask, valueMask, keyMask]`, each checked against its
 * input's shape without the feature axis.
 *
 * @param layer The layer, for messages.
 * @param mask The `mask` call option.
 * @param inputs The inputs.
 * @returns Three masks or nulls.
 */
export function inputMasks(
  layer: Layer,
  mask: unknown,
  inputs: tf.Tensor[],
): (tf.Tensor | null)[] {
  if (mask === null || mask === undefined) return [null, null, null];
  const what = `Cannot apply ${layerLabel(layer)}`;
  if (!Array.isArray(mask) || mask.length < 2 || mask.length > 3) {
    throw new TypeError(
      `${what} as "mask" must be an array [queryMask, valueMask] or [queryMask, valueMask, keyMask]: received ${
        describe(mask)
      }`,
    );
  }
  const names = ["query", "value", "key"];
  return [0, 1, 2].map((i) => {
    const m: unknown = mask[i] ?? null;
    if (m === null || i >= inputs.length) return null;
    const want = inputs[i].shape.slice(0, -1);
    if (!(m instanceof tf.Tensor) || !tf.util.arraysEqual(m.shape, want)) {
      throw new RangeError(
        `${what} as the ${
          names[i]
        } mask must have shape [${want}] (its input's shape without the features axis): received ${
          m instanceof tf.Tensor ? `[${m.shape}]` : describe(m)
        }`,
      );
    }
    return m;
  });
}

/**
 * The causal mask `[1, t, s]`: step `i` of the query may attend to steps
 * `j <= i` of the key.
 *
 * @param t The query's steps.
 * @param s The key's steps.
 * @returns A boolean tensor.
 */
export function causalMask(t: number, s: number): tf.Tensor {
  const rows = tf.reshape(tf.range(0, t, 1, "int32"), [1, t, 1]);
  const cols = tf.reshape(tf.range(0, s, 1, "int32"), [1, 1, s]);
  return tf.greaterEqual(rows, cols);
}

/**
 * Makes every axis but the first (batch) and the last (features) of a
 * built attention layer's input shapes unknown: its weights depend only on
 * the feature sizes, so, as in Keras, it then takes sequences of any length.
 *
 * @param layer The layer, after `build`.
 */
export function relaxSequenceAxes(layer: Layer): void {
  const shapes = layer.buildInputShapes;
  if (!Array.isArray(shapes)) return;
  const relaxed = shapes.map((s) => s.map((d, i) => (i === 0 || i === s.length - 1 ? d : null)));
  if (relaxed.some((s, k) => s.some((d, i) => d !== shapes[k][i]))) {
    layer.buildInputShapes = relaxed;
  }
}
