/**
 * kerno's general (grouped, 3-D) and transposed convolutions
 * (`backend/conv_nd_fused.ts`) against the seam's plain definitions on the
 * `cpu` backend: outputs and the gradients of the input, the kernel and the
 * bias, relu, sigmoid and linear, with and without a bias, 1-, 2- and
 * 3-D, with strides, dilations, padding and groups; and the replacement
 * declines what it does not take.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { plainConv, plainConvTranspose } from "../../engine/_conv_ops.ts";
import type { FusedConvOptions, FusedConvTransposeOptions } from "../../engine/fused.ts";
import { convNdFused, convTransposeNdFused } from "../../backend/conv_nd_fused.ts";
import { assertClose, make, onKerno, rand, runOn, skipWithoutBlas, type Spec } from "./_helpers.ts";
import { blas } from "../../backend/_blas.ts";

const NO_BLAS = skipWithoutBlas("the GEMM convolutions' tests");

type Op<O> = (x: tf.Tensor, k: tf.Tensor, b: tf.Tensor1D | null, o: O) => tf.Tensor | null;

/** Value and gradients of `Σ y · w` for a fixed random `w`. */
function valueAndGrads<O>(op: Op<O>, x: Spec, k: Spec, b: Spec, o: O): tf.Tensor[] {
  const f = (xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor) => {
    const y = op(xt, kt, bt as tf.Tensor1D, o);
    if (y === null) throw new Error("the replacement declined");
    return tf.sum(tf.mul(y, tf.tensor(rand(y.shape, 4).values, y.shape)));
  };
  const { value, grads } = tf.valueAndGrads(f)([make(x), make(k), make(b)]);
  const y = op(make(x), make(k), make(b) as tf.Tensor1D, o)!;
  return [y, value, ...grads];
}

async function compare<O>(
  fast: Op<O>,
  plain: Op<O>,
  x: Spec,
  k: Spec,
  b: Spec,
  o: O,
  what: string,
) {
  const want = await runOn("cpu", () => valueAndGrads(plain, x, k, b, o));
  const got = await runOn("kerno", () => valueAndGrads(fast, x, k, b, o));
  assert.deepEqual(got.shapes, want.shapes, `${what}: shapes`);
  ["output", "loss", "dx", "dkernel", "dbias"].forEach((name, i) =>
    assertClose(got.values[i], want.values[i], 1e-4, `${what} ${name}`)
  );
}

const CONVS: [number[], number[], FusedConvOptions][] = [
  [[2, 5, 4], [3, 2, 6], {
    strides: [2],
    dilations: [1],
    padBefore: [1],
    padAfter: [1],
    groups: 2,
    activation: "relu",
  }],
  [[2, 6, 5, 4], [3, 2, 1, 8], {
    strides: [1, 2],
    dilations: [2, 1],
    padBefore: [2, 0],
    padAfter: [2, 1],
    groups: 4,
    activation: "linear",
  }],
  [[2, 4, 5, 3, 2], [3, 3, 2, 2, 3], {
    strides: [2, 1, 2],
    dilations: [1, 1, 1],
    padBefore: [1, 1, 0],
    padAfter: [1, 1, 1],
    groups: 1,
    activation: "relu",
  }],
  [[1, 5, 4, 6, 4], [2, 3, 2, 2, 4], {
    strides: [1, 2, 1],
    dilations: [2, 1, 1],
    padBefore: [0, 0, 0],
    padAfter: [0, 0, 0],
    groups: 2,
    activation: "linear",
  }],
  [[2, 6, 5, 4], [3, 3, 2, 6], {
    strides: [2, 1],
    dilations: [1, 1],
    padBefore: [1, 1],
    padAfter: [1, 1],
    groups: 2,
    activation: "sigmoid",
  }],
];

const TRANSPOSED: [number[], number[], FusedConvTransposeOptions][] = [
  [[2, 5, 3], [3, 4, 3], {
    strides: [2],
    dilations: [1],
    outputSize: [10],
    padBefore: [0],
    activation: "relu",
  }],
  [[2, 7, 7, 6], [3, 3, 4, 6], {
    strides: [2, 2],
    dilations: [1, 1],
    outputSize: [14, 14],
    padBefore: [0, 0],
    activation: "relu",
  }],
  [[2, 4, 5, 3], [3, 2, 1, 3], {
    strides: [2, 3],
    dilations: [1, 2],
    outputSize: [10, 16],
    padBefore: [1, 0],
    activation: "linear",
  }],
  [[1, 3, 2, 3, 2], [3, 3, 2, 2, 2], {
    strides: [2, 2, 2],
    dilations: [1, 1, 1],
    outputSize: [6, 4, 7],
    padBefore: [0, 1, 0],
    activation: "relu",
  }],
  [[1, 3, 2, 3, 2], [3, 3, 2, 2, 2], {
    strides: [2, 2, 2],
    dilations: [1, 1, 1],
    outputSize: [6, 4, 6],
    padBefore: [0, 1, 0],
    activation: "sigmoid",
  }],
  // The autoencoder's last layer: one filter, sigmoid (the kernels' one-column paths).
  [[3, 7, 7, 6], [3, 3, 1, 6], {
    strides: [2, 2],
    dilations: [1, 1],
    outputSize: [14, 14],
    padBefore: [0, 0],
    activation: "sigmoid",
  }],
  // Five filters: rows that are not whole SIMD vectors.
  [[2, 4, 5, 3], [3, 3, 5, 3], {
    strides: [2, 2],
    dilations: [1, 1],
    outputSize: [8, 10],
    padBefore: [1, 1],
    activation: "relu",
  }],
  [[2, 5, 3], [3, 5, 3], {
    strides: [2],
    dilations: [2],
    outputSize: [11],
    padBefore: [1],
    activation: "sigmoid",
  }],
  // More channels than taps·filters (the kernel's gradient as colsᵀ · x).
  [[2, 5, 5, 16], [3, 3, 1, 16], {
    strides: [2, 2],
    dilations: [1, 1],
    outputSize: [10, 10],
    padBefore: [0, 0],
    activation: "linear",
  }],
  // A column matrix of two chunks (over 2^21 floats).
  [[85, 8, 8, 2], [7, 7, 8, 2], {
    strides: [1, 1],
    dilations: [1, 1],
    outputSize: [14, 14],
    padBefore: [0, 0],
    activation: "relu",
  }],
];

