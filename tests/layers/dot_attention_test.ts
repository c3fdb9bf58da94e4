import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { maskOf } from "../../engine/layer.ts";
import { AdditiveAttention, Attention, Embedding } from "../../layers/mod.ts";
import { distinctInput } from "./_layer_check.ts";

/** Runs `fn`, checking it leaves no tensors behind. */
function noLeaks(fn: () => void): void {
  const before = tf.memory().numTensors;
  fn();
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
}

function near(got: number[], want: number[], what: string): void {
  got.forEach((g, i) =>
    assert.ok(Math.abs(g - want[i]) < 1e-6, `${what}[${i}]: ${g} vs ${want[i]}`)
  );
}

Deno.test("Attention and AdditiveAttention: shapes, weights and Keras's defaults", () => {
  noLeaks(() => {
    const q = distinctInput([2, 3, 4]);
    const v = distinctInput([2, 5, 6]);
    const k = distinctInput([2, 5, 4]);
    const cases: [Attention, string[]][] = [
      [new Attention(), []],
      [new Attention({ useScale: true }), ["[]"]],
      [new Attention({ scoreMode: "concat" }), ["[]"]],
      [new AdditiveAttention(), ["[4]"]],
      [new AdditiveAttention({ useScale: false }), []],
    ];
    for (const [layer, weights] of cases) {
      const [y, scores] = layer.apply([q, v, k], { returnAttentionScores: true });
      assert.deepEqual(y.shape, [2, 3, 6]);
      assert.deepEqual(scores.shape, [2, 3, 5]);
      assert.deepEqual(layer.weights.map((w) => `[${w.shape}]`), weights);
      assert.deepEqual(layer.computeOutputShape([[null, 3, 4], [null, 5, 6], [null, 5, 4]]), [
        null,
        3,
        6,
      ]);
      tf.dispose([y, scores]);
      layer.dispose();
    }
    tf.dispose([q, v, k]);
  });
});

Deno.test("Attention computes softmax(q·kᵀ)·v, values derived by hand", () => {
  noLeaks(() => {
    const q = tf.tensor3d([[[1, 0], [0, 2]]]);
    const v = tf.tensor3d([[[1, 0], [0, 1]]]); // also the key
    const [y, scores] = new Attention().apply([q, v], { returnAttentionScores: true });
    // Row 0: scores [1, 0] → [e/(1+e), 1/(1+e)]; row 1: [0, 2] → [1/(1+e²), e²/(1+e²)].
    const a = Math.E / (1 + Math.E);
    const b = 1 / (1 + Math.E ** 2);
    near(Array.from(scores.dataSync()), [a, 1 - a, b, 1 - b], "scores");
    near(Array.from(y.dataSync()), [a, 1 - a, b, 1 - b], "output"); // v is the identity
    // AdditiveAttention without scale: scores Σ tanh(q + k).
    const [sum, additive] = new AdditiveAttention({ useScale: false }).apply([q, v], {
      returnAttentionScores: true,
    });
    const s = [[Math.tanh(2) + 0, Math.tanh(1) + Math.tanh(1)], [
      Math.tanh(1) + Math.tanh(2),
      Math.tanh(0) + Math.tanh(3),
    ]];
    const soft = s.map(([x, z]) => [Math.exp(x) / (Math.exp(x) + Math.exp(z)), 0]).map((
      [p],
    ) => [p, 1 - p]);
    near(Array.from(additive.dataSync()), soft.flat(), "additive scores");
    tf.dispose([q, v, y, scores, sum, additive]);
  });
});

Deno.test("Attention's masks: value steps left out, query steps zeroed, the query mask passed on", () => {
  noLeaks(() => {
    const emb = new Embedding(10, 4, { maskZero: true });
    const ids = tf.tensor2d([[1, 2, 0], [3, 0, 0]], undefined, "int32");
    const e = emb.apply(ids);
    const layer = new Attention({ useScale: true });
    const [y, scores] = layer.apply([e, e], { returnAttentionScores: true });
    const s = scores.arraySync() as number[][][];
    assert.equal(s[0][0][2], 0);
    assert.deepEqual(s[1][0].slice(1), [0, 0]);
    const out = y.arraySync() as number[][][];
    assert.deepEqual(out[0][2], [0, 0, 0, 0], "a masked query step outputs zeros");
    const outMask = maskOf(y)!;
    assert.deepEqual(outMask.arraySync(), [[1, 1, 0], [1, 0, 0]]);
    // The same with the masks given explicitly.
    const found = maskOf(e)!;
    const plain = tf.clone(e);
    const y2 = layer.apply([plain, plain], { mask: [found, found] });
    assert.deepEqual(y2.arraySync(), out);
    tf.dispose([ids, e, y, scores, outMask, found, plain, y2]);
    emb.dispose();
    layer.dispose();
  });
});

