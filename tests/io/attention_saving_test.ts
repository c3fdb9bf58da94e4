import assert from "node:assert/strict";
import { unzipSync, zipSync } from "fflate";
import h5wasm from "h5wasm";
import {
  Input,
  layers,
  loadModel,
  Model,
  registerSerializable,
  Sequential,
  setSeed,
  type SymbolicTensor,
  tf,
} from "../../mod.ts";
import { tempDir, weightValues } from "./_helpers.ts";

type Json = Record<string, unknown>;
type Entry = { name: string; class_name: string; config: Json; inbound_nodes: Json[] };

/** A model's outputs on data, each as a plain array. */
function outputs(model: Model, x: tf.Tensor | tf.Tensor[]): number[][] {
  const y = model.predict(x as tf.Tensor) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(y) ? y : [y];
  const values = list.map((t) => Array.from(t.dataSync()));
  tf.dispose(list);
  return values;
}

/** Moves every weight off its initial value (reproducibly), so that loading is seen. */
function perturb(model: Model, seed = 7): void {
  model.weights.forEach((w, i) =>
    tf.tidy(() => w.assign(tf.add(w, tf.randomNormal(w.shape, 0, 0.3, "float32", seed + i))))
  );
}

async function readKeras(
  path: string,
): Promise<{ entries: Record<string, Uint8Array>; config: Json }> {
  const entries = unzipSync(await Deno.readFile(path));
  return { entries, config: JSON.parse(new TextDecoder().decode(entries["config.json"])) };
}

async function writeKeras(path: string, entries: Record<string, Uint8Array>, config: Json) {
  entries["config.json"] = new TextEncoder().encode(JSON.stringify(config));
  await Deno.writeFile(path, zipSync(entries));
}

/** The datasets of a .keras file's weights, as `path: shape`. */
async function h5Datasets(path: string): Promise<Record<string, number[]>> {
  const { FS } = await h5wasm.ready;
  const name = `/as-${crypto.randomUUID()}.h5`;
  FS!.writeFile(name, unzipSync(await Deno.readFile(path))["model.weights.h5"]);
  const file = new h5wasm.File(name, "r");
  const out: Record<string, number[]> = {};
  const walk = (group: string) => {
    const g = file.get(group) as InstanceType<typeof h5wasm.Group>;
    for (const key of g.keys()) {
      const full = group === "/" ? key : `${group}/${key}`;
      const item = file.get(full);
      if (item instanceof h5wasm.Dataset) out[full] = [...item.shape!];
      else walk(full);
    }
  };
  walk("/");
  file.close();
  FS!.unlink(name);
  return out;
}

const history = (t: unknown) => ((t as Json).config as Json).keras_history;

/**
 * Self-attention with a causal mask over token embeddings (masked), cross
 * attention with an attention mask returning its scores, Attention,
 * AdditiveAttention and an EinsumDense head.
 */
function attentionModel(): Model {
  setSeed(3);
  const tokens = Input({ shape: [5], dtype: "int32", name: "as_tokens" });
  const memory = Input({ shape: [4, 6], name: "as_memory" });
  const allowed = Input({ shape: [5, 4], dtype: "bool", name: "as_allowed" });
  const x = new layers.Embedding(20, 6, { maskZero: true, name: "as_embed" }).apply(tokens);
  const self = new layers.MultiHeadAttention(2, 3, { name: "as_self" })
    .apply([x, x], { useCausalMask: true });
  const [cross, scores] = new layers.MultiHeadAttention(2, 4, {
    valueDim: 2,
    outputShape: 6,
    name: "as_cross",
  }).apply([self, memory, memory], { attentionMask: allowed, returnAttentionScores: true });
  const dot = new layers.Attention({ useScale: true, scoreMode: "concat", name: "as_dot" })
    .apply([cross, self], { useCausalMask: true });
  const additive = new layers.AdditiveAttention({ name: "as_additive" }).apply([dot, memory]);
  const head = new layers.EinsumDense("abc,cd->abd", [null, 3], {
    biasAxes: "d",
    activation: "tanh",
    name: "as_head",
  }).apply(additive);
  return new Model({
    inputs: [tokens, memory, allowed],
    outputs: [head, scores],
    name: "as_attention",
  });
}

