import assert from "node:assert/strict";
import { unzipSync, zipSync } from "fflate";
import * as tfl from "@tensorflow/tfjs";
import { loadWithTfjs, saveWithTfjs } from "./_tfjs.ts";
import {
  Input,
  Layer,
  type LayerInputs,
  layers,
  loadModel,
  Model,
  registerSerializable,
  Sequential,
  setSeed,
  type SymbolicTensor,
  tf,
} from "../../mod.ts";
import { tempDir } from "./_helpers.ts";

type Json = Record<string, unknown>;
type KerasLayer = { name: string; class_name: string; config: Json; inbound_nodes: Json[] };

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])),
      `index ${i}: ${a[i]} vs ${b[i]}`,
    );
  }
}

/** A model's outputs on data, as plain arrays keyed by output name. */
function outputsOf(model: Model, data: unknown): Record<string, number[]> {
  const out = model.apply(data as tf.Tensor) as unknown;
  const names = model.outputNames;
  const list = out instanceof tf.Tensor
    ? [out]
    : Array.isArray(out)
    ? out as tf.Tensor[]
    : names.map((n) => (out as Record<string, tf.Tensor>)[n]);
  const values = Object.fromEntries(names.map((n, i) => [n, Array.from(list[i].dataSync())]));
  tf.dispose(list);
  return values;
}

function assertSameOutputs(got: Record<string, number[]>, expected: Record<string, number[]>) {
  assert.deepEqual(Object.keys(got), Object.keys(expected));
  for (const key of Object.keys(expected)) assertClose(got[key], expected[key]);
}

async function kerasConfig(path: string): Promise<Json> {
  const entries = unzipSync(await Deno.readFile(path));
  return JSON.parse(new TextDecoder().decode(entries["config.json"]));
}

/**
 * A ticket classifier: an int32 title and body through one shared Embedding
 * (lengths 4 and 7), added; float tags through a nested Sequential;
 * concatenated; two outputs given as a record.
 */
function ticketModel(): Model {
  setSeed(12);
  const title = Input({ shape: [4], dtype: "int32", name: "title" });
  const body = Input({ shape: [7], dtype: "int32", name: "body" });
  const tags = Input({ shape: [5], name: "tags" });
  const embed = new layers.Embedding(20, 6, { name: "fs_shared_embedding" });
  const pool = (x: SymbolicTensor) => new layers.GlobalAveragePooling1D().apply(x);
  const text = new layers.Add({ name: "fs_text" }).apply([
    pool(embed.apply(title)),
    pool(embed.apply(body)),
  ]);
  const tagNet = new Sequential([
    new layers.Dense(6, { activation: "relu", name: "fs_tag_hidden" }),
    new layers.BatchNormalization({ name: "fs_tag_norm" }),
    new layers.Dense(6, { name: "fs_tag_out" }),
  ], { name: "fs_tag_net" });
  const joined = new layers.Concatenate({ name: "fs_joined" }).apply([text, tagNet.apply(tags)]);
  const hidden = new layers.Dense(8, { activation: "relu", name: "fs_hidden" }).apply(joined);
  const kept = new layers.Dropout(0.5, { name: "fs_dropout" }).apply(hidden, { training: false });
  const priority = new layers.Dense(1, { activation: "sigmoid", name: "fs_priority" }).apply(kept);
  const department = new layers.Dense(3, { activation: "softmax", name: "fs_department" })
    .apply(kept);
  return new Model({
    inputs: { title, body, tags },
    outputs: { priority, department },
    name: "fs_ticket",
  });
}

function ticketData(): Record<string, tf.Tensor> {
  return {
    title: tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 0], [19, 0, 0, 0]], [3, 4], "int32"),
    body: tf.tensor2d(
      [[1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 0], [2, 2, 2, 2, 0, 0, 0]],
      [3, 7],
      "int32",
    ),
    tags: tf.randomNormal([3, 5], 0, 1, "float32", 4),
  };
}

/** Moves the moving statistics of BatchNormalization off their initial values. */
function perturbWeights(model: Model): void {
  for (const w of model.weights) {
    tf.tidy(() => w.assign(tf.add(w, tf.mul(0.1, tf.randomNormal(w.shape, 0, 1, "float32", 7)))));
  }
}

