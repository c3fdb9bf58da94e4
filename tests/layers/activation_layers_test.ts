import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { ELU, LeakyReLU, PReLU, ReLU, Softmax } from "../../layers/mod.ts";
import { applyOwned, checkLayer, distinctInput } from "./_layer_check.ts";

function close(actual: number[], expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= tol, `[${i}]: ${v} vs ${expected[i]}`)
  );
}

function values(layer: { apply(x: tf.Tensor, o?: object): tf.Tensor }, x: tf.Tensor, o = {}) {
  const y = layer.apply(x, o);
  const v = Array.from(y.dataSync());
  y.dispose();
  return v;
}

Deno.test("ReLU, LeakyReLU, PReLU, ELU and Softmax pass the shared layer check", () => {
  // inputs 0.05 apart, shifted off 0 so that no kink lies within the finite differences' 0.01
  const input = () => tf.tidy(() => tf.add(distinctInput([3, 4]), 0.025));
  const same = { inputShape: [3, 4], outputShape: [3, 4], weights: 0, params: 0, input };
  checkLayer({ make: () => new ReLU(), cls: ReLU, ...same });
  checkLayer({
    make: () => new ReLU({ maxValue: 0.16, negativeSlope: 0.1, threshold: 0.1 }),
    cls: ReLU,
    ...same,
  });
  checkLayer({ make: () => new LeakyReLU({ negativeSlope: 0.2 }), cls: LeakyReLU, ...same });
  checkLayer({ make: () => new ELU({ alpha: 0.7 }), cls: ELU, ...same });
  checkLayer({ make: () => new Softmax(), cls: Softmax, ...same });
  checkLayer({
    make: () => new Softmax({ axis: [1, 2] }),
    cls: Softmax,
    inputShape: [2, 3, 4],
    outputShape: [2, 3, 4],
    weights: 0,
    params: 0,
  });
  checkLayer({
    make: () => new PReLU({ alphaInitializer: "glorot_uniform" }),
    cls: PReLU,
    input,
    inputShape: [3, 4],
    outputShape: [3, 4],
    weights: 1,
    params: 4,
  });
  checkLayer({
    make: () => new PReLU({ sharedAxes: [1], alphaRegularizer: "l2" }),
    cls: PReLU,
    input: () => tf.tidy(() => tf.add(distinctInput([2, 3, 4]), 0.025)),
    inputShape: [2, 3, 4],
    outputShape: [2, 3, 4],
    weights: 1,
    params: 4,
  });
});

