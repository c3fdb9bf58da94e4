import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { maskOf } from "../../engine/layer.ts";
import { Input, Model, optimizers, setSeed } from "../../mod.ts";
import { Dense, Embedding, GlobalAveragePooling1D, MultiHeadAttention } from "../../layers/mod.ts";
import { distinctInput } from "./_layer_check.ts";

/** Runs `fn`, checking it leaves no tensors behind. */
function noLeaks(fn: () => void): void {
  const before = tf.memory().numTensors;
  fn();
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
}

Deno.test("MultiHeadAttention has Keras's weight layout, output and scores shapes", () => {
  noLeaks(() => {
    const [q, v, k] = [[2, 5, 8], [2, 7, 6], [2, 7, 3]].map((s, i) => distinctInput(s, i));
    const mha = new MultiHeadAttention(2, 4);
    const [out, scores] = mha.apply([q, v, k], { returnAttentionScores: true });
    assert.deepEqual(out.shape, [2, 5, 8]);
    assert.deepEqual(scores.shape, [2, 2, 5, 7]);
    assert.deepEqual(mha.weights.map((w) => w.shape), [
      [8, 2, 4],
      [2, 4],
      [3, 2, 4],
      [2, 4],
      [6, 2, 4],
      [2, 4],
      [2, 4, 8],
      [8],
    ]);
    assert.equal(mha.countParams(), 72 + 32 + 56 + 72);
    assert.deepEqual(
      mha.computeOutputShape([[null, 5, 8], [null, 7, 6], [null, 7, 3]]),
      [null, 5, 8],
    );
    // Each query step's probabilities sum to 1 over the key steps.
    const sums = tf.sum(scores, -1);
    assert.ok(sums.dataSync().every((s) => Math.abs(s - 1) < 1e-5));

    const other = new MultiHeadAttention(2, 4, {
      valueDim: 3,
      outputShape: [2, 5],
      useBias: false,
    });
    const y = other.apply([q, v]);
    assert.deepEqual(y.shape, [2, 5, 2, 5]);
    assert.deepEqual(other.weights.map((w) => w.shape), [[8, 2, 4], [6, 2, 4], [6, 2, 3], [
      2,
      3,
      2,
      5,
    ]]);
    tf.dispose([q, v, k, out, scores, sums, y]);
    mha.dispose();
    other.dispose();
  });
});

Deno.test("MultiHeadAttention attends over chosen axes of 4-D inputs (attentionAxes)", () => {
  noLeaks(() => {
    const x = distinctInput([2, 3, 4, 6]);
    const shapes = (options: Record<string, unknown>) => {
      const mha = new MultiHeadAttention(2, 2, options);
      const [y, s] = mha.apply([x, x], { returnAttentionScores: true });
      const out = [y.shape, s.shape];
      tf.dispose([y, s]);
      mha.dispose();
      return out;
    };
    assert.deepEqual(shapes({ attentionAxes: 2 }), [[2, 3, 4, 6], [2, 3, 2, 4, 4]]);
    assert.deepEqual(shapes({ attentionAxes: [-2] }), [[2, 3, 4, 6], [2, 3, 2, 4, 4]]);
    assert.deepEqual(shapes({ attentionAxes: [1] }), [[2, 3, 4, 6], [2, 4, 2, 3, 3]]);
    assert.deepEqual(shapes({}), [[2, 3, 4, 6], [2, 2, 3, 4, 3, 4]]);
    x.dispose();
  });
});

Deno.test("MultiHeadAttention takes other sequence lengths once built", () => {
  noLeaks(() => {
    const mha = new MultiHeadAttention(2, 3);
    for (const [t, s] of [[4, 5], [7, 2], [1, 1]]) {
      const q = distinctInput([2, t, 6]);
      const v = distinctInput([2, s, 6]);
      const y = mha.apply([q, v], { useCausalMask: true });
      assert.deepEqual(y.shape, [2, t, 6]);
      tf.dispose([q, v, y]);
    }
    assert.deepEqual(mha.getBuildConfig(), { inputShape: [[null, null, 6], [null, null, 6]] });
    mha.dispose();
  });
});

