import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { blasStatus, getBackend } from "../../backend/mod.ts";
import { skipBecause } from "../backend/_helpers.ts";
import { augmentedCnn, main as imageAugmentation } from "../../examples/image_augmentation.ts";

const TOO_SLOW = skipBecause(
  "examples/image_augmentation's training test",
  getBackend() === "kerno" && blasStatus().available
    ? null
    : `its convolutions take minutes without kerno's BLAS kernels (backend "${getBackend()}")`,
);

Deno.test({
  name:
    "examples/image_augmentation trains with augmentation inside the model and writes its PNG grid",
  ignore: TOO_SLOW,
}, async () => {
  const before = tf.memory().numTensors;
  const dir = await Deno.makeTempDir({ prefix: "kerno-aug-" });
  try {
    const { accuracy, png, pngBytes } = await imageAugmentation({
      epochs: 12,
      verbose: 0,
      png: `${dir}/grid.png`,
    });
    assert.ok(accuracy >= 0.93, `test accuracy ${accuracy}`); // 0.9667 measured at 20 epochs
    const bytes = await Deno.readFile(png!);
    assert.equal(bytes.length, pngBytes);
    assert.deepEqual(Array.from(bytes.slice(1, 4)), [80, 78, 71]); // "PNG"
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("examples/image_augmentation's model takes raw digits of any size and is deterministic outside training", () => {
  const model = augmentedCnn();
  for (const shape of [[3, 8, 8, 1], [2, 20, 14, 1]]) {
    const x = tf.randomUniform(shape, 0, 16, "float32", 2);
    const a = model.predict(x) as tf.Tensor;
    const b = model.predict(x) as tf.Tensor;
    assert.deepEqual(a.shape, [shape[0], 10]);
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
  }
  model.dispose();
});
