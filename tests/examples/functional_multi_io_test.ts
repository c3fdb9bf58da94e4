import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { buildModel, main } from "../../examples/functional_multi_io.ts";
import { blasStatus, getBackend } from "../../backend/mod.ts";
import { skipBecause } from "../backend/_helpers.ts";

// TensorFlow.js's cpu kernels sum the Embedding's gradient over all 10,000
// rows for every token: the example's 6 epochs take 7 s with kerno's
// kernels and about 80 s without.
const TOO_SLOW = skipBecause(
  "examples/functional_multi_io's training test",
  getBackend() === "kerno" && blasStatus().available
    ? null
    : `it takes about 80 s without kerno's BLAS kernels (backend "${getBackend()}")`,
);

Deno.test({
  name:
    "examples/functional_multi_io: the ticket model learns both heads; logs as Keras names them",
  ignore: TOO_SLOW,
}, async () => {
  const lines: string[] = [];
  const before = tf.memory().numTensors;
  const result = await main({ print: (l) => lines.push(l) });
  assert.equal(lines.length, 2);
  for (
    const key of [
      "loss",
      "priority_loss",
      "department_loss",
      "priority_accuracy",
      "department_accuracy",
      "val_loss",
      "val_department_loss",
      "val_priority_accuracy",
    ]
  ) {
    assert.equal(result.history[key]?.length, 6, key);
  }
  // The stated accuracies (README and the example's doc), on 500 tickets it never saw.
  assert.ok(result.departmentAccuracy >= 0.95, `department ${result.departmentAccuracy}`);
  assert.ok(result.priorityAccuracy >= 0.85, `priority ${result.priorityAccuracy}`);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("examples/functional_multi_io: one Embedding serves titles and bodies of any length", () => {
  const model = buildModel();
  const embedding = model.getLayer("words");
  assert.equal(embedding.inboundNodes.length, 2);
  assert.equal(model.weights.filter((w) => w.shape[0] === 10000).length, 1);
  const out = model.predict<Record<string, tf.Tensor>>({
    title: tf.zeros([3, 7], "int32"),
    body: tf.zeros([3, 41], "int32"),
    tags: tf.zeros([3, 12]),
  });
  assert.deepEqual(out.priority.shape, [3, 1]);
  assert.deepEqual(out.department.shape, [3, 4]);
  tf.dispose(out);
  model.dispose();
});
