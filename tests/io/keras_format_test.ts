import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import h5wasm from "h5wasm";
import { layers, Model, registerSerializable, Sequential, setSeed, tf } from "../../mod.ts";
import { classifierData, smallClassifier, tempDir } from "./_helpers.ts";

async function openWeights(path: string) {
  const entries = unzipSync(await Deno.readFile(path));
  const { FS } = await h5wasm.ready;
  const name = `/test-${crypto.randomUUID()}.h5`;
  FS!.writeFile(name, entries["model.weights.h5"]);
  return { entries, h5: new h5wasm.File(name, "r") };
}

function dataset(h5: InstanceType<typeof h5wasm.File>, path: string) {
  const d = h5.get(path);
  assert.ok(d instanceof h5wasm.Dataset, `${path} is a dataset`);
  return d;
}

Deno.test("Model.save .keras writes Keras 3's archive, config and weights layout", async () => {
  const { dir, cleanup } = await tempDir();
  const { x, y } = classifierData();
  const model = smallClassifier();
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  await model.save(`${dir}/m.keras`);
  const { entries, h5 } = await openWeights(`${dir}/m.keras`);
  assert.deepEqual(Object.keys(entries).sort(), [
    "config.json",
    "metadata.json",
    "model.weights.h5",
  ]);

  const metadata = JSON.parse(new TextDecoder().decode(entries["metadata.json"]));
  assert.match(metadata.keras_version, /^3\.\d+\.\d+$/);
  assert.match(metadata.date_saved, /^\d{4}-\d{2}-\d{2}@\d{2}:\d{2}:\d{2}$/);

  const config = JSON.parse(new TextDecoder().decode(entries["config.json"]));
  assert.equal(config.module, "keras");
  assert.equal(config.class_name, "Sequential");
  assert.equal(config.registered_name, null);
  assert.deepEqual(config.build_config, { input_shape: [null, 3] });
  const [input, dense] = config.config.layers;
  assert.equal(input.class_name, "InputLayer");
  assert.deepEqual(input.config.batch_shape, [null, 3]);
  assert.equal(dense.module, "keras.layers");
  assert.equal(dense.class_name, "Dense");
  assert.equal(dense.config.units, 6);
  assert.equal(dense.config.activation, "relu");
  assert.equal(dense.config.use_bias, true);
  assert.deepEqual(dense.config.kernel_initializer, {
    module: "keras.initializers",
    class_name: "GlorotUniform",
    config: { seed: null },
    registered_name: null,
  });
  assert.deepEqual(dense.build_config, { input_shape: [null, 3] });
  assert.equal(config.compile_config.optimizer.class_name, "Adam");
  assert.equal(config.compile_config.optimizer.config.beta_1, 0.9);
  assert.equal(config.compile_config.loss, "sparse_categorical_crossentropy");

  // Keras 3 layout: layers/<snake_case class name>[_n]/vars/<i>, whatever the layer names.
  const [d0, bn, drop, d1] = model.layers;
  const expectGroup = (path: string, layer: typeof d0, count: number) => {
    const g = h5.get(`${path}/vars`) as InstanceType<typeof h5wasm.Group>;
    assert.ok(g instanceof h5wasm.Group, path);
    assert.equal(g.attrs.name.value, layer.name);
    assert.deepEqual(g.keys().sort(), Array.from({ length: count }, (_, i) => String(i)));
    layer.weights.forEach((w, i) => {
      const d = dataset(h5, `${path}/vars/${i}`);
      assert.deepEqual(d.shape, w.shape);
      assert.deepEqual(Array.from(d.value as Float32Array), Array.from(w.dataSync()));
    });
  };
  expectGroup("layers/dense", d0, 2);
  expectGroup("layers/batch_normalization", bn, 4); // gamma, beta, moving_mean, moving_variance
  expectGroup("layers/dropout", drop, 0);
  expectGroup("layers/dense_1", d1, 2);
  assert.deepEqual(dataset(h5, "layers/batch_normalization/vars/2").shape, [6]);

  // optimizer/vars: iterations, learning_rate, then Adam's momentum and velocity per variable.
  const opt = h5.get("optimizer/vars") as InstanceType<typeof h5wasm.Group>;
  assert.equal(opt.keys().length, 2 + 2 * model.trainableWeights.length);
  assert.equal(Number(dataset(h5, "optimizer/vars/0").value), 2);
  assert.ok(Math.abs(Number(dataset(h5, "optimizer/vars/1").value) - 0.001) < 1e-9);
  assert.deepEqual(dataset(h5, "optimizer/vars/2").shape, [3, 6]);
  h5.close();
  model.dispose();
  tf.dispose([x, y]);
  await cleanup();
});

class Towers extends Model {
  right = new layers.Dense(2);
  left = new layers.Dense(3);
  head = new layers.Dense(1);
  override call(x: tf.Tensor): tf.Tensor {
    return this.head.apply(tf.concat([this.left.apply(x), this.right.apply(x)], 1));
  }
}
registerSerializable(Towers);

Deno.test("Model.save .keras stores a subclassed model's layers under their sorted field names", async () => {
  const { dir, cleanup } = await tempDir();
  setSeed(2);
  const model = new Towers();
  model.build([null, 4]);
  await model.save(`${dir}/t.keras`);
  const { entries, h5 } = await openWeights(`${dir}/t.keras`);
  const config = JSON.parse(new TextDecoder().decode(entries["config.json"]));
  assert.equal(config.class_name, "Towers");
  assert.equal(config.registered_name, "Custom>Towers");
  assert.deepEqual(config.build_config, { input_shape: [null, 4] });
  assert.deepEqual(h5.keys().sort(), ["head", "left", "right", "vars"]);
  assert.deepEqual(dataset(h5, "left/vars/0").shape, [4, 3]);
  assert.deepEqual(dataset(h5, "right/vars/0").shape, [4, 2]);
  assert.deepEqual(dataset(h5, "head/vars/0").shape, [5, 1]);
  h5.close();
  model.dispose();
  await cleanup();
});

Deno.test("Model.saveWeights .weights.h5 writes the same layout without optimizer", async () => {
  const { dir, cleanup } = await tempDir();
  const model = new Sequential([new layers.Dense(2, { inputShape: [3] }), new layers.Dense(1)]);
  await model.saveWeights(`${dir}/w.weights.h5`);
  const { FS } = await h5wasm.ready;
  FS!.writeFile("/w-test.h5", await Deno.readFile(`${dir}/w.weights.h5`));
  const h5 = new h5wasm.File("/w-test.h5", "r");
  assert.deepEqual(h5.keys().sort(), ["layers", "vars"]);
  assert.deepEqual((h5.get("layers") as InstanceType<typeof h5wasm.Group>).keys().sort(), [
    "dense",
    "dense_1",
  ]);
  assert.deepEqual(dataset(h5, "layers/dense_1/vars/0").shape, [2, 1]);
  h5.close();
  model.dispose();
  await cleanup();
});

Deno.test(".keras: a compiled model that never trained loads compiled, without a warning", async () => {
  const { dir, cleanup } = await tempDir();
  const model = new Sequential([new layers.Dense(2, { inputShape: [3] })]);
  model.compile({ optimizer: "adam", loss: "mse" });
  await model.save(`${dir}/fresh.keras`);
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    const { loadModel } = await import("../../mod.ts");
    const loaded = await loadModel(`${dir}/fresh.keras`);
    assert.deepEqual(warnings, []);
    assert.equal(loaded.optimizer.iterations, 0);
    loaded.dispose();
  } finally {
    console.warn = warn;
    model.dispose();
    await cleanup();
  }
});
