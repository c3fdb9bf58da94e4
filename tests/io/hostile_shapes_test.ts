import assert from "node:assert/strict";
import {
  Input,
  layers,
  loadModel,
  Model,
  registerSerializable,
  Sequential,
  tf,
} from "../../mod.ts";
import { tempDir } from "./_helpers.ts";
import { buildZip, unzipItems } from "../../tools/_hostile_files.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/** A string input of `width` documents or tokens, for the text layers. */
function stringInput(width: number) {
  return Input({ shape: [width], dtype: "string" });
}

/**
 * The families of options that size an output without creating a weight: a
 * small model to save, the edit a hostile file makes to its last layer's
 * config, and what the error must name. `tfjs` marks those the TensorFlow.js
 * format can hold.
 */
const FAMILIES: {
  name: string;
  make: () => Model;
  edit: (c: Json) => void;
  error: RegExp;
  tfjs: boolean;
}[] = [
  {
    name: "RepeatVector n: 1e9",
    make: () => new Sequential([new layers.RepeatVector(3, { inputShape: [4] } as never)]),
    edit: (c) => (c.n = 1e9),
    error: /"repeat_vector\w*" \(RepeatVector\).*4000000000 elements per sample.*n: 1000000000/,
    tfjs: true,
  },
  {
    name: "CategoryEncoding numTokens: 1e9",
    make: () =>
      new Sequential([
        new layers.CategoryEncoding(10, { outputMode: "multi_hot", inputShape: [3] } as never),
      ]),
    edit: (c) => (c.num_tokens = 1e9),
    error: /\(CategoryEncoding\).*1000000000 elements per sample.*numTokens: 1000000000/,
    tfjs: true,
  },
  {
    name: "UpSampling1D size: 1e9",
    make: () => new Sequential([new layers.UpSampling1D({ size: 2, inputShape: [4, 2] } as never)]),
    edit: (c) => (c.size = 1e9),
    error: /\(UpSampling1D\).*8000000000 elements per sample.*size: 1000000000/,
    tfjs: false,
  },
  {
    name: "UpSampling2D size: [1e5, 1e5]",
    make: () =>
      new Sequential([new layers.UpSampling2D({ size: 2, inputShape: [4, 4, 2] } as never)]),
    edit: (c) => (c.size = [1e5, 1e5]),
    error: /\(UpSampling2D\).*\[null,400000,400000,2\].*size: \[100000,100000\]/,
    tfjs: true,
  },
  {
    name: "UpSampling3D size: [4000, 4000, 4000]",
    make: () =>
      new Sequential([new layers.UpSampling3D({ size: 2, inputShape: [2, 2, 2, 1] } as never)]),
    edit: (c) => (c.size = [4000, 4000, 4000]),
    error: /\(UpSampling3D\).*\[null,8000,8000,8000,1\]/,
    tfjs: false,
  },
  {
    name: "ZeroPadding1D padding: [1e9, 1e9]",
    make: () =>
      new Sequential([new layers.ZeroPadding1D({ padding: 1, inputShape: [4, 2] } as never)]),
    edit: (c) => (c.padding = [1e9, 1e9]),
    error: /\(ZeroPadding1D\).*\[null,2000000004,2\].*padding/,
    tfjs: false,
  },
  {
    name: "ZeroPadding2D padding: 1e5",
    make: () =>
      new Sequential([new layers.ZeroPadding2D({ padding: 1, inputShape: [4, 4, 2] } as never)]),
    edit: (c) => (c.padding = [[1e5, 1e5], [1e5, 1]]),
    error: /\(ZeroPadding2D\).*\[null,200004,100005,2\].*padding/,
    tfjs: true,
  },
  {
    name: "ZeroPadding3D padding: 4000",
    make: () =>
      new Sequential([new layers.ZeroPadding3D({ padding: 1, inputShape: [2, 2, 2, 1] } as never)]),
    edit: (c) => (c.padding = [[4000, 4000], [4000, 1], [4000, 1]]),
    error: /\(ZeroPadding3D\).*\[null,8002,4003,4003,1\]/,
    tfjs: false,
  },
  {
    name: "Cropping2D cropping: negative",
    make: () =>
      new Sequential([new layers.Cropping2D({ cropping: 1, inputShape: [4, 4, 2] } as never)]),
    edit: (c) => (c.cropping = [[-1e5, -1e5], [-1e5, 0]]),
    error: /layer cropping2d.*"cropping" must be a non-negative integer/,
    tfjs: true,
  },
  {
    name: "Resizing height, width: 1e5",
    make: () => new Sequential([new layers.Resizing(4, 4, { inputShape: [4, 4, 2] } as never)]),
    edit: (c) => Object.assign(c, { height: 1e5, width: 1e5 }),
    error: /\(Resizing\).*20000000000 elements per sample.*height: 100000, width: 100000/,
    tfjs: false,
  },
  {
    name: "Conv1DTranspose strides: 1e9",
    make: () => new Sequential([new layers.Conv1DTranspose(2, 3, { inputShape: [4, 1] } as never)]),
    edit: (c) => (c.strides = 1e9),
    error: /\(Conv1DTranspose\).*8000000000 elements per sample.*strides/,
    tfjs: false,
  },
  {
    name: "Conv2DTranspose strides: [1e5, 1e5]",
    make: () =>
      new Sequential([new layers.Conv2DTranspose(2, 3, { inputShape: [4, 4, 1] } as never)]),
    edit: (c) => (c.strides = [1e5, 1e5]),
    error: /\(Conv2DTranspose\).*\[null,400000,400000,2\].*strides: \[100000,100000\]/,
    tfjs: true,
  },
  {
    name: "Conv3DTranspose strides: 4000",
    make: () =>
      new Sequential([new layers.Conv3DTranspose(2, 3, { inputShape: [2, 2, 2, 1] } as never)]),
    edit: (c) => (c.strides = [4000, 4000, 4000]),
    error: /\(Conv3DTranspose\).*\[null,8000,8000,8000,2\]/,
    tfjs: true,
  },
  {
    name: "Reshape targetShape: [1e9, 1e9]",
    make: () => new Sequential([new layers.Reshape([8], { inputShape: [4, 2] } as never)]),
    edit: (c) => (c.target_shape = [1e9, 1e9]),
    error: /\[4,2\] \(8 elements\) cannot be reshaped to \[1000000000,1000000000\]/,
    tfjs: true,
  },
  {
    name: "Embedding inputLength: 1e9",
    make: () =>
      new Sequential([new layers.Embedding(10, 2, { inputLength: 4, inputShape: [4] } as never)]),
    edit: (c) => (c.input_length = 1e9),
    error: /"inputLength": expected 1000000000/,
    tfjs: true,
  },
  {
    name: "IntegerLookup one_hot numOovIndices: 1e9",
    make: () =>
      new Sequential([
        new layers.IntegerLookup(
          { vocabulary: [1, 2, 3], outputMode: "one_hot", inputShape: [4] } as never,
        ),
      ]),
    edit: (c) => (c.num_oov_indices = 1e9),
    error: /layer integer_lookup\w*.*"numOovIndices" must be at most 1048576.*1000000000/,
    tfjs: true,
  },
  {
    name: "IntegerLookup one_hot maxTokens: 2^24 (padToMaxTokens)",
    make: () =>
      new Sequential([
        new layers.IntegerLookup(
          {
            vocabulary: [1, 2, 3],
            outputMode: "one_hot",
            maxTokens: 8,
            padToMaxTokens: true,
            inputShape: [4],
          } as never,
        ),
      ]),
    edit: (c) => (c.max_tokens = 2 ** 24),
    error: /\(IntegerLookup\).*67108864 elements per sample \(\[null,4,16777216\]\).*maxTokens/,
    tfjs: true,
  },
  {
    name: "StringLookup multi_hot maxTokens: 1e9",
    make: () => {
      const i = stringInput(4);
      const lookup = new layers.StringLookup({
        vocabulary: ["a", "b"],
        outputMode: "multi_hot",
        maxTokens: 8,
        padToMaxTokens: true,
      });
      return new Model({ inputs: i, outputs: lookup.apply(i) });
    },
    edit: (c) => (c.max_tokens = 1e9),
    error: /layer string_lookup\w*.*"maxTokens" must be at most 16777216/,
    tfjs: true,
  },
  {
    name: "TextVectorization outputSequenceLength: 1e9",
    make: () => {
      const i = stringInput(1);
      const tv = new layers.TextVectorization({ vocabulary: ["a", "b"], outputSequenceLength: 4 });
      return new Model({ inputs: i, outputs: tv.apply(i) });
    },
    edit: (c) => (c.output_sequence_length = 1e9),
    error: /layer text_vectorization\w*.*"outputSequenceLength" must be at most 16777216/,
    tfjs: true,
  },
];

