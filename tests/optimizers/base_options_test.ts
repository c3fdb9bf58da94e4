/**
 * The base class's options — clipping, decoupled weight decay, gradient
 * accumulation, moving average, learning-rate schedules — on two update
 * rules, against the Keras formulas computed by hand (1e-6 relative).
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Adam, type Optimizer, type OptimizerOptions, SGD } from "../../optimizers/mod.ts";
import { ExponentialDecay, PiecewiseConstantDecay } from "../../optimizers/schedules/mod.ts";
import { compareWithReference, makeVariable, type RefOptions, type RefRule } from "./_harness.ts";
import { adamRule, sgdRule } from "./_rules.ts";

const RULES: [string, (o: OptimizerOptions) => Optimizer, () => RefRule][] = [
  ["SGD(momentum)", (o) => new SGD({ momentum: 0.9, ...o }), () => sgdRule(0.9)],
  ["Adam", (o) => new Adam(o), () => adamRule()],
];

function check(options: OptimizerOptions, ref: Omit<RefOptions, "lr">, calls = 3): void {
  for (const [, make, rule] of RULES) {
    const before = tf.memory().numTensors;
    compareWithReference(
      make({ learningRate: 0.1, ...options }),
      rule(),
      { lr: 0.1, ...ref },
      calls,
    );
    assert.equal(tf.memory().numTensors, before);
  }
}

Deno.test("Optimizer clipnorm rescales each gradient to g·c/max(‖g‖, c)", () => {
  check({ clipnorm: 0.5 }, { clipnorm: 0.5 });
});

Deno.test("Optimizer globalClipnorm rescales all gradients by min(1, c/‖all‖)", () => {
  check({ globalClipnorm: 0.5 }, { globalClipnorm: 0.5 });
});

Deno.test("Optimizer clipvalue clamps each element into [-c, c]", () => {
  check({ clipvalue: 0.3 }, { clipvalue: 0.3 });
});

Deno.test("Optimizer weightDecay applies w −= w·wd·lr before the update", () => {
  check({ weightDecay: 0.2 }, { weightDecay: 0.2 });
});

Deno.test("Optimizer excludeFromWeightDecay exempts variables by identity and by name", () => {
  const start = [[1, -2], [0.5]];
  const grads = [[0.1, 0.2], [0.3]];
  for (const byName of [false, true]) {
    const vars = [
      makeVariable(start[0], `kernel_${byName}`),
      makeVariable(start[1], `bias_${byName}`),
    ];
    const opt = new SGD({ learningRate: 0.1, weightDecay: 0.5 });
    opt.excludeFromWeightDecay(byName ? { varNames: ["bias"] } : { variables: [vars[1]] });
    const g = grads.map((x) => tf.tensor(x));
    opt.applyGradients(g, vars);
    // kernel: w - w·0.5·0.1 - 0.1 g; bias: w - 0.1 g only.
    assert.deepEqual(
      Array.from(vars[0].dataSync()).map((x) => +x.toFixed(6)),
      [1 - 0.05 - 0.01, -2 + 0.1 - 0.02],
    );
    assert.equal(+vars[1].dataSync()[0].toFixed(6), 0.5 - 0.03);
    tf.dispose([...g, ...vars]);
    opt.dispose();
  }
});

Deno.test("Optimizer gradientAccumulationSteps updates every k calls with the mean gradient", () => {
  check({ gradientAccumulationSteps: 2 }, { accumulation: 2 }, 6);
  check({ gradientAccumulationSteps: 3, clipnorm: 0.5 }, { accumulation: 3, clipnorm: 0.5 }, 7);
});

Deno.test("Optimizer gradientAccumulationSteps counts iterations in updates", () => {
  const w = makeVariable([1]);
  const opt = new SGD({ learningRate: 1, gradientAccumulationSteps: 2 });
  const g1 = tf.tensor([1]);
  const g2 = tf.tensor([3]);
  opt.applyGradients([g1], [w]);
  assert.equal(opt.iterations, 0);
  assert.equal(w.dataSync()[0], 1);
  opt.applyGradients([g2], [w]);
  assert.equal(opt.iterations, 1);
  assert.equal(w.dataSync()[0], 1 - 2); // mean gradient 2
  tf.dispose([w, g1, g2]);
  opt.dispose();
});

Deno.test("Optimizer useEma keeps avg = m·avg + (1−m)·w (m = 0 on the first step)", () => {
  check({ useEma: true, emaMomentum: 0.9 }, { emaMomentum: 0.9 }, 5);
});

Deno.test("Optimizer emaOverwriteFrequency writes the average into the weights", () => {
  check(
    { useEma: true, emaMomentum: 0.5, emaOverwriteFrequency: 2 },
    { emaMomentum: 0.5, emaOverwriteFrequency: 2 },
    5,
  );
});

Deno.test("Optimizer EMA with accumulation follows Keras's call-by-call average", () => {
  check(
    { useEma: true, emaMomentum: 0.8, gradientAccumulationSteps: 2 },
    { emaMomentum: 0.8, accumulation: 2 },
    6,
  );
});

Deno.test("Optimizer finalizeVariableValues writes the averages into the variables", () => {
  const w = makeVariable([1]);
  const opt = new SGD({ learningRate: 0.5, useEma: true, emaMomentum: 0.5 });
  const g = tf.tensor([1]);
  opt.applyGradients([g], [w]); // w = 0.5, avg = 0.5 (first step copies)
  opt.applyGradients([g], [w]); // w = 0, avg = 0.25
  opt.finalizeVariableValues([w]);
  assert.equal(w.dataSync()[0], 0.25);
  tf.dispose([w, g]);
  opt.dispose();
});

Deno.test("Optimizer learningRate follows a schedule evaluated at iterations", () => {
  const schedule = new ExponentialDecay({
    initialLearningRate: 0.1,
    decaySteps: 2,
    decayRate: 0.5,
  });
  const lr = (step: number) => 0.1 * 0.5 ** (step / 2);
  for (const [, make, rule] of RULES) {
    compareWithReference(make({ learningRate: schedule }), rule(), { lr }, 4);
    compareWithReference(make({ learningRate: lr }), rule(), { lr }, 4);
  }
});

Deno.test("Optimizer learningRate reads the current value and scaleLearningRate rescales it", () => {
  const sgd = new SGD({ learningRate: 0.1 });
  sgd.scaleLearningRate(0.5);
  assert.equal(sgd.learningRate, 0.05);
  sgd.learningRate = 0.2;
  assert.equal(sgd.learningRate, 0.2);

  const schedule = new PiecewiseConstantDecay({ boundaries: [0], values: [1, 0.5] });
  const adam = new Adam({ learningRate: schedule });
  assert.equal(adam.learningRate, 1);
  assert.throws(() => (adam.learningRate = 0.1), TypeError);
  adam.scaleLearningRate(0.1);
  assert.equal(adam.learningRate, 0.1);
  const w = makeVariable([1]);
  const g = tf.tensor([1]);
  adam.applyGradients([g], [w]);
  assert.equal(adam.learningRate, 0.05); // step 1: 0.5 × 0.1
  assert.equal(adam.learningRateSchedule, schedule);
  tf.dispose([w, g]);
  adam.dispose();
});

Deno.test("Optimizer applyGradients skips null gradients and keeps the caller's tensors", () => {
  const a = makeVariable([1]);
  const b = makeVariable([2]);
  const opt = new SGD({ learningRate: 1 });
  const g = tf.tensor([1]);
  const before = tf.memory().numTensors;
  opt.applyGradients([null, g], [a, b]);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(g.isDisposed, false);
  assert.equal(a.dataSync()[0], 1);
  assert.equal(b.dataSync()[0], 1);
  tf.dispose([a, b, g]);
});
