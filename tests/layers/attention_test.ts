/**
 * The attention layers against PyTorch: values computed in float64 by
 * tools/torch_attention_reference.py (torch.nn.MultiheadAttention with
 * Keras's weights mapped in, and Keras's formulas in torch ops), pinned in
 * _attention_reference.ts: outputs, attention probabilities, and the
 * gradients with respect to every input and weight, with and without the
 * causal mask and padding masks.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import type { Layer } from "../../engine/layer.ts";
import { AdditiveAttention, Attention, MultiHeadAttention } from "../../layers/mod.ts";
import { type Deterministic, REFERENCE, type ReferenceCase } from "./_attention_reference.ts";

/** `scale * sin(0.37 * i + seed)` in float32, as the script makes it. */
function det({ shape, seed, scale }: Deterministic): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: n }, (_, i) => scale * Math.sin(0.37 * i + seed));
  return tf.tensor(values, shape);
}

/**
 * Float32 against float64: `|got − want| ≤ 2e-5·|want| + 2e-6·max|want|`
 * (relative, with a floor for entries near zero).
 */
function close(got: ArrayLike<number>, want: number[], what: string): number {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = Math.max(...want.map(Math.abs), 1e-30);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    // The worst relative error among entries of at least 1% of the largest (for the report).
    if (Math.abs(want[i]) >= 0.01 * scale && scale > 1e-6) {
      worst = Math.max(worst, err / Math.abs(want[i]));
    }
    assert.ok(
      err <= 2e-5 * Math.abs(want[i]) + 2e-6 * Math.max(scale, 1),
      `${what}[${i}]: got ${got[i]}, want ${want[i]} (error ${err})`,
    );
  }
  return worst;
}

function makeLayer(c: ReferenceCase): Layer {
  const { numHeads, keyDim, ...rest } = c.config as { numHeads: number; keyDim: number };
  if (c.layer === "MultiHeadAttention") return new MultiHeadAttention(numHeads, keyDim, rest);
  return c.layer === "Attention" ? new Attention(c.config) : new AdditiveAttention(c.config);
}

/** The layer's inputs, the masks, and the call options of a case. */
function setUp(c: ReferenceCase) {
  const inputs = ["query", "value", "key"].filter((k) => c.inputs[k]).map((k) => det(c.inputs[k]));
  const mask = (rows?: number[][]): tf.Tensor | null =>
    rows ? tf.tensor2d(rows, undefined, "bool") : null;
  const masks = c.masks.query || c.masks.value ? [mask(c.masks.query), mask(c.masks.value)] : null;
  return { inputs, masks };
}

/** Runs one case; returns the worst relative error seen. */
function runCase(name: string, c: ReferenceCase, options: Record<string, unknown> = {}): number {
  const before = tf.memory().numTensors;
  const layer = makeLayer(c);
  const { inputs, masks } = setUp(c);
  const call = { useCausalMask: c.causal, ...(masks ? { mask: masks } : {}), ...options };
  layer.apply(inputs).dispose(); // builds it
  const values = c.weights.map(det);
  layer.setWeights(values);
  tf.dispose(values);
  const weights = layer.trainableWeights;
  assert.deepEqual(weights.map((w) => w.shape), c.weights.map((w) => w.shape), `${name}: weights`);

  const [output, scores] = (layer as MultiHeadAttention).apply(inputs, {
    ...call,
    returnAttentionScores: true,
  });
  let worst = close(output.dataSync(), c.output.values, `${name} output`);
  assert.deepEqual(output.shape, c.output.shape);
  assert.deepEqual(scores.shape, c.scores.shape);
  worst = Math.max(worst, close(scores.dataSync(), c.scores.values, `${name} scores`));

  const probe = det({ shape: c.output.shape, seed: 99, scale: 1 });
  const objective = (...xs: tf.Tensor[]) => tf.sum(tf.mul(layer.apply(xs, call), probe));
  const inputGrads = tf.grads(objective)(inputs);
  const names = ["query", "value", "key"];
  inputGrads.forEach((g, i) => {
    worst = Math.max(worst, close(g.dataSync(), c.grads[names[i]], `${name} d/d${names[i]}`));
  });
  if (weights.length > 0) {
    const { value, grads } = tf.variableGrads(() => objective(...inputs) as tf.Scalar, weights);
    weights.forEach((w, i) => {
      const label = `${name} d/d${c.weights[i].name}`;
      worst = Math.max(worst, close(grads[w.name].dataSync(), c.grads[c.weights[i].name], label));
    });
    tf.dispose([value, ...Object.values(grads)]);
  }
  tf.dispose([output, scores, probe, ...inputGrads, ...inputs]);
  if (masks) tf.dispose(masks.filter((m): m is tf.Tensor => m !== null));
  layer.dispose();
  assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
  return worst;
}

for (const [name, c] of Object.entries(REFERENCE)) {
  Deno.test(`${c.layer} equals PyTorch (${name}: ${c.source}), values and gradients`, () => {
    const worst = runCase(name, c);
    if (Deno.env.get("KERNO_SHOW_ERRORS")) console.log(`${name}: worst relative error ${worst}`);
  });
}

Deno.test("MultiHeadAttention's attentionMask gives what the value mask gives (torch's key padding)", () => {
  for (const name of ["mha_torch_padding", "mha_torch_causal_padding"]) {
    const c = REFERENCE[name];
    const rows = c.masks.value!;
    const t = c.output.shape[1];
    // [batch, T, S]: every query step sees the valid key steps.
    const full = rows.map((row) => Array.from({ length: t }, () => row));
    const attentionMask = tf.tensor3d(full, undefined, "int32");
    runCase(name, { ...c, masks: {} }, { attentionMask });
    attentionMask.dispose();
  }
});
