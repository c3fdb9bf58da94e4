import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { maskOf } from "../../engine/layer.ts";
import { Model } from "../../engine/model.ts";
import { layers, optimizers } from "../../mod.ts";
import {
  Add,
  Average,
  Concatenate,
  Dot,
  Embedding,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
} from "../../layers/mod.ts";
import { checkMultiInputLayer } from "./_layer_check.ts";
import { resolveClass } from "../../io/register_serializable.ts";
import type { Layer } from "../../engine/layer.ts";

const A = [[1, -2, 3], [4, 5, -6]];
const B = [[10, 20, 30], [40, 50, 60]];

/** The output of `layer` on arrays `a`, `b` (as plain numbers), checking no leaks. */
function run(layer: Layer, ...arrays: unknown[]): unknown {
  const before = tf.memory().numTensors;
  const xs = arrays.map((a) => tf.tensor(a as number[]));
  const y = layer.apply(xs);
  const out = y.arraySync();
  tf.dispose([...xs, y]);
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  return out;
}

Deno.test("element-wise merges compute their values by hand", () => {
  assert.deepEqual(run(new Add(), A, B), [[11, 18, 33], [44, 55, 54]]);
  assert.deepEqual(run(new Add(), A, B, B), [[21, 38, 63], [84, 105, 114]]);
  assert.deepEqual(run(new Subtract(), A, B), [[-9, -22, -27], [-36, -45, -66]]);
  assert.deepEqual(run(new Multiply(), A, B), [[10, -40, 90], [160, 250, -360]]);
  assert.deepEqual(run(new Average(), A, B), [[5.5, 9, 16.5], [22, 27.5, 27]]);
  assert.deepEqual(run(new Maximum(), A, B), B);
  assert.deepEqual(run(new Minimum(), A, B), A);
  assert.deepEqual(run(new Maximum(), A, [[0, 0, 0], [0, 0, 0]]), [[1, 0, 3], [4, 5, 0]]);
});

Deno.test("element-wise merges broadcast [2, 3] with [2, 1], and a lower rank at axis 1", () => {
  assert.deepEqual(run(new Add(), A, [[100], [200]]), [[101, 98, 103], [204, 205, 194]]);
  assert.deepEqual(run(new Multiply(), [[100], [200]], A), [[100, -200, 300], [800, 1000, -1200]]);
  // [2, 3] against [2, 2, 3]: the first becomes [2, 1, 3].
  const c = [[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]]];
  assert.deepEqual(run(new Add(), A, c), [
    [[2, -1, 4], [3, 0, 5]],
    [[7, 8, -3], [8, 9, -2]],
  ]);
  const add = new Add();
  assert.deepEqual(add.computeOutputShape([[null, 3], [null, 2, 3]]), [null, 2, 3]);
  assert.deepEqual(add.computeOutputShape([[null, 3], [null, 1]]), [null, 3]);
  // A batch of 1 broadcasts.
  assert.deepEqual(run(new Add(), A, [[1, 1, 1]]), [[2, -1, 4], [5, 6, -5]]);
});

Deno.test("the functional forms create the layer and apply it", () => {
  const a = tf.tensor(A);
  const b = tf.tensor(B);
  const before = tf.memory().numTensors;
  const outs = [
    layers.add([a, b]),
    layers.subtract([a, b]),
    layers.multiply([a, b]),
    layers.average([a, b]),
    layers.maximum([a, b]),
    layers.minimum([a, b]),
    layers.concatenate([a, b], { axis: 0 }),
    layers.dot([a, b], { axes: 1 }),
  ];
  assert.deepEqual(outs[0].arraySync(), [[11, 18, 33], [44, 55, 54]]);
  assert.deepEqual(outs[6].shape, [4, 3]);
  assert.deepEqual(outs[7].arraySync(), [[10 - 40 + 90], [160 + 250 - 360]]);
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before);
  const named = layers.add([a, b], { name: "my_sum" });
  named.dispose();
  tf.dispose([a, b]);
});

