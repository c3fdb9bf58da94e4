import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  adadeltaUpdate,
  adagradUpdate,
  adagradUpdateRows,
  adamaxUpdate,
  adamUpdate,
  backendValues,
  decayWeightsUpdate,
  lionUpdate,
  nadamMomentumProduct,
  nadamUpdate,
  nonzeroRows,
  rmspropUpdate,
  sgdUpdate,
  sgdUpdateRows,
  variableValues,
} from "../../backend/mod.ts";
import { assertClose, randomValues } from "./_helpers.ts";

const N = 7;
const STEPS = 3;
const f32 = (seed: number, scale = 1) => randomValues(N, seed).map((v) => v * scale);
const grads = (step: number) => f32(100 + step);
const zeros = () => new Float32Array(N);

Deno.test("sgdUpdate follows Keras's SGD with and without (Nesterov) momentum", () => {
  for (const [momentum, nesterov] of [[0, false], [0.9, false], [0.9, true]] as const) {
    const p = f32(1);
    const vel = zeros();
    const ref = Array.from(p);
    const refV = new Array(N).fill(0);
    for (let s = 0; s < STEPS; s++) {
      const g = grads(s);
      sgdUpdate(p, g, momentum === 0 ? null : vel, 0.1, momentum, nesterov);
      for (let i = 0; i < N; i++) {
        if (momentum === 0) {
          ref[i] = ref[i] - 0.1 * g[i];
        } else {
          refV[i] = momentum * refV[i] - 0.1 * g[i];
          ref[i] = nesterov ? ref[i] + momentum * refV[i] - 0.1 * g[i] : ref[i] + refV[i];
        }
      }
    }
    assertClose(p, ref, 1e-6, `momentum ${momentum} nesterov ${nesterov}`);
  }
});

Deno.test("adamUpdate follows Keras's Adam (epsilon-hat form), with and without AMSGrad", () => {
  for (const amsgrad of [false, true]) {
    const p = f32(2);
    const [m, v, vhat] = [zeros(), zeros(), zeros()];
    const ref = Array.from(p);
    const rm = new Array(N).fill(0);
    const rv = new Array(N).fill(0);
    const rh = new Array(N).fill(0);
    const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-7];
    for (let s = 0; s < STEPS; s++) {
      const g = grads(s).map((x, i) => (amsgrad && s === 2 ? x * 0.1 * i : x));
      adamUpdate(p, g, m, v, amsgrad ? vhat : null, lr, b1, b2, eps, s);
      const t = s + 1;
      const alpha = lr * Math.sqrt(1 - b2 ** t) / (1 - b1 ** t);
      for (let i = 0; i < N; i++) {
        rm[i] = rm[i] + (g[i] - rm[i]) * (1 - b1);
        rv[i] = rv[i] + (g[i] * g[i] - rv[i]) * (1 - b2);
        let denomV = rv[i];
        if (amsgrad) {
          rh[i] = Math.max(rh[i], rv[i]);
          denomV = rh[i];
        }
        ref[i] = ref[i] - rm[i] * alpha / (Math.sqrt(denomV) + eps);
      }
    }
    assertClose(p, ref, 1e-5, `amsgrad ${amsgrad}`);
    assertClose(m, rm, 1e-6, "m");
    assertClose(v, rv, 1e-6, "v");
  }
});

Deno.test("adamaxUpdate, nadamUpdate and lionUpdate follow Keras's rules", () => {
  const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-7];
  const pa = f32(3);
  const pn = f32(3);
  const pl = f32(3);
  const [ma, ua, mn, vn, ml] = [zeros(), zeros(), zeros(), zeros(), zeros()];
  const ra = Array.from(pa);
  const rn = Array.from(pn);
  const rl = Array.from(pl);
  const rma = new Array(N).fill(0);
  const rua = new Array(N).fill(0);
  const rmn = new Array(N).fill(0);
  const rvn = new Array(N).fill(0);
  const rml = new Array(N).fill(0);
  let product = 1;
  let refProduct = 1;
  for (let s = 0; s < STEPS; s++) {
    const g = grads(s);
    adamaxUpdate(pa, g, ma, ua, lr, b1, b2, eps, s);
    product = nadamMomentumProduct(product, b1, s);
    nadamUpdate(pn, g, mn, vn, lr, b1, b2, eps, s, product);
    lionUpdate(pl, g, ml, lr, b1, 0.99);
    const t = s + 1;
    const uT = b1 * (1 - 0.5 * 0.96 ** t);
    const uT1 = b1 * (1 - 0.5 * 0.96 ** (t + 1));
    refProduct *= uT;
    for (let i = 0; i < N; i++) {
      rma[i] += (g[i] - rma[i]) * (1 - b1);
      rua[i] = Math.max(b2 * rua[i], Math.abs(g[i]));
      ra[i] -= lr * rma[i] / ((1 - b1 ** t) * (rua[i] + eps));
      rmn[i] += (g[i] - rmn[i]) * (1 - b1);
      rvn[i] += (g[i] * g[i] - rvn[i]) * (1 - b2);
      const mHat = uT1 * rmn[i] / (1 - refProduct * uT1) + (1 - uT) * g[i] / (1 - refProduct);
      rn[i] -= mHat * lr / (Math.sqrt(rvn[i] / (1 - b2 ** t)) + eps);
      rl[i] -= lr * Math.sign(b1 * rml[i] + (1 - b1) * g[i]);
      rml[i] = 0.99 * rml[i] + 0.01 * g[i];
    }
  }
  assert.ok(Math.abs(product - refProduct) < 1e-12);
  assertClose(pa, ra, 1e-5, "adamax");
  assertClose(pn, rn, 1e-5, "nadam");
  assertClose(pl, rl, 1e-6, "lion");
});

