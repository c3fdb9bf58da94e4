import assert from "node:assert/strict";
import { textDatasetFromDirectory, tf } from "../../mod.ts";

const quiet = { verbose: false } as const;

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "kerno_text_ds_" });
  for (const [path, content] of Object.entries(files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  return dir;
}

async function sixTexts(): Promise<string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 3; i++) {
    files[`pos/${i}.txt`] = `good ${i}`;
    files[`neg/${i}.txt`] = `bad ${i}`;
  }
  files["neg/skip.md"] = "not read";
  return await folder(files);
}

const decode = (t: tf.Tensor) => t.arraySync() as unknown as string[];

Deno.test("textDatasetFromDirectory yields string tensors with int32 labels in sorted order", async () => {
  const dir = await sixTexts();
  const before = tf.memory().numTensors;
  const ds = await textDatasetFromDirectory(dir, { ...quiet, shuffle: false, batchSize: 4 });
  assert.deepEqual(ds.classNames, ["neg", "pos"]);
  const got: [string[], number[], string, string][] = [];
  for await (const [texts, labels] of ds) {
    got.push([decode(texts), Array.from(labels.dataSync()), texts.dtype, labels.dtype]);
  }
  assert.deepEqual(got, [
    [["bad 0", "bad 1", "bad 2", "good 0"], [0, 0, 0, 1], "string", "int32"],
    [["good 1", "good 2"], [1, 1], "string", "int32"],
  ]);
  assert.equal(tf.memory().numTensors, before);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("textDatasetFromDirectory splits Keras's seeded order and truncates to maxLength bytes", async () => {
  const dir = await sixTexts();
  // np.random.RandomState(11).shuffle of neg/0..2, pos/0..2:
  const keras = ["pos/1", "neg/2", "pos/2", "pos/0", "neg/0", "neg/1"];
  const [train, val] = await textDatasetFromDirectory(dir, {
    ...quiet,
    seed: 11,
    validationSplit: 0.34,
    subset: "both",
    maxLength: 4,
  });
  const names = (ds: { filePaths: string[] }) =>
    ds.filePaths.map((p) => p.slice(dir.length + 1, -4));
  assert.deepEqual(names(train), keras.slice(0, 4));
  assert.deepEqual(names(val), keras.slice(4));
  for await (const [texts, labels] of val) {
    assert.deepEqual(decode(texts), ["bad ", "bad "]);
    assert.deepEqual(Array.from(labels.dataSync()), [0, 0]);
  }
  // A character cut in two is dropped whole: "é" is 2 bytes in UTF-8.
  const accents = await folder({ "x/a.txt": "aé", "y/b.txt": "éé" });
  const cut = await textDatasetFromDirectory(accents, {
    ...quiet,
    maxLength: 2,
    shuffle: false,
    labelMode: null,
  });
  for await (const texts of cut as unknown as AsyncIterable<tf.Tensor>) {
    assert.deepEqual(decode(texts), ["a", "é"]);
  }
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(accents, { recursive: true });
});

Deno.test("textDatasetFromDirectory errors: no class subfolders, labels length, options", async () => {
  const flat = await folder({ "a.txt": "x" });
  await assert.rejects(textDatasetFromDirectory(flat, quiet), /no class subfolders/);
  await assert.rejects(
    textDatasetFromDirectory(flat, { ...quiet, labels: [0, 1] }),
    /received 2 labels, while 1 files were found/,
  );
  await assert.rejects(
    textDatasetFromDirectory(flat, { ...quiet, maxLength: -1 }),
    /"maxLength" must be a positive integer: received -1/,
  );
  await assert.rejects(
    textDatasetFromDirectory(flat, { ...quiet, imageSize: 3 } as never),
    /"imageSize" is not an option/,
  );
  await Deno.remove(flat, { recursive: true });
});
