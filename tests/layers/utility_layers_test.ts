import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { maskOf } from "../../engine/layer.ts";
import { layers, loadModel, optimizers, Sequential, setSeed } from "../../mod.ts";
import {
  ActivityRegularization,
  Identity,
  Lambda,
  Masking,
  Permute,
  RepeatVector,
  Softmax,
  UnitNormalization,
} from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  Array.from(actual).forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= tol, `[${i}]: ${v} vs ${expected[i]}`)
  );
}

function maskValues(t: tf.Tensor): number[] | null {
  const m = maskOf(t);
  if (!m) return null;
  const v = Array.from(m.dataSync());
  m.dispose();
  return v;
}

Deno.test("Identity, RepeatVector, Permute, Masking, ActivityRegularization and UnitNormalization pass the shared layer check", () => {
  const none = { weights: 0, params: 0 };
  checkLayer({
    make: () => new Identity(),
    cls: Identity,
    inputShape: [3, 4],
    outputShape: [3, 4],
    ...none,
  });
  checkLayer({
    make: () => new RepeatVector(3),
    cls: RepeatVector,
    inputShape: [2, 4],
    outputShape: [2, 3, 4],
    ...none,
  });
  checkLayer({
    make: () => new Permute([2, 1]),
    cls: Permute,
    inputShape: [2, 3, 4],
    outputShape: [2, 4, 3],
    ...none,
  });
  checkLayer({
    make: () => new Permute([3, 1, 2]),
    cls: Permute,
    inputShape: [2, 3, 4, 5],
    outputShape: [2, 5, 3, 4],
    ...none,
  });
  checkLayer({
    make: () => new Masking(),
    cls: Masking,
    inputShape: [2, 3, 4],
    outputShape: [2, 3, 4],
    ...none,
  });
  checkLayer({
    make: () => new ActivityRegularization({ l1: 0.01, l2: 0.1 }),
    cls: ActivityRegularization,
    inputShape: [3, 4],
    outputShape: [3, 4],
    ...none,
  });
  checkLayer({
    make: () => new UnitNormalization(),
    cls: UnitNormalization,
    inputShape: [3, 4],
    outputShape: [3, 4],
    ...none,
  });
  checkLayer({
    make: () => new UnitNormalization({ axis: [1, 2] }),
    cls: UnitNormalization,
    inputShape: [2, 3, 4],
    outputShape: [2, 3, 4],
    ...none,
  });
});

Deno.test("RepeatVector, Permute and UnitNormalization compute their values", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const r = new RepeatVector(2).apply(x);
  assert.deepEqual(r.arraySync(), [[[1, 2], [1, 2]], [[3, 4], [3, 4]]]);
  const x3 = tf.tensor3d([[[1, 2, 3], [4, 5, 6]]]);
  const p = new Permute([2, 1]).apply(x3);
  assert.deepEqual(p.arraySync(), [[[1, 4], [2, 5], [3, 6]]]);
  const u = new UnitNormalization().apply(tf.tidy(() => tf.tensor2d([[3, 4], [0, 0]])));
  close(u.dataSync(), [0.6, 0.8, 0, 0]);
  tf.dispose([x, r, x3, p, u]);
  assert.ok(tf.memory().numTensors <= before + 1); // the input made inline in the tidy above
});

Deno.test("Masking emits the mask of steps whose features all equal maskValue, and it reaches Softmax", () => {
  const x = tf.tensor3d([[[1, 2], [0, 0], [3, 0]], [[0, 0], [0, 0], [5, 5]]]);
  const y = new Masking().apply(x);
  assert.deepEqual(maskValues(y), [1, 0, 1, 0, 0, 1]);
  assert.deepEqual(y.arraySync(), x.arraySync());
  const x2 = tf.tensor3d([[[-1, -1], [2, -1]]]);
  const y2 = new Masking({ maskValue: -1 }).apply(x2);
  assert.deepEqual(maskValues(y2), [0, 1]);
  close(y2.dataSync(), [0, 0, 2, -1]); // masked steps are zeroed, as Keras
  // the mask travels: Softmax gives the masked steps 0 (not 1/2 each)
  const model = new Sequential([new Masking(), new Softmax()]);
  const z = model.apply(x);
  maskOf(z)?.dispose();
  close(z.dataSync(), [
    ...[1 / (1 + Math.E), Math.E / (1 + Math.E)],
    ...[0, 0],
    ...[1 / (1 + Math.exp(-3)), 1 / (1 + Math.exp(3))],
    ...[0, 0, 0, 0, 0.5, 0.5],
  ]);
  tf.dispose([x, y, x2, y2, z]);
});

