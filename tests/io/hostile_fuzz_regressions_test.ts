/**
 * Regressions from tools/fuzz_load.ts (issue 18's campaign run again here):
 * each case is a family of damaged files that loaded cleanly but failed with
 * a message in another library's words, or a zip trick that was not seen.
 */
import assert from "node:assert/strict";
import { layers, loadModel, type Model, Sequential, setSeed, tf } from "../../mod.ts";
import { tempDir, weightValues } from "./_helpers.ts";

/** h5wasm's, V8's and nested messages that must not reach the user. */
const RAW = [/name not defined/, /^error - /m, /Unexpected token/, /Unexpected end/, /in JSON at/];

function small(): Sequential {
  setSeed(9);
  const model = new Sequential([
    new layers.Dense(4, { activation: "relu", inputShape: [3] }),
    new layers.Dense(2),
  ]);
  model.compile({ optimizer: "adam", loss: "mse" });
  return model;
}

async function messageOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

function assertClear(message: string, file: string): void {
  assert.ok(message.includes(file), `the message names ${file}: ${message}`);
  for (const raw of RAW) assert.doesNotMatch(message, raw);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

Deno.test("a damaged .weights.h5 fails in kerno's words, or loads its exact values", async () => {
  const { dir, cleanup } = await tempDir();
  const model = small();
  const path = `${dir}/w.weights.h5`;
  await model.saveWeights(path);
  const expected = weightValues(model);
  const bytes = await Deno.readFile(path);
  const target = small();
  const before = tf.memory().numTensors;
  let errors = 0;
  let cannotRead = 0;
  // every 24th byte inverted, then truncations: HDF5 metadata, free space and values
  const damaged: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += 24) {
    const copy = bytes.slice();
    copy[at] ^= 0xff;
    damaged.push(copy);
  }
  for (const n of [17, 52, 254, 1563, Math.floor(bytes.length * 0.9)]) {
    damaged.push(bytes.slice(0, n));
  }
  const original = await Deno.readFile(path);
  for (const copy of damaged) {
    await Deno.writeFile(`${dir}/bad.weights.h5`, copy);
    for (const w of target.weights) tf.tidy(() => w.assign(tf.zerosLike(w)));
    const message = await messageOf(target.loadWeights(`${dir}/bad.weights.h5`));
    if (message === null) {
      // a byte HDF5 does not read for these values (free space, unused header fields)
      assert.deepEqual(weightValues(target), expected);
      continue;
    }
    errors++;
    if (/HDF5 cannot read|not a valid HDF5 file/.test(message)) cannotRead++;
    assertClear(message, "bad.weights.h5");
  }
  assert.deepEqual(await Deno.readFile(path), original);
  assert.ok(errors > damaged.length / 3, `${errors} of ${damaged.length} refused`);
  assert.ok(cannotRead > 0, "some damage reaches HDF5's metadata reads");
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  target.dispose();
  await cleanup();
});