for (const format of [".keras", "TensorFlow.js directory"]) {
  Deno.test(`a functional model round-trips through the ${format} format: two inputs through a shared Embedding, merges, a nested Sequential, record outputs`, async () => {
    const { dir, cleanup } = await tempDir();
    const path = format === ".keras" ? `${dir}/ticket.keras` : `${dir}/ticket`;
    const model = ticketModel();
    perturbWeights(model);
    const data = ticketData();
    const expected = outputsOf(model, data);
    const before = tf.memory().numTensors;
    await model.save(path);
    const loaded = await loadModel(path);
    assert.equal(loaded.name, "fs_ticket");
    assert.deepEqual(loaded.inputNames, ["title", "body", "tags"]);
    assert.deepEqual(loaded.outputNames, ["priority", "department"]);
    assert.equal(loaded.graph!.inputKind, "record");
    assert.equal(loaded.graph!.outputKind, "record");
    assertSameOutputs(outputsOf(loaded, data), expected);
    // The shared Embedding is one layer, called twice, with one set of weights.
    const embed = loaded.getLayer("fs_shared_embedding");
    assert.equal(embed.inboundNodes.length, 2);
    assert.equal(embed.weights.length, 1);
    assert.equal(loaded.weights.length, model.weights.length);
    assert.ok(loaded.getLayer("fs_tag_net") instanceof Sequential);
    assert.equal(loaded.getLayer("fs_dropout").inboundNodes[0].training, false);
    loaded.dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(Object.values(data));
    model.dispose();
    await cleanup();
  });
}

Deno.test("the .keras config of a functional model follows Keras 3's functional serialization", async () => {
  const { dir, cleanup } = await tempDir();
  const model = ticketModel();
  await model.save(`${dir}/ticket.keras`);
  const config = await kerasConfig(`${dir}/ticket.keras`);
  assert.equal(config.module, "keras.src.models.functional");
  assert.equal(config.class_name, "Functional");
  assert.equal(config.registered_name, "Functional");
  const inner = config.config as Json;
  assert.equal(inner.name, "fs_ticket");
  assert.equal(inner.trainable, true);
  assert.deepEqual(inner.input_layers, {
    title: ["title", 0, 0],
    body: ["body", 0, 0],
    tags: ["tags", 0, 0],
  });
  assert.deepEqual(inner.output_layers, {
    priority: ["fs_priority", 0, 0],
    department: ["fs_department", 0, 0],
  });
  const byName = new Map((inner.layers as KerasLayer[]).map((l) => [l.name, l]));
  const title = byName.get("title")!;
  assert.equal(title.class_name, "InputLayer");
  assert.deepEqual(title.config, {
    batch_shape: [null, 4],
    dtype: "int32",
    sparse: false,
    name: "title",
  });
  assert.deepEqual(title.inbound_nodes, []);
  const embed = byName.get("fs_shared_embedding")!;
  assert.deepEqual(embed.inbound_nodes, [
    {
      args: [{
        class_name: "__keras_tensor__",
        config: { shape: [null, 4], dtype: "int32", keras_history: ["title", 0, 0] },
      }],
      kwargs: {},
    },
    {
      args: [{
        class_name: "__keras_tensor__",
        config: { shape: [null, 7], dtype: "int32", keras_history: ["body", 0, 0] },
      }],
      kwargs: {},
    },
  ]);
  // The layer after the second call reads node 1 of the shared Embedding.
  const pools = (inner.layers as KerasLayer[]).filter((l) =>
    l.class_name === "GlobalAveragePooling1D"
  );
  const histories = pools.map((p) => {
    const arg = (p.inbound_nodes[0].args as Json[])[0];
    return (arg.config as Json).keras_history;
  });
  assert.deepEqual(histories, [["fs_shared_embedding", 0, 0], ["fs_shared_embedding", 1, 0]]);
  // A merge layer's call takes a list of tensors.
  const add = byName.get("fs_text")!;
  const addArgs = add.inbound_nodes[0].args as Json[][];
  assert.equal(addArgs.length, 1);
  assert.equal(addArgs[0].length, 2);
  assert.ok(addArgs[0].every((t) => t.class_name === "__keras_tensor__"));
  // The nested Sequential is a layer entry of its own, with its layers inside.
  const tagNet = byName.get("fs_tag_net") as KerasLayer & { module: string };
  assert.equal(tagNet.class_name, "Sequential");
  assert.equal(tagNet.module, "keras");
  assert.deepEqual(
    (tagNet.config.layers as KerasLayer[]).map((l) => l.class_name),
    ["InputLayer", "Dense", "BatchNormalization", "Dense"],
  );
  // A call with training fixed keeps it in kwargs.
  assert.deepEqual(byName.get("fs_dropout")!.inbound_nodes[0].kwargs, { training: false });
  model.dispose();
  await cleanup();
});

