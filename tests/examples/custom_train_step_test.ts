import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { main } from "../../examples/custom_train_step.ts";

Deno.test("examples/custom_train_step: its own trainStep learns; the two-optimizer GAN trains both", async () => {
  const lines: string[] = [];
  const before = tf.memory().numTensors;
  const result = await main({ epochs: 10, ganEpochs: 12, print: (l) => lines.push(l) });
  assert.equal(lines.length, 2);
  assert.equal(result.loss.length, 10);
  assert.equal(result.mae.length, 10);
  assert.ok(result.loss[9] < result.loss[0] / 10, `loss ${result.loss}`);
  assert.ok(result.valLoss[9] < 0.1, `val_loss ${result.valLoss}`);
  assert.equal(result.dLoss.length, 12);
  for (const v of [...result.dLoss, ...result.gLoss]) assert.ok(Number.isFinite(v));
  assert.ok(Number.isFinite(result.generatedMean));
  assert.equal(tf.memory().numTensors, before);
});