const attentionData = () => [
  tf.tensor2d([[3, 1, 4, 1, 5], [9, 2, 6, 0, 0]], [2, 5], "int32"),
  tf.randomNormal([2, 4, 6], 0, 1, "float32", 2),
  tf.tensor3d(
    Array.from({ length: 40 }, (_, i) => (i * 7) % 5 !== 0),
    [2, 5, 4],
    "bool",
  ),
];

Deno.test("a functional model with every attention layer and EinsumDense round-trips through the .keras format", async () => {
  const { dir, cleanup } = await tempDir();
  const model = attentionModel();
  perturb(model);
  const data = attentionData();
  const expected = outputs(model, data);
  const weights = weightValues(model);
  const before = tf.memory().numTensors;
  await model.save(`${dir}/a.keras`);
  const loaded = await loadModel(`${dir}/a.keras`);
  assert.deepEqual(outputs(loaded, data), expected);
  assert.deepEqual(weightValues(loaded), weights);
  const self = loaded.getLayer("as_self").inboundNodes[0];
  assert.deepEqual(self.callArgs, { useCausalMask: true });
  const cross = loaded.getLayer("as_cross").inboundNodes[0];
  assert.equal((cross.inputs as SymbolicTensor[]).length, 3);
  assert.equal((cross.callArgs!.attentionMask as SymbolicTensor).name, "as_allowed");
  assert.equal(cross.callArgs!.returnAttentionScores, true);
  assert.equal(loaded.outputs[1].node, cross);
  assert.equal(loaded.outputs[1].index, 1);
  const cfg = loaded.getLayer("as_cross").getConfig();
  assert.equal(cfg.valueDim, 2);
  assert.deepEqual(cfg.outputShape, [6]);
  assert.equal(loaded.getLayer("as_dot").getConfig().scoreMode, "concat");
  assert.equal(loaded.getLayer("as_head").getConfig().biasAxes, "d");
  loaded.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(data);
  model.dispose();
  await cleanup();
});

Deno.test("the .keras file writes attention calls as Keras 3 does: separate query, value, key; call options in kwargs", async () => {
  const { dir, cleanup } = await tempDir();
  const model = attentionModel();
  await model.save(`${dir}/a.keras`);
  const { config } = await readKeras(`${dir}/a.keras`);
  const inner = config.config as Json;
  const byName = new Map((inner.layers as Entry[]).map((l) => [l.name, l]));
  const self = byName.get("as_self")!;
  assert.deepEqual((self.inbound_nodes[0].args as Json[]).map(history), [
    ["as_embed", 0, 0],
    ["as_embed", 0, 0],
  ]);
  assert.deepEqual(self.inbound_nodes[0].kwargs, { use_causal_mask: true });
  assert.deepEqual((self as Json).build_config, {
    shapes_dict: { query_shape: [null, null, 6], value_shape: [null, null, 6] },
  });
  const cross = byName.get("as_cross")!;
  const node = cross.inbound_nodes[0] as { args: Json[]; kwargs: Json };
  assert.deepEqual(node.args.map(history), [
    ["as_self", 0, 0],
    ["as_memory", 0, 0],
    ["as_memory", 0, 0],
  ]);
  assert.deepEqual(history(node.kwargs.attention_mask), ["as_allowed", 0, 0]);
  assert.equal(
    ((node.kwargs.attention_mask as Json).config as Json).dtype,
    "bool",
  );
  assert.equal(node.kwargs.return_attention_scores, true);
  assert.deepEqual(inner.output_layers, [["as_head", 0, 0], ["as_cross", 0, 1]]);
  // Attention takes its inputs as one list, as Keras's Attention.call(inputs).
  const dot = byName.get("as_dot")!.inbound_nodes[0] as { args: Json[][]; kwargs: Json };
  assert.equal(dot.args.length, 1);
  assert.deepEqual(dot.args[0].map(history), [["as_cross", 0, 0], ["as_self", 0, 0]]);
  assert.deepEqual(dot.kwargs, { use_causal_mask: true });
  assert.equal(byName.get("as_cross")!.config.num_heads, 2);
  assert.equal(byName.get("as_cross")!.config.value_dim, 2);
  assert.equal(byName.get("as_head")!.config.equation, "abc,cd->abd");
  assert.deepEqual(byName.get("as_head")!.config.output_shape, [null, 3]);
  const datasets = await h5Datasets(`${dir}/a.keras`);
  const crossPath = "layers/multi_head_attention_1";
  assert.deepEqual(datasets[`${crossPath}/_query_dense/vars/0`], [6, 2, 4]);
  assert.deepEqual(datasets[`${crossPath}/_query_dense/vars/1`], [2, 4]);
  assert.deepEqual(datasets[`${crossPath}/_key_dense/vars/0`], [6, 2, 4]);
  assert.deepEqual(datasets[`${crossPath}/_value_dense/vars/0`], [6, 2, 2]);
  assert.deepEqual(datasets[`${crossPath}/_output_dense/vars/0`], [2, 2, 6]);
  assert.deepEqual(datasets[`${crossPath}/_output_dense/vars/1`], [6]);
  assert.deepEqual(datasets["layers/attention/vars/0"], []); // scale
  assert.deepEqual(datasets["layers/attention/vars/1"], []); // concat_score_weight
  assert.deepEqual(datasets["layers/additive_attention/vars/0"], [6]);
  assert.deepEqual(datasets["layers/einsum_dense/vars/0"], [6, 3]);
  model.dispose();
  await cleanup();
});

