import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { main as csvStream } from "../../examples/csv_stream.ts";

Deno.test("examples/csv_stream trains on the digits through Dataset.csv to >= 0.88 test accuracy (the last 397 digits, other writers)", async () => {
  const before = tf.memory().numTensors;
  const { accuracy, bytes } = await csvStream({ epochs: 12, verbose: 0 });
  assert.ok(accuracy >= 0.88, `test accuracy ${accuracy}`); // 0.90 measured
  assert.ok(bytes > 200_000, `${bytes} bytes of CSV`);
  assert.equal(tf.memory().numTensors, before);
});
