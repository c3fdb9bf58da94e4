import assert from "node:assert/strict";
import { unzipSync, zipSync } from "fflate";
import h5wasm from "h5wasm";
import * as tfl from "@tensorflow/tfjs";
import { loadWithTfjs, saveWithTfjs } from "./_tfjs.ts";
import {
  type CallOptions,
  initializers,
  Input,
  Layer,
  layers,
  loadModel,
  Model,
  registerSerializable,
  Sequential,
  setSeed,
  type SymbolicTensor,
  tf,
} from "../../mod.ts";
import { seedGeneratorsOf } from "../../engine/seed_generator.ts";
import { tempDir, weightValues } from "./_helpers.ts";

type Json = Record<string, unknown>;
type Entry = { name: string; class_name: string; config: Json; inbound_nodes: unknown[] };

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])),
      `index ${i}: ${a[i]} vs ${b[i]}`,
    );
  }
}

/** A model's outputs on data, each as a plain array. */
function outputs(model: Model | tfl.LayersModel, x: tf.Tensor | tf.Tensor[]): number[][] {
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

/** Moves every weight of a TensorFlow.js model off its initial value. */
function perturbTfjs(model: tfl.LayersModel, seed: number): void {
  for (const w of model.weights) {
    tfl.tidy(() => {
      w.write(tfl.add(w.read(), tfl.randomNormal(w.shape as number[], 0, 0.3, "float32", seed)));
    });
  }
}

async function kerasEntries(path: string): Promise<Record<string, Uint8Array>> {
  return unzipSync(await Deno.readFile(path));
}

async function kerasConfig(path: string): Promise<Json> {
  return JSON.parse(new TextDecoder().decode((await kerasEntries(path))["config.json"]));
}

/** The datasets of a .keras file's weights, as `path: shape`. */
async function h5Datasets(path: string): Promise<Record<string, number[]>> {
  const { FS } = await h5wasm.ready;
  const name = `/rs-${crypto.randomUUID()}.h5`;
  FS!.writeFile(name, (await kerasEntries(path))["model.weights.h5"]);
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

const seq = (n: number, seed: number) => tf.randomNormal([n, 6, 3], 0, 1, "float32", seed);

interface SequentialCase {
  name: string;
  build: () => Model;
  /** Checks the loaded model's layers (its input layer left out) and the model. */
  check?: (ls: Layer[], loaded: Model) => void;
}

const SEQUENTIAL_CASES: SequentialCase[] = [
  {
    name: "SimpleRNN, LSTM (goBackwards, regularizers, a seeded Orthogonal), GRU resetAfter true",
    build: () =>
      new Sequential([
        new layers.SimpleRNN(4, { inputShape: [6, 3], returnSequences: true }),
        new layers.LSTM(5, {
          returnSequences: true,
          goBackwards: true,
          kernelRegularizer: "l2",
          recurrentRegularizer: "l1",
          recurrentInitializer: new initializers.Orthogonal({ gain: 0.5, seed: 3 }),
          unitForgetBias: false,
        }),
        new layers.GRU(3),
      ]),
    check: (ls, loaded) => {
      const config = ls[1].getConfig();
      assert.equal(config.goBackwards, true);
      assert.equal(config.unitForgetBias, false);
      assert.deepEqual(initializers.serialize(config.recurrentInitializer as string), {
        className: "Orthogonal",
        config: { gain: 0.5, seed: 3 },
      });
      assert.equal(ls[2].getConfig().resetAfter, true);
      const penalties = loaded.losses; // the two regularizers
      assert.equal(penalties.length, 2);
      tf.dispose(penalties);
    },
  },
  {
    name: "GRU resetAfter false, TimeDistributed(Dense), SimpleRNN",
    build: () =>
      new Sequential([
        new layers.GRU(4, { inputShape: [6, 3], resetAfter: false, returnSequences: true }),
        new layers.TimeDistributed(new layers.Dense(2, { activation: "tanh" })),
        new layers.SimpleRNN(3, { activation: "relu" }),
      ]),
    check: (ls, _loaded) => {
      assert.equal(ls[0].getConfig().resetAfter, false);
      const td = ls[1] as layers.TimeDistributed;
      assert.ok(td.layer instanceof layers.Dense);
      assert.equal(td.layer.getConfig().activation, "tanh");
    },
  },
  {
    name: "RNN(LSTMCell), RNN([LSTMCell, GRUCell]), RNN(StackedRNNCells)",
    build: () =>
      new Sequential([
        new layers.RNN(new layers.LSTMCell(4), { inputShape: [6, 3], returnSequences: true }),
        new layers.RNN([new layers.LSTMCell(3), new layers.GRUCell(2, { resetAfter: false })], {
          returnSequences: true,
        }),
        new layers.RNN(
          new layers.StackedRNNCells([new layers.SimpleRNNCell(2), new layers.GRUCell(3)]),
        ),
      ]),
    check: (ls, _loaded) => {
      const [a, b, c] = ls as layers.RNN[];
      assert.ok(a.cell instanceof layers.LSTMCell);
      assert.ok(b.cell instanceof layers.StackedRNNCells);
      const cells = (b.cell as layers.StackedRNNCells).cells;
      assert.deepEqual(cells.map((x) => x.constructor.name), ["LSTMCell", "GRUCell"]);
      assert.equal(cells[1].getConfig().resetAfter, false);
      assert.deepEqual(
        (c.cell as layers.StackedRNNCells).cells.map((x) => x.constructor.name),
        ["SimpleRNNCell", "GRUCell"],
      );
    },
  },
  {
    name: "Bidirectional in every merge mode",
    build: () =>
      new Sequential([
        new layers.Bidirectional(new layers.LSTM(3, { returnSequences: true }), {
          inputShape: [6, 3],
        }),
        new layers.Bidirectional(new layers.GRU(3, { returnSequences: true }), {
          mergeMode: "sum",
        }),
        new layers.Bidirectional(new layers.SimpleRNN(2, { returnSequences: true }), {
          mergeMode: "mul",
        }),
        new layers.Bidirectional(new layers.LSTM(2), { mergeMode: "ave" }),
      ]),
    check: (ls, _loaded) => {
      const modes = (ls as layers.Bidirectional[]).map((l) => l.mergeMode);
      assert.deepEqual(modes, ["concat", "sum", "mul", "ave"]);
      const first = ls[0] as layers.Bidirectional;
      assert.equal(first.forwardLayer.name.startsWith("forward_"), true);
      assert.equal(first.forwardLayer.name.startsWith("forward_forward_"), false);
      assert.equal(first.backwardLayer.goBackwards, true);
    },
  },
  {
    name: "Bidirectional with a custom backwardLayer, over a masked Embedding",
    build: () =>
      new Sequential([
        new layers.Embedding(12, 3, { inputShape: [6], maskZero: true }),
        new layers.Bidirectional(new layers.LSTM(4, { returnSequences: true }), {
          backwardLayer: new layers.GRU(2, {
            returnSequences: true,
            goBackwards: true,
            activation: "relu",
            name: "rs_own_backward",
          }),
        }),
        new layers.LSTM(2),
      ]),
    check: (ls, _loaded) => {
      const bi = ls[1] as layers.Bidirectional;
      assert.ok(bi.backwardLayer instanceof layers.GRU);
      assert.equal(bi.backwardLayer.name, "rs_own_backward");
      assert.equal(bi.backwardLayer.getConfig().activation, "relu");
      assert.ok(bi.forwardLayer instanceof layers.LSTM);
    },
  },
];

const tokens = () =>
  tf.tensor2d([[1, 2, 3, 0, 0, 0], [4, 5, 6, 7, 8, 9], [11, 3, 0, 0, 0, 0]], [3, 6], "int32");

for (const c of SEQUENTIAL_CASES) {
  for (const kind of ["Sequential", "functional"] as const) {
    for (const format of [".keras", "TF.js directory"] as const) {
      Deno.test(`a ${kind} model round-trips through the ${format} format: ${c.name}`, async () => {
        const { dir, cleanup } = await tempDir();
        setSeed(5);
        const stack = c.build();
        // The functional twin: the same layers, between the Sequential's input and output.
        const model = kind === "Sequential"
          ? stack
          : new Model({ inputs: stack.inputs[0], outputs: stack.outputs[0] });
        perturb(model);
        const x = c.name.includes("Embedding") ? tokens() : seq(3, 1);
        const expected = outputs(model, x);
        const weights = weightValues(model);
        const before = tf.memory().numTensors;
        const path = format === ".keras" ? `${dir}/m.keras` : `${dir}/m`;
        await model.save(path);
        const loaded = await loadModel(path);
        assert.equal(loaded.constructor, kind === "Sequential" ? Sequential : Model);
        const own = (m: Model) => m.layers.filter((l) => !(l instanceof layers.InputLayer));
        assert.deepEqual(
          own(loaded).map((l) => l.constructor.name),
          own(model).map((l) => l.constructor.name),
        );
        assert.deepEqual(outputs(loaded, x), expected);
        assert.deepEqual(weightValues(loaded), weights);
        c.check?.(own(loaded), loaded);
        loaded.dispose();
        assert.equal(tf.memory().numTensors, before);
        tf.dispose(x);
        stack.dispose();
        await cleanup();
      });
    }
  }
}

/** A Sequential with every recurrent layer, named so that weight names are stable. */
function namedModel(): Sequential {
  setSeed(11);
  return new Sequential([
    new layers.LSTM(4, { inputShape: [6, 3], returnSequences: true, name: "rs_lstm" }),
    new layers.Bidirectional(new layers.GRU(3, { returnSequences: true, name: "rs_gru" }), {
      name: "rs_bi",
    }),
    new layers.TimeDistributed(new layers.Dense(2, { name: "rs_inner" }), { name: "rs_td" }),
    new layers.RNN([new layers.LSTMCell(3), new layers.SimpleRNNCell(2)], { name: "rs_rnn" }),
  ]);
}

Deno.test("the TensorFlow.js manifest names recurrent weights as TensorFlow.js Layers does", async () => {
  const { dir, cleanup } = await tempDir();
  const model = namedModel();
  await model.save(dir);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  assert.deepEqual(json.weightsManifest[0].weights.map((w: { name: string }) => w.name), [
    "rs_lstm/kernel",
    "rs_lstm/recurrent_kernel",
    "rs_lstm/bias",
    "rs_bi/forward_rs_gru/kernel",
    "rs_bi/forward_rs_gru/recurrent_kernel",
    "rs_bi/forward_rs_gru/bias",
    "rs_bi/backward_rs_gru/kernel",
    "rs_bi/backward_rs_gru/recurrent_kernel",
    "rs_bi/backward_rs_gru/bias",
    "rs_td/kernel",
    "rs_td/bias",
    "rs_rnn/RNNCell_0/kernel",
    "rs_rnn/RNNCell_0/recurrent_kernel",
    "rs_rnn/RNNCell_0/bias",
    "rs_rnn/RNNCell_1/kernel",
    "rs_rnn/RNNCell_1/recurrent_kernel",
    "rs_rnn/RNNCell_1/bias",
  ]);
  const [lstm, bi, td, rnn] = json.modelTopology.config.layers as Entry[];
  assert.equal(lstm.config.cell, undefined); // LSTM's config is flat, as Keras's
  assert.deepEqual(lstm.config.recurrent_initializer, {
    class_name: "Orthogonal",
    config: { gain: 1, seed: null },
  });
  // TensorFlow.js names the forward copy itself: the wrapped layer keeps its own name.
  assert.equal((bi.config.layer as Entry).class_name, "GRU");
  assert.equal(((bi.config.layer as Entry).config as Json).name, "rs_gru");
  assert.equal(((bi.config.backward_layer as Entry).config as Json).name, "backward_rs_gru");
  assert.equal((td.config.layer as Entry).class_name, "Dense");
  const cell = rnn.config.cell as Entry;
  assert.equal(cell.class_name, "StackedRNNCells");
  assert.deepEqual(
    (cell.config.cells as Entry[]).map((c) => [c.class_name, c.config.units]),
    [["LSTMCell", 3], ["SimpleRNNCell", 2]],
  );
  model.dispose();
  await cleanup();
});

Deno.test("the .keras file nests cells and wrapped layers as Keras 3 serializes them, weights under the layer's cell", async () => {
  const { dir, cleanup } = await tempDir();
  const model = namedModel();
  await model.save(`${dir}/m.keras`);
  const config = await kerasConfig(`${dir}/m.keras`);
  const [, lstm, bi, td, rnn] = (config.config as Json).layers as (Entry & Json)[];
  assert.equal(lstm.class_name, "LSTM");
  assert.equal(lstm.config.cell, undefined);
  assert.equal(lstm.config.units, 4);
  assert.deepEqual(lstm.config.recurrent_initializer, {
    module: "keras.initializers",
    class_name: "Orthogonal",
    config: { gain: 1, seed: null },
    registered_name: null,
  });
  const forward = bi.config.layer as Json;
  assert.equal(forward.module, "keras.layers");
  assert.equal(forward.class_name, "GRU");
  assert.equal(forward.registered_name, null);
  assert.equal((forward.config as Json).name, "forward_rs_gru");
  assert.equal((forward.config as Json).reset_after, true);
  assert.deepEqual(forward.build_config, { input_shape: [null, 6, 4] });
  assert.equal(((bi.config.backward_layer as Json).config as Json).go_backwards, true);
  assert.equal((td.config.layer as Json).class_name, "Dense");
  const cell = rnn.config.cell as Json;
  assert.equal(cell.class_name, "StackedRNNCells");
  const cells = (cell.config as Json).cells as Json[];
  assert.deepEqual(cells.map((c) => c.class_name), ["LSTMCell", "SimpleRNNCell"]);
  assert.deepEqual(cells[0].build_config, { input_shape: [null, 2] });
  const datasets = await h5Datasets(`${dir}/m.keras`);
  assert.deepEqual(
    Object.fromEntries(Object.entries(datasets).filter(([k]) => k.startsWith("layers/"))),
    {
      "layers/lstm/cell/vars/0": [3, 16],
      "layers/lstm/cell/vars/1": [4, 16],
      "layers/lstm/cell/vars/2": [16],
      "layers/bidirectional/backward_layer/cell/vars/0": [4, 9],
      "layers/bidirectional/backward_layer/cell/vars/1": [3, 9],
      "layers/bidirectional/backward_layer/cell/vars/2": [2, 9],
      "layers/bidirectional/forward_layer/cell/vars/0": [4, 9],
      "layers/bidirectional/forward_layer/cell/vars/1": [3, 9],
      "layers/bidirectional/forward_layer/cell/vars/2": [2, 9],
      "layers/time_distributed/layer/vars/0": [6, 2],
      "layers/time_distributed/layer/vars/1": [2],
      "layers/rnn/cell/cells/lstm_cell/vars/0": [2, 12],
      "layers/rnn/cell/cells/lstm_cell/vars/1": [3, 12],
      "layers/rnn/cell/cells/lstm_cell/vars/2": [12],
      "layers/rnn/cell/cells/simple_rnn_cell/vars/0": [3, 2],
      "layers/rnn/cell/cells/simple_rnn_cell/vars/1": [2, 2],
      "layers/rnn/cell/cells/simple_rnn_cell/vars/2": [2],
    },
  );
  model.dispose();
  await cleanup();
});

Deno.test("a trained recurrent model resumes training identically after loading (both formats)", async () => {
  const { dir, cleanup } = await tempDir();
  const x = seq(8, 2);
  const y = tf.randomNormal([8, 2], 0, 1, "float32", 3);
  setSeed(4);
  const model = new Sequential([
    new layers.Bidirectional(new layers.LSTM(3, { returnSequences: true }), {
      inputShape: [6, 3],
    }),
    new layers.GRU(3),
    new layers.Dense(2),
  ]);
  model.compile({ optimizer: "adam", loss: "mse" });
  await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
  for (const path of [`${dir}/t.keras`, `${dir}/t`]) {
    await model.save(path);
    const loaded = await loadModel(path);
    assert.equal(loaded.optimizer.iterations, model.optimizer.iterations);
    const states = seedGeneratorsOf(model).map((g) => g.state);
    setSeed(9);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    seedGeneratorsOf(loaded).forEach((g, i) => g.state = states[i]);
    setSeed(9);
    await loaded.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    assert.deepEqual(weightValues(loaded), weightValues(model));
    loaded.dispose();
  }
  model.dispose();
  tf.dispose([x, y]);
  await cleanup();
});

/** x → LSTM (initial state [h, c], all states returned) → Bidirectional (initial state) → Dense. */
function stateModel(): Model {
  setSeed(6);
  const x = Input({ shape: [6, 3], name: "rs_x" });
  const h = Input({ shape: [4], name: "rs_h" });
  const c = Input({ shape: [4], name: "rs_c" });
  const lstm = new layers.LSTM(4, { returnSequences: true, returnState: true, name: "rs_enc" });
  const [sequence, lastH, lastC] = lstm.apply(x, {
    initialState: [h, c],
  }) as unknown as SymbolicTensor[];
  const bi = new layers.Bidirectional(new layers.LSTM(4), { name: "rs_bienc" })
    .apply(sequence, { initialState: [lastH, lastC, h, c] });
  const joined = new layers.Concatenate({ name: "rs_joined" }).apply([bi, lastH, lastC]);
  const out = new layers.Dense(2, { name: "rs_out" }).apply(joined);
  return new Model({ inputs: [x, h, c], outputs: out, name: "rs_states" });
}

const stateData = () => [
  seq(3, 4),
  tf.randomNormal([3, 4], 0, 1, "float32", 5),
  tf.randomNormal([3, 4], 0, 1, "float32", 6),
];

for (const format of [".keras", "TF.js directory"] as const) {
  Deno.test(`a functional model with symbolic initial states and returned states round-trips through the ${format} format`, async () => {
    const { dir, cleanup } = await tempDir();
    const model = stateModel();
    perturb(model);
    const data = stateData();
    const expected = outputs(model, data);
    // The initial states matter: zeros give other outputs.
    const zeros = [data[0], tf.zerosLike(data[1]), tf.zerosLike(data[2])];
    assert.notDeepEqual(outputs(model, zeros), expected);
    const before = tf.memory().numTensors;
    const path = format === ".keras" ? `${dir}/s.keras` : `${dir}/s`;
    await model.save(path);
    const loaded = await loadModel(path);
    assertClose(outputs(loaded, data)[0], expected[0], 0);
    assert.deepEqual(weightValues(loaded), weightValues(model));
    const node = loaded.getLayer("rs_enc").inboundNodes[0];
    const initial = node.callArgs?.initialState as SymbolicTensor[];
    assert.deepEqual(initial.map((t) => t.name), ["rs_h", "rs_c"]);
    const joined = loaded.getLayer("rs_joined").inboundNodes[0].inputs as SymbolicTensor[];
    assert.deepEqual(joined.map((t) => [t.name, t.index]), [
      ["rs_bienc", 0],
      ["rs_enc", 1],
      ["rs_enc", 2],
    ]);
    loaded.dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([...data, ...zeros.slice(1)]);
    model.dispose();
    await cleanup();
  });
}

Deno.test("initial states are written as Keras 3 and TensorFlow.js write them", async () => {
  const { dir, cleanup } = await tempDir();
  const model = stateModel();
  await model.save(`${dir}/s.keras`);
  await model.save(`${dir}/s`);
  const keras = (await kerasConfig(`${dir}/s.keras`)).config as Json;
  const byName = new Map((keras.layers as Entry[]).map((l) => [l.name, l]));
  const history = (t: unknown) => ((t as Json).config as Json).keras_history;
  const enc = byName.get("rs_enc")!.inbound_nodes[0] as { args: Json[]; kwargs: Json };
  assert.deepEqual(enc.args.map(history), [["rs_x", 0, 0]]);
  assert.deepEqual((enc.kwargs.initial_state as Json[]).map(history), [
    ["rs_h", 0, 0],
    ["rs_c", 0, 0],
  ]);
  const bi = byName.get("rs_bienc")!.inbound_nodes[0] as { kwargs: Json };
  assert.deepEqual((bi.kwargs.initial_state as Json[]).map(history), [
    ["rs_enc", 0, 1],
    ["rs_enc", 0, 2],
    ["rs_h", 0, 0],
    ["rs_c", 0, 0],
  ]);
  const joined = byName.get("rs_joined")!.inbound_nodes[0] as { args: Json[][] };
  assert.deepEqual(joined.args[0].map(history), [["rs_bienc", 0, 0], ["rs_enc", 0, 1], [
    "rs_enc",
    0,
    2,
  ]]);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/s/model.json`));
  const tfjs = new Map((json.modelTopology.config.layers as Entry[]).map((l) => [l.name, l]));
  // TensorFlow.js's own form: the states follow the input in the node.
  assert.deepEqual(tfjs.get("rs_enc")!.inbound_nodes, [[
    ["rs_x", 0, 0, {}],
    ["rs_h", 0, 0, {}],
    ["rs_c", 0, 0, {}],
  ]]);
  assert.deepEqual(tfjs.get("rs_bienc")!.inbound_nodes, [[
    ["rs_enc", 0, 0, {}],
    ["rs_enc", 0, 1, {}],
    ["rs_enc", 0, 2, {}],
    ["rs_h", 0, 0, {}],
    ["rs_c", 0, 0, {}],
  ]]);
  model.dispose();
  await cleanup();
});

/** `x · scale + offset`, with `offset` and `scale` call options (not constructor options). */
class RsShift extends Layer {
  static override callOptionKeys: readonly string[] = ["offset", "scale"];
  override call(x: tf.Tensor, options: CallOptions & { offset?: tf.Tensor; scale?: number }) {
    return tf.add(tf.mul(x, options.scale ?? 1), options.offset ?? 0);
  }
}
registerSerializable(RsShift, { package: "RecurrentSaving" });

Deno.test("a layer's own call options, a tensor among them, round-trip in both formats", async () => {
  const { dir, cleanup } = await tempDir();
  const x = Input({ shape: [3], name: "rs_shift_x" });
  const offset = Input({ shape: [3], name: "rs_shift_offset" });
  const options = { offset, scale: 3 } as Record<string, unknown>; // apply's type knows its own only
  const shifted = new RsShift({ name: "rs_shift" }).apply(x, options);
  const model = new Model({ inputs: [x, offset], outputs: shifted });
  const data = [tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[10, 20, 30]])];
  assert.deepEqual(outputs(model, data), [[13, 26, 39]]);
  for (const path of [`${dir}/shift.keras`, `${dir}/shift`]) {
    await model.save(path);
    const loaded = await loadModel(path);
    assert.deepEqual(outputs(loaded, data), [[13, 26, 39]]);
    const args = loaded.getLayer("rs_shift").inboundNodes[0].callArgs!;
    assert.equal(args.scale, 3);
    assert.equal((args.offset as SymbolicTensor).name, "rs_shift_offset");
    loaded.dispose();
  }
  const keras = (await kerasConfig(`${dir}/shift.keras`)).config as Json;
  const node = (keras.layers as Entry[]).find((l) => l.name === "rs_shift")!.inbound_nodes[0];
  const kwargs = (node as { kwargs: Json }).kwargs;
  assert.equal(kwargs.scale, 3);
  assert.deepEqual(((kwargs.offset as Json).config as Json).keras_history, [
    "rs_shift_offset",
    0,
    0,
  ]);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/shift/model.json`));
  const tfjs = (json.modelTopology.config.layers as Entry[]).find((l) => l.name === "rs_shift")!;
  const kernoArgs = { kerno_call_args: { offset: { kerno_input: 1 }, scale: 3 } };
  assert.deepEqual(tfjs.inbound_nodes, [[
    ["rs_shift_x", 0, 0, kernoArgs],
    ["rs_shift_offset", 0, 0, kernoArgs],
  ]]);
  tf.dispose(data);
  model.dispose();
  await cleanup();
});