/** The last layer's config in a topology (Sequential or functional). */
function lastConfig(topology: Json): Json {
  const list = (topology.config ?? topology.model_config.config).layers as Json[];
  return list[list.length - 1].config;
}

/** Saves `model`, applies `edit` to its last layer's config in the file, returns the path. */
async function hostile(
  model: Model,
  dir: string,
  format: "tfjs" | "keras",
  edit: (c: Json) => void,
): Promise<string> {
  if (format === "tfjs") {
    const path = `${dir}/m`;
    await model.save(path);
    const json = JSON.parse(await Deno.readTextFile(`${path}/model.json`));
    edit(lastConfig(json.modelTopology.model_config ?? json.modelTopology));
    await Deno.writeTextFile(`${path}/model.json`, JSON.stringify(json));
    return path;
  }
  const path = `${dir}/m.keras`;
  await model.save(path);
  const items = unzipItems(await Deno.readFile(path));
  const config = items.find((i) => i.name === "config.json")!;
  const json = JSON.parse(new TextDecoder().decode(config.data));
  edit(lastConfig(json));
  config.data = new TextEncoder().encode(JSON.stringify(json));
  await Deno.writeFile(path, buildZip(items));
  return path;
}

const MiB = 2 ** 20;

for (const family of FAMILIES) {
  for (const format of ["tfjs", "keras"] as const) {
    if (format === "tfjs" && !family.tfjs) continue;
    Deno.test(`a hostile ${format === "tfjs" ? "model.json" : ".keras"}: ${family.name}`, async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const model = family.make();
        const path = await hostile(model, dir, format, family.edit);
        model.dispose();
        const file = format === "tfjs" ? `${path}/model.json` : path;
        const size = format === "tfjs"
          ? (await Deno.stat(file)).size + (await Deno.stat(`${path}/group1-shard1of1.bin`)
            .then((s) => s.size, () => 0))
          : (await Deno.stat(file)).size;
        assert.ok(size < MiB, `the file is ${size} bytes`);
        const tensors = tf.memory().numTensors;
        const rss = Deno.memoryUsage().rss;
        await assert.rejects(loadModel(path), (e: Error) => {
          assert.ok(e.message.includes(file), `the file is named: ${e.message}`);
          assert.match(e.message, family.error);
          return true;
        });
        const grown = Deno.memoryUsage().rss - rss;
        assert.ok(grown < 200 * MiB, `resident memory grew by ${(grown / MiB).toFixed(0)} MiB`);
        assert.equal(tf.memory().numTensors, tensors);
      } finally {
        await cleanup();
      }
    });
  }
}