Deno.test("Concatenate joins along axis -1 (default), 1 and 0", () => {
  assert.deepEqual(run(new Concatenate(), A, [[7], [8]]), [[1, -2, 3, 7], [4, 5, -6, 8]]);
  assert.deepEqual(run(new Concatenate({ axis: 1 }), A, [[7], [8]]), [[1, -2, 3, 7], [
    4,
    5,
    -6,
    8,
  ]]);
  const x = [[[1, 2]], [[3, 4]]]; // [2, 1, 2]
  const y = [[[5, 6], [7, 8]], [[9, 10], [11, 12]]]; // [2, 2, 2]
  assert.deepEqual(run(new Concatenate({ axis: 1 }), x, y), [
    [[1, 2], [5, 6], [7, 8]],
    [[3, 4], [9, 10], [11, 12]],
  ]);
  assert.deepEqual((run(new Concatenate(-1), y, y) as number[][][])[0], [[5, 6, 5, 6], [
    7,
    8,
    7,
    8,
  ]]);
  assert.deepEqual(new Concatenate({ axis: 1 }).computeOutputShape([[null, 1, 2], [null, 2, 2]]), [
    null,
    3,
    2,
  ]);
  assert.deepEqual(new Concatenate().computeOutputShape([[null, null, 2], [null, 4, 3]]), [
    null,
    4,
    5,
  ]);
});

Deno.test("Dot takes per-sample products along axes 1, [1, 2], and cosine with normalize", () => {
  assert.deepEqual(run(new Dot({ axes: 1 }), A, B), [[60], [50]]);
  assert.deepEqual(run(new Dot({ axes: -1 }), A, B), [[60], [50]]);
  // x [1, 2, 3], y [1, 4, 2], axes [1, 2]: out[i, j] = sum_k x[k, i] * y[j, k], shape [1, 3, 4].
  const x = [[[1, 2, 3], [4, 5, 6]]];
  const y = [[[1, 0], [0, 1], [1, 1], [2, -1]]];
  const expected = [[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2]].map((_, j) =>
    [0, 1, 2].map((i) => x[0][0][i] * y[0][j][0] + x[0][1][i] * y[0][j][1])
  );
  const out = run(new Dot({ axes: [1, 2] }), x, y) as number[][][];
  assert.deepEqual(out[0], [0, 1, 2].map((i) => expected.map((row) => row[i])));
  assert.deepEqual(new Dot({ axes: [1, 2] }).computeOutputShape([[null, 2, 3], [null, 4, 2]]), [
    null,
    3,
    4,
  ]);
  // Keras's docstring case: [2, 3, 5] and [2, 10, 3] with axes (1, 2) give [2, 5, 10].
  const [p, q] = [tf.zeros([2, 3, 5]), tf.zeros([2, 10, 3])];
  const big = new Dot([1, 2]).apply([p, q]);
  assert.deepEqual(big.shape, [2, 5, 10]);
  tf.dispose([p, q, big]);
  const cos = run(new Dot({ axes: 1, normalize: true }), [[3, 4], [1, 0]], [[4, 3], [
    0,
    2,
  ]]) as number[][];
  assert.ok(Math.abs(cos[0][0] - 24 / 25) < 1e-6);
  assert.ok(Math.abs(cos[1][0]) < 1e-6);
  const same = run(new Dot({ axes: 1, normalize: true }), A, A) as number[][];
  assert.ok(Math.abs(same[0][0] - 1) < 1e-6 && Math.abs(same[1][0] - 1) < 1e-6);
});

Deno.test("merge layers pass the shared multi-input check (shapes, config, gradients, leaks)", () => {
  for (const cls of [Add, Subtract, Multiply, Average, Maximum, Minimum]) {
    checkMultiInputLayer({
      make: () => new cls(),
      cls,
      inputShapes: [[2, 3], [2, 3]],
      outputShape: [2, 3],
    });
    checkMultiInputLayer({
      make: () => new cls(),
      cls,
      inputShapes: [[2, 3], [2, 1]],
      outputShape: [2, 3],
    });
  }
  checkMultiInputLayer({
    make: () => new Add({ name: "three" }),
    cls: Add,
    inputShapes: [[2, 3], [2, 2, 3], [2, 1]],
    outputShape: [2, 2, 3],
  });
  checkMultiInputLayer({
    make: () => new Concatenate(),
    cls: Concatenate,
    inputShapes: [[2, 3], [2, 4]],
    outputShape: [2, 7],
  });
  checkMultiInputLayer({
    make: () => new Concatenate({ axis: 1 }),
    cls: Concatenate,
    inputShapes: [[2, 1, 3], [2, 2, 3]],
    outputShape: [2, 3, 3],
  });
  checkMultiInputLayer({
    make: () => new Dot({ axes: 1 }),
    cls: Dot,
    inputShapes: [[2, 3], [2, 3]],
    outputShape: [2, 1],
  });
  checkMultiInputLayer({
    make: () => new Dot({ axes: [1, 2] }),
    cls: Dot,
    inputShapes: [[2, 3, 5], [2, 4, 3]],
    outputShape: [2, 5, 4],
  });
  checkMultiInputLayer({
    make: () => new Dot({ axes: 1, normalize: true }),
    cls: Dot,
    inputShapes: [[2, 4], [2, 4]],
    outputShape: [2, 1],
  });
});

