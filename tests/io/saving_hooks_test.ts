/**
 * The serialization hooks of Keras's saving guide are called by `save` and
 * `loadModel` in both formats, with Keras 3's semantics, and `tf.Variable`
 * fields are saved and restored.
 */
import assert from "node:assert/strict";
import {
  Layer,
  loadModel,
  Model,
  registerSerializable,
  type Shape,
  tf,
  type VariableStore,
} from "../../mod.ts";
import type { CompileOptions } from "../../engine/compile.ts";
import { tempDir } from "./_helpers.ts";

const FORMATS = [
  ["the .keras format", "model.keras"],
  ["the TensorFlow.js format", "model_dir"],
] as const;

/** A model with a tf.Variable field and nothing else. */
class ScaledIdentity extends Model {
  scale = tf.variable(tf.scalar(0.369));
  override call(x: tf.Tensor): tf.Tensor {
    return tf.mul(x, this.scale);
  }
}
registerSerializable(ScaledIdentity);

for (const [format, file] of FORMATS) {
  Deno.test(`a tf.Variable field saves 0.135 and restores 0.135 in ${format}`, async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const model = new ScaledIdentity();
      model.build([null, 2]);
      model.scale.assign(tf.scalar(0.135));
      await model.save(`${dir}/${file}`);
      const loaded = await loadModel(`${dir}/${file}`) as ScaledIdentity;
      assert.ok(Math.abs(loaded.scale.dataSync()[0] - 0.135) < 1e-7);
      assert.deepEqual(loaded.weights, [loaded.scale]);
      model.dispose();
      loaded.dispose();
    } finally {
      await cleanup();
    }
  });
}

const log: string[] = [];

/** A layer with state beyond its weights: a call counter (a variable of its own) and a vocabulary (an asset). */
class Vocabulary extends Layer {
  vocabulary: string[] = [];
  calls = 0;
  kernel!: tf.Variable;
  override build(inputShape: Shape): void {
    this.kernel = this.addWeight({
      shape: [inputShape[1]!, 2],
      initializer: "ones",
      name: "kernel",
    });
  }
  override call(x: tf.Tensor): tf.Tensor {
    return tf.matMul(x as tf.Tensor2D, this.kernel);
  }
  override saveOwnVariables(store: VariableStore): void {
    log.push("saveOwnVariables");
    store["0"] = this.kernel;
    store["1"] = tf.scalar(this.calls, "int32");
  }
  override loadOwnVariables(store: VariableStore): void {
    log.push(`loadOwnVariables ${Object.keys(store).join(",")}`);
    this.kernel.assign(store["0"]);
    this.calls = store["1"].dataSync()[0];
  }
  override async saveAssets(dir: string): Promise<void> {
    log.push("saveAssets");
    await Deno.writeTextFile(`${dir}/vocabulary.txt`, this.vocabulary.join("\n"));
  }
  override async loadAssets(dir: string): Promise<void> {
    log.push("loadAssets");
    this.vocabulary = (await Deno.readTextFile(`${dir}/vocabulary.txt`)).split("\n");
  }
}
registerSerializable(Vocabulary);

/** Records every saving hook of a model. */
class Recorder extends Model {
  words = new Vocabulary();
  override call(x: tf.Tensor): tf.Tensor {
    return this.words.apply(x);
  }
  override getBuildConfig(): Record<string, unknown> | null {
    log.push("getBuildConfig");
    return { ...super.getBuildConfig(), note: "kept" };
  }
  override buildFromConfig(config: Record<string, unknown>): void {
    log.push(`buildFromConfig ${JSON.stringify(config)}`);
    super.buildFromConfig(config);
  }
  override getCompileConfig(): CompileOptions | null {
    log.push("getCompileConfig");
    return super.getCompileConfig();
  }
  override compileFromConfig(config: CompileOptions): void {
    log.push(`compileFromConfig ${String(config.loss)}`);
    super.compileFromConfig(config);
  }
}
registerSerializable(Recorder);

