/**
 * kerno's recorded-argmax max pooling (`maxPoolArgmax`) against `tf.maxPool`
 * on `cpu`: values and input gradients for strides 1 and 2, "same" and
 * "valid", sizes 1 and 7, the 2×2 fast path with non-finite values and ties;
 * NaN against PyTorch's values; gradients against finite differences;
 * declining outside a tape.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { maxPoolArgmax } from "../../backend/max_pool_argmax.ts";
import {
  markReluOutput,
  MAX_POOL_ARGMAX,
  MAX_POOL_SCATTER,
  scatteredGradient,
} from "../../backend/kernels/pool_argmax.ts";
import { fused } from "../../engine/fused.ts";
import {
  assertGradient,
  assertSameAsCpu,
  make,
  onKerno,
  project,
  rand,
  runOn,
  skipWithoutBlas,
} from "./_helpers.ts";
import { blas } from "../../backend/_blas.ts";
import { firstDifference, NAN_POOL_2D, nanCaseOutputs } from "./_nan_pool_cases.ts";

type Case = [number[], [number, number], [number, number], "same" | "valid"];
const CASES: Case[] = [
  [[2, 7, 7, 3], [2, 2], [2, 2], "valid"],
  [[2, 8, 6, 4], [2, 2], [2, 2], "valid"],
  [[2, 7, 7, 3], [2, 2], [2, 2], "same"],
  [[2, 7, 7, 3], [3, 3], [1, 1], "same"],
  [[1, 7, 5, 2], [3, 2], [2, 1], "valid"],
  [[1, 1, 1, 2], [1, 1], [1, 1], "valid"],
  [[1, 1, 1, 2], [2, 2], [2, 2], "same"],
  [[3, 5, 7, 1], [2, 3], [1, 2], "same"],
];

function pool(
  x: tf.Tensor,
  size: [number, number],
  strides: [number, number],
  pad: "same" | "valid",
): tf.Tensor {
  return maxPoolArgmax(x as tf.Tensor4D, size, strides, pad) ??
    tf.maxPool(x as tf.Tensor4D, size, strides, pad);
}

/** A relu convolution of stride 1 and its 2×2 max pool, through kerno's fused ops. */
function reluConvPool(
  x: tf.Tensor,
  filter: tf.Tensor,
  bias: tf.Tensor,
  padding: "same" | "valid",
): tf.Tensor {
  const y = fused.conv2dBiasActivation(
    x as tf.Tensor4D,
    filter as tf.Tensor4D,
    bias as tf.Tensor1D,
    { strides: [1, 1], padding, dilations: [1, 1], activation: "relu" },
  );
  return fused.maxPool2d(y, [2, 2], [2, 2], "valid");
}

Deno.test("maxPoolArgmax equals tf.maxPool on cpu, gradients included", async () => {
  for (const [xs, size, strides, pad] of CASES) {
    const x = rand(xs, 11);
    await assertSameAsCpu(
      () => {
        const { value, grad } = tf.valueAndGrad((t: tf.Tensor) =>
          project(pool(t, size, strides, pad))
        )(make(x));
        const y = tf.maxPool(make(x) as tf.Tensor4D, size, strides, pad);
        return [value, grad, y];
      },
      1e-6,
      `x [${xs}] pool ${size} strides ${strides} ${pad}`,
    );
  }
});

Deno.test({
  name:
    "maxPoolArgmax at a size cut into pieces for the second thread equals tf.maxPool on cpu, a NaN in the last image included",
  ignore: skipWithoutBlas("the shared 2×2 pooling's test"),
  async fn() {
    // 8 images of 32×32×32 (32 K floats each): eight pieces of one image.
    const xs = [8, 32, 32, 32];
    const clean = rand(xs, 21);
    const withNaN = rand(xs, 22);
    withNaN.values[withNaN.values.length - 5] = NaN;
    const list = blas()!.productList();
    const before = list.workerProducts;
    for (let round = 0; list.workerProducts === before || round < 2; round++) {
      assert.ok(round < 50, "the second thread took no piece in 50 rounds");
      await assertSameAsCpu(
        () => {
          const { value, grad } = tf.valueAndGrad((t: tf.Tensor) =>
            project(pool(t, [2, 2], [2, 2], "valid"))
          )(make(clean));
          return [value, grad, pool(make(clean), [2, 2], [2, 2], "valid")];
        },
        1e-6,
        `x [${xs}]`,
      );
      // With a NaN: NaN in its window (as PyTorch; cpu's comparisons skip it), cpu's maxima elsewhere.
      const run = () => pool(make(withNaN), [2, 2], [2, 2], "valid");
      const [kerno, cpu] = [
        (await runOn("kerno", run)).values[0],
        (await runOn("cpu", run)).values[0],
      ];
      const differ = [...kerno.keys()].filter((i) => !Object.is(kerno[i], cpu[i]));
      assert.equal(differ.length, 1, `${differ.length} maxima differ from cpu's`);
      assert.ok(
        Number.isNaN(kerno[differ[0]]) && differ[0] === kerno.length - 5,
        `at ${differ[0]}`,
      );
    }
  },
});