const TFJS_CASES: [string, () => Model, () => tf.Tensor | tf.Tensor[]][] = [
  ["SimpleRNN, LSTM, GRU resetAfter false, TimeDistributed, Bidirectional", () =>
    new Sequential([
      new layers.SimpleRNN(4, { inputShape: [6, 3], returnSequences: true }),
      new layers.LSTM(4, { returnSequences: true, goBackwards: true }),
      new layers.GRU(3, { resetAfter: false, returnSequences: true }),
      new layers.TimeDistributed(new layers.Dense(2, { activation: "tanh" })),
      new layers.Bidirectional(new layers.LSTM(3)),
    ]), () => seq(3, 7)],
  ["Bidirectional sum, mul, ave; RNN(cell), RNN([cells])", () =>
    new Sequential([
      new layers.Bidirectional(new layers.GRU(3, { resetAfter: false, returnSequences: true }), {
        inputShape: [6, 3],
        mergeMode: "sum",
      }),
      new layers.Bidirectional(new layers.SimpleRNN(3, { returnSequences: true }), {
        mergeMode: "mul",
      }),
      new layers.Bidirectional(new layers.LSTM(2, { returnSequences: true }), {
        mergeMode: "ave",
      }),
      new layers.RNN(new layers.LSTMCell(3), { returnSequences: true }),
      new layers.RNN([new layers.LSTMCell(3), new layers.SimpleRNNCell(2)]),
    ]), () => seq(3, 8)],
  ["initial states, returned states, Bidirectional mergeMode null", () => {
    const model = stateModel();
    const [x, h, c] = model.inputs;
    const pair = new layers.Bidirectional(
      new layers.GRU(2, { resetAfter: false, returnSequences: true }),
      { mergeMode: null, name: "rs_pair" },
    ).apply(x) as unknown as SymbolicTensor[];
    return new Model({ inputs: [x, h, c], outputs: [model.outputs[0], ...pair] });
  }, stateData],
];

