/**
 * kerno's depthwise convolution (`depthwiseConvFused`, SIMD WebAssembly)
 * against the seam's plain definition (`tf.depthwiseConv2d`, a spread
 * kernel for dilations, bias, relu): values and the gradients of the input,
 * the kernel and the bias, for depth multipliers 1, 2, 4 and 5 (the SIMD
 * and scalar paths), channels that are and are not a multiple of four,
 * strides, dilations and both paddings; finite differences; no leaks;
 * inference releases its memory at once.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { plainFusedOps } from "../../engine/fused.ts";
import { depthwiseConvFused } from "../../backend/depthwise_conv.ts";
import { assertClose, assertGradient, make, onKerno, rand, type Spec } from "./_helpers.ts";

await tf.ready(); // a current backend for onKerno to restore

type Case = {
  x: number[];
  k: number[];
  strides: [number, number];
  dilations: [number, number];
  padding: "valid" | "same";
};
const CASES: Case[] = [
  { x: [2, 7, 6, 3], k: [3, 3, 3, 1], strides: [1, 1], dilations: [1, 1], padding: "valid" },
  { x: [2, 7, 6, 8], k: [3, 3, 8, 1], strides: [2, 2], dilations: [1, 1], padding: "same" },
  { x: [1, 8, 7, 5], k: [2, 3, 5, 2], strides: [1, 1], dilations: [2, 2], padding: "same" },
  { x: [2, 5, 7, 3], k: [3, 2, 3, 4], strides: [2, 1], dilations: [1, 1], padding: "same" },
  { x: [1, 6, 6, 2], k: [4, 4, 2, 5], strides: [3, 3], dilations: [1, 1], padding: "valid" },
  { x: [3, 1, 9, 6], k: [1, 4, 6, 1], strides: [1, 2], dilations: [1, 1], padding: "same" },
  { x: [1, 9, 8, 4], k: [3, 3, 4, 1], strides: [1, 1], dilations: [2, 3], padding: "valid" },
];

const label = (c: Case) =>
  `x [${c.x}] k [${c.k}] strides ${c.strides} dilations ${c.dilations} ${c.padding}`;

function both(c: Case, activation: "relu" | "linear", bias: boolean) {
  const specs: Spec[] = [rand(c.x, 1), rand(c.k, 2), rand([c.k[2] * c.k[3]], 3)];
  const o = { strides: c.strides, padding: c.padding, dilations: c.dilations, activation };
  const run = (op: typeof plainFusedOps.depthwiseConv2d) => {
    const xs = specs.map(make);
    const f = (x: tf.Tensor, k: tf.Tensor, b?: tf.Tensor) => {
      const y = op(x as tf.Tensor4D, k as tf.Tensor4D, (b ?? null) as tf.Tensor1D | null, o);
      return tf.sum(tf.mul(y, tf.tensor(rand(y.shape, 4).values, y.shape))) as tf.Scalar;
    };
    const out = tf.tidy(() => {
      const y = op(
        xs[0] as tf.Tensor4D,
        xs[1] as tf.Tensor4D,
        bias ? xs[2] as tf.Tensor1D : null,
        o,
      );
      const { grads } = tf.valueAndGrads(f as (...t: tf.Tensor[]) => tf.Scalar)(
        bias ? xs : xs.slice(0, 2),
      );
      return [y, ...grads].map((t) => ({
        shape: t.shape,
        values: Float32Array.from(t.dataSync()),
      }));
    });
    tf.dispose(xs);
    return out;
  };
  const fast = (...a: Parameters<typeof plainFusedOps.depthwiseConv2d>) => {
    const y = depthwiseConvFused(...a);
    assert.ok(y !== null, `${label(c)}: kerno declined`);
    return y;
  };
  return { want: run(plainFusedOps.depthwiseConv2d), got: run(fast) };
}

for (const activation of ["linear", "relu"] as const) {
  Deno.test(`depthwiseConvFused ${activation} equals the plain depthwiseConv2d, gradients included`, () =>
    onKerno(() => {
      for (const c of CASES) {
        for (const bias of [true, false]) {
          const { want, got } = both(c, activation, bias);
          assert.equal(got.length, want.length);
          const names = ["output", "d/dx", "d/dfilter", "d/dbias"];
          want.forEach((w, i) => {
            assert.deepEqual(got[i].shape, w.shape, `${label(c)} ${names[i]} shape`);
            assertClose(got[i].values, w.values, 1e-4, `${label(c)} bias ${bias}: ${names[i]}`);
          });
        }
      }
    }));
}

Deno.test("depthwiseConvFused gradients match finite differences", async () => {
  const c = CASES[3];
  const [x, k, b] = [rand(c.x, 5), rand(c.k, 6), rand([c.k[2] * c.k[3]], 7)];
  const o = {
    strides: c.strides,
    padding: c.padding,
    dilations: c.dilations,
    activation: "linear" as const,
  };
  const loss = (y: tf.Tensor) =>
    tf.sum(tf.mul(y, tf.tensor(rand(y.shape, 8).values, y.shape))) as tf.Scalar;
  const op = (xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor) =>
    depthwiseConvFused(xt as tf.Tensor4D, kt as tf.Tensor4D, bt as tf.Tensor1D, o) ??
      plainFusedOps.depthwiseConv2d(xt as tf.Tensor4D, kt as tf.Tensor4D, bt as tf.Tensor1D, o);
  await assertGradient((t) => loss(op(t, make(k), make(b))), x, 1e-4, 2e-2, "dx");
  await assertGradient((t) => loss(op(make(x), t, make(b))), k, 1e-4, 2e-2, "dfilter");
  await assertGradient((t) => loss(op(make(x), make(k), t)), b, 1e-4, 2e-2, "dbias");
});

Deno.test("depthwiseConvFused declines other backends, dtypes and empty outputs", async () => {
  const o = {
    strides: [1, 1] as [number, number],
    padding: "valid" as const,
    dilations: [1, 1] as [number, number],
    activation: "linear" as const,
  };
  const x = tf.ones([1, 3, 3, 2]) as tf.Tensor4D;
  const k = tf.ones([2, 2, 2, 1]) as tf.Tensor4D;
  assert.equal(depthwiseConvFused(x, k, null, o), null); // cpu
  await onKerno(() => {
    const xi = tf.ones([1, 3, 3, 2], "int32") as tf.Tensor4D;
    assert.equal(depthwiseConvFused(xi, k, null, o), null);
    const big = tf.ones([4, 4, 2, 1]) as tf.Tensor4D;
    assert.equal(depthwiseConvFused(x, big, null, o), null); // no output position: plain decides
    const y = depthwiseConvFused(x, k, null, o)!;
    assert.deepEqual(Array.from(y.dataSync()), [4, 4, 4, 4, 4, 4, 4, 4]);
    tf.dispose([xi, big, y]);
  });
  tf.dispose([x, k]);
});