Deno.test("maxPoolArgmax gradients match finite differences", async () => {
  for (const [xs, size, strides, pad] of CASES) {
    await assertGradient(
      (t) => project(pool(t, size, strides, pad), 5),
      rand(xs, 12),
      1e-5,
      2e-2,
      `[${xs}] ${size} ${strides} ${pad}`,
    );
  }
});

Deno.test("maxPoolArgmax routes to the first maximum and handles non-finite values", () =>
  onKerno(() => {
    // Windows (2×2, one channel), taps in row-major order:
    // [1, 1, 0, 1] → first tap; [NaN, 5, 7, 2] → NaN kept at tap 0;
    // [-Inf, -Inf, 3, Infinity] → tap 3; [2, NaN, 2, 4] → NaN at tap 1 (as PyTorch).
    const x = tf.tensor4d(
      [1, 1, NaN, 5, 0, 1, 7, 2, -Infinity, -Infinity, 2, NaN, 3, Infinity, 2, 4],
      [1, 4, 4, 1],
    );
    const dy = tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]);
    const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => {
      const y = maxPoolArgmax(t as tf.Tensor4D, [2, 2], [2, 2], "valid");
      assert.ok(y !== null);
      assert.deepEqual(Array.from(y.dataSync()), [1, NaN, Infinity, NaN]);
      return tf.sum(tf.mul(y, dy));
    })(x);
    assert.ok(Number.isNaN(value.dataSync()[0]));
    assert.deepEqual(
      Array.from(grad.dataSync()),
      [10, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 40, 0, 30, 0, 0],
    );
    tf.dispose([x, dy, value, grad]);
  }));

Deno.test("maxPoolArgmax gives NaN where its window holds one and records its last NaN, as PyTorch", async () => {
  for (const c of NAN_POOL_2D) {
    const size = c.poolSize as [number, number];
    const strides = c.strides as [number, number];
    const r = await runOn("kerno", () =>
      nanCaseOutputs(c, (x) => {
        const y = maxPoolArgmax(x as tf.Tensor4D, size, strides, c.padding);
        assert.ok(y !== null || !tf.engine().isTapeOn(), "records the argmax under a tape");
        return y ?? tf.maxPool(x as tf.Tensor4D, size, strides, c.padding);
      }));
    assert.equal(firstDifference(r.values[0], c.expected), null, `${c.label}: y`);
    assert.equal(firstDifference(r.values[1], c.grad), null, `${c.label}: dx`);
  }
});

Deno.test("maxPoolArgmax declines outside a gradient tape and on cpu", async () => {
  const previous = tf.getBackend();
  await tf.setBackend("kerno");
  const x = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
  assert.equal(maxPoolArgmax(x, [2, 2], [2, 2], "valid"), null);
  await tf.setBackend("cpu");
  const g = tf.grad((t: tf.Tensor) => {
    assert.equal(maxPoolArgmax(t as tf.Tensor4D, [2, 2], [2, 2], "valid"), null);
    return tf.sum(t);
  })(x);
  tf.dispose([x, g]);
  await tf.setBackend(previous);
});