Deno.test("Lambda applies its function and refuses to be serialized, naming the fix", async () => {
  const lambda = new Lambda((t) => tf.mul(t, 2), { outputShape: [3] });
  const x = tf.tensor2d([[1, 2, 3]]);
  const y = lambda.apply(x);
  assert.deepEqual(y.arraySync(), [[2, 4, 6]]);
  assert.deepEqual(lambda.computeOutputShape([null, 3]), [null, 3]);
  assert.deepEqual(new Lambda((t) => tf.sum(t, -1)).computeOutputShape([null, 3]), [null]);
  assert.throws(() => lambda.getConfig(), /lambda.*\(Lambda\).*registerSerializable/);
  const model = new Sequential([new layers.Dense(3, { inputShape: [3] }), lambda]);
  const dir = await Deno.makeTempDir({ prefix: "kerno-lambda-" });
  try {
    for (const path of [`${dir}/m`, `${dir}/m.keras`]) {
      await assert.rejects(
        async () => await model.save(path),
        /Lambda.*Layer subclass.*registerSerializable/,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.throws(() => new Lambda("double" as unknown as (t: tf.Tensor) => tf.Tensor), TypeError);
  assert.throws(() => new Lambda((t) => t, { outputShape: "3" as unknown as number[] }), TypeError);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("ActivityRegularization adds l1·Σ|x| + l2·Σx² to losses, cleared at the next outermost call", () => {
  const before = tf.memory().numTensors;
  const layer = new ActivityRegularization({ l1: 0.1, l2: 0.5 });
  const x = tf.tensor2d([[1, -2], [3, 0]]);
  const y = layer.apply(x);
  assert.deepEqual(y.arraySync(), x.arraySync());
  const [penalty, ...rest] = layer.losses;
  assert.equal(rest.length, 0);
  close(penalty.dataSync(), [0.1 * 6 + 0.5 * 14], 1e-5);
  penalty.dispose();
  const y2 = layer.apply(x); // replaces, not adds
  const again = layer.losses;
  assert.equal(again.length, 1);
  tf.dispose(again);
  // inside a model the sublayer's loss is the model's, and is counted once per forward pass
  const model = new Sequential([layer]);
  const y3 = model.apply(x);
  const modelLosses = model.losses;
  assert.equal(modelLosses.length, 1);
  tf.dispose([x, y, y2, y3, ...modelLosses]);
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("fit, evaluate and computeLoss include ActivityRegularization's loss, with its gradient", async () => {
  setSeed(1);
  const make = (l2: number) => {
    const m = new Sequential([
      new layers.Dense(1, { useBias: false, kernelInitializer: "ones", inputShape: [2] }),
      new ActivityRegularization({ l2 }),
    ]);
    m.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: "mse" });
    return m;
  };
  const x = tf.tensor2d([[1, 1]]);
  const y = tf.tensor2d([[2]]); // the prediction is 2 at first: the compiled loss is 0
  const model = make(1);
  const logs = await model.evaluate(x, y, { verbose: 0 });
  close([logs.loss], [4], 1e-5); // 0 + 1·2²
  await model.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0 });
  // d(pred²)/dw = 2·pred·x = [4, 4]; SGD: w = 1 − 0.1·4
  close(model.getWeights()[0].dataSync(), [0.6, 0.6], 1e-5);
  const plain = make(0);
  await plain.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0 });
  close(plain.getWeights()[0].dataSync(), [1, 1], 1e-6);
  tf.dispose([x, y]);
  model.dispose();
  plain.dispose();
});

Deno.test("the new layers save and load in both formats", async () => {
  setSeed(3);
  const model = new Sequential([
    new layers.Dense(6, { inputShape: [4] }),
    new layers.ReLU({ maxValue: 6, negativeSlope: 0.1 }),
    new layers.PReLU({ alphaInitializer: "glorot_uniform" }),
    new layers.UnitNormalization(),
    new layers.RepeatVector(3),
    new layers.Permute([2, 1]),
    new layers.GroupNormalization({ groups: 3 }),
    new layers.SpatialDropout1D(0.3, { seed: 2 }),
    new layers.GaussianNoise(0.1),
    new layers.ActivityRegularization({ l1: 0.01 }),
    new layers.LeakyReLU(),
    new layers.ELU({ alpha: 0.5 }),
    new layers.Softmax({ axis: 1 }),
  ]);
  const x = tf.randomNormal([2, 4], 0, 1, "float32", 5);
  const before = model.predict(x);
  const dir = await Deno.makeTempDir({ prefix: "kerno-layers-" });
  try {
    for (const path of [`${dir}/m`, `${dir}/m.keras`]) {
      await model.save(path);
      const again = await loadModel(path);
      const after = again.predict(x);
      close(after.dataSync(), Array.from(before.dataSync()), 1e-6);
      assert.deepEqual(
        again.layers.map((l) => l.constructor.name),
        model.layers.map((l) => l.constructor.name),
      );
      after.dispose();
      again.dispose();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  tf.dispose([x, before]);
  model.dispose();
});

Deno.test("utility layers reject bad arguments in the project's format", () => {
  assert.throws(
    () => new RepeatVector(0),
    /Cannot build RepeatVector as "n" must be a positive integer: received 0/,
  );
  assert.throws(() => new RepeatVector("2" as unknown as number), TypeError);
  assert.throws(() => new Permute([1, 3]), RangeError);
  assert.throws(() => new Permute([] as number[]), TypeError);
  assert.throws(() => new Masking({ maskValue: "0" as unknown as number }), TypeError);
  assert.throws(
    () => new Masking({ mask_value: 0 } as unknown as object),
    /did you mean "maskValue"/,
  );
  assert.throws(() => new ActivityRegularization({ l1: -1 }), RangeError);
  assert.throws(() => new UnitNormalization({ axis: 0 }), RangeError);
  assert.throws(() => new Identity({ foo: 1 } as unknown as object), /"foo" is not an option/);
  const x = tf.ones([2, 3, 4]);
  assert.throws(() => new RepeatVector(2).apply(x), /must have rank 2/);
  assert.throws(() => new Permute([2, 1, 3]).apply(x), /needs an input of rank 4/);
  assert.throws(() => new UnitNormalization({ axis: 3 }).apply(x), RangeError);
  x.dispose();
});
