import assert from "node:assert/strict";
import { layers, loadModel, Sequential, tf } from "../../mod.ts";
import { checksum, manifestBytes, parseJson } from "../../io/_binary.ts";
import { tempDir } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const SHARD = "group1-shard1of1.bin";

/** A small trained-shape CNN (Conv2D, Flatten, two Dense) saved as a TensorFlow.js directory. */
async function savedCnn(dir: string): Promise<string> {
  const model = new Sequential([
    new layers.Conv2D(2, 3, { inputShape: [5, 5, 1], activation: "relu" }),
    new layers.Flatten(),
    new layers.Dense(3, { activation: "relu" }),
    new layers.Dense(3),
  ]);
  model.compile({ optimizer: "adam", loss: "mse" });
  await model.save(`${dir}/m`);
  model.dispose();
  return `${dir}/m`;
}

async function readJson(path: string): Promise<Json> {
  return JSON.parse(await Deno.readTextFile(`${path}/model.json`));
}

async function writeJson(path: string, json: Json): Promise<void> {
  await Deno.writeTextFile(`${path}/model.json`, JSON.stringify(json));
}

const layerConfig = (j: Json, i: number): Json => j.modelTopology.config.layers[i].config;
const specs = (j: Json): Json[] => j.weightsManifest[0].weights;

/** The damaged variants of a model.json: a name, the edit, what the error must say. */
const VARIANTS: [string, (j: Json) => void, RegExp][] = [
  [
    "units: 20000000",
    (j) => (layerConfig(j, 2).units = 20000000),
    /layer "dense\w*" create weight "kernel" of shape \[18, 20000000\].*do not belong together/,
  ],
  [
    "filters: 20000000",
    (j) => (layerConfig(j, 0).filters = 20000000),
    /weight "kernel" of shape \[3, 3, 1, 20000000\]/,
  ],
  [
    "kernel_size: [4000, 4000]",
    (j) => (layerConfig(j, 0).kernel_size = [4000, 4000]),
    /kernel|window|larger|exceeds/i,
  ],
  [
    "batch_input_shape [null, 1e9, 1e9, 1]",
    (j) => (layerConfig(j, 0).batch_input_shape = [null, 1e9, 1e9, 1]),
    /"batch_input_shape" must hold null or positive integers/,
  ],
  [
    "batch_input_shape [null, 2048, 2048, 64]",
    (j) => (layerConfig(j, 0).batch_input_shape = [null, 2048, 2048, 64]),
    /claims 268435456 elements per sample/,
  ],
  ["units: -3", (j) => (layerConfig(j, 2).units = -3), /units/],
  ["units: 2.5", (j) => (layerConfig(j, 2).units = 2.5), /units/],
  ['units: "3"', (j) => (layerConfig(j, 2).units = "3"), /units/],
  [
    "a float32 weight relabelled int32",
    (j) => (specs(j)[2].dtype = "int32"),
    /group1-shard1of1\.bin.*manifest entries.*do not match their checksum/,
  ],
  [
    "two same-shaped names swapped",
    (j) => {
      const [a, b] = [specs(j)[3], specs(j)[5]]; // dense/bias [3] and dense_1/bias [3]
      assert.deepEqual(a.shape, b.shape);
      [a.name, b.name] = [b.name, a.name];
    },
    /do not match their checksum/,
  ],
  [
    "an unknown format version",
    (j) => (j.kerno.formatVersion = 7),
    /format version 7/,
  ],
  [
    "a shard without its checksum",
    (j) => delete j.kerno.checksums[SHARD],
    /lists no checksum for it/,
  ],
];

Deno.test("loadModel refuses each damaged model.json with an error naming the file, using little memory", async () => {
  const { dir, cleanup } = await tempDir();
  const path = await savedCnn(dir);
  const good = await readJson(path);
  for (const [name, edit, expected] of VARIANTS) {
    const json = structuredClone(good);
    edit(json);
    await writeJson(path, json);
    const before = tf.memory().numTensors;
    const rss = Deno.memoryUsage().rss;
    await assert.rejects(loadModel(path), (e: Error) => {
      assert.match(e.message, /model\.json|group1-shard1of1\.bin/, `${name}: ${e.message}`);
      assert.match(e.message, expected, `${name}: ${e.message}`);
      assert.doesNotMatch(e.message, /Invalid typed array length|Maximum call stack/, name);
      return true;
    });
    const grown = (Deno.memoryUsage().rss - rss) / 2 ** 20;
    assert.ok(grown < 200, `${name}: resident memory grew by ${grown.toFixed(0)} MiB`);
    assert.equal(tf.memory().numTensors, before, `${name} leaked tensors`);
  }
  await writeJson(path, good);
  (await loadModel(path)).dispose(); // the undamaged file still loads
  await cleanup();
});

