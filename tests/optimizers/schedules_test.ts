/**
 * Learning-rate schedules: values at several steps against Keras's documented
 * formulas (1e-7 relative), warmup and restarts included; config round trips;
 * bad arguments.
 */
import assert from "node:assert/strict";
import {
  CosineDecay,
  CosineDecayRestarts,
  deserializeSchedule,
  ExponentialDecay,
  InverseTimeDecay,
  type LearningRateSchedule,
  PiecewiseConstantDecay,
  PolynomialDecay,
  serializeSchedule,
} from "../../optimizers/schedules/mod.ts";

function assertValues(
  schedule: LearningRateSchedule,
  steps: number[],
  formula: (step: number) => number,
): void {
  for (const step of steps) {
    const expected = formula(step);
    const got = schedule.call(step);
    const tol = 1e-7 * Math.max(Math.abs(expected), 1e-5);
    assert.ok(Math.abs(got - expected) <= tol, `step ${step}: got ${got}, expected ${expected}`);
  }
}

const STEPS = [0, 1, 5, 9, 10, 11, 25, 99, 100, 101, 250];

Deno.test("ExponentialDecay equals initial · rate^(step/decaySteps), floored with staircase", () => {
  const options = { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.96 };
  assertValues(new ExponentialDecay(options), STEPS, (s) => 0.1 * 0.96 ** (s / 10));
  assertValues(
    new ExponentialDecay({ ...options, staircase: true }),
    STEPS,
    (s) => 0.1 * 0.96 ** Math.floor(s / 10),
  );
});

Deno.test("PiecewiseConstantDecay holds values[i] up to and including boundaries[i]", () => {
  const s = new PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
  const expected: [number, number][] = [[0, 1], [10, 1], [11, 0.5], [20, 0.5], [21, 0.1], [
    1e6,
    0.1,
  ]];
  for (const [step, value] of expected) assert.equal(s.call(step), value, `step ${step}`);
});

Deno.test("PolynomialDecay equals (init − end)(1 − s/d)^p + end, with and without cycle", () => {
  const options = { initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.01, power: 0.5 };
  const f = (s: number, d: number) => (0.1 - 0.01) * (1 - s / d) ** 0.5 + 0.01;
  assertValues(new PolynomialDecay(options), STEPS, (s) => f(Math.min(s, 10), 10));
  assertValues(
    new PolynomialDecay({ ...options, cycle: true }),
    STEPS,
    (s) => f(s, s === 0 ? 10 : 10 * Math.ceil(s / 10)),
  );
  assert.equal(new PolynomialDecay({ initialLearningRate: 1, decaySteps: 4 }).call(8), 0.0001);
});

Deno.test("InverseTimeDecay equals initial / (1 + rate · step / decaySteps)", () => {
  const options = { initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 };
  assertValues(new InverseTimeDecay(options), STEPS, (s) => 0.1 / (1 + 0.5 * s / 2));
  assertValues(
    new InverseTimeDecay({ ...options, staircase: true }),
    STEPS,
    (s) => 0.1 / (1 + 0.5 * Math.floor(s / 2)),
  );
});

Deno.test("CosineDecay equals init·((1−α)·½(1 + cos(π·min(s, d)/d)) + α)", () => {
  const s = new CosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 });
  assertValues(
    s,
    STEPS,
    (t) => 0.1 * (0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(t, 100) / 100)) + 0.1),
  );
});

Deno.test("CosineDecay warms up linearly to warmupTarget, then decays from it", () => {
  const s = new CosineDecay({
    initialLearningRate: 0.01,
    decaySteps: 100,
    alpha: 0.2,
    warmupTarget: 0.1,
    warmupSteps: 10,
  });
  assertValues(s, [...STEPS, 105, 110, 111, 500], (t) => {
    if (t < 10) return 0.01 + (0.1 - 0.01) * (t / 10);
    const d = Math.min(t, 110) - 10;
    return 0.1 * (0.8 * 0.5 * (1 + Math.cos(Math.PI * d / 100)) + 0.2);
  });
  assert.ok(Math.abs(s.call(5) - 0.055) < 1e-12); // half way up
});