for (const [name, make, data] of TFJS_CASES) {
  Deno.test(`a kerno-saved recurrent model loads in TensorFlow.js and predicts the same (${name})`, async () => {
    const { dir, cleanup } = await tempDir();
    setSeed(13);
    const model = make();
    perturb(model);
    const x = data();
    const expected = outputs(model, x);
    await model.save(dir);
    const theirs = await loadWithTfjs(dir);
    const got = outputs(theirs, x);
    assert.equal(got.length, expected.length);
    got.forEach((g, i) => assertClose(g, expected[i]));
    theirs.dispose();
    tf.dispose(x);
    model.dispose();
    await cleanup();
  });
}

Deno.test("TensorFlow.js refuses a GRU with resetAfter true (kerno's default); kerno loads it back", async () => {
  const { dir, cleanup } = await tempDir();
  setSeed(2);
  const model = new Sequential([new layers.GRU(3, { inputShape: [6, 3] })]);
  const x = seq(2, 3);
  const expected = outputs(model, x);
  await model.save(dir);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  assert.equal(json.modelTopology.config.layers[0].config.reset_after, true);
  await assert.rejects(() => loadWithTfjs(dir), /reset_after/);
  const loaded = await loadModel(dir);
  assert.deepEqual(outputs(loaded, x), expected);
  loaded.dispose();
  tf.dispose(x);
  model.dispose();
  await cleanup();
});