Deno.test("ReLU follows Keras's formula with maxValue, threshold and negativeSlope", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor1d([-2, -0.5, 0, 0.5, 1, 3, 7]);
  close(values(new ReLU(), x), [0, 0, 0, 0.5, 1, 3, 7]);
  close(values(new ReLU({ maxValue: 6 }), x), [0, 0, 0, 0.5, 1, 3, 6]);
  close(values(new ReLU({ negativeSlope: 0.1 }), x), [-0.2, -0.05, 0, 0.5, 1, 3, 7]);
  // x > 1 passes, capped at 6; below, 0.1·(x − 1); at x == threshold, 0 (Keras's kernel)
  close(
    values(new ReLU({ maxValue: 6, negativeSlope: 0.1, threshold: 1 }), x),
    [-0.3, -0.15, -0.1, -0.05, 0, 3, 6],
  );
  close(values(new ReLU({ threshold: 1 }), x), [0, 0, 0, 0, 0, 3, 7]);
  x.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("LeakyReLU, ELU and PReLU compute their formulas", () => {
  const x = tf.tensor1d([-10, -1, 0, 2]);
  close(values(new LeakyReLU(), x), [-3, -0.3, 0, 2]);
  close(values(new LeakyReLU(0.2 as unknown as object), x), [-2, -0.2, 0, 2]);
  close(values(new ELU(), x), [Math.expm1(-10), Math.expm1(-1), 0, 2]);
  close(values(new ELU({ alpha: 0.5 }), x), [0.5 * Math.expm1(-10), 0.5 * Math.expm1(-1), 0, 2]);
  x.dispose();
  const p = new PReLU();
  const x2 = tf.tensor2d([[-2, 3], [-4, -1]]);
  close(values(p, x2), [0, 3, 0, 0]); // alpha starts at zeros
  const alpha = tf.tensor1d([0.25, 0.5]);
  p.setWeights([alpha]);
  close(values(p, x2), [-0.5, 3, -1, -0.5]);
  tf.dispose([x2, alpha]);
  p.dispose();
  const shared = new PReLU({ sharedAxes: [1, 2] });
  const img = tf.zeros([1, 3, 3, 5]);
  applyOwned(shared, img).dispose();
  assert.deepEqual(shared.alpha!.shape, [1, 1, 5]);
  img.dispose();
  shared.dispose();
});

Deno.test("Softmax gives masked positions 0 probability", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor2d([[1, 2, 3], [1, 1, 1]]);
  const mask = tf.tensor2d([[1, 0, 1], [0, 0, 0]], [2, 3], "bool");
  const e1 = Math.E, e3 = Math.exp(3);
  close(values(new Softmax(), x, { mask }), [e1 / (e1 + e3), 0, e3 / (e1 + e3), 0, 0, 0]);
  // a [batch, steps] mask of a [batch, steps, features] input masks whole steps
  const seq = tf.tensor3d([[[0, Math.log(3)], [5, 6]]]);
  const steps = tf.tensor2d([[1, 0]], [1, 2], "bool");
  close(values(new Softmax(), seq, { mask: steps }), [0.25, 0.75, 0, 0]);
  // several axes: exp(x − logsumexp over them)
  const y = values(new Softmax({ axis: [0, 1] }), x);
  const z = [1, 2, 3, 1, 1, 1].reduce((s, v) => s + Math.exp(v), 0);
  close(y, [1, 2, 3, 1, 1, 1].map((v) => Math.exp(v) / z));
  // along a middle axis
  const x3 = tf.reshape(x, [2, 3, 1]);
  close(values(new Softmax({ axis: 1 }), x3).slice(3), [1 / 3, 1 / 3, 1 / 3]);
  tf.dispose([x, x3, mask, seq, steps]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Softmax over all non-batch axes matches the normalised exponentials", () => {
  const x = tf.tensor3d([[[0.1, 0.2], [0.3, 0.4]]]);
  const y = values(new Softmax({ axis: [1, 2] }), x);
  const z = [0.1, 0.2, 0.3, 0.4].reduce((s, v) => s + Math.exp(v), 0);
  close(y, [0.1, 0.2, 0.3, 0.4].map((v) => Math.exp(v) / z));
  x.dispose();
});

Deno.test("activation layers reject bad arguments in the project's format", () => {
  assert.throws(
    () => new ReLU({ maxValue: -1 }),
    RangeError,
  );
  assert.throws(
    () => new ReLU({ negativeSlope: -0.1 }),
    /Cannot build ReLU as "negativeSlope" must be a finite number >= 0: received -0.1/,
  );
  assert.throws(() => new ReLU({ threshold: "1" as unknown as number }), TypeError);
  assert.throws(
    () => new ReLU({ max_value: 6 } as unknown as object),
    /"max_value" is not an option: did you mean "maxValue"\?/,
  );
  assert.throws(() => new ReLU(6 as unknown as object), TypeError);
  assert.throws(() => new LeakyReLU({ negativeSlope: -1 }), RangeError);
  assert.throws(() => new LeakyReLU({ alpha: 0.1 } as unknown as object), TypeError);
  assert.throws(() => new ELU({ alpha: NaN }), TypeError);
  assert.throws(() => new PReLU({ sharedAxes: [0] }), /"sharedAxes" must be/);
  assert.throws(
    () => new PReLU({ alphaConstraint: "non_neg" as unknown as null }),
    /"alphaConstraint" must be null/,
  );
  assert.throws(() => new PReLU({ alphaInitializer: "nope" }), TypeError);
  assert.throws(() => new Softmax({ axis: 1.5 }), /"axis" must be an integer/);
  const x = tf.ones([2, 3]);
  assert.throws(() => new Softmax({ axis: 2 }).apply(x), /outside an input of rank 2/);
  assert.throws(() => new PReLU({ sharedAxes: [3] }).apply(x), /beyond the input's/);
  x.dispose();
});
