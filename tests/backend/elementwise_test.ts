import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { planBroadcast } from "../../backend/kernels/_broadcast.ts";
import {
  assertClose,
  assertGradient,
  assertSameAsCpu,
  make,
  project,
  rand,
  runOn,
  skipWithoutBlas,
  type Spec,
} from "./_helpers.ts";

const binaryOps: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ["add", tf.add],
  ["sub", tf.sub],
  ["mul", tf.mul],
  ["div", tf.div],
  ["maximum", tf.maximum],
  ["minimum", tf.minimum],
  ["squaredDifference", tf.squaredDifference],
];

const shapes: [number[], number[]][] = [
  [[7, 5], [7, 5]], // same shape
  [[7, 5], []], // scalar right
  [[], [7, 5]], // scalar left
  [[7, 5], [5]], // row (bias)
  [[5], [3, 7, 5]], // row on the left
  [[7, 5], [7, 1]], // column
  [[7, 1], [7, 5]], // column on the left
  [[7, 1], [1, 5]], // outer product
  [[2, 1, 5], [2, 3, 5]], // a middle axis: three groups (a mean's gradient over time)
  [[2, 3, 5], [2, 1, 5]],
  [[4, 1, 3, 1], [4, 2, 3, 5]], // alternating groups
  [[3, 1, 2, 1, 4], [1, 5, 2, 3, 4]],
  [[1], [1]],
  [[2, 3, 4], [3, 4]],
];

for (const [name, op] of binaryOps) {
  Deno.test(`${name} matches cpu on same-shape, scalar, row, column and general broadcasts`, async () => {
    for (const [aShape, bShape] of shapes) {
      const a = rand(aShape, 1);
      const b = rand(bShape, 2);
      if (name === "div") b.values = b.values.map((v) => v + (v >= 0 ? 0.5 : -0.5));
      await assertSameAsCpu(() => op(make(a), make(b)), 1e-6, `${name} ${aShape} ${bShape}`);
    }
  });
}

Deno.test({
  name:
    "add and sub of large operands (through cblas_saxpy) give the cpu's bits, NaN, infinities and signed zeros included",
  ignore: skipWithoutBlas("the saxpy path's test"),
  async fn() {
    const specials = [NaN, Infinity, -Infinity, 0, -0, 3.4e38, -3.4e38, 1e-45];
    const spec = (shape: number[], seed: number): Spec => {
      const s = rand(shape, seed);
      for (let i = 0; i < s.values.length; i += 97) s.values[i] = specials[(i / 97 + seed) % 8];
      return s;
    };
    const cases: [string, number[], number[]][] = [
      ["same shape", [20, 1000], [20, 1000]],
      ["a row on the right", [20, 1024], [1024]],
      ["a row of two axes on the right", [6, 40, 64], [40, 64]],
      ["a row on the left", [1024], [20, 1024]],
      ["rows too short for a call each", [40, 500], [500]],
    ];
    for (const [what, aShape, bShape] of cases) {
      const a = spec(aShape, 3);
      const b = spec(bShape, 4);
      for (const [name, op] of [["add", tf.add], ["sub", tf.sub]] as const) {
        const cpu = await runOn("cpu", () => op(make(a), make(b)));
        const kerno = await runOn("kerno", () => op(make(a), make(b)));
        assert.deepEqual(kerno.shapes, cpu.shapes, `${name}, ${what}`);
        const [k, c] = [kerno.values[0], cpu.values[0]];
        for (let i = 0; i < c.length; i++) {
          if (!Object.is(k[i], c[i])) {
            assert.fail(`${name}, ${what}: element ${i} is ${k[i]}, cpu gives ${c[i]}`);
          }
        }
      }
    }
  },
});

Deno.test("add matches hand-computed row and column broadcasts", async () => {
  const m = { shape: [2, 3], values: new Float32Array([1, 2, 3, 4, 5, 6]) };
  const row = { shape: [3], values: new Float32Array([10, 20, 30]) };
  const col = { shape: [2, 1], values: new Float32Array([100, 200]) };
  const r = await runOn("kerno", () => [tf.add(make(m), make(row)), tf.add(make(m), make(col))]);
  assert.deepEqual(Array.from(r.values[0]), [11, 22, 33, 14, 25, 36]);
  assert.deepEqual(Array.from(r.values[1]), [101, 102, 103, 204, 205, 206]);
});

Deno.test("planBroadcast finds two-part views and refuses the rest", () => {
  assert.deepEqual(planBroadcast([4, 3], [3]), {
    outShape: [4, 3],
    outer: 4,
    inner: 3,
    aOuter: 3,
    aInner: 1,
    bOuter: 0,
    bInner: 1,
  });
  assert.equal(planBroadcast([2, 1, 5], [2, 3, 5]), null);
  assert.equal(planBroadcast([2, 3], [4, 3]), null);
});