for (const [format, file] of FORMATS) {
  Deno.test(`save and loadModel call every saving hook in ${format}, and their data round-trips`, async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const model = new Recorder();
      model.build([null, 3]);
      model.compile({ optimizer: "sgd", loss: "mse" });
      model.words.kernel.assign(tf.fill([3, 2], 0.25));
      model.words.calls = 7;
      model.words.vocabulary = ["a", "b", "c"];
      log.length = 0;
      await model.save(`${dir}/${file}`);
      assert.deepEqual(
        [...log].sort(),
        ["getBuildConfig", "getCompileConfig", "saveAssets", "saveOwnVariables"],
      );
      log.length = 0;
      const loaded = await loadModel(`${dir}/${file}`) as Recorder;
      assert.deepEqual(log, [
        'buildFromConfig {"inputShape":[null,3],"note":"kept"}',
        "loadOwnVariables 0,1",
        "loadAssets",
        "compileFromConfig mse",
      ]);
      assert.ok(loaded.built);
      assert.deepEqual(Array.from(loaded.words.kernel.dataSync()), Array(6).fill(0.25));
      assert.equal(loaded.words.calls, 7);
      assert.deepEqual(loaded.words.vocabulary, ["a", "b", "c"]);
      assert.ok(loaded.compiled !== null);
      model.dispose();
      loaded.dispose();
    } finally {
      await cleanup();
    }
  });
}

Deno.test("model.save writes a layer's assets under assets/<layer path> in both formats", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const model = new Recorder();
    model.build([null, 3]);
    model.words.vocabulary = ["x"];
    await model.save(`${dir}/model_dir`);
    assert.equal(await Deno.readTextFile(`${dir}/model_dir/assets/words/vocabulary.txt`), "x");
    await model.save(`${dir}/model.keras`);
    const { unzipSync } = await import("fflate");
    const entries = unzipSync(await Deno.readFile(`${dir}/model.keras`));
    assert.equal(new TextDecoder().decode(entries["assets/words/vocabulary.txt"]), "x");
    model.dispose();
  } finally {
    await cleanup();
  }
});

Deno.test("Layer's default saveOwnVariables and loadOwnVariables use keys 0, 1, … and check shapes", () => {
  class Two extends Layer {
    a = tf.variable(tf.ones([2]));
    b = tf.variable(tf.zeros([3]));
    override call(x: tf.Tensor): tf.Tensor {
      return x;
    }
  }
  const layer = new Two();
  const store: VariableStore = {};
  layer.saveOwnVariables(store);
  assert.deepEqual(Object.keys(store), ["0", "1"]);
  assert.equal(store["0"], layer.a);
  const values = { "0": tf.fill([2], 5), "1": tf.fill([3], 6) };
  layer.loadOwnVariables(values);
  assert.deepEqual(Array.from(layer.b.dataSync()), [6, 6, 6]);
  const bad = { "0": tf.fill([2], 1), "1": tf.fill([4], 1) };
  assert.throws(
    () => layer.loadOwnVariables(bad),
    /weight "b" has shape \[3\] and the stored value \[4\]/,
  );
  assert.deepEqual(Array.from(layer.a.dataSync()), [5, 5]); // nothing assigned
  assert.throws(
    () => layer.loadOwnVariables({ "0": values["0"] }),
    /has 2 weights and the store holds 1/,
  );
  tf.dispose([...Object.values(values), ...Object.values(bad)]);
  layer.dispose();
});

Deno.test("saveWeights and loadWeights call the variable hooks (Keras H5 and kerno checkpoint files)", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    for (const file of ["model.weights.h5", "model.ckpt"]) {
      const model = new Recorder();
      model.build([null, 3]);
      model.words.kernel.assign(tf.fill([3, 2], 0.5));
      model.words.calls = 3;
      await model.saveWeights(`${dir}/${file}`);
      const other = new Recorder();
      other.build([null, 3]);
      log.length = 0;
      await other.loadWeights(`${dir}/${file}`);
      assert.deepEqual(log, ["loadOwnVariables 0,1"], file);
      assert.deepEqual(Array.from(other.words.kernel.dataSync()), Array(6).fill(0.5), file);
      assert.equal(other.words.calls, 3, file);
      model.dispose();
      other.dispose();
    }
  } finally {
    await cleanup();
  }
});
