/**
 * Serialisation and state: getOptimizer's names, config round trips,
 * getWeights/setWeights resuming exactly, tensor leaks, bad input.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  getOptimizer,
  Lion,
  Nadam,
  type Optimizer,
  type OptimizerOptions,
  RMSprop,
  serializeOptimizer,
  SGD,
} from "../../optimizers/mod.ts";
import { CosineDecay } from "../../optimizers/schedules/mod.ts";
import { makeVariable } from "./_harness.ts";

const MAKERS: Record<string, (o: OptimizerOptions) => Optimizer> = {
  SGD: (o) => new SGD({ momentum: 0.8, nesterov: true, ...o }),
  Adagrad: (o) => new Adagrad(o),
  Adadelta: (o) => new Adadelta(o),
  RMSprop: (o) => new RMSprop({ momentum: 0.5, centered: true, ...o }),
  Adam: (o) => new Adam({ amsgrad: true, ...o }),
  Adamax: (o) => new Adamax(o),
  Nadam: (o) => new Nadam(o),
  AdamW: (o) => new AdamW(o),
  Lion: (o) => new Lion(o),
};

Deno.test("getOptimizer resolves snake_case, camelCase and class names in any case", () => {
  const names: [string, string][] = [
    ["sgd", "SGD"],
    ["SGD", "SGD"],
    ["adam", "Adam"],
    ["Adam", "Adam"],
    ["rmsprop", "RMSprop"],
    ["RMSProp", "RMSprop"],
    ["adagrad", "Adagrad"],
    ["adadelta", "Adadelta"],
    ["adamax", "Adamax"],
    ["nadam", "Nadam"],
    ["adamw", "AdamW"],
    ["adam_w", "AdamW"],
    ["lion", "Lion"],
  ];
  for (const [name, className] of names) {
    assert.equal(getOptimizer(name).constructor.name, className, name);
  }
  const adam = new Adam();
  assert.equal(getOptimizer(adam), adam);
  assert.throws(
    () => getOptimizer("adamz"),
    (e: Error) => e instanceof TypeError && /adamz/.test(e.message) && /rmsprop/.test(e.message),
  );
});

Deno.test("getOptimizer gives Keras's default learning rates", () => {
  const expected = { sgd: 0.01, adagrad: 0.001, adadelta: 0.001, rmsprop: 0.001, adam: 0.001 };
  for (const [name, lr] of Object.entries(expected)) {
    assert.equal(getOptimizer(name).learningRate, lr);
  }
  assert.equal((getOptimizer("adamw") as AdamW).weightDecay, 0.004);
  assert.equal((getOptimizer("adam") as Adam).epsilon, 1e-7);
  assert.equal((getOptimizer("adagrad") as Adagrad).initialAccumulatorValue, 0.1);
  assert.equal((getOptimizer("lion") as Lion).beta2, 0.99);
});

Deno.test("Optimizer config round trips through fromConfig and JSON for every optimizer", () => {
  const schedule = new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 0.1 });
  for (const [name, make] of Object.entries(MAKERS)) {
    for (const options of [{ clipnorm: 1, useEma: true }, { learningRate: schedule }]) {
      const optimizer = make({ ...options, name: `my_${name}` });
      if (options.learningRate) optimizer.scaleLearningRate(0.5);
      const config = optimizer.getConfig();
      const cls = optimizer.constructor as typeof Adam;
      assert.deepEqual(cls.fromConfig(config).getConfig(), config, name);
      const json = JSON.parse(JSON.stringify(serializeOptimizer(optimizer)));
      const again = getOptimizer(json);
      assert.equal(again.constructor, optimizer.constructor);
      assert.deepEqual(again.getConfig(), config);
      assert.equal(again.learningRate, optimizer.learningRate);
    }
  }
});

/** Gradients from the variables' current values (a fixed quadratic). */
function gradsOf(vars: tf.Variable[]): tf.Tensor[] {
  return tf.tidy(() => vars.map((v, i) => tf.add(tf.mul(v, i + 1.5), 0.3 - i)));
}

function step(optimizer: Optimizer, vars: tf.Variable[]): void {
  const grads = gradsOf(vars);
  optimizer.applyGradients(grads, vars);
  tf.dispose(grads);
}

Deno.test("Optimizer getWeights/setWeights resumes training exactly for every optimizer", () => {
  const schedule = new CosineDecay({ initialLearningRate: 0.05, decaySteps: 9 });
  for (const [name, make] of Object.entries(MAKERS)) {
    const options = { learningRate: schedule, useEma: true, gradientAccumulationSteps: 2 };
    const a = make(options);
    const varsA = [makeVariable([1, -2, 0.5]), makeVariable([[0.3, 0.2]])];
    for (let i = 0; i < 5; i++) step(a, varsA);
    const b = make(options);
    const varsB = varsA.map((v) => tf.tidy(() => tf.variable(tf.add(v, 0))));
    b.build(varsB);
    const weights = a.getWeights();
    b.setWeights(weights);
    tf.dispose(weights);
    assert.equal(b.iterations, a.iterations);
    assert.equal(b.learningRate, a.learningRate);
    for (let i = 0; i < 5; i++) {
      step(a, varsA);
      step(b, varsB);
    }
    varsA.forEach((v, i) => assert.deepEqual(varsB[i].dataSync(), v.dataSync(), name));
    a.swapEmaWeights(varsA);
    b.swapEmaWeights(varsB);
    varsA.forEach((v, i) => assert.deepEqual(varsB[i].dataSync(), v.dataSync(), `${name} EMA`));
    tf.dispose([...varsA, ...varsB]);
    a.dispose();
    b.dispose();
  }
});

