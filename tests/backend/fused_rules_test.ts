/**
 * The fused, in-place updates of the optimizers on kerno's backend against
 * the generic tensor path (the same steps run on TensorFlow.js's `cpu`
 * backend, which has no fused rules): every optimizer and option, on a
 * random problem whose gradients depend on the parameters, over several
 * steps; plus in-place safety (tensors sharing storage keep their values),
 * visibility to TensorFlow.js, row-sparse gradients and leaks.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { setBackend } from "../../backend/mod.ts";
import { randomValues } from "./_helpers.ts";
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  Lion,
  Nadam,
  type Optimizer,
  RMSprop,
  SGD,
} from "../../optimizers/mod.ts";

const STEPS = 5;
const SHAPES = [[7], [5, 3], [12, 4]];

/** ∇ of Σ ½aᵢwᵢ² + cᵢwᵢ; rows listed in `zeroRows` of the last variable get 0 (an embedding). */
function gradient(values: Float32Array, index: number, step: number, zeroRows: number[]) {
  const a = randomValues(values.length, 10 + index);
  const c = randomValues(values.length, 20 + index + step);
  const g = values.map((w, j) => (a[j] + 1.5) * w + c[j]);
  if (index === SHAPES.length - 1) {
    const width = SHAPES[index][1];
    for (const r of zeroRows) g.fill(0, r * width, (r + 1) * width);
  }
  return g;
}

interface Run {
  params: Float32Array[];
  state: Float32Array[];
  inPlace: boolean;
}

/** Runs STEPS updates on `backend`; returns the parameters, the optimizer's state and
 * whether every variable kept its storage (the fused path ran). */
async function run(
  backend: string,
  make: () => Optimizer,
  zeroRows: number[] = [],
): Promise<Run> {
  await setBackend(backend);
  try {
    const before = tf.memory().numTensors;
    const vars = SHAPES.map((shape, i) => {
      const init = tf.tensor(randomValues(shape.reduce((p, d) => p * d, 1), i + 1), shape);
      const v = tf.variable(init, true, `v${i}`);
      init.dispose();
      return v;
    });
    const opt = make();
    let inPlace = true;
    for (let step = 0; step < STEPS; step++) {
      const grads = vars.map((v, i) =>
        tf.tensor(gradient(v.dataSync() as Float32Array, i, step, zeroRows), v.shape)
      );
      const ids = vars.map((v) => v.dataId);
      opt.applyGradients(grads, vars);
      if (step >= 2) inPlace &&= vars.every((v, i) => v.dataId === ids[i]);
      tf.dispose(grads);
    }
    const params = vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
    const weights = opt.getWeights();
    const state = weights.map((w) => Float32Array.from(w.dataSync() as Float32Array));
    tf.dispose(weights);
    opt.dispose();
    tf.dispose(vars);
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
    return { params, state, inPlace };
  } finally {
    await setBackend("kerno");
  }
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    const tol = 1e-6 + 1e-5 * Math.abs(expected[i]);
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

const CASES: [string, () => Optimizer][] = [
  ["SGD", () => new SGD({ learningRate: 0.05 })],
  ["SGD momentum", () => new SGD({ learningRate: 0.05, momentum: 0.9 })],
  ["SGD nesterov", () => new SGD({ learningRate: 0.05, momentum: 0.8, nesterov: true })],
  ["Adagrad", () => new Adagrad({ learningRate: 0.1 })],
  ["Adagrad init 0", () => new Adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.5 })],
  ["Adadelta", () => new Adadelta({ learningRate: 1, rho: 0.9 })],
  ["RMSprop", () => new RMSprop({ learningRate: 0.01 })],
  ["RMSprop centered", () => new RMSprop({ learningRate: 0.01, centered: true })],
  ["RMSprop momentum", () => new RMSprop({ learningRate: 0.01, momentum: 0.9 })],
  ["RMSprop both", () => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true })],
  ["Adam", () => new Adam({ learningRate: 0.01 })],
  ["Adam amsgrad", () => new Adam({ learningRate: 0.01, amsgrad: true, beta2: 0.9 })],
  ["Adamax", () => new Adamax({ learningRate: 0.01 })],
  ["Nadam", () => new Nadam({ learningRate: 0.01 })],
  ["AdamW", () => new AdamW({ learningRate: 0.01, weightDecay: 0.1 })],
  ["Lion", () => new Lion({ learningRate: 0.01 })],
  ["Adam clipnorm+EMA", () => new Adam({ learningRate: 0.01, clipnorm: 0.5, useEma: true })],
  ["SGD accumulation", () => new SGD({ learningRate: 0.05, gradientAccumulationSteps: 2 })],
  ["RMSprop clipvalue+decay", () => new RMSprop({ clipvalue: 0.3, weightDecay: 0.01 })],
  ["Lion globalClipnorm", () => new Lion({ learningRate: 0.01, globalClipnorm: 1 })],
];