Deno.test("loadModel reads Keras 3's other forms of attention calls: key as a keyword, the masks it found none of", async () => {
  const { dir, cleanup } = await tempDir();
  const model = attentionModel();
  perturb(model);
  const data = attentionData();
  const expected = outputs(model, data);
  await model.save(`${dir}/a.keras`);
  const { entries, config } = await readKeras(`${dir}/a.keras`);
  const byName = new Map(((config.config as Json).layers as Entry[]).map((l) => [l.name, l]));
  const cross = byName.get("as_cross")!.inbound_nodes[0] as { args: Json[]; kwargs: Json };
  cross.kwargs.key = cross.args.pop();
  Object.assign(cross.kwargs, { query_mask: null, value_mask: null, key_mask: null });
  const self = byName.get("as_self")!.inbound_nodes[0] as { args: Json[]; kwargs: Json };
  self.kwargs.value = self.args.pop();
  Object.assign(byName.get("as_dot")!.inbound_nodes[0].kwargs as Json, { mask: [null, null] });
  await writeKeras(`${dir}/keras_style.keras`, entries, config);
  const loaded = await loadModel(`${dir}/keras_style.keras`);
  assert.deepEqual(outputs(loaded, data), expected);
  loaded.dispose();

  (byName.get("as_head")!.inbound_nodes[0].kwargs as Json).temperature = 2;
  await writeKeras(`${dir}/unknown.keras`, entries, config);
  const before = tf.memory().numTensors;
  await assert.rejects(
    () => loadModel(`${dir}/unknown.keras`),
    /layer "as_head" .*keyword argument "temperature"/,
  );
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(data);
  model.dispose();
  await cleanup();
});

Deno.test("a Sequential model of EinsumDense layers round-trips through the .keras format", async () => {
  const { dir, cleanup } = await tempDir();
  setSeed(4);
  const model = new Sequential([
    new layers.EinsumDense("abc,cde->abde", [null, 2, 3], { inputShape: [5, 4], biasAxes: "de" }),
    new layers.Reshape([5, 6]),
    new layers.EinsumDense("...b,bc->...c", 2, { activation: "relu", kernelRegularizer: "l2" }),
  ]);
  perturb(model);
  const x = tf.randomNormal([3, 5, 4], 0, 1, "float32", 1);
  const expected = outputs(model, x);
  const before = tf.memory().numTensors;
  await model.save(`${dir}/e.keras`);
  const loaded = await loadModel(`${dir}/e.keras`);
  assert.deepEqual(outputs(loaded, x), expected);
  assert.deepEqual(weightValues(loaded), weightValues(model));
  assert.equal(loaded.layers[2].getConfig().equation, "...b,bc->...c");
  loaded.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(x);
  model.dispose();
  await cleanup();
});