Deno.test("a kerno-saved functional model loads in TensorFlow.js and predicts the same", async () => {
  const { dir, cleanup } = await tempDir();
  const model = ticketModel();
  perturbWeights(model);
  const data = ticketData();
  const expected = outputsOf(model, data);
  await model.save(dir);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  assert.equal(json.modelTopology.class_name, "Model");
  assert.deepEqual(json.modelTopology.config.output_layers, [
    ["fs_priority", 0, 0],
    ["fs_department", 0, 0],
  ]);
  // TensorFlow.js gives a nested model a node of its own first: its call is node 1.
  const joined = json.modelTopology.config.layers.find((l: KerasLayer) => l.name === "fs_joined");
  assert.deepEqual(joined.inbound_nodes, [[["fs_text", 0, 0, {}], ["fs_tag_net", 1, 0, {}]]]);
  const theirs = await loadWithTfjs(dir);
  assert.deepEqual(theirs.inputNames, ["title", "body", "tags"]);
  const got = theirs.predict([data.title, data.body, data.tags]) as tf.Tensor[];
  assertClose(got[0].dataSync(), expected.priority);
  assertClose(got[1].dataSync(), expected.department);
  tf.dispose(got);
  theirs.dispose();
  tf.dispose(Object.values(data));
  model.dispose();
  await cleanup();
});

Deno.test("a functional model TensorFlow.js Layers saved loads in kerno and predicts the same", async () => {
  const { dir, cleanup } = await tempDir();
  const title = tfl.input({ shape: [4], dtype: "int32", name: "tf_title" });
  const body = tfl.input({ shape: [7], dtype: "int32", name: "tf_body" });
  const tags = tfl.input({ shape: [5], name: "tf_tags" });
  const embed = tfl.layers.embedding({ inputDim: 20, outputDim: 6 });
  const pool = () => tfl.layers.globalAveragePooling1d({});
  const text = tfl.layers.add().apply([
    pool().apply(embed.apply(title)),
    pool().apply(embed.apply(body)),
  ] as tfl.SymbolicTensor[]);
  const tagNet = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 6, activation: "relu", inputShape: [5] }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({ units: 6 }),
    ],
  });
  const joined = tfl.layers.concatenate().apply([
    text,
    tagNet.apply(tags),
  ] as tfl.SymbolicTensor[]) as tfl.SymbolicTensor;
  const hidden = tfl.layers.dense({ units: 8, activation: "tanh" }).apply(joined);
  const priority = tfl.layers.dense({ units: 1, activation: "sigmoid" }).apply(hidden);
  const department = tfl.layers.dense({ units: 3, activation: "softmax" }).apply(hidden);
  const theirs = tfl.model({
    inputs: [title, body, tags],
    outputs: [priority, department] as tfl.SymbolicTensor[],
  });
  // Moving statistics off their initial values, so that they are checked too.
  for (const w of theirs.weights) {
    tfl.tidy(() => {
      const noise = tfl.randomNormal(w.shape as number[], 0, 1, "float32", 3);
      w.write(tfl.add(w.read(), tfl.mul(0.1, noise)));
    });
  }
  await saveWithTfjs(theirs, dir);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  assert.equal(json.modelTopology.class_name, "Model");
  const data = ticketData();
  const inputs = [data.title, data.body, data.tags];
  const expected = theirs.predict(inputs) as tf.Tensor[];
  const before = tf.memory().numTensors;
  const ours = await loadModel(dir);
  assert.deepEqual(ours.inputNames, ["tf_title", "tf_body", "tf_tags"]);
  assert.equal(ours.graph!.outputKind, "array");
  const got = ours.apply(inputs) as unknown as tf.Tensor[];
  assert.equal(got.length, 2);
  assertClose(got[0].dataSync(), expected[0].dataSync());
  assertClose(got[1].dataSync(), expected[1].dataSync());
  assert.ok(ours.layers.some((l) => l instanceof Sequential));
  tf.dispose(got);
  ours.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([...expected, ...inputs]);
  theirs.dispose();
  await cleanup();
});

