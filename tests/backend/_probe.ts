/**
 * A child-process probe for the backend-selection tests: run with different
 * permissions and environment, it reports what kerno chose, and checks the
 * kerno backend's results against cpu on the BLAS kernels (whatever path
 * they take: BLAS or the fallback).
 *
 * Usage: `deno run [permissions] tests/backend/_probe.ts import|init`
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { blasAvailable, initBackend, setBackend } from "../../backend/mod.ts";

async function maxDifference(): Promise<number> {
  const run = () =>
    tf.tidy(() => {
      const a = tf.linspace(-1, 1, 21).reshape([3, 7]);
      const b = tf.linspace(-2, 1, 35).reshape([7, 5]);
      const x = tf.linspace(-1, 1, 2 * 5 * 5 * 3).reshape([2, 5, 5, 3]) as tf.Tensor4D;
      const w = tf.linspace(-1, 1, 3 * 3 * 3 * 2).reshape([3, 3, 3, 2]) as tf.Tensor4D;
      const outs = [
        tf.matMul(a, b),
        tf.fused.matMul({ a, b, bias: tf.ones([5]), activation: "relu" }),
        tf.conv2d(x, w, 2, "same"),
        tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.conv2d(t as tf.Tensor4D, w, 1, "valid"))))(x),
      ];
      return outs.map((t) => Array.from(t.dataSync())).flat();
    });
  await setBackend("cpu");
  const cpu = run();
  await setBackend("kerno");
  const kerno = run();
  await setBackend("cpu");
  return Math.max(...cpu.map((v, i) => Math.abs(v - kerno[i])));
}

if (Deno.args[0] === "init") {
  const choice = await initBackend();
  const again = await initBackend();
  console.log(JSON.stringify({
    choice,
    again,
    blas: blasAvailable(),
    maxDifference: await maxDifference(),
  }));
}