/** SGDR by walking the periods one by one (independent of the closed form). */
function sgdr(
  step: number,
  init: number,
  first: number,
  tMul: number,
  mMul: number,
  alpha: number,
) {
  let start = 0;
  let length = first;
  let i = 0;
  while (step >= start + length) {
    start += length;
    length *= tMul;
    i += 1;
  }
  const f = (step - start) / length;
  return init * ((1 - alpha) * mMul ** i * 0.5 * (1 + Math.cos(Math.PI * f)) + alpha);
}

Deno.test("CosineDecayRestarts restarts after periods first·tMul^i at mMul^i of the rate", () => {
  const steps = [0, 5, 9, 10, 20, 29, 30, 50, 69, 70, 150, 310, 1000];
  const geometric = { initialLearningRate: 1, firstDecaySteps: 10, tMul: 2, mMul: 0.5, alpha: 0.1 };
  assertValues(new CosineDecayRestarts(geometric), steps, (s) => sgdr(s, 1, 10, 2, 0.5, 0.1));
  const even = { initialLearningRate: 0.3, firstDecaySteps: 10, tMul: 1, mMul: 0.9 };
  assertValues(new CosineDecayRestarts(even), steps, (s) => sgdr(s, 0.3, 10, 1, 0.9, 0));
  const slow = { initialLearningRate: 0.3, firstDecaySteps: 7, tMul: 1.5 };
  assertValues(
    new CosineDecayRestarts(slow),
    [...steps, 7, 17.5],
    (s) => sgdr(s, 0.3, 7, 1.5, 1, 0),
  );
  assert.equal(new CosineDecayRestarts(geometric).call(10), 0.5 * 0.9 + 0.1); // restart
});

const ALL: LearningRateSchedule[] = [
  new ExponentialDecay({
    initialLearningRate: 0.1,
    decaySteps: 10,
    decayRate: 0.9,
    staircase: true,
  }),
  new PiecewiseConstantDecay({ boundaries: [3, 7], values: [0.3, 0.2, 0.1], name: "steps" }),
  new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 9, power: 2, cycle: true }),
  new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.2 }),
  new CosineDecay({ initialLearningRate: 0, decaySteps: 50, warmupTarget: 0.1, warmupSteps: 5 }),
  new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 4, tMul: 3, mMul: 0.7 }),
];

Deno.test("LearningRateSchedule config round trips through fromConfig and JSON", () => {
  for (const schedule of ALL) {
    const config = schedule.getConfig();
    const again = (schedule.constructor as typeof ExponentialDecay).fromConfig(config);
    assert.deepEqual(again.getConfig(), config);
    const json = JSON.parse(JSON.stringify(serializeSchedule(schedule)));
    assert.equal(json.className, schedule.constructor.name);
    const restored = deserializeSchedule(json);
    assert.deepEqual(restored.getConfig(), config);
    for (const step of [0, 2, 5, 13, 40]) assert.equal(restored.call(step), schedule.call(step));
  }
});

Deno.test("LearningRateSchedule bad arguments throw with the argument and value", () => {
  assert.throws(
    () => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 }),
    (e: Error) => e instanceof RangeError && /"decaySteps".*received 0/.test(e.message),
  );
  assert.throws(
    () => new CosineDecay({ initialLearningRate: -1, decaySteps: 10 }),
    (e: Error) => e instanceof RangeError && /"initialLearningRate".*received -1/.test(e.message),
  );
  assert.throws(
    () => new CosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 2 }),
    RangeError,
  );
  assert.throws(
    () => new PiecewiseConstantDecay({ boundaries: [1, 2], values: [1, 2] }),
    (e: Error) => e instanceof RangeError && /one more entry/.test(e.message),
  );
  assert.throws(
    () => new PiecewiseConstantDecay({ boundaries: [2, 1], values: [1, 2, 3] }),
    RangeError,
  );
  assert.throws(
    () => new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, tMul: 0 }),
    RangeError,
  );
  assert.throws(
    () => new PolynomialDecay({ initialLearningRate: 1, decaySteps: 1, cycle: "yes" as never }),
    TypeError,
  );
  assert.throws(
    () => deserializeSchedule({ className: "Nope", config: {} }),
    (e: Error) => e instanceof TypeError && /ExponentialDecay/.test(e.message),
  );
});
