/**
 * kerno's recorded Conv2D kernel (`conv2dFused`) against the unfused path
 * (conv2d, add, relu) on `cpu`: outputs and the gradients of every input for
 * strides 1 and 2, "same" and "valid", sizes 1 and 7; gradients against
 * finite differences; the one-sweep relu/bias gradient kernel with NaN.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { conv2dFused } from "../../backend/conv2d_fused.ts";
import { RELU_BIAS_GRAD } from "../../backend/kernels/relu_bias_grad.ts";
import { blas } from "../../backend/_blas.ts";
import {
  CONV2D_FROM_COLS,
  CONV2D_KEEP_COLS,
  keptColumnFloats,
} from "../../backend/kernels/conv2d_cols.ts";
import {
  assertClose,
  assertGradient,
  assertSameAsCpu,
  make,
  onKerno,
  rand,
  runOn,
  skipWithoutBlas,
} from "./_helpers.ts";

const NO_BLAS = skipWithoutBlas("the column-matrix Conv2D kernel's tests");

type Case = [number[], number[], [number, number], "same" | "valid"];
const CASES: Case[] = [
  [[2, 7, 7, 3], [3, 3, 3, 4], [1, 1], "valid"],
  [[2, 7, 7, 3], [3, 3, 3, 4], [2, 2], "same"],
  [[1, 1, 1, 2], [1, 1, 2, 3], [1, 1], "same"],
  [[1, 1, 1, 2], [1, 1, 2, 3], [2, 2], "valid"],
  [[3, 7, 5, 2], [2, 3, 2, 7], [2, 1], "valid"],
  [[2, 5, 7, 1], [3, 2, 1, 1], [1, 2], "same"],
  [[2, 7, 7, 1], [3, 3, 1, 4], [1, 1], "same"],
  [[1, 7, 7, 4], [3, 3, 4, 3], [2, 2], "valid"],
  // One channel, 3×3: the unfolding's plain copies inside the row, its general loop at the edges.
  [[2, 6, 9, 1], [3, 3, 1, 2], [1, 1], "valid"],
  [[2, 6, 10, 1], [3, 3, 1, 2], [1, 3], "same"],
  [[1, 5, 8, 1], [3, 3, 1, 2], [2, 2], "same"],
  [[1, 5, 3, 1], [3, 3, 1, 2], [1, 1], "valid"],
  [[1, 4, 2, 1], [3, 3, 1, 2], [1, 1], "same"],
];

function unfused(
  x: tf.Tensor,
  k: tf.Tensor,
  b: tf.Tensor,
  strides: [number, number],
  pad: "same" | "valid",
  activation: "relu" | "linear",
): tf.Tensor {
  const z = tf.add(tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, strides, pad), b);
  return activation === "relu" ? tf.relu(z) : z;
}

function fusedOrUnfused(
  x: tf.Tensor,
  k: tf.Tensor,
  b: tf.Tensor,
  strides: [number, number],
  pad: "same" | "valid",
  activation: "relu" | "linear",
): tf.Tensor {
  return conv2dFused(
    x as tf.Tensor4D,
    k as tf.Tensor4D,
    b as tf.Tensor1D,
    strides,
    pad,
    activation,
  ) ?? unfused(x, k, b, strides, pad, activation);
}

for (const activation of ["relu", "linear"] as const) {
  Deno.test(`conv2dFused ${activation} equals conv2d, bias and activation, gradients included`, async () => {
    for (const [xs, ks, strides, pad] of CASES) {
      const [x, k, b] = [rand(xs, 1), rand(ks, 2), rand([ks[3]], 3)];
      await assertSameAsCpu(
        () => {
          const f = (xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor) => {
            const y = fusedOrUnfused(xt, kt, bt, strides, pad, activation);
            const w = tf.tensor(rand(y.shape, 4).values, y.shape);
            return tf.sum(tf.mul(y, w));
          };
          const { value, grads } = tf.valueAndGrads(f)([make(x), make(k), make(b)]);
          return [value, ...grads];
        },
        1e-4,
        `${activation} x [${xs}] filter [${ks}] strides ${strides} ${pad}`,
      );
    }
  });

  Deno.test(`conv2dFused ${activation} gradients match finite differences`, async () => {
    for (const [xs, ks, strides, pad] of CASES) {
      const [x, k, b] = [rand(xs, 5), rand(ks, 6), rand([ks[3]], 7)];
      const loss = (y: tf.Tensor) =>
        tf.sum(tf.mul(y, tf.tensor(rand(y.shape, 8).values, y.shape))) as tf.Scalar;
      const label = `${activation} [${xs}] [${ks}] ${strides} ${pad}`;
      await assertGradient(
        (t) => loss(fusedOrUnfused(t, make(k), make(b), strides, pad, activation)),
        x,
        1e-4,
        2e-2,
        `dx ${label}`,
      );
      await assertGradient(
        (t) => loss(fusedOrUnfused(make(x), t, make(b), strides, pad, activation)),
        k,
        1e-4,
        2e-2,
        `dW ${label}`,
      );
      await assertGradient(
        (t) => loss(fusedOrUnfused(make(x), make(k), t, strides, pad, activation)),
        b,
        1e-4,
        2e-2,
        `dbias ${label}`,
      );
    }
  });
}

Deno.test({
  name:
    "conv2dFused keeps the column matrix (a tensor for one input channel, WebAssembly memory for more) and reuses it for dW",
  ignore: NO_BLAS,
  fn: () =>
    onKerno(async () => {
      for (const [xs, ks, strides, pad] of CASES) {
        const [x, k, b] = [make(rand(xs, 11)), make(rand(ks, 12)), make(rand([ks[3]], 13))];
        const names: string[] = [];
        const info = await tf.profile(() => {
          const { value, grads } = tf.valueAndGrads((xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor) =>
            tf.sum(
              conv2dFused(
                xt as tf.Tensor4D,
                kt as tf.Tensor4D,
                bt as tf.Tensor1D,
                strides,
                pad,
                "relu",
              )!,
            )
          )([x, k, b]);
          tf.dispose([value, ...grads]);
        });
        for (const kernel of info.kernels) names.push(kernel.name);
        const pointwise = ks[0] === 1 && ks[1] === 1 && strides[0] === 1 && strides[1] === 1;
        // The matrix is kept unless the product is pointwise: as a tensor for one input channel,
        // else in the WebAssembly memory of _KernoConv2DKeepCols; dW never unfolds x again.
        const what = `[${xs}] [${ks}] ${strides} ${pad}`;
        assert.equal(names.includes(CONV2D_FROM_COLS), !pointwise && xs[3] === 1, what);
        assert.equal(names.includes(CONV2D_KEEP_COLS), !pointwise && xs[3] > 1, what);
        assert.equal(names.includes(tf.Conv2DBackpropFilter), pointwise, what);
        tf.dispose([x, k, b]);
      }
    }),
});

Deno.test({
  name:
    "conv2dFused gives a kept column matrix back after the filter's gradient, and keeps none for a frozen filter",
  ignore: NO_BLAS,
  fn: () =>
    onKerno(async () => {
      const x = make(rand([2, 7, 7, 3], 31));
      const variable = (t: tf.Tensor, trainable: boolean) => {
        const v = tf.variable(t, trainable);
        t.dispose();
        return v;
      };
      const b = variable(make(rand([4], 33)), true);
      const trainable = variable(make(rand([3, 3, 3, 4], 32)), true);
      const frozen = variable(make(rand([3, 3, 3, 4], 32)), false);
      for (const [filter, keeps] of [[trainable, true], [frozen, false]] as const) {
        const before = keptColumnFloats();
        const names: string[] = [];
        const loss = () =>
          tf.sum(
            conv2dFused(
              x as tf.Tensor4D,
              filter as tf.Tensor4D,
              b as tf.Tensor1D,
              [1, 1],
              "valid",
              "relu",
            )!,
          ) as tf.Scalar;
        const info = await tf.profile(() => {
          const { value, grads } = tf.variableGrads(loss, keeps ? [filter, b] : [b]);
          tf.dispose([value, ...Object.values(grads)]);
        });
        for (const kernel of info.kernels) names.push(kernel.name);
        assert.equal(names.includes(CONV2D_KEEP_COLS), keeps, `trainable ${filter.trainable}`);
        assert.equal(keptColumnFloats(), before, "the kept matrix's budget came back");
      }
      tf.dispose([x, b, trainable, frozen]);
    }),
});

Deno.test({
  name: "_KernoConv2DFromCols equals conv2d of the unfolded input, bias and relu",
  ignore: NO_BLAS,
  fn: () =>
    onKerno(() => {
      // x: 1×2×3×1, filter 2×2×1×2 'valid' → 1×1×2×2; columns by hand.
      const x = tf.tensor([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
      const cols = tf.tensor([1, 2, 4, 5, 2, 3, 5, 6], [2, 4]);
      const filter = tf.tensor([1, -1, 0, 2, 1, 0, -1, 1], [2, 2, 1, 2]);
      const bias = tf.tensor([0.5, -30]);
      const y = tf.engine().runKernel(
        CONV2D_FROM_COLS,
        { x, filter, bias, cols } as unknown as tf.NamedTensorMap,
        { outShape: [1, 1, 2, 2], activation: "relu" } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
      // Channel 0: 1·1 + 2·0 + 4·1 + 5·(−1) + 0.5 = 0.5, 2 + 5 − 6 + 0.5 = 1.5.
      // Channel 1: −1 + 4 + 0 + 5 − 30 < 0 → 0, −2 + 6 + 0 + 6 − 30 < 0 → 0.
      assert.deepEqual(Array.from(y.dataSync()), [0.5, 0, 1.5, 0]);
      tf.dispose([x, cols, filter, bias, y]);
    }),
});

Deno.test({
  name:
    "conv2dFused and conv2d at sizes whose im2col, col2im and bias passes are cut into pieces for the second thread equal cpu, and the second thread takes pieces",
  ignore: NO_BLAS,
  async fn() {
    // 12 images of 13×13×32, 3×3 to 64: each image unfolds into 34,848 floats, one piece each.
    const [xs, ks] = [[12, 13, 13, 32], [3, 3, 32, 64]];
    const [x, k, b] = [rand(xs, 11), rand(ks, 12), rand([64], 13)];
    for (const fused of [true, false]) {
      const run = () => {
        const f = (xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor) => {
          const y = fused
            ? fusedOrUnfused(xt, kt, bt, [1, 1], "valid", "relu")
            : unfused(xt, kt, bt, [1, 1], "valid", "relu");
          return tf.sum(tf.mul(y, tf.tensor(rand(y.shape, 14).values, y.shape)));
        };
        const { value, grads } = tf.valueAndGrads(f)([make(x), make(k), make(b)]);
        return [value, ...grads];
      };
      const cpu = await runOn("cpu", run);
      const list = blas()!.productList();
      const before = list.workerProducts;
      for (let round = 0; list.workerProducts === before; round++) {
        assert.ok(round < 50, "the second thread took no piece in 50 rounds");
        const kerno = await runOn("kerno", run);
        cpu.values.forEach((v, i) => assertClose(kerno.values[i], v, 1e-4, `${fused} #${i}`));
      }
    }
  },
});

Deno.test("conv2dFused declines outside a gradient tape and on cpu", async () => {
  const previous = tf.getBackend();
  await tf.setBackend("kerno");
  const before = tf.memory().numTensors;
  const [x, k, b] = [tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 2]), tf.ones([2])];
  assert.equal(
    conv2dFused(x as tf.Tensor4D, k as tf.Tensor4D, b as tf.Tensor1D, [1, 1], "valid", "relu"),
    null,
  );
  tf.dispose([x, k, b]);
  assert.equal(tf.memory().numTensors, before);
  await tf.setBackend("cpu");
  const [x2, k2, b2] = [tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 2]), tf.ones([2])];
  const g = tf.grad((t: tf.Tensor) => {
    assert.equal(
      conv2dFused(t as tf.Tensor4D, k2 as tf.Tensor4D, b2 as tf.Tensor1D, [1, 1], "valid", "relu"),
      null,
    );
    return tf.sum(t);
  })(x2);
  tf.dispose([x2, k2, b2, g]);
  await tf.setBackend(previous);
});

Deno.test({
  name:
    "_KernoReluBiasGrad cut into pieces of rows for the second thread equals a loop here, and the second thread takes pieces",
  ignore: NO_BLAS,
  fn: () =>
    onKerno(() => {
      // 1,000 rows of 128 (SIMD WebAssembly, pieces of 256 rows): dz = dy·step(y), column sums in float64.
      const [rows, n] = [1000, 128];
      const yv = rand([rows, n], 31).values;
      const dyv = rand([rows, n], 32).values;
      const wantDz = dyv.map((g, i) => g * +(yv[i] > 0)); // −0 where a negative dy meets y ≤ 0
      const wantDb = new Float64Array(n);
      wantDz.forEach((g, i) => (wantDb[i % n] += g));
      const list = blas()!.productList();
      const before = list.workerProducts;
      for (let round = 0; list.workerProducts === before; round++) {
        assert.ok(round < 50, "the second thread took no piece in 50 rounds");
        const [y, dy] = [tf.tensor(yv, [rows, n]), tf.tensor(dyv, [rows, n])];
        const [dz, db] = tf.engine().runKernel(
          RELU_BIAS_GRAD,
          { dy, y } as unknown as tf.NamedTensorMap,
        ) as tf.Tensor[];
        const [gotDz, gotDb] = [dz.dataSync(), db.dataSync()];
        const wantDb32 = Float32Array.from(wantDb);
        for (let i = 0; i < wantDz.length; i++) {
          if (!Object.is(gotDz[i], wantDz[i])) {
            assert.fail(`dz[${i}]: ${gotDz[i]}, want ${wantDz[i]}`);
          }
        }
        for (let j = 0; j < n; j++) {
          assert.ok(
            Math.abs(gotDb[j] - wantDb32[j]) <= 1e-4,
            `db[${j}]: ${gotDb[j]}, want ${wantDb32[j]}`,
          );
        }
        tf.dispose([y, dy, dz, db]);
      }
    }),
});

Deno.test("_KernoReluBiasGrad masks dy by step(y) and sums per channel, NaN included", () =>
  onKerno(() => {
    // y: relu outputs, 3 rows × 2 channels; step(y) = [[1, 0], [0, 1], [NaN, 1]].
    const y = tf.tensor([2, 0, -0, 5, NaN, Infinity], [3, 2]);
    const dy = tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const [dz, db] = tf.engine().runKernel(
      RELU_BIAS_GRAD,
      { dy, y } as unknown as tf.NamedTensorMap,
    ) as tf.Tensor[];
    assert.deepEqual(Array.from(dz.dataSync()), [1, 0, 0, 4, NaN, 6]);
    assert.deepEqual(Array.from(db.dataSync()), [NaN, 10]);
    const y2 = tf.tensor([0.5, -1, 0, 3], [2, 2]);
    const dy2 = tf.tensor([1, 2, 3, 4], [2, 2]);
    const [dz2, db2] = tf.engine().runKernel(
      RELU_BIAS_GRAD,
      { dy: dy2, y: y2 } as unknown as tf.NamedTensorMap,
    ) as tf.Tensor[];
    assert.deepEqual(Array.from(dz2.dataSync()), [1, 0, 0, 4]);
    assert.deepEqual(Array.from(db2.dataSync()), [1, 4]);
    tf.dispose([y, dy, dz, db, y2, dy2, dz2, db2]);
  }));