/** A functional model with a nested functional model whose output is the model's output. */
function nestedModel(): Model {
  setSeed(5);
  const innerIn = Input({ shape: [3], name: "fs_inner_in" });
  const innerOut = new layers.Dense(4, { activation: "tanh", name: "fs_inner_dense" }).apply(
    innerIn,
  );
  const inner = new Model({ inputs: innerIn, outputs: innerOut, name: "fs_inner" });
  const a = Input({ shape: [3], name: "fs_a" });
  const b = Input({ shape: [3], name: "fs_b" });
  const left = inner.apply(a); // the nested model, shared by both inputs
  const right = inner.apply(b);
  const diff = new layers.Multiply({ name: "fs_diff" }).apply([left, right]);
  const score = new layers.Dense(1, { name: "fs_score" }).apply(diff);
  return new Model({ inputs: [a, b], outputs: [score, right], name: "fs_siamese" });
}

for (const format of [".keras", "TensorFlow.js directory"]) {
  Deno.test(`a nested functional model, shared and an output, round-trips through the ${format} format`, async () => {
    const { dir, cleanup } = await tempDir();
    const keras = format === ".keras";
    const path = keras ? `${dir}/siamese.keras` : `${dir}/siamese`;
    const model = nestedModel();
    const x = [
      tf.randomNormal([4, 3], 0, 1, "float32", 1),
      tf.randomNormal([4, 3], 0, 1, "float32", 2),
    ];
    const expected = outputsOf(model, x);
    await model.save(path);
    if (keras) {
      const inner = (await kerasConfig(path)).config as Json;
      // Keras 3 shifts a nested functional model's node by one in output_layers only.
      assert.deepEqual(inner.output_layers, [["fs_score", 0, 0], ["fs_inner", 2, 0]]);
      const diff = (inner.layers as KerasLayer[]).find((l) => l.name === "fs_diff")!;
      const refs = (diff.inbound_nodes[0].args as Json[][])[0].map((t) =>
        (t.config as Json).keras_history
      );
      assert.deepEqual(refs, [["fs_inner", 0, 0], ["fs_inner", 1, 0]]);
      const entry = (inner.layers as (KerasLayer & { module: string })[]).find((l) =>
        l.name === "fs_inner"
      )!;
      assert.equal(entry.class_name, "Functional");
      assert.equal(entry.module, "keras.src.models.functional");
      assert.deepEqual((entry.config as Json).input_layers, ["fs_inner_in", 0, 0]);
    } else {
      const theirs = await loadWithTfjs(path);
      const got = theirs.predict(x) as tf.Tensor[];
      assertClose(got[0].dataSync(), expected.fs_score);
      assertClose(got[1].dataSync(), expected[model.outputNames[1]]);
      tf.dispose(got);
      theirs.dispose();
    }
    const loaded = await loadModel(path);
    assert.equal(loaded.graph!.outputKind, "array");
    assert.deepEqual(loaded.outputNames, model.outputNames);
    assertSameOutputs(outputsOf(loaded, x), expected);
    const inner = loaded.getLayer("fs_inner");
    assert.ok(inner instanceof Model && inner.graph !== null);
    assert.equal(inner.inboundNodes.length, 2);
    assert.equal(loaded.weights.length, model.weights.length);
    loaded.dispose();
    tf.dispose(x);
    model.dispose();
    await cleanup();
  });
}