Deno.test("a model with large but bounded activations still loads", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const model = new Sequential([
      new layers.UpSampling2D({ size: 16, inputShape: [8, 8, 2] } as never),
      new layers.ZeroPadding2D({ padding: 4 } as never),
      new layers.Conv2DTranspose(2, 3, { strides: 2, padding: "same" } as never),
    ]);
    for (const format of ["m", "m.keras"]) {
      await model.save(`${dir}/${format}`);
      const again = await loadModel(`${dir}/${format}`);
      assert.deepEqual(again.outputShape, [null, 272, 272, 2]);
      again.dispose();
    }
    model.dispose();
  } finally {
    await cleanup();
  }
});

Deno.test("the lookup layers' output shapes: arithmetic agrees with running them", () => {
  const cases: [layers.IntegerLookup | layers.StringLookup, number[], unknown[][]][] = [
    [new layers.IntegerLookup({ vocabulary: [1, 2, 3], outputMode: "one_hot" }), [2, 4], [[
      1,
      2,
      3,
      9,
    ], [1, 1, 1, 1]]],
    [new layers.IntegerLookup({ vocabulary: [1, 2, 3], outputMode: "one_hot" }), [2, 1], [[1], [
      7,
    ]]],
    [new layers.IntegerLookup({ vocabulary: [1, 2, 3], outputMode: "multi_hot" }), [2, 3], [[
      1,
      2,
      3,
    ], [0, 0, 0]]],
    [new layers.IntegerLookup({ vocabulary: [1, 2, 3] }), [2, 3], [[1, 2, 3], [0, 0, 0]]],
    [
      new layers.StringLookup({
        vocabulary: ["a", "b"],
        outputMode: "count",
        maxTokens: 6,
        padToMaxTokens: true,
      }),
      [2, 2],
      [["a", "a"], ["c", "b"]],
    ],
  ];
  for (const [layer, shape, values] of cases) {
    const x = typeof values[0][0] === "string"
      ? tf.tensor(values.flat() as string[], shape, "string")
      : tf.tensor(values.flat() as number[], shape, "int32");
    const y = layer.apply(x) as tf.Tensor;
    // One-hot of [2, 4] over 4 indices (OOV, 1, 2, 3): [2, 4, 4]; of [2, 1]: [2, 4].
    assert.deepEqual(layer.computeOutputShape([null, shape[1]]), [null, ...y.shape.slice(1)]);
    tf.dispose([x, y]);
  }
});

