import assert from "node:assert/strict";
import {
  getActivation,
  initializers,
  layers,
  loadModel,
  regularizers,
  Sequential,
  tf,
} from "../../mod.ts";
import { getLoss } from "../../losses/get.ts";
import { getMetric } from "../../metrics/get.ts";
import { getOptimizer } from "../../optimizers/get.ts";
import { deserializeSchedule } from "../../optimizers/schedules/serialization.ts";
import { registeredObject, resolveClass } from "../../io/register_serializable.ts";
import { tempDir } from "./_helpers.ts";

/** Names every plain object inherits: a lookup table must not find them. */
const INHERITED = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];

/** Every name → thing lookup a file can reach, each called with a name. */
const REGISTRIES: Record<string, (name: string) => unknown> = {
  activation: (n) => getActivation(n),
  "initializer name": (n) => initializers.getInitializer(n),
  "initializer config": (n) => initializers.deserialize({ class_name: n, config: {} }),
  "regularizer name": (n) => regularizers.getRegularizer(n),
  "regularizer config": (n) => regularizers.deserialize({ class_name: n, config: {} }),
  loss: (n) => getLoss(n),
  metric: (n) => getMetric(n),
  "optimizer name": (n) => getOptimizer(n),
  "optimizer config": (n) => getOptimizer({ className: n, config: {} }),
  schedule: (n) => deserializeSchedule({ className: n, config: {} }),
  "layer class": (n) => resolveClass(n, null, "model.json"),
  "registered name": (n) => resolveClass(n, n, "model.json"),
};

Deno.test("every registry treats inherited property names as unknown names", () => {
  for (const [registry, lookup] of Object.entries(REGISTRIES)) {
    for (const name of INHERITED) {
      assert.throws(
        () => lookup(name),
        (e: Error) => {
          assert.ok(e instanceof TypeError, `${registry} ${name}: ${e}`);
          assert.match(e.message, /unknown|not a known|neither built into kerno|must be/, registry);
          return true;
        },
        `${registry} accepted ${JSON.stringify(name)}`,
      );
    }
  }
  for (const name of INHERITED) assert.equal(registeredObject(`Custom>${name}`), undefined);
  assert.equal(registeredObject("constructor"), undefined);
});

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/** A compiled model saved as a TensorFlow.js directory; `edit` changes its model.json. */
async function savedWith(edit: (json: Json) => void): Promise<{
  path: string;
  cleanup: () => Promise<void>;
}> {
  const { dir, cleanup } = await tempDir();
  const model = new Sequential([
    new layers.Dense(3, { inputShape: [2], activation: "relu", kernelRegularizer: "l2" }),
    new layers.Dense(1),
  ]);
  model.compile({ optimizer: "adam", loss: "mse", metrics: ["mae"] });
  await model.save(`${dir}/m`);
  model.dispose();
  const json = JSON.parse(await Deno.readTextFile(`${dir}/m/model.json`));
  edit(json);
  await Deno.writeTextFile(`${dir}/m/model.json`, JSON.stringify(json));
  return { path: `${dir}/m`, cleanup };
}

const firstLayer = (j: Json): Json => j.modelTopology.config.layers[0];

Deno.test("loadModel refuses a class, activation, initializer or regularizer named like an inherited property", async () => {
  const edits: [string, (j: Json, name: string) => void][] = [
    ["class", (j, n) => (firstLayer(j).class_name = n)],
    ["activation", (j, n) => (firstLayer(j).config.activation = n)],
    ["initializer", (j, n) => (firstLayer(j).config.kernel_initializer = n)],
    [
      "initializer",
      (j, n) => (firstLayer(j).config.kernel_initializer = { class_name: n, config: {} }),
    ],
    [
      "regularizer",
      (j, n) => (firstLayer(j).config.kernel_regularizer = { class_name: n, config: {} }),
    ],
  ];
  for (const [what, edit] of edits) {
    for (const name of ["constructor", "toString"]) {
      const { path, cleanup } = await savedWith((j) => edit(j, name));
      const before = tf.memory().numTensors;
      await assert.rejects(loadModel(path), (e: Error) => {
        assert.match(e.message, /model\.json/, `${what} ${name}`);
        assert.ok(e.message.includes(name), `${what} ${name}: ${e.message}`);
        assert.doesNotMatch(e.message, /is not a function|Cannot read properties/);
        return true;
      });
      assert.equal(tf.memory().numTensors, before, `${what} ${name} leaked`);
      await cleanup();
    }
  }
});

Deno.test("loadModel treats a loss, metric, optimizer or schedule named like an inherited property as unknown", async () => {
  const edits: [string, (j: Json) => void][] = [
    ["loss", (j) => (j.modelTopology.training_config.loss = "constructor")],
    ["metric", (j) => (j.modelTopology.training_config.metrics = ["constructor"])],
    ["optimizer", (j) => (j.kerno.optimizer.className = "constructor")],
    [
      "schedule",
      (j) => (j.kerno.optimizer.config.learningRate = { className: "toString", config: {} }),
    ],
  ];
  const warn = console.warn;
  for (const [what, edit] of edits) {
    const { path, cleanup } = await savedWith(edit);
    const warnings: string[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
    try {
      // The usual answer for an unknown compile setting: loaded uncompiled, with a warning naming the file.
      const model = await loadModel(path);
      assert.equal(model.compiled, null, what);
      model.dispose();
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, 1, what);
    assert.match(warnings[0], /model\.json/, what);
    assert.match(warnings[0], /constructor|toString/, what);
    assert.doesNotMatch(warnings[0], /is not a function/, what);
    await cleanup();
  }
});