Deno.test("MultiHeadAttention takes Embedding's masks: keys masked, query mask passed on", () => {
  noLeaks(() => {
    const emb = new Embedding(10, 6, { maskZero: true });
    const mha = new MultiHeadAttention(2, 3);
    const ids = tf.tensor2d([[1, 2, 0, 0], [3, 4, 5, 0]], undefined, "int32");
    const e = emb.apply(ids);
    const found = maskOf(e)!;
    const [y, scores] = mha.apply([e, e], { returnAttentionScores: true });
    // The same as the masks given explicitly, on a tensor without one.
    const plain = tf.clone(e);
    const [y2, scores2] = mha.apply([plain, plain], {
      mask: [found, found],
      returnAttentionScores: true,
    });
    assert.deepEqual(y.arraySync(), y2.arraySync());
    assert.deepEqual(scores.arraySync(), scores2.arraySync());
    const s = scores.arraySync() as number[][][][];
    assert.equal(s[0][0][0][2], 0, "a masked key step gets no weight");
    assert.ok(Math.abs(s[0][0][0][0] + s[0][0][0][1] - 1) < 1e-6);
    // A masked query step attends to nothing: zero probabilities, and its output is the output bias.
    assert.deepEqual(s[0][1][3], [0, 0, 0, 0]);
    const bias = Array.from(mha.outputDense!.bias!.dataSync());
    const row = (y.arraySync() as number[][][])[1][3];
    row.forEach((v, i) => assert.ok(Math.abs(v - bias[i]) < 1e-7));
    const outMask = maskOf(y)!;
    assert.deepEqual(outMask.arraySync(), [[1, 1, 0, 0], [1, 1, 1, 0]]);
    tf.dispose([ids, e, found, y, scores, plain, y2, scores2, outMask]);
    emb.dispose();
    mha.dispose();
  });
});

Deno.test("MultiHeadAttention combines attentionMask, the causal mask and a fully masked row", () => {
  noLeaks(() => {
    const x = distinctInput([1, 3, 4]);
    const mha = new MultiHeadAttention(1, 2);
    const allow = tf.tensor3d([[[1, 1, 1], [0, 0, 0], [1, 0, 1]]], undefined, "bool");
    const [y, scores] = mha.apply([x, x], {
      attentionMask: allow,
      useCausalMask: true,
      returnAttentionScores: true,
    });
    const s = (scores.arraySync() as number[][][][])[0][0];
    assert.equal(s[0][0], 1, "row 0: causal leaves step 0 only");
    assert.deepEqual(s[1], [0, 0, 0], "row 1: nothing allowed");
    assert.equal(s[2][1], 0, "row 2: step 1 masked");
    assert.ok(Math.abs(s[2][0] + s[2][2] - 1) < 1e-6);
    // A per-head mask [batch, heads, T, S] and a broadcast one [1, T, S] are taken too.
    const perHead = tf.ones([1, 1, 3, 3], "bool");
    const broadcast = tf.ones([1, 3, 3], "int32");
    const a = mha.apply([x, x], { attentionMask: perHead });
    const b = mha.apply([x, x], { attentionMask: broadcast });
    const c = mha.apply([x, x]);
    assert.deepEqual(a.arraySync(), c.arraySync());
    assert.deepEqual(b.arraySync(), c.arraySync());
    tf.dispose([x, allow, y, scores, perHead, broadcast, a, b, c]);
    mha.dispose();
  });
});

Deno.test("MultiHeadAttention drops attention probabilities only in training", () => {
  noLeaks(() => {
    const x = distinctInput([2, 5, 4]);
    const mha = new MultiHeadAttention(2, 3, { dropout: 0.5, seed: 3 });
    const plain = new MultiHeadAttention(2, 3);
    plain.apply([x, x]).dispose();
    mha.apply([x, x]).dispose();
    const weights = mha.getWeights();
    plain.setWeights(weights);
    const [inference, s1] = mha.apply([x, x], { returnAttentionScores: true });
    const [reference, s0] = plain.apply([x, x], { returnAttentionScores: true });
    assert.deepEqual(inference.arraySync(), reference.arraySync());
    const [trained, s2] = mha.apply([x, x], { training: true, returnAttentionScores: true });
    assert.notDeepEqual(trained.arraySync(), reference.arraySync());
    // The scores returned are the probabilities before dropout, as Keras returns them.
    assert.deepEqual(s2.arraySync(), s0.arraySync());
    assert.deepEqual(s1.arraySync(), s0.arraySync());
    tf.dispose([x, ...weights, inference, s1, reference, s0, trained, s2]);
    mha.dispose();
    plain.dispose();
  });
});