Deno.test("Attention: a query step whose value steps are all masked averages them (Keras)", () => {
  noLeaks(() => {
    const q = distinctInput([1, 2, 3]);
    const v = tf.tensor3d([[[1, 2, 3], [5, 6, 7]]]);
    const none = tf.tensor2d([[0, 0]], undefined, "bool");
    const [y, scores] = new Attention().apply([q, v], {
      mask: [null, none],
      returnAttentionScores: true,
    });
    // Every score is lowered by 1e9, which float32 cannot tell apart: a uniform average.
    assert.deepEqual(scores.arraySync(), [[[0.5, 0.5], [0.5, 0.5]]]);
    assert.deepEqual(y.arraySync(), [[[3, 4, 5], [3, 4, 5]]]);
    tf.dispose([q, v, none, y, scores]);
  });
});

Deno.test("Attention's causal mask and dropout (training only)", () => {
  noLeaks(() => {
    const x = distinctInput([2, 4, 3]);
    const layer = new Attention({ dropout: 0.5, seed: 1 });
    const [y, scores] = layer.apply([x, x], { useCausalMask: true, returnAttentionScores: true });
    const s = scores.arraySync() as number[][][];
    s[0].forEach((row, i) => row.forEach((p, j) => j > i && assert.equal(p, 0)));
    const again = layer.apply([x, x], { useCausalMask: true });
    assert.deepEqual(again.arraySync(), y.arraySync());
    const trained = layer.apply([x, x], { useCausalMask: true, training: true });
    assert.notDeepEqual(trained.arraySync(), y.arraySync());
    tf.dispose([x, y, scores, again, trained]);
    layer.dispose();
  });
});

Deno.test("Attention and AdditiveAttention configs round-trip with Keras's names", () => {
  noLeaks(() => {
    const q = distinctInput([2, 3, 4]);
    const v = distinctInput([2, 5, 4]);
    const layers = [
      new Attention({ useScale: true, scoreMode: "concat", dropout: 0.2, seed: 4 }),
      new AdditiveAttention({ dropout: 0.1 }),
    ];
    const want = [
      { useScale: true, scoreMode: "concat", dropout: 0.2, seed: 4 },
      { useScale: true, dropout: 0.1, seed: null },
    ];
    layers.forEach((layer, i) => {
      const config = layer.getConfig();
      const json = JSON.parse(JSON.stringify(config));
      assert.deepEqual(json, { name: layer.name, trainable: true, ...want[i] });
      const cls = layer.constructor as typeof Attention;
      const copy = cls.fromConfig(json);
      assert.equal(copy.constructor, layer.constructor);
      assert.deepEqual(copy.getConfig(), config);
      const y = layer.apply([q, v]);
      copy.apply([q, v]).dispose();
      const weights = layer.getWeights();
      copy.setWeights(weights);
      const y2 = copy.apply([q, v]);
      assert.deepEqual(y2.arraySync(), y.arraySync());
      tf.dispose([y, y2, ...weights]);
      layer.dispose();
      copy.dispose();
    });
    tf.dispose([q, v]);
  });
});

Deno.test("Attention's errors name the layer, what it expected and what it received", () => {
  const q = distinctInput([2, 3, 4]);
  const v = distinctInput([2, 5, 4]);
  const k6 = distinctInput([2, 5, 6]);
  const layer = new Attention({ name: "att" });
  assert.throws(
    () => layer.apply(q),
    /Cannot apply att \(Attention\) as it takes an array \[query, value\] or \[query, value, key\]: received one tensor of shape \(None, 3, 4\)/,
  );
  assert.throws(() => layer.apply([q]), /takes 2 or 3 inputs .*: received 1/);
  assert.throws(
    () => new Attention({ name: "a2" }).apply([q, v, k6]),
    /Cannot apply a2 \(Attention\) as its query and key must have one feature size: received query \(None, 3, 4\) and key \(None, 5, 6\)/,
  );
  const flat = tf.zeros([2, 4]);
  assert.throws(
    () => new AdditiveAttention().apply([flat, flat]),
    /as its query must have rank 3, \[batch, steps, features\]: received \(None, 4\)/,
  );
  const mask = tf.ones([2, 4], "bool");
  assert.throws(
    () => layer.apply([q, v], { mask: [null, mask] }),
    /Cannot apply att \(Attention\) as the value mask must have shape \[2,5\] .*: received \[2,4\]/,
  );
  assert.throws(
    () => layer.apply([q, v], { mask: mask as never }),
    /"mask" must be an array \[queryMask, valueMask\]/,
  );
  assert.throws(
    () => new Attention({ scoreMode: "sum" as never }),
    /Cannot build Attention as "scoreMode" must be one of "dot", "concat": received "sum"/,
  );
  assert.throws(
    () => new AdditiveAttention({ scoreMode: "dot" } as never),
    /Cannot build AdditiveAttention as "scoreMode" is not an option/,
  );
  tf.dispose([q, v, k6, flat, mask]);
  layer.dispose();
});