Deno.test("Optimizer setWeights rejects a wrong count or shape", () => {
  const opt = new Adam();
  const v = makeVariable([1, 2]);
  opt.build([v]);
  const few = [tf.scalar(0, "int32")];
  assert.throws(
    () => opt.setWeights(few),
    (e: Error) => e instanceof RangeError && /3 tensors/.test(e.message),
  );
  const wrong = [tf.scalar(0, "int32"), tf.zeros([3]), tf.zeros([2])];
  assert.throws(
    () => opt.setWeights(wrong),
    (e: Error) => e instanceof RangeError && /shape/.test(e.message),
  );
  tf.dispose([...few, ...wrong, v]);
  opt.dispose();
});

Deno.test("Optimizer applyGradients leaks no tensors with any optimizer and option", () => {
  const optionSets: OptimizerOptions[] = [
    {},
    { clipnorm: 1, weightDecay: 0.1 },
    { globalClipnorm: 1, useEma: true, emaOverwriteFrequency: 2 },
    { clipvalue: 0.1, gradientAccumulationSteps: 3, learningRate: (s: number) => 0.01 / (1 + s) },
  ];
  for (const [name, make] of Object.entries(MAKERS)) {
    for (const options of optionSets) {
      const start = tf.memory().numTensors;
      const vars = [makeVariable([1, -2, 0.5]), makeVariable([[0.3, 0.2]])];
      const opt = make(options);
      step(opt, vars); // creates the slots
      const afterFirst = tf.memory().numTensors;
      for (let i = 0; i < 6; i++) step(opt, vars);
      assert.equal(tf.memory().numTensors, afterFirst, `${name} ${JSON.stringify(options)}`);
      opt.dispose();
      tf.dispose(vars);
      assert.equal(tf.memory().numTensors, start, `${name} dispose`);
    }
  }
});

Deno.test("Optimizer bad arguments throw RangeError/TypeError naming argument and value", () => {
  const cases: [() => unknown, typeof Error, RegExp][] = [
    [() => new SGD({ learningRate: -0.1 }), RangeError, /"learningRate".*received -0.1/],
    [() => new Adam({ learningRate: Infinity }), RangeError, /"learningRate".*Infinity/],
    [() => new Adam({ learningRate: "fast" as never }), TypeError, /"learningRate"/],
    [() => new SGD({ momentum: 1.5 }), RangeError, /"momentum".*\[0, 1\].*1.5/],
    [() => new RMSprop({ momentum: -0.1 }), RangeError, /"momentum"/],
    [() => new RMSprop({ rho: 1 }), RangeError, /"rho".*\[0, 1\).*received 1/],
    [() => new Adadelta({ rho: -0.5 }), RangeError, /"rho"/],
    [() => new Adam({ beta1: 1 }), RangeError, /"beta1".*\[0, 1\)/],
    [() => new Nadam({ beta2: 1.2 }), RangeError, /"beta2"/],
    [() => new Lion({ beta1: -0.1 }), RangeError, /"beta1"/],
    [() => new Adam({ epsilon: 0 }), RangeError, /"epsilon".*received 0/],
    [() => new Adagrad({ epsilon: -1 }), RangeError, /"epsilon"/],
    [() => new Adagrad({ initialAccumulatorValue: -1 }), RangeError, /initialAccumulatorValue/],
    [() => new SGD({ clipnorm: 1, clipvalue: 1 }), TypeError, /only one of/],
    [() => new SGD({ globalClipnorm: 1, clipnorm: 1 }), TypeError, /only one of/],
    [() => new SGD({ clipnorm: 0 }), RangeError, /"clipnorm"/],
    [
      () => new SGD({ gradientAccumulationSteps: 1 }),
      RangeError,
      /gradientAccumulationSteps.*>= 2.*1/,
    ],
    [() => new SGD({ gradientAccumulationSteps: 2.5 }), RangeError, /gradientAccumulationSteps/],
    [() => new SGD({ emaMomentum: 2 }), RangeError, /emaMomentum/],
    [() => new SGD({ weightDecay: -1 }), RangeError, /weightDecay/],
    [() => new SGD({ nesterov: "yes" as never }), TypeError, /nesterov/],
  ];
  for (const [make, type, pattern] of cases) {
    assert.throws(make, (e: Error) => e instanceof type && pattern.test(e.message), String(make));
  }
});

Deno.test("Optimizer reports the step where a schedule returns a bad value", () => {
  const v = makeVariable([1]);
  const g = tf.tensor([1]);
  const opt = new SGD({ learningRate: (step: number) => (step < 2 ? 0.1 : -1) });
  opt.applyGradients([g], [v]);
  opt.applyGradients([g], [v]);
  assert.throws(
    () => opt.applyGradients([g], [v]),
    (e: Error) => e instanceof RangeError && /received -1 at step 2/.test(e.message),
  );
  const nan = new Adam({ learningRate: () => NaN });
  assert.throws(
    () => nan.learningRate,
    (e: Error) => e instanceof RangeError && /NaN at step 0/.test(e.message),
  );
  assert.throws(() => opt.applyGradients([g], []), RangeError);
  assert.throws(() => opt.applyGradients([null], [v]), TypeError);
  assert.throws(() => new SGD().swapEmaWeights([v]), TypeError);
  tf.dispose([v, g]);
  opt.dispose();
});