Deno.test("MultiHeadAttention trains in a subclassed model with fit, without leaking tensors", async () => {
  setSeed(7);
  class Classifier extends Model {
    embedding = new Embedding(10, 16, { maskZero: true });
    attention = new MultiHeadAttention(2, 8);
    pool = new GlobalAveragePooling1D();
    head = new Dense(1, { activation: "sigmoid" });
    override call(x: tf.Tensor, options: { training?: boolean } = {}): tf.Tensor {
      const e = this.embedding.apply(x);
      // Causal: step t sees steps up to t, which is what lets attention see order.
      const a = this.attention.apply([e, e], { training: options.training, useCausalMask: true });
      return this.head.apply(this.pool.apply(a));
    }
  }
  // Label: whether token 1 comes before token 2 (an order a bag of words cannot see).
  const n = 256;
  const ids: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: 8 }, (_, j) => 3 + ((i * 7 + j * 5 + (i >> 3)) % 7));
    const [p1, p2] = [i % 8, (i * 3 + 1) % 8];
    if (p1 === p2) continue;
    row[p1] = 1;
    row[p2] = 2;
    ids.push(row);
    labels.push(p1 < p2 ? 1 : 0);
  }
  const x = tf.tensor2d(ids, undefined, "int32");
  const y = tf.tensor2d(labels, [labels.length, 1]);
  const model = new Classifier();
  model.compile({
    optimizer: new optimizers.Adam({ learningRate: 0.01 }),
    loss: "binary_crossentropy",
    metrics: ["accuracy"],
  });
  const first = await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  const before = tf.memory().numTensors;
  const history = await model.fit(x, y, { epochs: 5, batchSize: 32, verbose: 0 });
  assert.equal(tf.memory().numTensors, before, "fit leaked tensors");
  const losses = [...first.history.loss, ...history.history.loss] as number[];
  assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss ${losses.join(", ")}`);
  const accuracy = history.history.accuracy as number[];
  assert.ok(accuracy[accuracy.length - 1] > 0.8, `accuracy ${accuracy.join(", ")}`);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("MultiHeadAttention works in a functional model, with the scores as a second output", () => {
  noLeaks(() => {
    const input = Input({ shape: [5, 8] });
    const mha = new MultiHeadAttention(2, 4);
    const [out, scores] = mha.apply([input, input], {
      useCausalMask: true,
      returnAttentionScores: true,
    });
    assert.deepEqual(scores.shape, [null, 2, 5, 5]);
    const model = new Model({ inputs: input, outputs: [out, scores] });
    const x = distinctInput([3, 5, 8]);
    const [y, s] = model.predict(x) as unknown as tf.Tensor[];
    const [y2, s2] = mha.apply([x, x], { useCausalMask: true, returnAttentionScores: true });
    assert.deepEqual(y.arraySync(), y2.arraySync());
    assert.deepEqual(s.arraySync(), s2.arraySync());
    // A boolean Input as the attentionMask.
    const allow = Input({ shape: [5, 5], dtype: "bool" });
    const masked = new Model({
      inputs: [input, allow],
      outputs: mha.apply([input, input], { attentionMask: allow }),
    });
    const allowed = tf.tidy(() => tf.cast(tf.linalg.bandPart(tf.ones([3, 5, 5]), -1, 0), "bool"));
    const fromGraph = masked.predict([x, allowed]) as tf.Tensor;
    const direct = mha.apply([x, x], { useCausalMask: true });
    assert.deepEqual(fromGraph.arraySync(), direct.arraySync());
    tf.dispose([x, y, s, y2, s2, allowed, fromGraph, direct]);
    model.dispose();
  });
});

Deno.test("MultiHeadAttention's config round-trips with Keras's names, camelCase", () => {
  noLeaks(() => {
    const mha = new MultiHeadAttention(3, 2, {
      valueDim: 4,
      dropout: 0.1,
      outputShape: 5,
      attentionAxes: [1],
      kernelInitializer: "he_normal",
      kernelRegularizer: "l2",
      seed: 9,
      name: "attn",
    });
    const config = mha.getConfig();
    const json = JSON.parse(JSON.stringify(config));
    assert.deepEqual(json, {
      name: "attn",
      trainable: true,
      numHeads: 3,
      keyDim: 2,
      valueDim: 4,
      dropout: 0.1,
      useBias: true,
      outputShape: [5],
      attentionAxes: [1],
      kernelInitializer: "he_normal",
      biasInitializer: "zeros",
      kernelRegularizer: "l2",
      seed: 9,
    });
    const copy = MultiHeadAttention.fromConfig(json);
    assert.deepEqual(copy.getConfig(), config);
    const x = distinctInput([2, 3, 4]);
    const y = mha.apply([x, x]);
    copy.apply([x, x]).dispose();
    const weights = mha.getWeights();
    copy.setWeights(weights);
    const y2 = copy.apply([x, x]);
    assert.deepEqual(y2.arraySync(), y.arraySync());
    const losses = mha.losses;
    assert.equal(losses.length, 4, "one penalty per kernel");
    tf.dispose([x, y, y2, ...weights, ...losses]);
    mha.dispose();
    copy.dispose();
  });
});

Deno.test("MultiHeadAttention's errors name the layer, what it expected and what it received", () => {
  const q = distinctInput([2, 5, 8]);
  const v = distinctInput([2, 7, 8]);
  const mha = new MultiHeadAttention(2, 4, { name: "mha" });
  assert.throws(
    () => mha.apply(q),
    /Cannot apply mha \(MultiHeadAttention\) as it takes an array \[query, value\] or \[query, value, key\]: received one tensor of shape \(None, 5, 8\)/,
  );
  assert.throws(
    () => mha.apply([q, v, v, v]),
    /Cannot apply mha \(MultiHeadAttention\) as it takes 2 or 3 inputs .*: received 4/,
  );
  const flat = tf.zeros([2, 8]);
  assert.throws(() => new MultiHeadAttention(2, 4).apply([flat, flat]), /must have rank 3 or more/);
  const k = distinctInput([2, 6, 8]);
  assert.throws(
    () => new MultiHeadAttention(2, 4, { name: "kv" }).apply([q, v, k]),
    /Cannot apply kv \(MultiHeadAttention\) as its value and key must agree on every axis but the last: received value \(None, 7, 8\) and key \(None, 6, 8\)/,
  );
  mha.apply([q, v]).dispose();
  const narrow = distinctInput([2, 5, 6]);
  assert.throws(
    () => mha.apply([narrow, v]),
    /Cannot apply mha \(MultiHeadAttention\) as input "0" does not fit: expected \(None, None, 8\), received \(None, 5, 6\)/,
  );
  const badMask = tf.ones([2, 5, 6], "bool");
  assert.throws(
    () => mha.apply([q, v], { attentionMask: badMask }),
    /Cannot apply mha \(MultiHeadAttention\) as "attentionMask" must have shape \[2,5,7\] \(\[batch, query steps, key steps\]; .*\): received \[2,5,6\]/,
  );
  assert.throws(() => mha.apply([q, v], { attentionMask: [[1]] as never }), TypeError);
  const badQueryMask = tf.ones([2, 4], "bool");
  assert.throws(
    () => mha.apply([q, v], { mask: [badQueryMask, null] }),
    /Cannot apply mha \(MultiHeadAttention\) as the query mask must have shape \[2,5\] .*: received \[2,4\]/,
  );
  const other = distinctInput([3, 7, 8]);
  assert.throws(() => mha.apply([q, other]), /its inputs' batch sizes differ/);
  assert.throws(
    () => mha.apply([q, v], { use_causal_mask: true } as never),
    /"use_causal_mask" is not an option: did you mean "useCausalMask"\?/,
  );
  const x4 = distinctInput([1, 2, 3, 4]);
  assert.throws(
    () => new MultiHeadAttention(1, 2).apply([x4, x4], { useCausalMask: true }),
    /"useCausalMask" as it attends over 2 axes/,
  );
  assert.throws(
    () => new MultiHeadAttention(1, 2, { attentionAxes: [3] }).apply([x4, x4]),
    /"attentionAxes" \[3\] must name distinct axes between the batch and feature axes/,
  );
  assert.throws(
    () => new MultiHeadAttention(0, 4),
    /Cannot build MultiHeadAttention as "numHeads" must be a positive integer: received 0/,
  );
  assert.throws(
    () => new MultiHeadAttention(2, 4, { value_dim: 3 } as never),
    /did you mean "valueDim"\?/,
  );
  tf.dispose([q, v, k, flat, narrow, badMask, badQueryMask, other, x4]);
  mha.dispose();
});

Deno.test("MultiHeadAttention on one input projects query, key and value together, with the same values and gradients", () => {
  // [x, x] takes the packed projection; [x, x · 1] (another tensor) the three separate ones.
  for (const [useBias, causal] of [[true, false], [false, true]]) {
    const x = distinctInput([2, 6, 8], 3);
    const mha = new MultiHeadAttention(2, 4, { useBias });
    tf.dispose(mha.apply([x, x])); // build
    const weights = tf.randomNormal([2, 6, 8], 0, 1, "float32", 7);
    const run = (packed: boolean) => {
      let out: Float32Array[] = [];
      noLeaks(() => {
        out = tf.tidy(() => {
          const f = (input: tf.Tensor) => {
            const other = packed ? input : tf.mul(input, 1);
            return tf.sum(tf.mul(mha.apply([input, other], { useCausalMask: causal }), weights));
          };
          const { value, grads } = tf.variableGrads(() => f(x) as tf.Scalar, mha.trainableWeights);
          const dx = tf.grad(f)(x);
          return [value, dx, ...mha.trainableWeights.map((w) => grads[w.name])].map((t) =>
            t.dataSync().slice() as Float32Array
          );
        });
      });
      return out;
    };
    const packed = run(true);
    const separate = run(false);
    assert.equal(packed.length, 2 + mha.trainableWeights.length);
    packed.forEach((got, i) => {
      assert.equal(got.length, separate[i].length);
      got.forEach((g, j) =>
        assert.ok(
          Math.abs(g - separate[i][j]) <= 1e-5 * (1 + Math.abs(separate[i][j])),
          `${i}/${j}`,
        )
      );
    });
    tf.dispose([x, weights, ...mha.weights]);
  }
});