Deno.test("loadModel refuses JSON nested 100,000 deep and a __proto__ key without overflowing the stack", async () => {
  const { dir, cleanup } = await tempDir();
  const path = await savedCnn(dir);
  const good = await readJson(path);
  const deep = "[".repeat(100000) + "]".repeat(100000);
  await Deno.writeTextFile(
    `${path}/model.json`,
    JSON.stringify({ ...good, modelTopology: "X" }).replace('"X"', deep),
  );
  await assert.rejects(loadModel(path), /model\.json.*more than 100 levels deep/);
  await Deno.writeTextFile(
    `${path}/model.json`,
    JSON.stringify(good).replace('"config":{', '"config":{"__proto__":{"units":9},'),
  );
  await assert.rejects(loadModel(path), /model\.json.*"__proto__"/);
  // Brackets inside strings are not nesting.
  const text = new TextEncoder().encode(JSON.stringify({ a: "[[[[".repeat(100), b: '\\"[' }));
  assert.deepEqual(parseJson(text, "t.json"), { a: "[[[[".repeat(100), b: '\\"[' });
  await cleanup();
});

Deno.test("loadModel refuses a shard that is a symbolic link or leads out of the model's directory", async () => {
  const { dir, cleanup } = await tempDir();
  const path = await savedCnn(dir);
  const good = await readJson(path);
  const shard = await Deno.readFile(`${path}/${SHARD}`);
  // A TensorFlow.js-style file (no kerno checksums) whose shard links to a file outside.
  const foreign = structuredClone(good);
  delete foreign.kerno;
  delete foreign.modelTopology.training_config;
  await writeJson(path, foreign);
  (await loadModel(path)).dispose(); // loads without kerno's checks, as TensorFlow.js's files do
  await Deno.writeFile(`${dir}/outside.bin`, shard);
  await Deno.remove(`${path}/${SHARD}`);
  await Deno.symlink(`${dir}/outside.bin`, `${path}/${SHARD}`);
  await assert.rejects(loadModel(path), /model\.json.*group1-shard1of1\.bin is a symbolic link/);
  // A shard in a linked folder: not itself a link, but its real path is outside.
  await Deno.remove(`${path}/${SHARD}`);
  await Deno.mkdir(`${dir}/elsewhere`);
  await Deno.writeFile(`${dir}/elsewhere/${SHARD}`, shard);
  await Deno.symlink(`${dir}/elsewhere`, `${path}/sub`);
  foreign.weightsManifest[0].paths = [`sub/${SHARD}`];
  await writeJson(path, foreign);
  await assert.rejects(
    loadModel(path),
    /sub\/group1-shard1of1\.bin leads out of the model's directory/,
  );
  await cleanup();
});

Deno.test("loadModel still reads kerno's format version 1 (shard checksums of the bytes alone)", async () => {
  const { dir, cleanup } = await tempDir();
  const path = await savedCnn(dir);
  const json = await readJson(path);
  const shard = await Deno.readFile(`${path}/${SHARD}`);
  // Version 2's checksum is of the manifest group and the bytes; version 1's of the bytes.
  assert.equal(
    json.kerno.checksums[SHARD],
    checksum(manifestBytes(specs(json) as never, [SHARD]), shard),
  );
  json.kerno.formatVersion = 1;
  json.kerno.checksums[SHARD] = checksum(shard);
  json.kerno.checksums["optimizer-shard1of1.bin"] = checksum(
    await Deno.readFile(`${path}/optimizer-shard1of1.bin`),
  );
  await writeJson(path, json);
  const model = await loadModel(path);
  assert.ok(model.compiled);
  model.dispose();
  await cleanup();
});