Deno.test("TextVectorization's output shape: arithmetic agrees with running it", () => {
  const x = tf.tensor(["a b c", "b"], [2, 1], "string");
  const int = new layers.TextVectorization({ vocabulary: ["a", "b"], outputSequenceLength: 5 });
  const multi = new layers.TextVectorization({ vocabulary: ["a", "b"], outputMode: "multi_hot" });
  for (const layer of [int, multi]) {
    const y = layer.apply(x) as tf.Tensor;
    assert.deepEqual(layer.computeOutputShape([null, 1]), [null, ...y.shape.slice(1)]);
    tf.dispose(y);
  }
  // Keras: [batch, outputSequenceLength] of indices; [batch, vocabulary size] multi-hot (OOV, a, b).
  assert.deepEqual(int.computeOutputShape([null, 1]), [null, 5]);
  assert.deepEqual(multi.computeOutputShape([null, 1]), [null, 3]);
  const free = new layers.TextVectorization({ vocabulary: ["a", "b"] });
  assert.deepEqual(free.computeOutputShape([null, 1]), [null, null]);
  x.dispose();
});

Deno.test("a .keras whose config.json declares 16 MB from a few KB is refused before inflating", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const model = new Sequential([new layers.Dense(4, { inputShape: [4] } as never)]);
    await model.save(`${dir}/m.keras`);
    model.dispose();
    const items = unzipItems(await Deno.readFile(`${dir}/m.keras`));
    const config = items.find((i) => i.name === "config.json")!;
    const text = new TextDecoder().decode(config.data);
    // A valid config padded with one long string: deflates about 1000 times.
    const padded = `${text.slice(0, -1)},"pad":"${"x".repeat(16_000_000 - text.length)}"}`;
    config.data = new TextEncoder().encode(padded);
    config.deflate = true;
    await Deno.writeFile(`${dir}/m.keras`, buildZip(items));
    assert.ok((await Deno.stat(`${dir}/m.keras`)).size < 64 * 1024);
    const rss = Deno.memoryUsage().rss;
    await assert.rejects(
      loadModel(`${dir}/m.keras`),
      /m\.keras as its entry "config\.json" declares 160\d+ bytes from \d+ compressed/,
    );
    assert.ok(Deno.memoryUsage().rss - rss < 50 * MiB);
  } finally {
    await cleanup();
  }
});

/**
 * Saves `model` in both formats and applies `edit` to the whole topology
 * (Keras 3's `config.json`, TensorFlow.js's `modelTopology`): the paths.
 */
