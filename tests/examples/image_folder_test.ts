import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { main as imageFolder } from "../../examples/image_folder.ts";

Deno.test("examples/image_folder trains from a folder of digit PNGs to >= 0.85 test accuracy (the last 397 digits, other writers)", async () => {
  const before = tf.memory().numTensors;
  const { accuracy, files, classNames } = await imageFolder({ verbose: 0 });
  assert.ok(accuracy >= 0.85, `test accuracy ${accuracy}`); // 0.90 measured
  assert.equal(files, 1797);
  assert.deepEqual(classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.equal(tf.memory().numTensors, before);
});