Deno.test("merge configs hold exactly the options and load by class name", () => {
  assert.deepEqual(new Concatenate({ axis: 1, name: "c" }).getConfig(), {
    name: "c",
    trainable: true,
    axis: 1,
  });
  assert.deepEqual(new Dot({ axes: [1, 2], name: "d" }).getConfig(), {
    name: "d",
    trainable: true,
    axes: [1, 2],
    normalize: false,
  });
  assert.deepEqual(new Subtract({ name: "s" }).getConfig(), { name: "s", trainable: true });
  for (
    const [className, config] of [
      ["Add", { name: "a1" }],
      ["Subtract", { name: "s1" }],
      ["Multiply", {}],
      ["Average", {}],
      ["Maximum", {}],
      ["Minimum", {}],
      ["Concatenate", { axis: 1 }],
      ["Dot", { axes: 1, normalize: true }],
    ] as const
  ) {
    const layer = resolveClass(className, undefined, "test").fromConfig({ ...config });
    assert.equal(layer.constructor.name, className);
  }
});

Deno.test("merge masks: Add ANDs the Embedding masks, Concatenate joins them, Dot drops them", () => {
  const before = tf.memory().numTensors;
  const emb = new Embedding(10, 2, { maskZero: true });
  const idsA = tf.tensor2d([[1, 2, 0], [3, 0, 0]], [2, 3], "int32");
  const idsB = tf.tensor2d([[1, 0, 0], [3, 4, 5]], [2, 3], "int32");
  const a = emb.apply(idsA);
  const b = emb.apply(idsB);
  const plain = tf.ones([2, 3, 2]);
  const mask = (t: tf.Tensor) => {
    const m = maskOf(t);
    const v = m?.arraySync() ?? null;
    m?.dispose();
    return v;
  };
  const sum = layers.add([a, b]);
  assert.deepEqual(mask(sum), [[1, 0, 0], [1, 0, 0]]);
  const sumPlain = layers.add([a, plain]);
  assert.deepEqual(mask(sumPlain), [[1, 1, 0], [1, 0, 0]]);
  const joined = layers.concatenate([a, b]); // features: masked where any input is
  assert.deepEqual(joined.shape, [2, 3, 4]);
  assert.deepEqual(mask(joined), [[1, 0, 0], [1, 0, 0]]);
  const joinedPlain = layers.concatenate([a, plain]); // ones for the unmasked input
  assert.deepEqual(mask(joinedPlain), [[1, 1, 0], [1, 0, 0]]);
  const steps = layers.concatenate([a, b], { axis: 1 }); // along time: masks joined
  assert.deepEqual(mask(steps), [[1, 1, 0, 1, 0, 0], [
    1,
    0,
    0,
    1,
    1,
    1,
  ]]);
  const d = layers.dot([a, b], { axes: 2 });
  assert.equal(mask(d), null);
  const noMask = layers.add([plain, plain]);
  assert.equal(maskOf(noMask), null);
  // An explicit mask list overrides the stored ones.
  const m1 = tf.tensor2d([[1, 1, 1], [1, 1, 1]], [2, 3], "bool");
  const explicit = new Add().apply([a, b], { mask: [m1, null] });
  assert.deepEqual(mask(explicit), [[1, 1, 1], [1, 1, 1]]);
  tf.dispose([
    idsA,
    idsB,
    a,
    b,
    plain,
    sum,
    sumPlain,
    joined,
    joinedPlain,
    steps,
    d,
    noMask,
    m1,
    explicit,
  ]);
  emb.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("merge errors name the layer and the shapes", () => {
  const a = tf.zeros([2, 3]);
  const b = tf.zeros([2, 4]);
  const c = tf.zeros([3, 3]);
  assert.throws(
    () => new Add({ name: "sum" }).apply([a, b]),
    (e: Error) =>
      e instanceof RangeError && /sum \(Add\)/.test(e.message) &&
      /\(None, 3\) and \(None, 4\)/.test(e.message),
  );
  assert.throws(() => new Add().apply([a]), /at least 2 inputs: received 1/);
  assert.throws(
    () => new Add().apply(a),
    /takes an array of at least 2 tensors: received one tensor/,
  );
  assert.throws(() => new Add().apply({ x: a, y: a }), /received a record/);
  assert.throws(() => new Subtract().apply([a, a, a]), /exactly 2 inputs: received 3/);
  assert.throws(() => new Subtract().apply([a]), /exactly 2 inputs: received 1/);
  assert.throws(() => new Add().apply([a, c]), /batch sizes differ/);
  assert.throws(
    () => new Concatenate({ name: "cat" }).apply([a, tf.zeros([2, 3, 1])]),
    (e: Error) =>
      /cat \(Concatenate\)/.test(e.message) && /\(None, 3\) and \(None, 3, 1\)/.test(e.message),
  );
  assert.throws(
    () => new Concatenate({ axis: 1 }).apply([tf.zeros([2, 2, 3]), tf.zeros([2, 2, 4])]),
    /must be equal on every axis but the concatenation axis/,
  );
  assert.throws(() => new Concatenate({ axis: 5 }).apply([a, a]), /axis 5 is out of range/);
  assert.throws(
    () => new Dot({ axes: 1, name: "dd" }).apply([a, b]),
    (e: Error) =>
      /dd \(Dot\)/.test(e.message) && /\(None, 3\) and \(None, 4\)/.test(e.message) &&
      /3 vs 4/.test(e.message),
  );
  assert.throws(() => new Dot({ axes: 1 }).apply([a, a, a]), /exactly 2 inputs/);
  assert.throws(() => new Dot({ axes: 0 }), /"axes" must be/);
  assert.throws(() => new Dot({}), /"axes" must be/);
  assert.throws(() => new Dot({ axes: [1, 2, 3] as never }), /"axes" must be/);
  assert.throws(() => new Dot({ axes: 1, normalise: true } as never), /did you mean "normalize"/);
  assert.throws(() => new Concatenate({ axis: 1.5 }), /"axis" must be an integer axis/);
  assert.throws(() => new Add().apply([a, "x" as never]), /input "1" must be a tf.Tensor/);
  const built = new Add();
  built.apply([a, a]).dispose();
  assert.throws(() => built.apply(a), /built on 2 inputs/);
  assert.throws(() => built.apply([b, b]), /does not fit/);
  tf.dispose([a, b, c]);
});

Deno.test("a layer of one input keeps working on one tensor; computeMask and build see the structure", () => {
  class Pair extends layers.Dense {}
  const d = new Pair(2);
  const x = tf.ones([1, 3]);
  const y = d.apply(x);
  assert.deepEqual(y.shape, [1, 2]);
  assert.throws(() => d.apply([x, x]), /built on one input/);
  tf.dispose([x, y]);
  d.dispose();
});

/** A two-tower model: each tower sees half the features, a Concatenate joins them. */
class TwoTower extends Model {
  left = new layers.Dense(4, { activation: "tanh" });
  right = new layers.Dense(4, { activation: "tanh" });
  concat = new layers.Concatenate();
  gate = new layers.Multiply();
  head = new layers.Dense(1);
  override call(x: tf.Tensor): tf.Tensor {
    const a = this.left.apply(tf.slice(x, [0, 0], [-1, 2]));
    const b = this.right.apply(tf.slice(x, [0, 2], [-1, 2]));
    return this.head.apply(this.concat.apply([a, this.gate.apply([b, b])]));
  }
}

/** A model whose own call takes an array. */
class Siamese extends Model {
  tower = new layers.Dense(3);
  dot = new layers.Dot({ axes: 1, normalize: true });
  override call([a, b]: tf.Tensor[]): tf.Tensor {
    return this.dot.apply([this.tower.apply(a), this.tower.apply(b)]);
  }
}

for (const backend of ["cpu", "kerno"]) {
  Deno.test(`merge layers train inside a subclassed Model with fit (${backend})`, async () => {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    try {
      const before = tf.memory().numTensors;
      const model = new TwoTower();
      model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.05 }), loss: "mse" });
      const x = tf.randomUniform([64, 4], -1, 1, "float32", 3);
      const y = tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([1, -1, 0.5, 2])), 1, true));
      const h = await model.fit(x, y, { epochs: 20, batchSize: 16, verbose: 0 });
      const losses = h.history.loss as number[];
      assert.ok(
        losses[losses.length - 1] < losses[0] * 0.7,
        `loss went ${losses[0]} -> ${losses.at(-1)}`,
      );
      assert.equal(model.trainableWeights.length, 6);
      const p = model.predict(x) as tf.Tensor;
      assert.deepEqual(p.shape, [64, 1]);
      tf.dispose([x, y, p]);

      const siamese = new Siamese();
      const u = tf.ones([2, 5]);
      const out = siamese.apply([u, u]);
      assert.deepEqual(out.shape, [2, 1]);
      assert.ok(Math.abs((out.dataSync()[0]) - 1) < 1e-5);
      assert.deepEqual(siamese.buildInputShapes, [[null, 5], [null, 5]]);
      tf.dispose([u, out]);
      model.dispose();
      siamese.dispose();
      assert.equal(tf.memory().numTensors, before);
    } finally {
      await tf.setBackend(previous);
    }
  });
}
