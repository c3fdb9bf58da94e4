import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { blasStatus, getBackend } from "../../backend/mod.ts";
import { skipBecause } from "../backend/_helpers.ts";
import { convAutoencoder, main as convAutoencoderMain } from "../../examples/conv_autoencoder.ts";

const TOO_SLOW = skipBecause(
  "examples/conv_autoencoder's training test",
  getBackend() === "kerno" && blasStatus().available
    ? null
    : `its convolutions take minutes without kerno's BLAS kernels (backend "${getBackend()}")`,
);

Deno.test({
  name:
    "examples/conv_autoencoder reconstructs test digits to MSE < 0.02 (the mean image: 0.074) and writes its PNG",
  ignore: TOO_SLOW,
}, async () => {
  const before = tf.memory().numTensors;
  const dir = await Deno.makeTempDir({ prefix: "kerno-ae-" });
  try {
    const { testMse, meanImageMse, png, pngBytes } = await convAutoencoderMain({
      epochs: 25,
      verbose: 0,
      png: `${dir}/ae.png`,
    });
    assert.ok(testMse < 0.02, `test reconstruction MSE ${testMse}`); // 0.0157 measured at 25 epochs
    assert.ok(meanImageMse > 0.07, `mean image MSE ${meanImageMse}`);
    const bytes = await Deno.readFile(png!);
    assert.equal(bytes.length, pngBytes);
    assert.deepEqual(Array.from(bytes.slice(1, 4)), [80, 78, 71]); // "PNG"
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("examples/conv_autoencoder's model maps 8x8 digits back to 8x8 in [0, 1]", () => {
  const model = convAutoencoder();
  const x = tf.randomUniform([3, 8, 8, 1], 0, 1, "float32", 2);
  const y = model.predict(x) as tf.Tensor;
  assert.deepEqual(y.shape, [3, 8, 8, 1]);
  const values = y.dataSync();
  assert.ok(values.every((v) => v > 0 && v < 1));
  tf.dispose([x, y]);
  model.dispose();
});