async function editedFiles(model: Model, dir: string, edit: (layers: Json[]) => void) {
  await model.save(`${dir}/m`);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/m/model.json`));
  edit(json.modelTopology.config.layers);
  await Deno.writeTextFile(`${dir}/m/model.json`, JSON.stringify(json));
  await model.save(`${dir}/m.keras`);
  const items = unzipItems(await Deno.readFile(`${dir}/m.keras`));
  const config = items.find((i) => i.name === "config.json")!;
  const keras = JSON.parse(new TextDecoder().decode(config.data));
  // Keras 3 lists an InputLayer first; each layer keeps its saved (now stale) build_config.
  edit(keras.config.layers.filter((l: Json) => l.class_name !== "InputLayer"));
  const input = keras.config.layers[0].config;
  if (json.modelTopology.config.layers[0].config.batch_input_shape) {
    input.batch_shape = json.modelTopology.config.layers[0].config.batch_input_shape;
  }
  config.data = new TextEncoder().encode(JSON.stringify(keras));
  await Deno.writeFile(`${dir}/m.keras`, buildZip(items));
  return [`${dir}/m`, `${dir}/m.keras`];
}

/**
 * The process's peak resident memory in bytes since the last reset (Linux's
 * VmHWM, reset through /proc/self/clear_refs), or the current one where
 * that is unavailable.
 */
function peakRss(reset = false): number {
  try {
    if (reset) Deno.writeTextFileSync("/proc/self/clear_refs", "5");
    const status = Deno.readTextFileSync("/proc/self/status");
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
  } catch {
    return Deno.memoryUsage().rss;
  }
}

/** Loads `path`, checks its output shape and the load's peak memory; returns the time taken. */
async function loadsWithin(path: string, shape: (number | null)[]): Promise<number> {
  const file = path.endsWith(".keras") ? path : `${path}/model.json`;
  assert.ok((await Deno.stat(file)).size < MiB);
  const tensors = tf.memory().numTensors;
  const rss = Math.max(peakRss(true), Deno.memoryUsage().rss);
  const start = performance.now();
  const model = await loadModel(path);
  const ms = performance.now() - start;
  const grown = Math.max(peakRss(), Deno.memoryUsage().rss) - rss;
  assert.deepEqual(model.outputShape, shape);
  assert.ok(
    grown < 200 * MiB,
    `${path}: peak resident memory grew by ${(grown / MiB).toFixed(0)} MiB`,
  );
  model.dispose();
  assert.equal(tf.memory().numTensors, tensors);
  console.log(
    `${path}: loaded in ${ms.toFixed(0)} ms, peak resident memory +${(grown / MiB).toFixed(0)} MiB`,
  );
  return ms;
}

Deno.test("a file whose layers reach a 2048×2048×4 activation loads without running them", async () => {
  // Conv2DTranspose with strides 512 (4×4 → 2048×2048×4, 2^24 elements, allowed), then a 3×3
  // Conv2D: running them on zeros to infer shapes took ~940 MB (the convolution's columns).
  const { dir, cleanup } = await tempDir();
  try {
    const model = new Sequential([
      new layers.Conv2DTranspose(4, 3, { strides: 2, padding: "same", inputShape: [4, 4, 1] }),
      new layers.Conv2D(4, 3, { padding: "same" }),
    ]);
    const paths = await editedFiles(model, dir, (list) => (list[0].config.strides = [512, 512]));
    model.dispose();
    for (const path of paths) await loadsWithin(path, [null, 2048, 2048, 4]);
  } finally {
    await cleanup();
  }
});

Deno.test("a file declaring a 2048×2048×4 input into a Conv2D loads without running it", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const model = new Sequential([
      new layers.Conv2D(4, 3, { padding: "same", inputShape: [8, 8, 4] }),
    ]);
    const paths = await editedFiles(
      model,
      dir,
      (list) => (list[0].config.batch_input_shape = [null, 2048, 2048, 4]),
    );
    model.dispose();
    for (const path of paths) await loadsWithin(path, [null, 2048, 2048, 4]);
  } finally {
    await cleanup();
  }
});

/** A subclassed model: rebuilt from a file by running its `call` on zeros of the saved input shape. */
class EmbeddingBag extends Model {
  embed = new layers.Embedding(100, 50);
  pool = new layers.GlobalAveragePooling1D();
  head = new layers.Dense(1);
  override call(x: tf.Tensor): tf.Tensor {
    return this.head.apply(this.pool.apply(this.embed.apply(x)));
  }
}
registerSerializable(EmbeddingBag);

Deno.test("a subclassed model whose saved input shape would make its layers output gigabytes is refused before they run", async () => {
  // build_config.input_shape [null, 2^20] (allowed: each axis ≤ 2^20) makes the Embedding's
  // output 2^20 × 50 floats (200 MB) while the model is built on zeros; its arithmetic says so first.
  const { dir, cleanup } = await tempDir();
  try {
    const model = new EmbeddingBag();
    model.build([null, 10]);
    await model.save(`${dir}/bag.keras`);
    model.dispose();
    const items = unzipItems(await Deno.readFile(`${dir}/bag.keras`));
    const config = items.find((i) => i.name === "config.json")!;
    const json = JSON.parse(new TextDecoder().decode(config.data));
    json.build_config.input_shape = [null, 2 ** 20];
    config.data = new TextEncoder().encode(JSON.stringify(json));
    await Deno.writeFile(`${dir}/hostile.keras`, buildZip(items));
    const tensors = tf.memory().numTensors;
    const rss = Math.max(peakRss(true), Deno.memoryUsage().rss);
    await assert.rejects(
      () => loadModel(`${dir}/hostile.keras`),
      /hostile\.keras.*"embedding\w*" \(Embedding\) from a file as it would output 52428800 elements per sample/,
    );
    const grown = Math.max(peakRss(), Deno.memoryUsage().rss) - rss;
    assert.ok(grown < 200 * MiB, `peak resident memory grew by ${(grown / MiB).toFixed(0)} MiB`);
    assert.equal(tf.memory().numTensors, tensors);
    const loaded = await loadModel(`${dir}/bag.keras`); // the honest file still loads
    loaded.dispose();
  } finally {
    await cleanup();
  }
});
