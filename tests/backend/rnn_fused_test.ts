/**
 * kerno's replacements of the seam's `lstmSequence` and `gruSequence`
 * against their plain definitions (`plainFusedOps`): outputs, last states
 * and every gradient (inputs, recurrent kernel, bias, initial states), with
 * and without masks, and the number of engine tensors a long sequence makes.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { plainFusedOps } from "../../engine/fused.ts";
import { KERNO_FUSED_OPS } from "../../backend/fused_ops.ts";
import { randomValues, skipWithoutBlas } from "./_helpers.ts";

const NO_BLAS = skipWithoutBlas("the fused recurrences' tests");

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 2e-5): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const scale = Math.max(1, Math.abs(want[i]));
    assert.ok(Math.abs(got[i] - want[i]) <= tol * scale, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

const rnd = (shape: number[], seed: number, scale = 0.5) =>
  tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * scale), shape);

/** A mask with a few skipped steps, including a leading one and a whole trailing run. */
function mask(batch: number, time: number): tf.Tensor2D {
  const v = new Float32Array(batch * time).fill(1);
  v[0] = 0; // sample 0 skips its first step
  for (let t = time - 2; t < time; t++) v[time + t] = 0; // sample 1 ends early
  if (batch > 2) v[2 * time + 2] = 0;
  return tf.tensor2d(v, [batch, time]);
}

const VARIANTS = [
  { withMask: false, zeros: false, label: "no mask" },
  { withMask: true, zeros: false, label: "masked: outputs repeat" },
  { withMask: true, zeros: true, label: "masked: zero outputs" },
];