Deno.test("loadModel reads recurrent models TensorFlow.js Layers saved, with the same predictions", async () => {
  const { dir, cleanup } = await tempDir();
  // TensorFlow.js's default recurrentActivation is hard_sigmoid, which kerno lacks: sigmoid here.
  const sig = { recurrentActivation: "sigmoid" } as const;
  const theirs = tfl.sequential({
    layers: [
      tfl.layers.simpleRNN({ units: 4, inputShape: [6, 3], returnSequences: true }),
      tfl.layers.lstm({ units: 4, returnSequences: true, goBackwards: true, ...sig }),
      tfl.layers.gru({ units: 3, returnSequences: true, ...sig }),
      tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 2, activation: "tanh" }) }),
      tfl.layers.bidirectional({
        layer: tfl.layers.lstm({ units: 3, returnSequences: true, ...sig }) as tfl.RNN,
        mergeMode: "ave",
      }),
      tfl.layers.rnn({
        cell: [tfl.layers.lstmCell({ units: 3, ...sig }), tfl.layers.gruCell({ units: 2, ...sig })],
        returnSequences: true,
      }),
      tfl.layers.rnn({ cell: tfl.layers.simpleRNNCell({ units: 2 }) }),
    ],
  });
  perturbTfjs(theirs, 1);
  await saveWithTfjs(theirs, dir);
  const x = seq(3, 9);
  const expected = outputs(theirs, x);
  const before = tf.memory().numTensors;
  const ours = await loadModel(dir);
  assert.deepEqual(ours.layers.map((l) => l.constructor.name), [
    "SimpleRNN",
    "LSTM",
    "GRU",
    "TimeDistributed",
    "Bidirectional",
    "RNN",
    "RNN",
  ]);
  assertClose(outputs(ours, x)[0], expected[0]);
  ours.dispose();
  assert.equal(tf.memory().numTensors, before);
  theirs.dispose();
  tf.dispose(x);
  await cleanup();
});