Deno.test("a Sequential model that starts at an Input saves and loads in both formats", async () => {
  const { dir, cleanup } = await tempDir();
  setSeed(9);
  const model = new Sequential([
    Input({ shape: [6], dtype: "int32", name: "fs_tokens" }),
    new layers.Embedding(10, 3),
    new layers.Flatten(),
    new layers.Dense(2, { activation: "softmax" }),
  ]);
  const x = tf.tensor2d([[1, 2, 3, 4, 5, 6], [9, 8, 7, 0, 0, 0]], [2, 6], "int32");
  const expected = outputsOf(model, x);
  for (const path of [`${dir}/seq.keras`, `${dir}/seq`]) {
    await model.save(path);
    const loaded = await loadModel(path);
    assert.ok(loaded instanceof Sequential);
    assertSameOutputs(outputsOf(loaded, x), expected);
    loaded.dispose();
  }
  const input = ((await kerasConfig(`${dir}/seq.keras`)).config as Json).layers as KerasLayer[];
  assert.deepEqual(input[0].config, {
    batch_shape: [null, 6],
    dtype: "int32",
    sparse: false,
    name: "fs_tokens",
  });
  const theirs = await loadWithTfjs(`${dir}/seq`);
  const got = theirs.predict(x) as tf.Tensor;
  assertClose(got.dataSync(), Object.values(expected)[0]);
  tf.dispose([got, x]);
  theirs.dispose();
  model.dispose();
  await cleanup();
});

Deno.test("saving a model with a Lambda layer fails before writing, naming the layer and the fix", async () => {
  const { dir, cleanup } = await tempDir();
  const x = Input({ shape: [3] });
  const doubled = new layers.Lambda((t) => tf.mul(t, 2), { name: "fs_double" }).apply(x);
  const model = new Model({ inputs: x, outputs: new layers.Dense(1).apply(doubled) });
  for (const path of [`${dir}/lambda.keras`, `${dir}/lambda_dir`]) {
    await assert.rejects(
      () => model.save(path),
      (e: Error) => {
        assert.match(e.message, /fs_double \(Lambda\)/);
        assert.match(e.message, /Layer subclass/);
        assert.match(e.message, /registerSerializable/);
        return true;
      },
    );
    await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound);
  }
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  model.dispose();
  await cleanup();
});