Deno.test("binary ops on int32 fall back to the cpu kernels", async () => {
  const a: Spec = { shape: [3], values: new Int32Array([1, 2, 3]) };
  const b: Spec = { shape: [3], values: new Int32Array([4, 5, 6]) };
  const r = await runOn("kerno", () => [tf.add(make(a), make(b)), tf.mul(make(a), make(b))]);
  assert.deepEqual(Array.from(r.values[0]), [5, 7, 9]);
  assert.deepEqual(Array.from(r.values[1]), [4, 10, 18]);
});

const unaryOps: [string, (x: tf.Tensor) => tf.Tensor][] = [
  ["relu", tf.relu],
  ["relu6", (x) => tf.relu6(tf.mul(x, 8))],
  ["leakyRelu", (x) => tf.leakyRelu(x, 0.1)],
  ["elu", tf.elu],
  ["sigmoid", tf.sigmoid],
  ["tanh", tf.tanh],
  ["step", (x) => tf.step(x, 0.3)],
  ["square", tf.square],
  ["exp", tf.exp],
  ["log", (x) => tf.log(tf.abs(x))],
  ["sqrt", (x) => tf.sqrt(tf.abs(x))],
  ["rsqrt", (x) => tf.rsqrt(tf.abs(x))],
  ["neg", tf.neg],
  ["abs", tf.abs],
];

for (const [name, op] of unaryOps) {
  Deno.test(`${name} matches cpu on sizes 1, 7 and 7x13`, async () => {
    for (const shape of [[1], [7], [7, 13]]) {
      await assertSameAsCpu(() => op(make(rand(shape, 3))), 1e-6, `${name} ${shape}`);
    }
  });
}

Deno.test("relu, step, maximum and minimum agree with cpu on NaN, infinities and extreme ratios", async () => {
  const special = [NaN, -Infinity, Infinity, -1, 0, 2, 1e-30, -3e38, 3e38, 1.5, -1e-30, -1];
  const other = [1, -Infinity, -Infinity, NaN, -0, 2, 1, 3e38, 1e-30, -1.5, -1, -1e-30];
  const x = { shape: [special.length], values: new Float32Array(special) };
  const y = { shape: [other.length], values: new Float32Array(other) };
  await assertSameAsCpu(() => [
    tf.relu(make(x)),
    tf.step(make(x)),
    tf.step(make(x), 0.5),
    tf.maximum(make(x), make(y)),
    tf.minimum(make(x), make(y)),
    tf.maximum(make(y), make(x)),
  ], 0);
});

for (const [name, op] of unaryOps.slice(0, 6)) {
  Deno.test(`${name} gradient matches cpu and finite differences`, async () => {
    const x = rand([7, 5], 4);
    await assertGradient((t) => project(op(t)), x, 1e-5, 1e-2, name);
  });
}

Deno.test("softmax matches cpu along the last axis, and its gradient matches finite differences", async () => {
  for (const shape of [[1], [7], [7, 5], [2, 3, 13]]) {
    await assertSameAsCpu(
      () => tf.softmax(tf.mul(make(rand(shape, 5)), 4)),
      1e-6,
      `softmax ${shape}`,
    );
  }
  await assertGradient((t) => project(tf.softmax(t)), rand([7, 5], 6), 1e-5, 1e-2, "softmax");
  await assertGradient((t) => project(tf.logSoftmax(t)), rand([7, 5], 7), 1e-5, 1e-2, "logSoftmax");
});

Deno.test("softmax rows sum to one and match the hand-computed values", async () => {
  const x = { shape: [1, 3], values: new Float32Array([0, Math.log(2), Math.log(5)]) };
  const { values } = await runOn("kerno", () => tf.softmax(make(x)));
  assertClose(values[0], [1 / 8, 2 / 8, 5 / 8], 1e-6);
});

Deno.test("cross-entropy losses built from kerno kernels match cpu, gradients included", async () => {
  const logits = rand([7, 5], 8);
  const labels = {
    shape: [7, 5],
    values: new Float32Array(35).map((_, i) => (i % 5 === Math.floor(i / 5) % 5 ? 1 : 0)),
  };
  await assertSameAsCpu(() => tf.losses.softmaxCrossEntropy(make(labels), make(logits)), 1e-6);
  await assertSameAsCpu(() => tf.losses.sigmoidCrossEntropy(make(labels), make(logits)), 1e-6);
  await assertGradient(
    (t) => tf.losses.softmaxCrossEntropy(make(labels), t) as tf.Scalar,
    logits,
    1e-5,
    1e-2,
    "softmax CE",
  );
});
