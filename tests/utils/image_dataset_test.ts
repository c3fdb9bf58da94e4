import assert from "node:assert/strict";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { imageDatasetFromDirectory, tf, utils } from "../../mod.ts";

const quiet = { verbose: false } as const;

/** A PNG of `h × w` pixels from row-major values with `channels` channels. */
function png(h: number, w: number, channels: 1 | 2 | 3 | 4, values: number[]): Uint8Array {
  return encodePng({ width: w, height: h, channels, data: Uint8Array.from(values) });
}

/** A flat PNG: every pixel `rgb`. */
function flatPng(h: number, w: number, value: number): Uint8Array {
  return png(h, w, 3, new Array(h * w * 3).fill(value));
}

/** Writes files (`path → bytes`) under a new temporary folder. */
async function folder(files: Record<string, Uint8Array | string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "kerno_image_ds_" });
  for (const [path, content] of Object.entries(files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(full, content);
    else await Deno.writeFile(full, content);
  }
  return dir;
}

/** Ten flat images: a/0..a/4 (values 0..4), b/0..b/4 (values 10..14). */
async function tenImages(): Promise<string> {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 5; i++) {
    files[`b/${i}.png`] = flatPng(2, 2, 10 + i);
    files[`a/${i}.png`] = flatPng(2, 2, i);
  }
  return await folder(files);
}

async function collect(ds: AsyncIterable<unknown>): Promise<{ x: number[][]; y: number[][] }> {
  const x: number[][] = [];
  const y: number[][] = [];
  for await (const e of ds) {
    const [images, labels] = e as [tf.Tensor, tf.Tensor];
    x.push(Array.from(images.dataSync()));
    y.push(Array.from(labels.dataSync()));
  }
  return { x, y };
}

