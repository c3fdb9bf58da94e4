import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { main as breastCancer } from "../../examples/breast_cancer.ts";
import { main as subclassed } from "../../examples/subclassed_model.ts";
import { main as customLoop } from "../../examples/custom_training_loop.ts";
import { main as pytorchLoop } from "../../examples/pytorch_style_loop.ts";

Deno.test("examples/breast_cancer reaches >= 0.93 validation accuracy", async () => {
  const accuracy = await breastCancer({ epochs: 30, verbose: 0 });
  assert.ok(accuracy >= 0.93, `validation accuracy ${accuracy}`);
});

Deno.test("examples/subclassed_model (the lesson's text model) learns its token task to >= 0.9", async () => {
  const before = tf.memory().numTensors;
  const accuracy = await subclassed({ epochs: 3, samples: 1000, verbose: 0 });
  assert.ok(accuracy >= 0.9, `validation accuracy ${accuracy}`);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("examples/custom_training_loop prints every 50 epochs and learns iris", async () => {
  const lines: string[] = [];
  const before = tf.memory().numTensors;
  const { loss, accuracy } = await customLoop({ numEpochs: 101, print: (l) => lines.push(l) });
  assert.equal(lines.length, 3); // epochs 0, 50, 100
  assert.match(lines[0], /^Epoch 000: Loss: \d\.\d{3}, Accuracy: \d+\.\d{3}%$/);
  assert.ok(loss[100] < loss[0]);
  assert.ok(accuracy[100] > 0.85, `accuracy ${accuracy[100]}`);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("examples/pytorch_style_loop trains with a Dataset loader and leaks nothing", async () => {
  const before = tf.memory().numTensors;
  const { batchLosses, accuracy } = await pytorchLoop({ epochs: 5, print: () => {} });
  assert.equal(batchLosses.length, 5 * Math.ceil(569 / 32));
  assert.ok(accuracy[4] > 90, `accuracy ${accuracy[4]}`);
  assert.equal(tf.memory().numTensors, before);
});
