/**
 * Internal: the pieces of `MultiHeadAttention` that are Keras's own
 * helpers: the projection and attention einsum equations
 * (`_build_proj_equation`, `_build_attention_equation`), the combined
 * attention mask (`_compute_attention_mask`) and the masked softmax.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { fused } from "../engine/fused.ts";
import type { Layer } from "../engine/layer.ts";
import { describe } from "../engine/format.ts";
import { reject } from "../engine/validate.ts";
import { causalMask, inputMasks, layerLabel } from "./_attention.ts";

/** Keras's large negative number for float32, added to the logits of masked steps. */
const LARGE_NEGATIVE = -1e9;

/** Letter `i` of an einsum equation: 0 → "a". */
function letter(i: number): string {
  return String.fromCharCode(97 + i);
}

/**
 * Keras's `_build_proj_equation`: `free` axes carried through, `bound`
 * axes contracted with the kernel, `outputs` new axes from the kernel,
 * which are also the bias axes. `(2, 1, 2)` gives `"abc,cde->abde"`.
 *
 * @param free The input's axes kept (batch included).
 * @param bound The input's axes contracted.
 * @param outputs The kernel's output axes.
 * @returns The equation and the bias axes.
 */
export function projectionEquation(
  free: number,
  bound: number,
  outputs: number,
): { equation: string; biasAxes: string } {
  const range = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => letter(from + i)).join("");
  const kept = range(0, free);
  const contracted = range(free, bound);
  const added = range(free + bound, outputs);
  return {
    equation: `${kept}${contracted},${contracted}${added}->${kept}${added}`,
    biasAxes: added,
  };
}

/**
 * Keras's `_build_attention_equation` for projected tensors of `rank`
 * (`[batch, ..., heads, channels]`): the query-key product
 * `key, query -> [batch dims, heads, T..., S...]` and the combination of
 * the probabilities with the value.
 *
 * @param rank The projected tensors' rank.
 * @param axes The attention axes.
 * @returns Both equations.
 */
export function attentionEquations(rank: number, axes: number[]): { dot: string; combine: string } {
  const target = Array.from({ length: rank }, (_, i) => letter(i));
  const batch = target.flatMap((_, i) => (axes.includes(i) || i === rank - 1 ? [] : [i]));
  let offset = rank;
  const source = target.map((c, i) => (batch.includes(i) || i === rank - 1 ? c : letter(offset++)));
  const product = [
    ...batch.map((i) => target[i]),
    ...axes.map((i) => target[i]),
    ...axes.map((i) => source[i]),
  ].join("");
  const [s, t] = [source.join(""), target.join("")];
  return { dot: `${s},${t}->${product}`, combine: `${product},${s}->${t}` };
}

/** What goes into {@link attentionMask}. */
export interface MaskSources {
  /** The `mask` call option (or the masks found on the inputs). */
  masks: unknown;
  /** The `attentionMask` call option. */
  attentionMask: unknown;
  /** Whether to apply the causal mask. */
  causal: boolean;
}

/**
 * Keras's `_compute_attention_mask`, expanded to the scores' rank: the AND
 * of the query mask (`[B, T, 1]`), the value and key masks (`[B, 1, S]`),
 * the causal mask (`[1, T, S]`) and `attentionMask`; `null` when none.
 *
 * @param layer The layer, for messages.
 * @param inputs `[query, value, key?]`.
 * @param scores The scores' shape, `[batch dims, heads, T..., S...]`.
 * @param axes How many attention axes there are.
 * @param sources The masks given or found.
 * @returns A boolean mask that broadcasts against the scores, or `null`.
 */
export function attentionMask(
  layer: Layer,
  inputs: tf.Tensor[],
  scores: number[],
  axes: number,
  sources: MaskSources,
): tf.Tensor | null {
  const rank = scores.length;
  const expand = (m: tf.Tensor) => {
    let t = m;
    while (t.rank < rank) t = tf.expandDims(t, t.rank - 2 * axes);
    return t;
  };
  const parts: tf.Tensor[] = [];
  const [queryMask, valueMask, keyMask] = inputMasks(layer, sources.masks, inputs);
  if ((queryMask || valueMask || keyMask) && inputs[0].rank !== 3) {
    throw new RangeError(
      `Cannot apply ${
        layerLabel(layer)
      } as masks on its inputs are taken for [batch, steps, features] inputs only: received a query of shape [${
        inputs[0].shape
      }]; pass "attentionMask" instead`,
    );
  }
  if (queryMask) parts.push(expand(tf.expandDims(tf.cast(queryMask, "bool"), -1)));
  if (valueMask) parts.push(expand(tf.expandDims(tf.cast(valueMask, "bool"), -2)));
  if (keyMask) parts.push(expand(tf.expandDims(tf.cast(keyMask, "bool"), -2)));
  if (sources.causal) {
    if (axes !== 1) {
      throw new RangeError(
        `Cannot apply ${
          layerLabel(layer)
        } with "useCausalMask" as it attends over ${axes} axes: a causal mask needs one`,
      );
    }
    parts.push(expand(causalMask(scores[rank - 2], scores[rank - 1])));
  }
  const given = sources.attentionMask;
  if (given !== null && given !== undefined) parts.push(fitMask(layer, given, scores, axes));
  return parts.length === 0 ? null : parts.reduce((a, b) => tf.logicalAnd(a, b));
}