Deno.test({
  name: "convNdFused equals the plain grouped/3-D convolution, gradients included",
  ignore: NO_BLAS,
  fn: async () => {
    for (const [xs, ks, o] of CONVS) {
      const label = `x [${xs}] kernel [${ks}] groups ${o.groups} ${o.activation}`;
      await compare(
        convNdFused,
        plainConv,
        rand(xs, 1),
        rand(ks, 2),
        rand([ks.at(-1)!], 3),
        o,
        label,
      );
    }
  },
});

Deno.test({
  name: "convTransposeNdFused equals the plain transposed convolution, gradients included",
  ignore: NO_BLAS,
  fn: async () => {
    for (const [xs, ks, o] of TRANSPOSED) {
      const label = `x [${xs}] kernel [${ks}] out [${o.outputSize}] ${o.activation}`;
      const b = rand([ks[ks.length - 2]], 3);
      await compare(
        convTransposeNdFused,
        plainConvTranspose,
        rand(xs, 1),
        rand(ks, 2),
        b,
        o,
        label,
      );
    }
  },
});

Deno.test({
  name: "convTransposeNdFused without a bias equals the plain transposed convolution",
  ignore: NO_BLAS,
  fn: async () => {
    // The bias enters only through a zero term, so its gradient is zero on both sides.
    const noBias =
      (op: Op<FusedConvTransposeOptions>): Op<FusedConvTransposeOptions> => (x, k, b, o) => {
        const y = op(x, k, null, o);
        return y === null ? null : tf.add(y, tf.mul(tf.sum(b!), 0));
      };
    for (const [xs, ks, o] of TRANSPOSED.slice(1, 3)) {
      for (const activation of ["relu", "sigmoid", "linear"] as const) {
        await compare(
          noBias(convTransposeNdFused),
          noBias(plainConvTranspose),
          rand(xs, 1),
          rand(ks, 2),
          rand([ks[ks.length - 2]], 3),
          { ...o, activation },
          `x [${xs}] kernel [${ks}] no bias ${activation}`,
        );
      }
    }
  },
});

Deno.test("the GEMM convolutions decline other backends and dtypes", async () => {
  const [xs, ks, o] = TRANSPOSED[1];
  const x = make(rand(xs, 1));
  const k = make(rand(ks, 2));
  assert.equal(convTransposeNdFused(x, k, null, o), null); // cpu is active here
  await onKerno(() => {
    const xi = tf.cast(x, "int32");
    assert.equal(convTransposeNdFused(xi, k, null, o), null);
    xi.dispose();
  });
  tf.dispose([x, k]);
});

Deno.test({
  name:
    "convTransposeNdFused at sizes cut into pieces for the second thread equals the plain transposed convolution, and the second thread takes pieces",
  ignore: NO_BLAS,
  fn: async () => {
    // The autoencoder's two: 7×7×64 → 14×14×32 relu (five pieces of images), and 14×14×32 →
    // 28×28×1 sigmoid (one channel's kernels; 96 images give two pieces of rows to its gradient).
    const cases: [number[], number[], FusedConvTransposeOptions][] = [
      [[16, 7, 7, 64], [3, 3, 32, 64], {
        strides: [2, 2],
        dilations: [1, 1],
        outputSize: [14, 14],
        padBefore: [0, 0],
        activation: "relu",
      }],
      [[96, 14, 14, 32], [3, 3, 1, 32], {
        strides: [2, 2],
        dilations: [1, 1],
        outputSize: [28, 28],
        padBefore: [0, 0],
        activation: "sigmoid",
      }],
    ];
    for (const [xs, ks, o] of cases) {
      const [x, k, b] = [rand(xs, 41), rand(ks, 42), rand([ks[ks.length - 2]], 43)];
      const want = await runOn("cpu", () => valueAndGrads(plainConvTranspose, x, k, b, o));
      const list = blas()!.productList();
      const before = list.workerProducts;
      for (let round = 0; list.workerProducts === before; round++) {
        assert.ok(round < 50, "the second thread took no piece in 50 rounds");
        const got = await runOn("kerno", () => valueAndGrads(convTransposeNdFused, x, k, b, o));
        ["output", "loss", "dx", "dkernel", "dbias"].forEach((name, i) =>
          assertClose(got.values[i], want.values[i], 1e-4, `x [${xs}] ${name}`)
        );
      }
    }
  },
});
