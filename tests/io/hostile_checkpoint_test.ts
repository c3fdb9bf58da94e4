import assert from "node:assert/strict";
import { layers, Sequential } from "../../mod.ts";
import { checksum } from "../../io/_binary.ts";
import { tempDir, weightValues } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

function model(): Sequential {
  return new Sequential([
    new layers.Dense(3, { inputShape: [2] }),
    new layers.Dense(3),
  ]);
}

/** A checkpoint's parts: the version 2 layout is magic, header length, checksum, header, values. */
function parts(bytes: Uint8Array): { header: Json; data: Uint8Array; sum: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "KERNOCK2");
  const length = view.getUint32(8, true);
  return {
    header: JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length))),
    data: bytes.slice(16 + length),
    sum: view.getUint32(12, true),
  };
}

/** Reassembles a file: version 2 with a given checksum, or version 1 (checksum of the values in the header). */
function assemble(header: Json, data: Uint8Array, sum: number | null): Uint8Array {
  const v1 = sum === null;
  const text = new TextEncoder().encode(
    JSON.stringify(v1 ? { ...header, checksum: checksum(data) } : header),
  );
  const start = v1 ? 12 : 16;
  const out = new Uint8Array(start + text.length + data.length);
  out.set(new TextEncoder().encode(v1 ? "KERNOCK1" : "KERNOCK2"));
  const view = new DataView(out.buffer);
  view.setUint32(8, text.length, true);
  if (!v1) view.setUint32(12, sum, true);
  out.set(text, start);
  out.set(data, start + text.length);
  return out;
}

Deno.test("a checkpoint's checksum covers its header: a relabelled dtype, swapped names or edited state are refused", async () => {
  const { dir, cleanup } = await tempDir();
  const m = model();
  await m.saveWeights(`${dir}/w.ckpt`);
  const { header, data, sum } = parts(await Deno.readFile(`${dir}/w.ckpt`));
  assert.equal(sum, parseInt(checksum((await Deno.readFile(`${dir}/w.ckpt`)).subarray(16)), 16));
  const edits: [string, (h: Json) => void][] = [
    ["dtype", (h) => (h.weights[0].dtype = "int32")],
    ["names", (h) => {
      const [a, b] = [h.weights[1], h.weights[3]]; // two biases of shape [3]
      assert.deepEqual(a.shape, b.shape);
      [a.name, b.name] = [b.name, a.name];
    }],
    ["state", (h) => (h.state = { epoch: 99 })],
  ];
  const before = weightValues(m);
  for (const [what, edit] of edits) {
    const h = structuredClone(header);
    edit(h);
    await Deno.writeFile(`${dir}/bad.ckpt`, assemble(h, data, sum));
    await assert.rejects(m.loadWeights(`${dir}/bad.ckpt`), (e: Error) => {
      assert.match(e.message, /bad\.ckpt/, what);
      assert.match(e.message, /do not match their checksum/, what);
      return true;
    });
  }
  assert.deepEqual(weightValues(m), before);
  m.dispose();
  await cleanup();
});

Deno.test("a checkpoint whose header nests 100,000 deep or claims more values than it holds is refused by name", async () => {
  const { dir, cleanup } = await tempDir();
  const m = model();
  const deep = { weights: [], optimizer: null, state: "X" };
  const text = JSON.stringify(deep).replace('"X"', "[".repeat(100000) + "]".repeat(100000));
  const header = new TextEncoder().encode(text);
  const bytes = assemble({}, new Uint8Array(), 0);
  const file = new Uint8Array(16 + header.length);
  file.set(bytes.subarray(0, 16));
  new DataView(file.buffer).setUint32(8, header.length, true);
  file.set(header, 16);
  new DataView(file.buffer).setUint32(12, parseInt(checksum(file.subarray(16)), 16), true);
  await Deno.writeFile(`${dir}/deep.ckpt`, file);
  await assert.rejects(m.loadWeights(`${dir}/deep.ckpt`), /deep\.ckpt.*more than 100 levels deep/);
  const big = { weights: [{ name: "d/kernel", shape: [16000, 16000], dtype: "float32" }] };
  const lying = assemble(big, new Uint8Array(64), 0);
  new DataView(lying.buffer).setUint32(12, parseInt(checksum(lying.subarray(16)), 16), true);
  await Deno.writeFile(`${dir}/lying.ckpt`, lying);
  const rss = Deno.memoryUsage().rss;
  await assert.rejects(m.loadWeights(`${dir}/lying.ckpt`), /lying\.ckpt.*needs 1024000000 bytes/);
  assert.ok(Deno.memoryUsage().rss - rss < 200 * 2 ** 20);
  m.dispose();
  await cleanup();
});

Deno.test("a version 1 checkpoint (KERNOCK1) still loads", async () => {
  const { dir, cleanup } = await tempDir();
  const m = model();
  await m.saveWeights(`${dir}/w.ckpt`);
  const { header, data } = parts(await Deno.readFile(`${dir}/w.ckpt`));
  await Deno.writeFile(`${dir}/v1.ckpt`, assemble(header, data, null));
  const other = model();
  await other.loadWeights(`${dir}/v1.ckpt`);
  assert.deepEqual(weightValues(other), weightValues(m));
  const flipped = assemble(header, data, null);
  flipped[flipped.length - 1] ^= 1;
  await Deno.writeFile(`${dir}/v1.ckpt`, flipped);
  await assert.rejects(other.loadWeights(`${dir}/v1.ckpt`), /v1\.ckpt.*checksum/);
  m.dispose();
  other.dispose();
  await cleanup();
});
