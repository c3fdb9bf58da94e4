/**
 * Saving a preprocessing layer TensorFlow.js Layers does not have to the
 * TensorFlow.js format: the directory is written (kerno reloads it, state
 * included) and one warning says TensorFlow.js cannot load it.
 */
import assert from "node:assert/strict";
import { Input, layers, loadModel, Model, tf } from "../../mod.ts";

Deno.test("a Normalization saved in the TensorFlow.js format warns that only kerno loads it, and reloads", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kerno-kerno-only-" });
  const warned: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warned.push(args.join(" "));
  try {
    const norm = new layers.Normalization({ mean: [1, 2], variance: [4, 9], name: "norm" });
    const inputs = Input({ shape: [2] });
    const model = new Model({ inputs, outputs: norm.apply(inputs) });
    await model.save(`${dir}/m`);
    assert.equal(warned.length, 1);
    assert.match(warned[0], /norm \(Normalization\).*kerno loads it, TensorFlow\.js will not/);
    const again = await loadModel(`${dir}/m`);
    const x = tf.tensor2d([[3, 5]]);
    const y = again.predict(x) as tf.Tensor;
    assert.deepEqual(Array.from(y.dataSync()), [1, 1]); // (3 − 1)/2, (5 − 2)/3
    tf.dispose([x, y]);
  } finally {
    console.warn = original;
    await Deno.remove(dir, { recursive: true });
  }
});