Deno.test({
  name: "kerno's fused update rules match the generic path for every optimizer and option",
  fn: async () => {
    for (const [name, make] of CASES) {
      for (const zeroRows of [[], [0, 3, 4, 5, 7, 8, 9, 11]]) {
        const fused = await run("kerno", make, zeroRows);
        const generic = await run("cpu", make, zeroRows);
        const what = `${name}${zeroRows.length ? " sparse" : ""}`;
        assert.ok(fused.inPlace, `${what}: the fused path did not run`);
        assert.equal(generic.inPlace, false, `${what}: the cpu run was not generic`);
        fused.params.forEach((p, i) => assertClose(p, generic.params[i], `${what} param ${i}`));
        assert.equal(fused.state.length, generic.state.length, `${what} slot count`);
        fused.state.forEach((s, i) => assertClose(s, generic.state[i], `${what} state ${i}`));
      }
    }
  },
});

Deno.test({
  name: "kerno's fused update rules leave rows with a zero gradient bit-identical (SGD, Adagrad)",
  fn: () => {
    for (const opt of [new SGD({ learningRate: 0.1 }), new Adagrad({ learningRate: 0.1 })]) {
      const start = randomValues(40, 3);
      const init = tf.tensor(start, [10, 4]);
      const v = tf.variable(init);
      init.dispose();
      const g = new Float32Array(40);
      g.set([1, -2, 0.5, 0.25], 8); // row 2 only
      const grad = tf.tensor(g, [10, 4]);
      opt.applyGradients([grad], [v]);
      const after = v.dataSync();
      for (let i = 0; i < 40; i++) {
        if (i >= 8 && i < 12) assert.notEqual(after[i], start[i], `${opt.name} row 2`);
        else assert.equal(after[i], start[i], `${opt.name} element ${i}`);
      }
      tf.dispose([grad, v]);
      opt.dispose();
    }
  },
});

Deno.test({
  name: "kerno's fused update rules never write into tensors that share the variable's storage",
  fn: () => {
    const before = tf.memory().numTensors;
    const big = tf.tensor(randomValues(12, 5), [12]);
    const bigCopy = Float32Array.from(big.dataSync());
    const slice = tf.slice(big, [0], [6]); // a contiguous slice: a view of big's storage
    const source = new Float32Array([1, 2, 3]);
    const initial = tf.tensor(source); // TensorFlow.js stores `source` itself, uncopied
    const fromSlice = tf.variable(slice);
    const fromKept = tf.variable(initial); // `initial` stays alive and shares storage
    const grads = [tf.ones([6]), tf.ones([3])];
    const opt = new SGD({ learningRate: 0.5 });
    opt.applyGradients(grads, [fromSlice, fromKept]);
    const clone = tf.clone(fromKept);
    const reshaped = tf.reshape(fromKept, [3, 1]);
    opt.applyGradients(grads, [fromSlice, fromKept]);
    assert.deepEqual(Array.from(big.dataSync()), Array.from(bigCopy));
    assert.deepEqual(Array.from(initial.dataSync()), [1, 2, 3]);
    assert.deepEqual(Array.from(source), [1, 2, 3]);
    assert.deepEqual(Array.from(clone.dataSync()), [0.5, 1.5, 2.5]);
    assert.deepEqual(Array.from(reshaped.dataSync()), [0.5, 1.5, 2.5]);
    // TensorFlow.js sees the new values, through dataSync and through ops.
    assert.deepEqual(Array.from(fromKept.dataSync()), [0, 1, 2]);
    const sum = tf.sum(fromKept);
    assert.equal(sum.dataSync()[0], 3);
    const expected = Array.from(
      bigCopy.subarray(0, 6),
      (x) => Math.fround(Math.fround(x - 0.5) - 0.5),
    );
    assert.deepEqual(Array.from(fromSlice.dataSync()), expected);
    tf.dispose([big, slice, initial, fromSlice, fromKept, clone, reshaped, sum, ...grads]);
    opt.dispose();
    assert.equal(tf.memory().numTensors, before);
  },
});

Deno.test({
  name: "kerno's fused update rules keep tensor counts flat over many steps",
  fn: () => {
    const zeros = tf.zeros([64, 8]);
    const v = tf.variable(zeros);
    zeros.dispose();
    const opts = CASES.map(([, make]) => make());
    const grad = tf.randomNormal([64, 8]);
    for (const opt of opts) opt.applyGradients([grad], [v]);
    const steady = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) for (const opt of opts) opt.applyGradients([grad], [v]);
    assert.equal(tf.memory().numTensors, steady);
    for (const opt of opts) opt.dispose();
    tf.dispose([v, grad]);
  },
});