Deno.test("a .weights.h5 whose global heap object runs into its free space is refused, not hung", async () => {
  const { dir, cleanup } = await tempDir();
  const model = small();
  const path = `${dir}/w.weights.h5`;
  await model.saveWeights(path);
  const bytes = await Deno.readFile(path);
  // the global heap holds the strings of kerno's digests; its last object is `kerno_digest`
  // ("sha256:" and 64 hex digits: 71 bytes). Its size, one bit wider, ran HDF5 into an endless loop.
  const gcol = indexOf(bytes, new TextEncoder().encode("GCOL"));
  assert.ok(gcol > 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  let p = gcol + 16;
  let last = -1;
  while (view.getUint16(p, true) !== 0) {
    last = p;
    p += 16 + Math.ceil(Number(view.getBigUint64(p + 8, true)) / 8) * 8;
  }
  assert.equal(
    Number(view.getBigUint64(last + 8, true)),
    71,
    "the digest string is the last object",
  );
  for (const size of [71 ^ 0xff, 71 + 8, 2 ** 20]) {
    const copy = bytes.slice();
    new DataView(copy.buffer).setBigUint64(last + 8, BigInt(size), true);
    await Deno.writeFile(`${dir}/bad.weights.h5`, copy);
    const message = await messageOf(model.loadWeights(`${dir}/bad.weights.h5`));
    assert.ok(message !== null);
    assert.match(message, /global heap at byte \d+ .* is damaged/);
    assertClear(message, "bad.weights.h5");
  }
  model.dispose();
  await cleanup();
});

Deno.test("a checkpoint whose checksum and header both fail says so once, naming the file", async () => {
  const { dir, cleanup } = await tempDir();
  const model = small();
  const path = `${dir}/w.ckpt`;
  await model.saveWeights(path);
  const bytes = await Deno.readFile(path);
  // the first `"` of the JSON header becomes `r`: not JSON any more, and the checksum fails
  const copy = bytes.slice();
  copy[indexOf(copy, new TextEncoder().encode('"'), 16)] = 0x72;
  await Deno.writeFile(`${dir}/bad.ckpt`, copy);
  const message = await messageOf(model.loadWeights(`${dir}/bad.ckpt`));
  assert.ok(message !== null);
  assert.match(message, /do not match their checksum/);
  assert.match(message, /header cannot be read/);
  assert.equal(message.split("bad.ckpt").length, 2, `the file is named once: ${message}`);
  assertClear(message, "bad.ckpt");
  model.dispose();
  await cleanup();
});

Deno.test("model.json with a syntax error names the file and the character, not V8's words", async () => {
  const { dir, cleanup } = await tempDir();
  const model = small();
  await model.save(`${dir}/m`);
  const text = await Deno.readTextFile(`${dir}/m/model.json`);
  const at = text.indexOf('"modelTopology"');
  await Deno.writeTextFile(`${dir}/m/model.json`, text.slice(0, at) + "r" + text.slice(at + 1));
  const message = await messageOf(loadModel(`${dir}/m`));
  assert.ok(message !== null);
  assert.match(message, new RegExp(`not valid JSON: a syntax error at character ${at}`));
  assertClear(message, "model.json");
  model.dispose();
  await cleanup();
});

/** kerno's .keras with one field of config.json's local header changed. */
async function withLocalHeader(
  dir: string,
  model: Model,
  edit: (view: DataView, at: number) => void,
) {
  await model.save(`${dir}/m.keras`);
  const bytes = await Deno.readFile(`${dir}/m.keras`);
  const name = new TextEncoder().encode("config.json");
  let at = -1;
  for (let i = indexOf(bytes, new Uint8Array([0x50, 0x4b, 3, 4])); i >= 0;) {
    if (indexOf(bytes.subarray(i + 30, i + 30 + name.length), name) === 0) {
      at = i;
      break;
    }
    i = indexOf(bytes, new Uint8Array([0x50, 0x4b, 3, 4]), i + 4);
  }
  assert.ok(at >= 0, "config.json has a local header");
  const copy = bytes.slice();
  edit(new DataView(copy.buffer), at);
  await Deno.writeFile(`${dir}/bad.keras`, copy);
}

Deno.test("a .keras entry whose local header states another method or CRC-32 is refused", async () => {
  const { dir, cleanup } = await tempDir();
  const model = small();
  // stored in the directory, "deflated" in the local header: two readers would see two files
  await withLocalHeader(dir, model, (view, at) => view.setUint16(at + 8, 8, true));
  const method = await messageOf(loadModel(`${dir}/bad.keras`));
  assert.ok(method !== null);
  assert.match(method, /entry "config\.json" has compression method 8 in its local header and 0/);
  assertClear(method, "bad.keras");
  await withLocalHeader(dir, model, (view, at) => view.setUint32(at + 14, 0x12345678, true));
  const crc = await messageOf(loadModel(`${dir}/bad.keras`));
  assert.ok(crc !== null);
  assert.match(crc, /entry "config\.json" states a different CRC-32 in its local header/);
  assertClear(crc, "bad.keras");
  // the undamaged archive still loads
  const loaded = await loadModel(`${dir}/m.keras`);
  assert.deepEqual(weightValues(loaded), weightValues(model));
  loaded.dispose();
  model.dispose();
  await cleanup();
});
