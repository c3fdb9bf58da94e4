import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { main } from "../../examples/gradient_descent_variants.ts";

Deno.test("batch, stochastic and mini-batch gradient descent train the same network to their stated losses", async () => {
  const before = tf.memory().numTensors;
  const results = await main({ epochs: 20, print: () => {} });
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  // Updates per epoch on iris's 150 samples: 1, 150 and ceil(150 / 16) = 10.
  assert.deepEqual(results.map((r) => r.updatesPerEpoch), [1, 150, 10]);
  const last = (name: string) => byName[name].loss[byName[name].loss.length - 1];
  assert.ok(last("batch") < 0.9, `batch ${last("batch")}`);
  assert.ok(last("mini-batch") < 0.5, `mini-batch ${last("mini-batch")}`);
  assert.ok(last("stochastic") < 0.15, `stochastic ${last("stochastic")}`);
  // More updates per epoch, lower loss after the same number of epochs.
  assert.ok(last("stochastic") < last("mini-batch") && last("mini-batch") < last("batch"));
  assert.equal(tf.memory().numTensors, before);
});