/** A Transformer block as a subclassed model: self-attention, a feed-forward EinsumDense, norms. */
class AsBlock extends Model {
  attention = new layers.MultiHeadAttention(2, 4, { dropout: 0.1 });
  norm1 = new layers.LayerNormalization();
  ffn = new layers.EinsumDense("abc,cd->abd", [null, 8], { biasAxes: "d", activation: "relu" });
  back = new layers.Dense(8);
  norm2 = new layers.LayerNormalization();
  pool = new layers.AdditiveAttention();
  override call(x: tf.Tensor, options: { training?: boolean } = {}): tf.Tensor {
    const a = this.attention.apply([x, x], { useCausalMask: true, training: options.training });
    const h = this.norm1.apply(tf.add(x, a));
    const y = this.norm2.apply(tf.add(h, this.back.apply(this.ffn.apply(h))));
    return this.pool.apply([y, h]);
  }
}
registerSerializable(AsBlock, { package: "AttentionSaving" });

Deno.test("a subclassed Transformer block with attention fields round-trips through the .keras format", async () => {
  const { dir, cleanup } = await tempDir();
  setSeed(6);
  const model = new AsBlock();
  model.build([null, 5, 8]);
  perturb(model);
  const x = tf.randomNormal([2, 5, 8], 0, 1, "float32", 3);
  const expected = outputs(model, x);
  const before = tf.memory().numTensors;
  await model.save(`${dir}/b.keras`);
  const loaded = await loadModel(`${dir}/b.keras`);
  assert.ok(loaded instanceof AsBlock);
  assert.deepEqual(outputs(loaded, x), expected);
  assert.deepEqual(weightValues(loaded), weightValues(model));
  const datasets = await h5Datasets(`${dir}/b.keras`);
  assert.deepEqual(datasets["attention/_query_dense/vars/0"], [8, 2, 4]);
  assert.deepEqual(datasets["ffn/vars/0"], [8, 8]);
  loaded.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(x);
  model.dispose();
  await cleanup();
});

/** The class, the layer's name (a pattern) and the model, of each refused case. */
const REFUSED: [string, string, () => Model][] = [
  ["MultiHeadAttention", "as_refused_mha", () => {
    const q = Input({ shape: [3, 4] });
    return new Model({
      inputs: q,
      outputs: new layers.MultiHeadAttention(1, 2, { name: "as_refused_mha" }).apply([q, q]),
    });
  }],
  ["Attention", "as_refused_dot", () => {
    const q = Input({ shape: [3, 4] });
    return new Model({
      inputs: q,
      outputs: new layers.Attention({ name: "as_refused_dot" }).apply([q, q]),
    });
  }],
  ["AdditiveAttention", "as_refused_add", () => {
    const q = Input({ shape: [3, 4] });
    return new Model({
      inputs: q,
      outputs: new layers.AdditiveAttention({ name: "as_refused_add" }).apply([q, q]),
    });
  }],
  ["EinsumDense", "as_refused_einsum", () =>
    new Sequential([
      new layers.Dense(4, { inputShape: [3] }),
      new layers.EinsumDense("ab,bc->ac", 2, { name: "as_refused_einsum" }),
    ])],
  ["MultiHeadAttention", "multi_head_attention_\\d+", () => {
    const block = new AsBlock();
    block.build([null, 5, 8]);
    return block;
  }],
];

for (const [cls, name, make] of REFUSED) {
  const where = name.startsWith("as_") ? name : "a subclassed model's field";
  Deno.test(`saving a model holding ${cls} (${where}) to the TensorFlow.js format fails before writing, suggesting .keras`, async () => {
    const { dir, cleanup } = await tempDir();
    const model = make();
    const before = tf.memory().numTensors;
    await assert.rejects(
      () => model.save(`${dir}/tfjs`),
      (e: Error) => {
        assert.ok(e instanceof TypeError);
        assert.match(e.message, new RegExp(`layer ${name} \\(${cls}\\)`));
        assert.match(e.message, /TensorFlow\.js/);
        assert.match(e.message, /\.keras/);
        return true;
      },
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    assert.equal(tf.memory().numTensors, before);
    await model.save(`${dir}/ok.keras`); // the suggested format works
    const loaded = await loadModel(`${dir}/ok.keras`);
    loaded.dispose();
    model.dispose();
    await cleanup();
  });
}