Deno.test("adagradUpdate and adadeltaUpdate follow Keras's rules", () => {
  const [lr, rho, eps] = [0.1, 0.95, 1e-7];
  const pg = f32(4);
  const pd = f32(4);
  const acc = new Float32Array(N).fill(0.1);
  const [eg, ed] = [zeros(), zeros()];
  const rg = Array.from(pg);
  const rd = Array.from(pd);
  const racc = new Array(N).fill(0.1);
  const reg = new Array(N).fill(0);
  const red = new Array(N).fill(0);
  for (let s = 0; s < STEPS; s++) {
    const g = grads(s);
    adagradUpdate(pg, g, acc, lr, eps);
    adadeltaUpdate(pd, g, eg, ed, 1.0, rho, eps);
    for (let i = 0; i < N; i++) {
      racc[i] += g[i] * g[i];
      rg[i] -= lr * g[i] / Math.sqrt(racc[i] + eps);
      reg[i] = rho * reg[i] + (1 - rho) * g[i] * g[i];
      const delta = -Math.sqrt(red[i] + eps) * g[i] / Math.sqrt(reg[i] + eps);
      red[i] = rho * red[i] + (1 - rho) * delta * delta;
      rd[i] += 1.0 * delta;
    }
  }
  assertClose(pg, rg, 1e-5, "adagrad");
  assertClose(pd, rd, 1e-5, "adadelta");
});

Deno.test("rmspropUpdate follows Keras's RMSprop: plain, centered, with momentum", () => {
  const [lr, rho, eps] = [0.01, 0.9, 1e-7];
  for (const [centered, momentum] of [[false, 0], [true, 0], [true, 0.5], [false, 0.5]] as const) {
    const p = f32(5);
    const [vel, mom, avg] = [zeros(), zeros(), zeros()];
    const ref = Array.from(p);
    const rv = new Array(N).fill(0);
    const rm = new Array(N).fill(0);
    const ra = new Array(N).fill(0);
    for (let s = 0; s < STEPS; s++) {
      const g = grads(s);
      rmspropUpdate(
        p,
        g,
        vel,
        momentum > 0 ? mom : null,
        centered ? avg : null,
        lr,
        rho,
        momentum,
        eps,
      );
      for (let i = 0; i < N; i++) {
        rv[i] = rho * rv[i] + (1 - rho) * g[i] * g[i];
        let denominator = rv[i] + eps;
        if (centered) {
          ra[i] = rho * ra[i] + (1 - rho) * g[i];
          denominator = rv[i] - ra[i] * ra[i] + eps;
        }
        const increment = lr * g[i] / Math.sqrt(denominator);
        if (momentum > 0) {
          rm[i] = momentum * rm[i] + increment;
          ref[i] -= rm[i];
        } else {
          ref[i] -= increment;
        }
      }
    }
    assertClose(p, ref, 1e-5, `centered ${centered} momentum ${momentum}`);
  }
});

Deno.test("decayWeightsUpdate subtracts p·weightDecay·lr", () => {
  const p = new Float32Array([1, -2, 4]);
  decayWeightsUpdate(p, 0.1, 0.5);
  assertClose(p, [0.95, -1.9, 3.8], 1e-7);
});

Deno.test("row-sparse SGD and Adagrad equal the dense updates and skip zero rows", () => {
  const width = 3;
  const grad = new Float32Array([0, 0, 0, 1, -2, 0, 0, 0, 0, 0.5, 0.5, 0.5]);
  assert.deepEqual(Array.from(nonzeroRows(grad, width)), [1, 3]);
  const dense = randomValues(12, 6);
  const sparse = Float32Array.from(dense);
  sgdUpdate(dense, grad, null, 0.1, 0, false);
  sgdUpdateRows(sparse, grad, nonzeroRows(grad, width), width, 0.1);
  assert.deepEqual(sparse, dense);
  const accDense = new Float32Array(12).fill(0.1);
  const accSparse = new Float32Array(12).fill(0.1);
  adagradUpdate(dense, grad, accDense, 0.1, 1e-7);
  adagradUpdateRows(sparse, grad, accSparse, nonzeroRows(grad, width), width, 0.1, 1e-7);
  assert.deepEqual(sparse, dense);
  assert.deepEqual(accSparse, accDense);
});

Deno.test("fused updates reject buffers of the wrong size", () => {
  assert.throws(() => sgdUpdate(zeros(), new Float32Array(3), null, 0.1, 0, false), RangeError);
});

Deno.test("backendValues returns a variable's live storage on kerno only, and null when shared", async () => {
  const before = tf.memory().numTensors;
  const zero = tf.zeros([3]);
  const v = tf.variable(zero);
  zero.dispose();
  try {
    assert.equal(backendValues(v), null, "cpu backend");
    await tf.setBackend("kerno");
    const init = tf.tensor([1, 2, 3]);
    const w = tf.variable(init);
    assert.equal(backendValues(w), null, "shared with its initial value");
    const values = variableValues(w);
    assert.ok(values !== null);
    values[0] = 10;
    assert.deepEqual(Array.from(w.dataSync()), [10, 2, 3]);
    assert.deepEqual(Array.from(init.dataSync()), [1, 2, 3], "the initial value is untouched");
    assert.equal(backendValues(w), values, "same buffer on later calls");
    sgdUpdate(values, new Float32Array([1, 1, 1]), null, 1, 0, false);
    assert.deepEqual(Array.from(w.dataSync()), [9, 1, 2]);
    w.dispose();
    init.dispose();
  } finally {
    await tf.setBackend("cpu");
    v.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});