Deno.test("loadModel reads a TensorFlow.js functional model with initial states", async () => {
  const { dir, cleanup } = await tempDir();
  const sig = { recurrentActivation: "sigmoid" } as const;
  const x = tfl.input({ shape: [6, 3], name: "tf_x" });
  const h = tfl.input({ shape: [4], name: "tf_h" });
  const c = tfl.input({ shape: [4], name: "tf_c" });
  const lstm = tfl.layers.lstm({ units: 4, returnState: true, returnSequences: true, ...sig });
  const [sequence, lastH, lastC] = lstm.apply(x, { initialState: [h, c] }) as tfl.SymbolicTensor[];
  const bi = tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 4, ...sig }) as tfl.RNN });
  const merged = bi.apply(sequence, { initialState: [h, c, lastH, lastC] }) as tfl.SymbolicTensor;
  const theirs = tfl.model({ inputs: [x, h, c], outputs: [merged, lastC] });
  perturbTfjs(theirs, 2);
  // TensorFlow.js warns that it drops the kwargs; the states are in the node's inputs.
  const warn = console.warn;
  console.warn = () => {};
  try {
    await saveWithTfjs(theirs, dir);
  } finally {
    console.warn = warn;
  }
  const data = stateData();
  const expected = outputs(theirs, data);
  const ours = await loadModel(dir);
  const got = outputs(ours, data);
  assertClose(got[0], expected[0]);
  assertClose(got[1], expected[1]);
  ours.dispose();
  theirs.dispose();
  tf.dispose(data);
  await cleanup();
});