for (const { withMask, zeros, label } of VARIANTS) {
  Deno.test({
    name: `lstmSequence fused equals the plain loop, gradients included, 4 and 6 units (${label})`,
    ignore: NO_BLAS,
    fn: async () => {
      const previous = tf.getBackend() ?? "kerno";
      await tf.setBackend("kerno");
      try {
        // Four lanes at a time in the kernel: 6 units leave a scalar tail of 2.
        for (const [b, t, u] of [[3, 5, 4], [3, 5, 6]]) {
          const x = rnd([b, t, 4 * u], 1);
          const r = rnd([u, 4 * u], 2);
          const h0 = rnd([b, u], 3);
          const c0 = rnd([b, u], 4);
          const m = withMask ? mask(b, t) : null;
          const weights = rnd([b, t, u], 5); // a loss that weighs every output differently
          const cw = rnd([b, u], 6);
          const hw = rnd([b, u], 14);
          for (const ops of [plainFusedOps, KERNO_FUSED_OPS]) assert.ok(ops.lstmSequence);
          const run = (impl: typeof plainFusedOps.lstmSequence) =>
            tf.tidy(() => {
              const f = (xa: tf.Tensor, ra: tf.Tensor, ha: tf.Tensor, ca: tf.Tensor) => {
                const [seq, h, c] = impl(
                  xa as tf.Tensor3D,
                  ra as tf.Tensor2D,
                  ha as tf.Tensor2D,
                  ca as tf.Tensor2D,
                  m,
                  zeros,
                );
                return tf.addN([
                  tf.sum(tf.mul(seq, weights)),
                  tf.sum(tf.mul(h, hw)),
                  tf.sum(tf.mul(c, cw)),
                ]);
              };
              const [seq, h, c] = impl(
                x as tf.Tensor3D,
                r as tf.Tensor2D,
                h0 as tf.Tensor2D,
                c0 as tf.Tensor2D,
                m,
                zeros,
              );
              const grads = tf.grads(f)([x, r, h0, c0]);
              return [seq, h, c, ...grads].map((g) => Array.from(g.dataSync()));
            });
          const fusedImpl = (...a: Parameters<typeof plainFusedOps.lstmSequence>) => {
            const out = KERNO_FUSED_OPS.lstmSequence!(...a);
            assert.ok(out !== null, "kerno's replacement accepts float32 on its backend");
            return out;
          };
          const want = run(plainFusedOps.lstmSequence);
          const got = run(fusedImpl);
          ["outputs", "last state", "last cell", "dx", "dR", "dh0", "dc0"].forEach((name, i) =>
            close(got[i], want[i], name)
          );
          tf.dispose([x, r, h0, c0, weights, cw, hw, m ?? []]);
        }
      } finally {
        await tf.setBackend(previous);
      }
    },
  });

  Deno.test({
    name: `gruSequence fused equals the plain loop, gradients included (${label})`,
    ignore: NO_BLAS,
    fn: async () => {
      const previous = tf.getBackend() ?? "kerno";
      await tf.setBackend("kerno");
      try {
        const [b, t, u] = [3, 6, 5];
        const x = rnd([b, t, 3 * u], 7);
        const r = rnd([u, 3 * u], 8);
        const rb = rnd([3 * u], 9);
        const h0 = rnd([b, u], 10);
        const m = withMask ? mask(b, t) : null;
        const weights = rnd([b, t, u], 11);
        const hw = rnd([b, u], 15);
        const run = (impl: typeof plainFusedOps.gruSequence) =>
          tf.tidy(() => {
            const f = (xa: tf.Tensor, ra: tf.Tensor, ba: tf.Tensor, ha: tf.Tensor) => {
              const [seq, h] = impl(
                xa as tf.Tensor3D,
                ra as tf.Tensor2D,
                ba as tf.Tensor1D,
                ha as tf.Tensor2D,
                m,
                zeros,
              );
              return tf.add(tf.sum(tf.mul(seq, weights)), tf.sum(tf.mul(h, hw)));
            };
            const [seq, h] = impl(
              x as tf.Tensor3D,
              r as tf.Tensor2D,
              rb as tf.Tensor1D,
              h0 as tf.Tensor2D,
              m,
              zeros,
            );
            const grads = tf.grads(f)([x, r, rb, h0]);
            return [seq, h, ...grads].map((g) => Array.from(g.dataSync()));
          });
        const want = run(plainFusedOps.gruSequence);
        const got = run((...a) => KERNO_FUSED_OPS.gruSequence!(...a)!);
        ["outputs", "last state", "dx", "dR", "dbias", "dh0"].forEach((name, i) =>
          close(got[i], want[i], name)
        );
        tf.dispose([x, r, rb, h0, weights, hw, m ?? []]);
      } finally {
        await tf.setBackend(previous);
      }
    },
  });
}

Deno.test({
  name: "lstmSequence fused makes a handful of engine tensors for 200 steps, and frees them",
  ignore: NO_BLAS,
  fn: async () => {
    const previous = tf.getBackend() ?? "kerno";
    await tf.setBackend("kerno");
    try {
      const [b, t, u] = [2, 200, 8];
      const x = rnd([b, t, 4 * u], 12);
      const r = rnd([u, 4 * u], 13);
      const h0 = tf.zeros([b, u]) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      let made = 0;
      tf.tidy(() => {
        const start = tf.memory().numTensors;
        const [seq] = KERNO_FUSED_OPS.lstmSequence!(
          x as tf.Tensor3D,
          r as tf.Tensor2D,
          h0,
          h0,
          null,
        )!;
        const g = tf.grad((xa: tf.Tensor) =>
          tf.sum(
            KERNO_FUSED_OPS.lstmSequence!(xa as tf.Tensor3D, r as tf.Tensor2D, h0, h0, null)![0],
          )
        )(x);
        made = tf.memory().numTensors - start;
        assert.deepEqual(seq.shape, [b, t, u]);
        assert.deepEqual(g.shape, [b, t, 4 * u]);
      });
      assert.ok(made < 40, `${made} tensors for 200 steps`);
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, r, h0]);
    } finally {
      await tf.setBackend(previous);
    }
  },
});