Deno.test("imageDatasetFromDirectory lists class folders and files sorted, recursively, skipping hidden folders and other files", async () => {
  const dir = await folder({
    "zebra/2.png": flatPng(1, 1, 1),
    "zebra/1.PNG": flatPng(1, 1, 1),
    "ant/b.png": flatPng(1, 1, 1),
    "ant/sub/a.png": flatPng(1, 1, 1),
    "ant/a.png": flatPng(1, 1, 1),
    "ant/notes.txt": "not an image",
    ".cache/x.png": flatPng(1, 1, 1),
    "loose.png": flatPng(1, 1, 1),
  });
  const ds = await imageDatasetFromDirectory(dir, { ...quiet, shuffle: false, imageSize: 1 });
  assert.deepEqual(ds.classNames, ["ant", "zebra"]);
  assert.deepEqual(ds.filePaths.map((p) => p.slice(dir.length + 1)), [
    "ant/a.png",
    "ant/b.png",
    "ant/sub/a.png",
    "zebra/1.PNG",
    "zebra/2.png",
  ]);
  const { y } = await collect(ds);
  assert.deepEqual(y, [[0, 0, 0, 1, 1]]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("imageDatasetFromDirectory shuffles the file list as Keras (NumPy's RandomState(seed)) before the split", async () => {
  const dir = await tenImages();
  // np.random.RandomState(7).shuffle of the sorted list a/0..a/4, b/0..b/4:
  const keras = ["b/3", "b/0", "a/0", "a/2", "a/1", "b/4", "b/2", "a/3", "b/1", "a/4"];
  const options = { ...quiet, seed: 7, validationSplit: 0.2, imageSize: 2 } as const;
  const [train, val] = await imageDatasetFromDirectory(dir, { ...options, subset: "both" });
  const names = (ds: { filePaths: string[] }) =>
    ds.filePaths.map((p) => p.slice(dir.length + 1, -4));
  assert.deepEqual(names(train), keras.slice(0, 8));
  assert.deepEqual(names(val), keras.slice(8));
  const training = await imageDatasetFromDirectory(dir, { ...options, subset: "training" });
  assert.deepEqual(names(training), keras.slice(0, 8));
  // Validation is not reshuffled: its elements come in the file order, labels from the folders.
  const { x, y } = await collect(val);
  assert.deepEqual(y, [[1, 0]]);
  assert.deepEqual(x[0].filter((_, i) => i % 12 === 0), [11, 4]);
  // Training: the same 8 files each epoch, in a per-epoch shuffled order.
  const seen = (await collect(training)).x.flatMap((b) => b.filter((_, i) => i % 12 === 0));
  assert.deepEqual(seen.sort((a, b) => a - b), [0, 1, 2, 3, 10, 12, 13, 14]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("imageDatasetFromDirectory prints Keras's lines", async () => {
  const dir = await tenImages();
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    await imageDatasetFromDirectory(dir, { seed: 1, validationSplit: 0.3, subset: "both" });
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, [
    "Found 10 files belonging to 2 classes.",
    "Using 7 files for training.",
    "Using 3 files for validation.",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("imageDatasetFromDirectory resizes bilinearly with half-pixel centres (hand-derived values)", async () => {
  // One channel (grey), 2×2: [[0, 100], [200, 40]], read as rgb (grey repeated), resized to 4×4.
  const dir = await folder({ "c/img.png": png(2, 2, 1, [0, 100, 200, 40]) });
  const before = tf.memory().numTensors;
  for (const numParallelCalls of [1, 2]) {
    const ds = await imageDatasetFromDirectory(dir, {
      ...quiet,
      imageSize: [4, 4],
      shuffle: false,
      numParallelCalls,
    });
    for await (const [x, y] of ds) {
      assert.deepEqual(x.shape, [1, 4, 4, 3]);
      assert.equal(x.dtype, "float32");
      assert.equal(y.dtype, "int32");
      const v = x.arraySync() as number[][][][];
      // Sample positions along each axis: −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
      // Row 0 is input row 0 resampled: [0, 25, 75, 100].
      assert.deepEqual(v[0][0].map((p) => p[0]), [0, 25, 75, 100]);
      // (1, 1): 0.75 · (0.75·0 + 0.25·100) + 0.25 · (0.75·200 + 0.25·40) = 18.75 + 40.
      assert.ok(Math.abs(v[0][1][1][0] - 58.75) < 1e-4, `${v[0][1][1][0]}`);
      assert.deepEqual(v[0][3][0], [200, 200, 200]);
    }
  }
  assert.equal(tf.memory().numTensors, before);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("imageDatasetFromDirectory nearest interpolation and cropToAspectRatio take the centred window", async () => {
  // 2×4 RGB image, pixel value = column × 10 (+ row): crop to 1:1 keeps columns 1 and 2.
  const values: number[] = [];
  for (let r = 0; r < 2; r++) for (let c = 0; c < 4; c++) values.push(c * 10 + r, 0, 0);
  const dir = await folder({ "c/wide.png": png(2, 4, 3, values) });
  const crop = await imageDatasetFromDirectory(dir, {
    ...quiet,
    imageSize: [2, 2],
    cropToAspectRatio: true,
    batchSize: null,
    numParallelCalls: 1,
  });
  for await (const [x] of crop) {
    assert.deepEqual(x.shape, [2, 2, 3]);
    assert.deepEqual(Array.from(x.dataSync()).filter((_, i) => i % 3 === 0), [10, 20, 11, 21]);
  }
  const squeeze = await imageDatasetFromDirectory(dir, {
    ...quiet,
    imageSize: [2, 2],
    interpolation: "nearest",
    numParallelCalls: 1,
  });
  // Nearest, 4 → 2 columns: floor((i + 0.5) · 2) = 1, 3.
  for await (const [x] of squeeze) {
    assert.deepEqual(Array.from(x.dataSync()).filter((_, i) => i % 3 === 0), [10, 30, 11, 31]);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("imageDatasetFromDirectory decodes JPEG, RGBA PNG, BMP and converts channels", async () => {
  const w = 8;
  const rgba = new Uint8Array(w * w * 4);
  for (let p = 0; p < w * w; p++) rgba.set([200, 100, 50, 255], p * 4);
  const bmp = new Uint8Array(54 + 2 * 8); // 2×2, 24-bit, rows bottom-up, padded to 8 bytes
  const view = new DataView(bmp.buffer);
  bmp.set([0x42, 0x4d]);
  view.setUint32(2, bmp.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, 2, true);
  view.setInt32(22, 2, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  bmp.set([3, 2, 1, 6, 5, 4], 54); // bottom row: (1,2,3), (4,5,6) as B,G,R
  bmp.set([9, 8, 7, 12, 11, 10], 62); // top row: (7,8,9), (10,11,12)
  const dir = await folder({
    "a/photo.jpg": jpeg.encode({ width: w, height: w, data: rgba }, 100).data,
    "b/alpha.png": png(1, 2, 4, [1, 2, 3, 128, 4, 5, 6, 0]),
    "c/pic.bmp": bmp,
  });
  const ds = await imageDatasetFromDirectory(dir, {
    ...quiet,
    shuffle: false,
    batchSize: null,
    imageSize: [2, 2],
    colorMode: "rgba",
    interpolation: "nearest",
    numParallelCalls: 1,
  });
  const got: number[][] = [];
  for await (const [x] of ds) got.push(Array.from(x.dataSync()));
  // JPEG: close to the flat colour, alpha 255 added.
  for (let i = 0; i < 16; i += 4) {
    [200, 100, 50, 255].forEach((v, k) => assert.ok(Math.abs(got[0][i + k] - v) <= 3, `${got[0]}`));
  }
  // PNG with alpha kept; 1×2 → 2×2 by nearest repeats the row.
  assert.deepEqual(got[1], [1, 2, 3, 128, 4, 5, 6, 0, 1, 2, 3, 128, 4, 5, 6, 0]);
  // BMP: top row first, alpha 255.
  assert.deepEqual(got[2], [7, 8, 9, 255, 10, 11, 12, 255, 1, 2, 3, 255, 4, 5, 6, 255]);
  // Grey from grey keeps the value; from RGBA drops alpha.
  const grey = await imageDatasetFromDirectory(`${dir}/b/..`, {
    ...quiet,
    labels: null,
    shuffle: false,
    imageSize: [1, 2],
    colorMode: "rgb",
    numParallelCalls: 1,
  });
  assert.equal(grey.classNames, null);
  const batches: number[][] = [];
  for await (const x of grey as unknown as AsyncIterable<tf.Tensor>) {
    assert.equal(x.shape[3], 3);
    batches.push(Array.from(x.dataSync()));
  }
  assert.deepEqual(batches[0].slice(6, 12), [1, 2, 3, 4, 5, 6]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("imageDatasetFromDirectory encodes labels as Keras: int32, one-hot float32, binary [n, 1]", async () => {
  const dir = await tenImages();
  const base = { ...quiet, shuffle: false, imageSize: 1, batchSize: 10 } as const;
  for await (
    const [, y] of await imageDatasetFromDirectory(dir, { ...base, labelMode: "categorical" })
  ) {
    assert.deepEqual({ shape: y.shape, dtype: y.dtype, v: y.arraySync() }, {
      shape: [10, 2],
      dtype: "float32",
      v: [...Array(5).fill([1, 0]), ...Array(5).fill([0, 1])],
    });
  }
  for await (
    const [, y] of await imageDatasetFromDirectory(dir, { ...base, labelMode: "binary" })
  ) {
    assert.deepEqual([y.shape, y.dtype], [[10, 1], "float32"]);
    assert.deepEqual(Array.from(y.dataSync()), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  }
  // Explicit labels follow the sorted file order; classNames picks and orders folders.
  const labels = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
  const explicit = await imageDatasetFromDirectory(dir, { ...base, labels });
  assert.deepEqual(explicit.classNames, ["1", "2", "3", "4", "5", "6", "9"]);
  assert.deepEqual((await collect(explicit)).y, [labels]);
  const onlyB = await imageDatasetFromDirectory(dir, { ...base, classNames: ["b"] });
  assert.deepEqual((await collect(onlyB)).y, [[0, 0, 0, 0, 0]]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("imageDatasetFromDirectory names what is wrong: no class subfolders, labels length, a file that does not decode, options", async () => {
  const flat = await folder({ "one.png": flatPng(1, 1, 1), "two.png": flatPng(1, 1, 1) });
  await assert.rejects(
    imageDatasetFromDirectory(flat, quiet),
    (e: Error) =>
      e instanceof RangeError && /no class subfolders/.test(e.message) &&
      /2 matching files/.test(e.message) && /labels: null/.test(e.message),
  );
  const unlabelled = await imageDatasetFromDirectory(flat, { ...quiet, labels: null });
  assert.equal(unlabelled.filePaths.length, 2);
  await assert.rejects(
    imageDatasetFromDirectory(flat, { ...quiet, labels: [0, 1, 0] }),
    /"labels" must hold one label per file: received 3 labels, while 2 files were found/,
  );
  const dir = await tenImages();
  await Deno.writeTextFile(`${dir}/a/broken.png`, "this is not a PNG");
  for (const numParallelCalls of [1, 2]) {
    const ds = await imageDatasetFromDirectory(dir, { ...quiet, numParallelCalls, shuffle: false });
    await assert.rejects(
      collect(ds),
      (e: Error) => e.message.includes(`Cannot decode image "${dir}/a/broken.png"`),
    );
  }
  await Deno.writeFile(`${dir}/a/broken.png`, flatPng(1, 1, 1).subarray(0, 40));
  await assert.rejects(
    collect(await imageDatasetFromDirectory(dir, { ...quiet, numParallelCalls: 1 })),
    /Cannot decode image ".*broken\.png" as PNG/,
  );
  await assert.rejects(
    imageDatasetFromDirectory(dir, { ...quiet, colour: "rgb" } as never),
    /"colour" is not an option/,
  );
  await assert.rejects(
    imageDatasetFromDirectory(dir, { ...quiet, colorMode: "bgr" as never }),
    /"colorMode" must be one of "grayscale", "rgb", "rgba": received "bgr"/,
  );
  await assert.rejects(
    imageDatasetFromDirectory(dir, { ...quiet, validationSplit: 0.2 }),
    /"validationSplit" and "subset" go together/,
  );
  await assert.rejects(
    imageDatasetFromDirectory(dir, { ...quiet, validationSplit: 0.2, subset: "training" }),
    /"seed" must be given with "validationSplit"/,
  );
  await assert.rejects(
    imageDatasetFromDirectory(dir, { ...quiet, validationSplit: 1.5, subset: "training", seed: 1 }),
    /"validationSplit" must be a number in \(0, 1\): received 1.5/,
  );
  await assert.rejects(
    imageDatasetFromDirectory(dir, { ...quiet, imageSize: [0, 3] }),
    /"imageSize\[0\]" must be a positive integer: received 0/,
  );
  await assert.rejects(
    imageDatasetFromDirectory(dir, { ...quiet, classNames: ["a", "c"] }),
    /"classNames" must name subfolders/,
  );
  await assert.rejects(
    imageDatasetFromDirectory(`${dir}/nowhere`, quiet),
    /"directory" must be an existing folder/,
  );
  await Deno.mkdir(`${dir}/c`);
  await assert.rejects(
    imageDatasetFromDirectory(dir, { ...quiet, labelMode: "binary" }),
    /labelMode "binary" needs exactly 2 classes/,
  );
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(flat, { recursive: true });
});

Deno.test("utils.imageDatasetFromDirectory is the same function as the top-level export", () => {
  assert.equal(utils.imageDatasetFromDirectory, imageDatasetFromDirectory);
});