Deno.test("loadModel names the layer and the activation when a TensorFlow.js LSTM uses hard_sigmoid", async () => {
  const { dir, cleanup } = await tempDir();
  const theirs = tfl.sequential({
    layers: [tfl.layers.lstm({ units: 2, inputShape: [6, 3], name: "tf_hard" })],
  });
  await saveWithTfjs(theirs, dir);
  await assert.rejects(() => loadModel(dir), /tf_hard.*"hard_sigmoid"/);
  theirs.dispose();
  await cleanup();
});

Deno.test("loadModel takes the recurrent keys Keras and TensorFlow.js write that kerno does not use", async () => {
  const { dir, cleanup } = await tempDir();
  setSeed(3);
  const model = new Sequential([
    new layers.LSTM(3, { inputShape: [6, 3], returnSequences: true }),
    new layers.GRU(2),
  ]);
  const x = seq(2, 4);
  const expected = outputs(model, x);
  await model.save(`${dir}/m.keras`);
  const entries = await kerasEntries(`${dir}/m.keras`);
  const config = JSON.parse(new TextDecoder().decode(entries["config.json"]));
  const [, lstm, gru] = config.config.layers;
  Object.assign(lstm.config, { use_cudnn: "auto", implementation: 2, time_major: false });
  Object.assign(gru.config, { implementation: 1, activity_regularizer: null });
  entries["config.json"] = new TextEncoder().encode(JSON.stringify(config));
  await Deno.writeFile(`${dir}/edited.keras`, zipSync(entries));
  const loaded = await loadModel(`${dir}/edited.keras`);
  assert.deepEqual(outputs(loaded, x), expected);
  loaded.dispose();
  model.dispose();
  tf.dispose(x);
  await cleanup();
});