Deno.test("node indices in a saved file count only the model's own calls of a shared layer", async () => {
  const { dir, cleanup } = await tempDir();
  setSeed(2);
  const shared = new layers.Dense(3, { name: "fs_shared_dense" });
  const a = Input({ shape: [3], name: "fs_a_in" });
  const first = new Model({ inputs: a, outputs: shared.apply(a), name: "fs_first" });
  const b = Input({ shape: [3], name: "fs_b_in" });
  const h = shared.apply(b); // the layer's node 1, this model's only call of it
  const second = new Model({
    inputs: b,
    outputs: new layers.Dense(1, { name: "fs_after_shared" }).apply(h),
    name: "fs_second",
  });
  assert.equal(shared.inboundNodes.length, 2);
  const x = tf.randomNormal([2, 3], 0, 1, "float32", 8);
  const expected = outputsOf(second, x);
  await second.save(`${dir}/second.keras`);
  await second.save(`${dir}/second`);
  const layersOf = (config: Json) =>
    new Map((config.layers as KerasLayer[]).map((l) => [l.name, l]));
  const keras = layersOf((await kerasConfig(`${dir}/second.keras`)).config as Json);
  const arg = (keras.get("fs_after_shared")!.inbound_nodes[0].args as Json[])[0];
  assert.deepEqual((arg.config as Json).keras_history, ["fs_shared_dense", 0, 0]);
  assert.equal(keras.get("fs_shared_dense")!.inbound_nodes.length, 1);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/second/model.json`));
  const tfjs = layersOf(json.modelTopology.config);
  assert.deepEqual(tfjs.get("fs_after_shared")!.inbound_nodes, [[["fs_shared_dense", 0, 0, {}]]]);
  for (const path of [`${dir}/second.keras`, `${dir}/second`]) {
    const loaded = await loadModel(path);
    assertSameOutputs(outputsOf(loaded, x), expected);
    loaded.dispose();
  }
  const theirs = await loadWithTfjs(`${dir}/second`);
  const got = theirs.predict(x) as tf.Tensor;
  assertClose(got.dataSync(), Object.values(expected)[0]);
  tf.dispose([got, x]);
  theirs.dispose();
  first.dispose();
  second.dispose();
  await cleanup();
});

Deno.test("a functional model's weights save and load through saveWeights (Keras 3 HDF5 and kerno's file)", async () => {
  const { dir, cleanup } = await tempDir();
  const model = ticketModel();
  perturbWeights(model);
  const data = ticketData();
  const expected = outputsOf(model, data);
  for (const path of [`${dir}/ticket.weights.h5`, `${dir}/ticket.ckpt`]) {
    await model.saveWeights(path);
    const fresh = ticketModel();
    await fresh.loadWeights(path);
    assertSameOutputs(outputsOf(fresh, data), expected);
    fresh.dispose();
  }
  tf.dispose(Object.values(data));
  model.dispose();
  await cleanup();
});

/** A layer of a record of two inputs (`a - 2b`), registered so that it loads. */
class FsPairDifference extends Layer {
  override call(inputs: LayerInputs): tf.Tensor {
    const { a, b } = inputs as Record<string, tf.Tensor>;
    return tf.sub(a, tf.mul(b, 2));
  }
}
registerSerializable(FsPairDifference);

/** A layer called on an array of one tensor. */
class FsTripleFirst extends Layer {
  override call(inputs: LayerInputs): tf.Tensor {
    return tf.mul((inputs as tf.Tensor[])[0], 3);
  }
}
registerSerializable(FsTripleFirst);

Deno.test("a layer called on a record, or on an array of one, keeps that structure in both formats", async () => {
  const { dir, cleanup } = await tempDir();
  const a = Input({ shape: [2], name: "fs_rec_a" });
  const b = Input({ shape: [2], name: "fs_rec_b" });
  const pair = new FsPairDifference({ name: "fs_pair" }).apply({ b, a });
  const out = new FsTripleFirst({ name: "fs_triple" }).apply([pair]);
  const model = new Model({ inputs: [a, b], outputs: [out] });
  const x = [tf.tensor2d([[1, 2], [0, 1]]), tf.tensor2d([[3, 4], [1, 1]])];
  const expected = outputsOf(model, x);
  assertClose(Object.values(expected)[0], [-15, -18, -6, -3]);
  for (const path of [`${dir}/pair.keras`, `${dir}/pair`]) {
    await model.save(path);
    const loaded = await loadModel(path);
    assert.equal(loaded.graph!.outputKind, "array");
    assert.deepEqual(Object.keys(loaded.getLayer("fs_pair").inboundNodes[0].inputs!), ["b", "a"]);
    assert.ok(Array.isArray(loaded.getLayer("fs_triple").inboundNodes[0].inputs));
    assertSameOutputs(outputsOf(loaded, x), expected);
    loaded.dispose();
  }
  tf.dispose(x);
  model.dispose();
  await cleanup();
});

Deno.test("loadModel names the model and the layer when a functional file refers to a missing layer", async () => {
  const { dir, cleanup } = await tempDir();
  const model = nestedModel();
  await model.save(dir);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  const score = json.modelTopology.config.layers.find((l: KerasLayer) => l.name === "fs_score");
  score.inbound_nodes[0][0][0] = "fs_nowhere";
  await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(json));
  const before = tf.memory().numTensors;
  await assert.rejects(
    () => loadModel(dir),
    /model "fs_siamese" refers to layer "fs_nowhere", which it does not list/,
  );
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  await cleanup();
});

Deno.test("loadModel takes a functional model's class as Functional or Model in both formats", async () => {
  const { dir, cleanup } = await tempDir();
  const model = nestedModel();
  const x = [
    tf.randomNormal([2, 3], 0, 1, "float32", 6),
    tf.randomNormal([2, 3], 0, 1, "float32", 7),
  ];
  const expected = outputsOf(model, x);
  await model.save(`${dir}/tfjs`);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/tfjs/model.json`));
  json.modelTopology.class_name = "Functional"; // as TensorFlow.js's converter writes Keras 2.4+ models
  await Deno.writeTextFile(`${dir}/tfjs/model.json`, JSON.stringify(json));
  await model.save(`${dir}/m.keras`);
  const entries = unzipSync(await Deno.readFile(`${dir}/m.keras`));
  const config = JSON.parse(new TextDecoder().decode(entries["config.json"]));
  config.class_name = "Model";
  entries["config.json"] = new TextEncoder().encode(JSON.stringify(config));
  await Deno.writeFile(`${dir}/renamed.keras`, zipSync(entries));
  for (const path of [`${dir}/tfjs`, `${dir}/renamed.keras`]) {
    const loaded = await loadModel(path);
    assertSameOutputs(outputsOf(loaded, x), expected);
    loaded.dispose();
  }
  tf.dispose(x);
  model.dispose();
  await cleanup();
});
