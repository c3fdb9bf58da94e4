import assert from "node:assert/strict";
import { crc32 } from "node:zlib";
import { layers, loadModel, type Model, Sequential, setSeed, tf } from "../../mod.ts";
import { predictValues, tempDir, weightValues } from "./_helpers.ts";
import {
  buildZip,
  indexOf,
  rewriteH5,
  unzipItems,
  type ZipItem,
  zlibStreamAt,
} from "../../tools/_hostile_files.ts";

const WEIGHTS = "model.weights.h5";

/** Two same-shaped Dense layers, compiled with Adam and trained one step (so it has slots). */
async function trained(): Promise<Sequential> {
  setSeed(3);
  const model = new Sequential([
    new layers.Dense(3, { activation: "relu", inputShape: [3] }),
    new layers.Dense(3),
  ]);
  model.compile({ optimizer: "adam", loss: "mse" });
  const x = tf.tensor2d([[1, 2, 3], [0, -1, 2]]);
  const y = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
  await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
  tf.dispose([x, y]);
  return model;
}

async function rejectsWith(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(promise, (e: Error) => {
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

function escaped(path: string): RegExp {
  return new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}

/** Saves the model as .keras and returns the archive's entries. */
async function savedKeras(model: Model, path: string): Promise<ZipItem[]> {
  await model.save(path);
  return unzipItems(await Deno.readFile(path));
}

function replace(items: ZipItem[], name: string, data: Uint8Array): ZipItem[] {
  return items.map((item) => (item.name === name ? { name, data } : item));
}

function weightsOf(items: ZipItem[]): Uint8Array {
  return items.find((item) => item.name === WEIGHTS)!.data;
}

/** Flips one bit of the first float32 value of a variable where it lies in `bytes`. */
function flipValueOf(bytes: Uint8Array, variable: tf.Variable): Uint8Array {
  const needle = new Uint8Array(Float32Array.from(variable.dataSync()).buffer);
  const at = indexOf(bytes, needle);
  assert.ok(at > 0, "the variable's values are stored contiguously");
  const copy = bytes.slice();
  copy[at + 1] ^= 0x10;
  return copy;
}

Deno.test("loadModel .keras checks every entry's CRC-32 against the central directory", async () => {
  const { dir, cleanup } = await tempDir();
  const model = await trained();
  const items = await savedKeras(model, `${dir}/m.keras`);
  const badCrc = items.map((item) =>
    item.name === "config.json" ? { ...item, crc: (crc32(item.data) ^ 1) >>> 0 } : item
  );
  await Deno.writeFile(`${dir}/crc.keras`, buildZip(badCrc));
  await rejectsWith(loadModel(`${dir}/crc.keras`), /crc\.keras/, /CRC-32 of entry "config\.json"/);
  // kerno stores entries uncompressed: one flipped bit in the raw file's weight bytes
  const raw = await Deno.readFile(`${dir}/m.keras`);
  await Deno.writeFile(`${dir}/flip.keras`, flipValueOf(raw, model.layers[1].weights[0]));
  await rejectsWith(
    loadModel(`${dir}/flip.keras`),
    /flip\.keras/,
    /CRC-32 of entry "model\.weights\.h5"/,
    /damaged/,
  );
  model.dispose();
  await cleanup();
});

Deno.test("loadModel .keras refuses inflation bombs and lying sizes before inflating them", async () => {
  const { dir, cleanup } = await tempDir();
  const model = await trained();
  const items = await savedKeras(model, `${dir}/m.keras`);
  const zeros = new Uint8Array(40 * 2 ** 20);
  const cases: [string, ZipItem[], RegExp][] = [
    // 40 MiB of zeros deflate to ~40 KiB: declared honestly, but no weights compress so well
    ["bomb", [...items.filter((i) => i.name !== WEIGHTS), {
      name: WEIGHTS,
      data: zeros,
      deflate: true,
    }], /entry "model\.weights\.h5" declares 41943040 bytes from \d+ compressed/],
    // a small entry that claims 1 GiB
    [
      "claims",
      items.map((i) => (i.name === WEIGHTS ? { ...i, deflate: true, size: 2 ** 30 } : i)),
      /declares 1073741824 bytes/,
    ],
    // a small claim that inflates to more
    [
      "grows",
      items.map((i) => (i.name === WEIGHTS ? { ...i, deflate: true, size: 100 } : i)),
      /inflates to more than the 100 bytes it declares/,
    ],
    // 20 MiB of JSON whitespace
    ["json", [...items.filter((i) => i.name !== "config.json"), {
      name: "config.json",
      data: new Uint8Array(20 * 2 ** 20).fill(0x20),
      deflate: true,
    }], /entry "config\.json" declares 20971520 bytes/],
    [
      "twice",
      [...items, { name: WEIGHTS, data: weightsOf(items) }],
      /entry "model\.weights\.h5" appears twice/,
    ],
  ];
  for (const [name, archive, pattern] of cases) {
    await Deno.writeFile(`${dir}/${name}.keras`, buildZip(archive));
    const before = Deno.memoryUsage().rss;
    await rejectsWith(loadModel(`${dir}/${name}.keras`), escaped(`${name}.keras`), pattern);
    assert.ok(Deno.memoryUsage().rss - before < 200 * 2 ** 20, `${name}: small memory`);
  }
  model.dispose();
  await cleanup();
});

Deno.test("loadWeights .h5 verifies kerno's digest: a flipped bit names the file, the dataset and the layer", async () => {
  const { dir, cleanup } = await tempDir();
  const model = await trained();
  await model.saveWeights(`${dir}/w.weights.h5`);
  const bytes = await Deno.readFile(`${dir}/w.weights.h5`);
  await Deno.writeFile(`${dir}/flip.weights.h5`, flipValueOf(bytes, model.layers[1].weights[0]));
  const before = weightValues(model);
  await rejectsWith(
    model.loadWeights(`${dir}/flip.weights.h5`),
    /flip\.weights\.h5/,
    /dataset layers\/dense_1\/vars\/0 of layer "dense_\d+"/,
    /digest/,
  );
  assert.deepEqual(weightValues(model), before, "nothing changed");
  // the digest also sees a dataset removed (the file's list of datasets changes)
  const lost = await rewriteH5(bytes, {
    keepDigest: true,
    dataset: (path) => (path === "layers/dense_1/vars/1" ? null : undefined),
  });
  await Deno.writeFile(`${dir}/lost.weights.h5`, lost);
  await rejectsWith(
    model.loadWeights(`${dir}/lost.weights.h5`),
    /lost\.weights\.h5/,
    /added, removed or renamed/,
  );
  model.dispose();
  await cleanup();
});

Deno.test("loadModel .keras verifies the digest of its weights file even when the zip's CRC was redone", async () => {
  const { dir, cleanup } = await tempDir();
  const model = await trained();
  const items = await savedKeras(model, `${dir}/m.keras`);
  const flipped = flipValueOf(weightsOf(items), model.layers[0].weights[0]);
  await Deno.writeFile(`${dir}/redone.keras`, buildZip(replace(items, WEIGHTS, flipped)));
  await rejectsWith(
    loadModel(`${dir}/redone.keras`),
    /redone\.keras \(model\.weights\.h5\) \(dataset layers\/dense\/vars\/0 of layer "dense_\d+"\)/,
    /digest kerno wrote/,
  );
  model.dispose();
  await cleanup();
});

Deno.test("loadModel .keras and loadWeights .h5 read files without kerno's digest, trusting their values", async () => {
  const { dir, cleanup } = await tempDir();
  const model = await trained();
  const x = tf.tensor2d([[0.5, -1, 2]]);
  const items = await savedKeras(model, `${dir}/m.keras`);
  const foreign = await rewriteH5(weightsOf(items)); // Keras's layout, no kerno_ attributes
  await Deno.writeFile(`${dir}/foreign.keras`, buildZip(replace(items, WEIGHTS, foreign)));
  const loaded = await loadModel(`${dir}/foreign.keras`);
  assert.deepEqual(predictValues(loaded, x), predictValues(model, x));
  assert.deepEqual(weightValues(loaded), weightValues(model));
  assert.deepEqual(
    loaded.optimizer.getWeights().map((t) => Array.from(t.dataSync())),
    model.optimizer.getWeights().map((t) => Array.from(t.dataSync())),
  );
  // what cannot be seen: a changed value in a file without the digest loads as it is
  const changed = flipValueOf(foreign, model.layers[0].weights[0]);
  await Deno.writeFile(`${dir}/changed.weights.h5`, changed);
  await loaded.loadWeights(`${dir}/changed.weights.h5`);
  assert.notDeepEqual(weightValues(loaded), weightValues(model));
  tf.dispose(x);
  loaded.dispose();
  model.dispose();
  await cleanup();
});

Deno.test("loadWeights .h5 refuses integer data for a float weight, soft and external links", async () => {
  const { dir, cleanup } = await tempDir();
  const model = await trained();
  await model.saveWeights(`${dir}/w.weights.h5`);
  const bytes = await Deno.readFile(`${dir}/w.weights.h5`);
  const kernel = "layers/dense_1/vars/0";
  const cases: [string, Parameters<typeof rewriteH5>[1], RegExp][] = [
    ["int", {
      dataset: (path, data, shape) =>
        path === kernel ? { data: Int32Array.from(data as Float32Array), shape } : undefined,
    }, /layers\/dense_1\/vars\/0.* as it holds integers where a float weight is expected/],
    ["soft", {
      dataset: (path) => (path === kernel ? { softLink: "/layers/dense/vars/0" } : undefined),
    }, /\/layers\/dense_1\/vars\/0 is a soft link \(to "\/layers\/dense\/vars\/0"\)/],
    ["external", {
      dataset: (path) => (path === kernel ? { externalLink: ["other.h5", "/x"] } : undefined),
    }, /\/layers\/dense_1\/vars\/0 is an external link \(to "other\.h5"\)/],
  ];
  const before = weightValues(model);
  for (const [name, edit, pattern] of cases) {
    await Deno.writeFile(`${dir}/${name}.weights.h5`, await rewriteH5(bytes, edit));
    await rejectsWith(model.loadWeights(`${dir}/${name}.weights.h5`), escaped(name), pattern);
    assert.deepEqual(weightValues(model), before, `${name}: nothing changed`);
  }
  model.dispose();
  await cleanup();
});

Deno.test("loadWeights .h5 turns a failed gzip filter into an error naming the file and the dataset", async () => {
  const { dir, cleanup } = await tempDir();
  const model = await trained();
  await model.saveWeights(`${dir}/w.weights.h5`);
  const kernel = "layers/dense_1/vars/0";
  const compressed = await rewriteH5(await Deno.readFile(`${dir}/w.weights.h5`), {
    dataset: (path, data, shape) =>
      path === kernel ? { data: data as Float32Array, shape, compress: true } : undefined,
  });
  await Deno.writeFile(`${dir}/gzip.weights.h5`, compressed);
  await model.loadWeights(`${dir}/gzip.weights.h5`); // intact, it reads
  const at = zlibStreamAt(compressed);
  assert.ok(at > 0);
  const broken = compressed.slice();
  for (let i = at + 4; i < at + 12; i++) broken[i] ^= 0xff;
  await Deno.writeFile(`${dir}/broken.weights.h5`, broken);
  await rejectsWith(
    model.loadWeights(`${dir}/broken.weights.h5`),
    /broken\.weights\.h5 \(layers\/dense_1\/vars\/0/,
    /HDF5 failed to read its values/,
  );
  model.dispose();
  await cleanup();
});

Deno.test("loadModel .keras compares dataset shapes before reading (a [16000, 16000] optimizer slot in a small file)", async () => {
  const { dir, cleanup } = await tempDir();
  const model = await trained();
  const items = await savedKeras(model, `${dir}/m.keras`);
  const huge = await rewriteH5(weightsOf(items), {
    dataset: (path) => (path === "optimizer/vars/2" ? { hugeShape: [16000, 16000] } : undefined),
  });
  assert.ok(huge.length < 64 * 1024);
  await Deno.writeFile(`${dir}/huge.keras`, buildZip(replace(items, WEIGHTS, huge)));
  await rejectsWith(
    loadModel(`${dir}/huge.keras`),
    /huge\.keras/,
    /optimizer\/vars\/2\) as its shape is \[16000,16000\] where \[3,3\] is expected/,
    /compile: false/,
  );
  const weight = await rewriteH5(weightsOf(items), {
    dataset: (path) => (path === "layers/dense/vars/0" ? { hugeShape: [16000, 16000] } : undefined),
  });
  await Deno.writeFile(`${dir}/weight.keras`, buildZip(replace(items, WEIGHTS, weight)));
  await rejectsWith(loadModel(`${dir}/weight.keras`), /weight\.keras/, /16000/);
  model.dispose();
  await cleanup();
});

Deno.test("loadModel .keras refuses a compiled model whose optimizer state is missing or unreadable, unless compile: false", async () => {
  const { dir, cleanup } = await tempDir();
  const model = await trained();
  const x = tf.tensor2d([[0.5, -1, 2]]);
  const items = await savedKeras(model, `${dir}/m.keras`);
  const noOptimizer = await rewriteH5(weightsOf(items), {
    dataset: (path) => (path.startsWith("optimizer/") ? null : undefined),
  });
  await Deno.writeFile(`${dir}/missing.keras`, buildZip(replace(items, WEIGHTS, noOptimizer)));
  await rejectsWith(
    loadModel(`${dir}/missing.keras`),
    /missing\.keras/,
    /says the model was compiled/,
    /no optimizer state/,
    /\{ compile: false \}/,
  );
  const plain = await loadModel(`${dir}/missing.keras`, { compile: false });
  assert.equal(plain.compiled, null);
  assert.deepEqual(predictValues(plain, x), predictValues(model, x));
  plain.dispose();
  const intSlot = await rewriteH5(weightsOf(items), {
    dataset: (path, data, shape) =>
      path === "optimizer/vars/3"
        ? { data: Int32Array.from(data as Float32Array), shape }
        : undefined,
  });
  await Deno.writeFile(`${dir}/int.keras`, buildZip(replace(items, WEIGHTS, intSlot)));
  await rejectsWith(
    loadModel(`${dir}/int.keras`),
    /int\.keras/,
    /optimizer state is unreadable/,
    /holds integers/,
  );
  await assert.rejects(loadModel(`${dir}/m.keras`, { compiles: false } as never), /compiles/);
  tf.dispose(x);
  model.dispose();
  await cleanup();
});

Deno.test("loadWeights .h5: every single flipped byte of a kerno file is refused naming the file, or changes nothing", async () => {
  const { dir, cleanup } = await tempDir();
  const model = await trained();
  await model.saveWeights(`${dir}/w.weights.h5`);
  const bytes = await Deno.readFile(`${dir}/w.weights.h5`);
  const expected = weightValues(model);
  const target = await trained();
  let refused = 0;
  for (let k = 0; k < 48; k++) {
    const at = Math.floor(((k + 0.5) / 48) * bytes.length);
    const copy = bytes.slice();
    copy[at] ^= 0x04;
    const path = `${dir}/f${k}.weights.h5`;
    await Deno.writeFile(path, copy);
    try {
      await target.loadWeights(path);
      assert.deepEqual(weightValues(target), expected, `byte ${at}: loaded, so values unchanged`);
    } catch (error) {
      assert.match((error as Error).message, escaped(path), `byte ${at}`);
      assert.doesNotMatch((error as Error).message, /^error - /);
      refused++;
    }
  }
  assert.ok(refused > 0);
  target.dispose();
  model.dispose();
  await cleanup();
});