Deno.test("a 2×2 pool of a relu convolution: the gradient's sparse relu pass equals the cpu backend's", async () => {
  // [2, 8, 6, 3] → conv 3×3 same relu (4 channels) → 2×2 pool: every value pooled; [2, 7, 6, 3]
  // and [2, 7, 7, 3]: the last row (and column) is not, and holds no NaN. All three take the
  // sparse path (dz copied from dy, the maxima not above zero set to dy·0); against cpu.
  // 4 channels (a power of two) and 5.
  for (
    const [shape, channels] of [[[2, 8, 6, 3], 4], [[2, 7, 6, 3], 4], [[2, 7, 7, 3], 5]] as const
  ) {
    const x = rand([...shape], 11);
    const filter = rand([3, 3, 3, channels], 12);
    const bias = rand([channels], 13);
    await assertSameAsCpu(
      () => {
        const [xt, ft, bt] = [make(x), make(filter), make(bias)] as [
          tf.Tensor4D,
          tf.Tensor4D,
          tf.Tensor1D,
        ];
        const f = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
          const pooled = reluConvPool(a, w, b, "same");
          return tf.sum(tf.mul(pooled, tf.range(1, pooled.size + 1).reshape(pooled.shape)));
        };
        return tf.grads(f)([xt, ft, bt]);
      },
      1e-4,
      `conv relu pool gradients, [${shape}]`,
    );
  }
});

Deno.test("a NaN where no 2×2 window reaches sends the relu's gradient through the dense pass, as cpu", async () => {
  // A 1×1 relu convolution of [2, 7, 5, 3]: a NaN in the last row or column (which no window
  // covers) makes NaN gradients on cpu (dy = 0 there, step(NaN) = NaN); kerno must agree.
  for (const at of [[1, 6, 2, 1], [0, 3, 4, 2]]) {
    const x = rand([2, 7, 5, 3], 21);
    const [b, r, c, ch] = at;
    x.values[((b * 7 + r) * 5 + c) * 3 + ch] = NaN;
    const filter = rand([1, 1, 3, 4], 22);
    const bias = rand([4], 23);
    await assertSameAsCpu(
      () => {
        const f = (a: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) => {
          const pooled = reluConvPool(a, w, bb, "valid");
          return tf.sum(tf.mul(pooled, tf.range(1, pooled.size + 1).reshape(pooled.shape)));
        };
        const [dx, dw, db] = tf.grads(f)([make(x), make(filter), make(bias)]);
        return [dx, dw, db];
      },
      1e-4,
      `NaN at [${at}] outside the windows`,
    );
  }
});

Deno.test("an infinite gradient at a maximum not above zero makes the relu's gradients NaN there, as cpu", async () => {
  // A bias of −10 zeroes every relu output, so every pooled maximum is 0 (not above zero):
  // dz = dy·step(y) is ∞·0 = NaN where dy is infinite, and so is that channel's bias gradient.
  const x = rand([2, 4, 4, 3], 31);
  const filter = rand([1, 1, 3, 4], 32);
  const bias = { shape: [4], values: new Float32Array(4).fill(-10) };
  await assertSameAsCpu(
    () => {
      const f = (a: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) => {
        const pooled = reluConvPool(a, w, bb, "valid");
        const weights = Float32Array.from({ length: pooled.size }, (_, i) => i + 1);
        weights[5] = Infinity; // pooled index 5: channel 1
        return tf.sum(tf.mul(pooled, tf.tensor(weights, pooled.shape)));
      };
      const [, , db] = tf.grads(f)([make(x), make(filter), make(bias)]);
      const values = db.dataSync();
      assert.ok(Number.isNaN(values[1]) && values.every((v, i) => i === 1 || v === 0));
      return [db];
    },
    0,
    "an infinite gradient at a zero maximum",
  );
});

Deno.test("a 2×2 pool's scatter writes a relu's gradient beside its own only for a noted relu output", () =>
  onKerno(() => {
    for (const noted of [false, true]) {
      const x = tf.tidy(() => tf.relu(make(rand([2, 4, 4, 3], 41))));
      if (noted) markReluOutput(x.dataId);
      const [y, indices] = tf.engine().runKernel(
        MAX_POOL_ARGMAX,
        { x } as unknown as tf.NamedTensorMap,
        { filterSize: [2, 2], strides: [2, 2], pad: "valid" } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
      const dy = tf.onesLike(y);
      const dx = tf.engine().runKernel(
        MAX_POOL_SCATTER,
        { dy, indices, pooled: y } as unknown as tf.NamedTensorMap,
        { inputShape: x.shape } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
      const record = scatteredGradient(dx.dataId);
      assert.equal(record !== undefined, noted, `noted ${noted}`);
      if (record !== undefined) {
        // dz = dy·step(y): 1 at the positive maxima, 0 elsewhere; dx: 1 at every maximum.
        const [xv, dxv] = [x.dataSync(), dx.dataSync()];
        assert.deepEqual(Array.from(record.dz!), Array.from(dxv, (g, i) => g * +(xv[i] > 0)));
      }
      tf.dispose([x, y, indices, dy, dx]);
    }
  }));