/** A subclassed model holding recurrent layers as fields. */
class RsTagger extends Model {
  encoder = new layers.Bidirectional(new layers.LSTM(3, { returnSequences: true }));
  tagger = new layers.TimeDistributed(new layers.Dense(2));
  pooled = new layers.GRU(2, { resetAfter: false });
  override call(x: tf.Tensor): tf.Tensor {
    const h = this.encoder.apply(x);
    return tf.concat([tf.reshape(this.tagger.apply(h), [x.shape[0], -1]), this.pooled.apply(h)], 1);
  }
}
registerSerializable(RsTagger, { package: "RecurrentSaving" });

/** A cell of one's own: h' = tanh(x·W + h·U). */
class RsMinimalCell extends layers.RNNCell {
  readonly stateSize = 3;
  kernel!: tf.Variable;
  recurrent!: tf.Variable;
  override build(inputShape: (number | null)[]): void {
    this.kernel = this.addWeight("kernel", [inputShape[inputShape.length - 1]!, 3]);
    this.recurrent = this.addWeight("recurrent_kernel", [3, 3]);
  }
  override call(input: tf.Tensor, states: tf.Tensor[]): [tf.Tensor, tf.Tensor[]] {
    const h = tf.tanh(tf.add(tf.matMul(input, this.kernel), tf.matMul(states[0], this.recurrent)));
    return [h, [h]];
  }
}
registerSerializable(RsMinimalCell, { package: "RecurrentSaving" });

for (const format of [".keras", "TF.js directory"] as const) {
  Deno.test(`a subclassed model with recurrent fields, and an RNN of a registered cell, round-trip through the ${format} format`, async () => {
    const { dir, cleanup } = await tempDir();
    setSeed(8);
    const x = seq(2, 5);
    const tagger = new RsTagger();
    tagger.build([null, 6, 3]);
    const custom = new Sequential([
      new layers.RNN(new RsMinimalCell({ name: "rs_minimal" }), {
        inputShape: [6, 3],
        returnSequences: true,
      }),
      new layers.LSTM(2),
    ]);
    for (const model of [tagger, custom]) {
      perturb(model);
      const expected = outputs(model, x);
      const before = tf.memory().numTensors;
      const path = format === ".keras" ? `${dir}/${model.name}.keras` : `${dir}/${model.name}`;
      await model.save(path);
      const loaded = await loadModel(path);
      assert.equal(loaded.constructor, model.constructor);
      assert.deepEqual(outputs(loaded, x), expected);
      assert.deepEqual(weightValues(loaded), weightValues(model));
      loaded.dispose();
      assert.equal(tf.memory().numTensors, before);
      model.dispose();
    }
    tf.dispose(x);
    await cleanup();
  });
}