/** `attentionMask` checked against the scores' shape and expanded to their rank. */
function fitMask(layer: Layer, given: unknown, scores: number[], axes: number): tf.Tensor {
  const rank = scores.length;
  const heads = rank - 2 * axes - 1;
  const want = [...scores.slice(0, heads), ...scores.slice(heads + 1)];
  const fail = (received: string, kind: typeof RangeError = RangeError): never => {
    throw new kind(
      `Cannot apply ${layerLabel(layer)} as "attentionMask" must have shape [${want}] ([batch, ${
        axes === 1 ? "query steps, key steps" : "query axes..., key axes..."
      }]; sizes of 1 broadcast and a heads axis may follow the batch axis): received ${received}`,
    );
  };
  if (!(given instanceof tf.Tensor)) return fail(describe(given), TypeError);
  if (given.rank < 2 * axes || given.rank > rank) fail(`[${given.shape}]`);
  let m: tf.Tensor = given.dtype === "bool" ? given : tf.cast(given, "bool");
  while (m.rank < rank) m = tf.expandDims(m, m.rank - 2 * axes);
  if ((m.shape as number[]).some((d, i) => d !== 1 && d !== scores[i])) fail(`[${given.shape}]`);
  return m;
}

/**
 * Keras's `Softmax` layer with a mask, over the last `axes` axes: masked
 * logits are lowered by 1e9 and the probabilities multiplied by the mask,
 * so a row with nothing allowed is all zeros.
 *
 * @param scores The logits.
 * @param mask A boolean mask broadcasting against them, or `null`.
 * @param axes How many trailing axes the probabilities sum to 1 over.
 * @returns The probabilities.
 */
export function maskedSoftmax(scores: tf.Tensor, mask: tf.Tensor | null, axes: number): tf.Tensor {
  const keep = mask === null ? null : tf.cast(mask, "float32");
  if (axes === 1) {
    // The seam's masked softmax (one pass each way on kerno's backend).
    const full = keep === null || keep.rank === scores.rank
      ? keep
      : tf.reshape(keep, [...new Array(scores.rank - keep.rank).fill(1), ...keep.shape]);
    return fused.maskedSoftmax(scores, full);
  }
  const logits = keep === null ? scores : tf.add(scores, tf.mul(tf.sub(1, keep), LARGE_NEGATIVE));
  const shape = logits.shape;
  const n = shape.slice(shape.length - axes).reduce((a, b) => a * b, 1);
  const probs = axes === 1
    ? tf.softmax(logits)
    : tf.reshape(tf.softmax(tf.reshape(logits, [...shape.slice(0, -axes), n])), shape);
  return keep === null ? probs : tf.mul(probs, keep);
}

/** `n` unknown sizes. */
export function unknownSizes(n: number): null[] {
  return new Array<null>(Math.max(0, n)).fill(null);
}

/** A positive integer or a non-empty list of them, as a list; `null`/`undefined` as `null`. */
export function positiveList(what: string, arg: string, value: unknown): number[] | null {
  if (value === null || value === undefined) return null;
  const list = typeof value === "number" ? [value] : value;
  if (
    !Array.isArray(list) || list.length === 0 ||
    list.some((d) => !Number.isInteger(d) || d <= 0)
  ) {
    reject(what, arg, value, "a positive integer or a non-empty array of them, or null");
  }
  return [...list];
}

/** An axis or a non-empty list of distinct axes (integers), as a list; absent as `null`. */
export function axesList(what: string, value: unknown): number[] | null {
  if (value === null || value === undefined) return null;
  const list = typeof value === "number" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((a) => !Number.isInteger(a))) {
    reject(what, "attentionAxes", value, "an integer axis or a non-empty array of them, or null");
  }
  return [...list];
}
