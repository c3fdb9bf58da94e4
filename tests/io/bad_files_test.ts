import assert from "node:assert/strict";
import h5wasm from "h5wasm";
import { layers, loadModel, Sequential, tf } from "../../mod.ts";
import { tempDir, weightValues } from "./_helpers.ts";

function tinyModel(units = 2): Sequential {
  return new Sequential([new layers.Dense(units, { inputShape: [3] }), new layers.Dense(1)]);
}

async function savedDir(): Promise<{ dir: string; path: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await tempDir();
  const model = tinyModel();
  await model.save(`${dir}/m`);
  model.dispose();
  return { dir, path: `${dir}/m`, cleanup };
}

interface Manifest {
  weightsManifest: { paths: string[]; weights: { shape: number[]; dtype: string }[] }[];
}

async function editManifest(
  path: string,
  edit: (json: Manifest) => void,
): Promise<void> {
  const json = JSON.parse(await Deno.readTextFile(`${path}/model.json`));
  edit(json);
  await Deno.writeTextFile(`${path}/model.json`, JSON.stringify(json));
}

async function rejectsWith(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(promise, (e: Error) => {
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

Deno.test("loadModel refuses a manifest whose shapes need more bytes than the shard holds", async () => {
  const { path, cleanup } = await savedDir();
  await editManifest(path, (j) => (j.weightsManifest[0].weights[0].shape = [300, 2]));
  const before = tf.memory().numTensors;
  await rejectsWith(loadModel(path), /model\.json/, /needs \d+ bytes/, /hold \d+/);
  assert.equal(tf.memory().numTensors, before);
  await cleanup();
});

Deno.test("loadModel refuses a shape with billions of elements before allocating", async () => {
  const { path, cleanup } = await savedDir();
  await editManifest(path, (j) => (j.weightsManifest[0].weights[0].shape = [100000, 100000]));
  await rejectsWith(loadModel(path), /model\.json/, /claims 10000000000 elements/);
  await cleanup();
});

Deno.test("loadModel refuses a wrong dtype", async () => {
  const { path, cleanup } = await savedDir();
  await editManifest(path, (j) => (j.weightsManifest[0].weights[1].dtype = "float64"));
  await rejectsWith(
    loadModel(path),
    /model\.json/,
    /dtype must be "float32" or "int32": received "float64"/,
  );
  await cleanup();
});

Deno.test("loadModel refuses a model.json that is not JSON, and a shard path outside the directory", async () => {
  const { path, cleanup } = await savedDir();
  const good = await Deno.readTextFile(`${path}/model.json`);
  await Deno.writeTextFile(`${path}/model.json`, good.slice(0, good.length / 2));
  await rejectsWith(loadModel(path), /model\.json/, /not valid JSON/);
  await Deno.writeTextFile(`${path}/model.json`, good);
  await editManifest(path, (j) => (j.weightsManifest[0].paths = ["../../etc/passwd"]));
  await rejectsWith(loadModel(path), /relative file name inside/);
  await cleanup();
});

Deno.test("loadModel refuses a truncated or altered shard", async () => {
  const { path, cleanup } = await savedDir();
  const shard = await Deno.readFile(`${path}/group1-shard1of1.bin`);
  await Deno.writeFile(`${path}/group1-shard1of1.bin`, shard.subarray(0, 10));
  await rejectsWith(loadModel(path), /group1-shard1of1\.bin/, /truncated/);
  shard[0] ^= 0xff;
  await Deno.writeFile(`${path}/group1-shard1of1.bin`, shard);
  await rejectsWith(loadModel(path), /group1-shard1of1\.bin/, /do not match/);
  await cleanup();
});

Deno.test("loadModel refuses a .keras file that is not a zip, or is truncated", async () => {
  const { dir, cleanup } = await tempDir();
  await Deno.writeTextFile(`${dir}/bad.keras`, "this is not a zip archive");
  await rejectsWith(loadModel(`${dir}/bad.keras`), /bad\.keras/, /not a valid \.keras zip archive/);
  const model = tinyModel();
  await model.save(`${dir}/m.keras`);
  model.dispose();
  const bytes = await Deno.readFile(`${dir}/m.keras`);
  await Deno.writeFile(`${dir}/cut.keras`, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await rejectsWith(loadModel(`${dir}/cut.keras`), /cut\.keras/);
  await cleanup();
});

Deno.test("loadWeights refuses an .h5 file that does not parse", async () => {
  const { dir, cleanup } = await tempDir();
  const model = tinyModel();
  await Deno.writeTextFile(`${dir}/a.weights.h5`, "plain text");
  await rejectsWith(model.loadWeights(`${dir}/a.weights.h5`), /a\.weights\.h5/, /not an HDF5 file/);
  const signature = new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);
  await Deno.writeFile(`${dir}/b.weights.h5`, signature);
  await rejectsWith(
    model.loadWeights(`${dir}/b.weights.h5`),
    /b\.weights\.h5/,
    /not a valid HDF5 file/,
  );
  model.dispose();
  await cleanup();
});

Deno.test("loadWeights refuses an HDF5 dataset of a non-numeric dtype", async () => {
  const { dir, cleanup } = await tempDir();
  const { FS } = await h5wasm.ready;
  const f = new h5wasm.File("/bad-dtype.h5", "w");
  f.create_group("layers");
  f.create_group("layers/dense");
  const g = f.create_group("layers/dense/vars");
  g.create_dataset({ name: "0", data: ["a", "b", "c", "d", "e", "f"], shape: [3, 2] });
  g.create_dataset({ name: "1", data: new Float32Array(2), shape: [2] });
  f.close();
  await Deno.writeFile(`${dir}/d.weights.h5`, FS!.readFile("/bad-dtype.h5"));
  const model = new Sequential([new layers.Dense(2, { inputShape: [3] })]);
  await rejectsWith(
    model.loadWeights(`${dir}/d.weights.h5`),
    /d\.weights\.h5/,
    /layers\/dense\/vars\/0/,
    /dtype/,
  );
  model.dispose();
  await cleanup();
});

Deno.test("loadWeights with differing shapes names the layer, the weight and both shapes, and changes nothing", async () => {
  const { dir, cleanup } = await tempDir();
  const saved = tinyModel(2);
  for (const path of [`${dir}/w.ckpt`, `${dir}/w.weights.h5`]) {
    await saved.saveWeights(path);
    const other = tinyModel(4);
    const before = weightValues(other);
    const name = other.layers[0].name;
    await rejectsWith(
      other.loadWeights(path),
      new RegExp(`layer "${name}"`),
      /weight "kernel"/,
      /\[3,4\] in the model but \[3,2\] in the file/,
    );
    assert.deepEqual(weightValues(other), before);
    other.dispose();
  }
  saved.dispose();
  await cleanup();
});

Deno.test("loadWeights with skipMismatch skips the mismatched layers only", async () => {
  const { dir, cleanup } = await tempDir();
  const saved = new Sequential([new layers.Dense(2, { inputShape: [3] }), new layers.Dense(5)]);
  await saved.saveWeights(`${dir}/w.weights.h5`);
  const other = new Sequential([new layers.Dense(2, { inputShape: [3] }), new layers.Dense(4)]);
  const lastBefore = weightValues(other).slice(2);
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => warnings.push(m);
  try {
    await other.loadWeights(`${dir}/w.weights.h5`, { skipMismatch: true });
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(weightValues(other).slice(0, 2), weightValues(saved).slice(0, 2));
  assert.deepEqual(weightValues(other).slice(2), lastBefore);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], new RegExp(other.layers[1].name));
  saved.dispose();
  other.dispose();
  await cleanup();
});

Deno.test("loadWeights refuses a truncated or corrupted kerno checkpoint file", async () => {
  const { dir, cleanup } = await tempDir();
  const model = tinyModel();
  await model.saveWeights(`${dir}/w.ckpt`);
  const bytes = await Deno.readFile(`${dir}/w.ckpt`);
  await Deno.writeFile(`${dir}/cut.ckpt`, bytes.subarray(0, bytes.length - 4));
  await rejectsWith(model.loadWeights(`${dir}/cut.ckpt`), /cut\.ckpt/, /truncated/);
  bytes[bytes.length - 1] ^= 0x55;
  await Deno.writeFile(`${dir}/flip.ckpt`, bytes);
  await rejectsWith(model.loadWeights(`${dir}/flip.ckpt`), /flip\.ckpt/, /checksum/);
  await Deno.writeTextFile(`${dir}/junk.ckpt`, "junk");
  await rejectsWith(model.loadWeights(`${dir}/junk.ckpt`), /junk\.ckpt/, /not a kerno checkpoint/);
  model.dispose();
  await cleanup();
});
