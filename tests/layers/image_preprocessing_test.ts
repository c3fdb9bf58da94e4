/**
 * The image preprocessing layers: Rescaling, Resizing, CenterCrop and the
 * random augmentations, against hand-derived values and Keras's stated
 * behaviour (identity outside training, one draw per image, seeds), the
 * shared layer check, symbolic shapes, and their errors.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Input } from "../../engine/input_layer.ts";
import {
  CenterCrop,
  RandomBrightness,
  RandomContrast,
  RandomCrop,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  Rescaling,
  Resizing,
} from "../../layers/mod.ts";
import type { Layer } from "../../engine/layer.ts";
import { applyOwned, checkLayer } from "./_layer_check.ts";

/** `[batch, h, w, 1]` images whose pixel (y, x) is `10·y + x` (plus 100·b per image). */
function grid(batch: number, h: number, w: number): tf.Tensor4D {
  const v: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) v.push(100 * b + 10 * y + x);
  }
  return tf.tensor4d(v, [batch, h, w, 1]);
}

function values(layer: Layer, x: tf.Tensor, training = false): number[] {
  const y = applyOwned(layer, x, training);
  const out = Array.from(y.dataSync());
  y.dispose();
  return out;
}

function close(actual: number[], expected: number[], tol = 1e-4, what = "values"): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) =>
    assert.ok(Math.abs(a - expected[i]) <= tol, `${what}[${i}]: ${a} vs ${expected[i]}`)
  );
}

Deno.test("the image layers pass the shared layer check (inference mode)", () => {
  const none = { weights: 0, params: 0 };
  const same = { inputShape: [2, 6, 5, 2], outputShape: [2, 6, 5, 2], ...none };
  checkLayer({ make: () => new Rescaling(0.5, { offset: 1 }), cls: Rescaling, ...same });
  checkLayer({
    make: () => new Resizing(4, 7, { interpolation: "bicubic" }),
    cls: Resizing,
    inputShape: [2, 6, 5, 2],
    outputShape: [2, 4, 7, 2],
    ...none,
  });
  checkLayer({
    make: () => new CenterCrop(4, 3),
    cls: CenterCrop,
    inputShape: [2, 6, 5, 2],
    outputShape: [2, 4, 3, 2],
    ...none,
  });
  checkLayer({ make: () => new RandomFlip("vertical", { seed: 1 }), cls: RandomFlip, ...same });
  checkLayer({
    make: () => new RandomRotation([-0.2, 0.3], { fillMode: "wrap", seed: 2 }),
    cls: RandomRotation,
    ...same,
  });
  checkLayer({ make: () => new RandomZoom(0.2, [-0.1, 0.3]), cls: RandomZoom, ...same });
  checkLayer({
    make: () => new RandomTranslation(0.1, 0.2, { interpolation: "nearest" }),
    cls: RandomTranslation,
    ...same,
  });
  checkLayer({ make: () => new RandomContrast([0.1, 0.4]), cls: RandomContrast, ...same });
  checkLayer({
    make: () => new RandomBrightness(0.2, { valueRange: [0, 1] }),
    cls: RandomBrightness,
    ...same,
  });
  checkLayer({
    make: () => new RandomCrop(6, 5, { seed: 3 }),
    cls: RandomCrop,
    ...same,
  });
});

Deno.test("Rescaling multiplies and adds, per channel with lists", () => {
  const x = tf.tensor4d([0, 255, 127.5, 51], [1, 1, 2, 2]);
  close(values(new Rescaling(1 / 127.5, { offset: -1 }), x), [-1, 1, 0, -0.6]);
  close(values(new Rescaling([1, 2], { offset: [0, 10] }), x), [0, 520, 127.5, 112]);
  x.dispose();
});

Deno.test("Resizing: half-pixel bilinear, a single image, and the aspect-ratio crop", () => {
  // 4 → 2 columns samples 0.5 and 2.5: the means of columns (0, 1) and (2, 3).
  const x = grid(1, 2, 4);
  close(values(new Resizing(2, 2), x), [0.5, 2.5, 10.5, 12.5]);
  const single = tf.squeeze(x, [0]);
  const y = new Resizing(1, 2).apply(single);
  assert.deepEqual(y.shape, [1, 2, 1]);
  close(Array.from(y.dataSync()), [5.5, 7.5]);
  // A 4x6 image to 2x2 with the crop: its centre 4x4 window (columns 1..4), halved:
  // rows sample 0.5 and 2.5 of the window, columns 1.5 and 3.5 of the image.
  const wide = grid(1, 4, 6);
  close(values(new Resizing(2, 2, { cropToAspectRatio: true }), wide), [6.5, 8.5, 26.5, 28.5]);
  // "area" 4x6 → 2x3: the mean of each 2x2 block.
  close(values(new Resizing(2, 3, { interpolation: "area" }), wide), [
    5.5,
    7.5,
    9.5,
    25.5,
    27.5,
    29.5,
  ]);
  tf.dispose([x, single, y, wide]);
});

Deno.test("CenterCrop takes the centre window, and resizes images smaller than it", () => {
  const x = grid(1, 5, 6);
  // Rows from ⌊(5-3)/2⌋ = 1, columns from ⌊(6-2)/2⌋ = 2.
  close(values(new CenterCrop(3, 2), x), [12, 13, 22, 23, 32, 33]);
  const small = new CenterCrop(8, 8).apply(x);
  assert.deepEqual(small.shape, [1, 8, 8, 1]);
  tf.dispose([x, small]);
});

Deno.test("the random layers are the identity outside training", () => {
  const x = grid(3, 5, 6);
  const want = Array.from(x.dataSync());
  for (
    const layer of [
      new RandomFlip(),
      new RandomRotation(0.3),
      new RandomZoom(0.5),
      new RandomTranslation(0.3, 0.3),
      new RandomContrast(0.5),
      new RandomBrightness(0.5),
    ]
  ) {
    assert.deepEqual(values(layer, x), want, layer.constructor.name);
  }
  x.dispose();
});

Deno.test("RandomFlip flips each image or leaves it, about half of them, by its own draw", () => {
  const x = tf.tile(grid(1, 3, 4), [200, 1, 1, 1]);
  const plain = Array.from(grid(1, 3, 4).dataSync());
  const mirrored = [3, 2, 1, 0, 13, 12, 11, 10, 23, 22, 21, 20];
  const y = values(new RandomFlip("horizontal", { seed: 5 }), x, true);
  let flipped = 0;
  for (let b = 0; b < 200; b++) {
    const img = y.slice(b * 12, b * 12 + 12);
    if (img.every((v, i) => v === mirrored[i])) flipped++;
    else assert.deepEqual(img, plain);
  }
  assert.ok(flipped > 70 && flipped < 130, `${flipped} of 200 flipped`);
  // Both axes at once: the image turned half a turn.
  const both = values(new RandomFlip("horizontal_and_vertical", { seed: 5 }), x, true);
  const turned = [...plain].reverse();
  for (let b = 0; b < 200; b++) {
    const img = both.slice(b * 12, b * 12 + 12);
    assert.ok(img.every((v, i) => v === turned[i]) || img.every((v, i) => v === plain[i]));
  }
  x.dispose();
});

Deno.test("the geometric layers move pixels as their matrices say", () => {
  const x = grid(2, 4, 5);
  // Half a turn (factor 0.5 both ways) about the centre: the image reversed.
  const turned = values(new RandomRotation([0.5, 0.5]), x, true);
  const want = Array.from(x.dataSync());
  close(turned.slice(0, 20), want.slice(0, 20).reverse(), 1e-4, "rotation");
  // Zoom in 2x (factor -0.5) about the centre: output (x, y) reads (0.5·x + 1, 0.5·y + 0.75).
  const zoomed = values(new RandomZoom([-0.5, -0.5], [-0.5, -0.5]), x, true);
  close(zoomed.slice(0, 5), [8.5, 9, 9.5, 10, 10.5], 1e-4, "zoom");
  // Shift right by 0.4·5 = 2 pixels, filling with -1.
  const shifted = values(
    new RandomTranslation(0, [0.4, 0.4], { fillMode: "constant", fillValue: -1 }),
    x,
    true,
  );
  close(shifted.slice(0, 5), [-1, -1, 0, 1, 2], 1e-5, "translation");
  x.dispose();
});

Deno.test("RandomCrop takes a window at each image's own position in training", () => {
  const x = tf.tile(grid(1, 6, 7), [40, 1, 1, 1]);
  const y = values(new RandomCrop(3, 4, { seed: 9 }), x, true);
  const origins = new Set<number>();
  for (let b = 0; b < 40; b++) {
    const img = y.slice(b * 12, b * 12 + 12);
    const top = Math.floor(img[0] / 10);
    const left = img[0] % 10;
    assert.ok(top <= 3 && left <= 3);
    img.forEach((v, i) => assert.equal(v, 10 * (top + Math.floor(i / 4)) + left + (i % 4)));
    origins.add(img[0]);
  }
  assert.ok(origins.size > 5, `${origins.size} distinct windows`);
  // Inference: the aspect-ratio crop (rows 1..4 of 6 hold a 3:4 window of width 7) resized.
  const z = new RandomCrop(3, 4).apply(x);
  assert.deepEqual(z.shape, [40, 3, 4, 1]);
  tf.dispose([x, z]);
});

Deno.test("RandomContrast and RandomBrightness: one factor per image, clipped to the range", () => {
  const x = tf.tensor4d([10, 20, 30, 40, 250, 240, 230, 220], [2, 2, 2, 1]);
  close(values(new RandomBrightness([0.1, 0.1]), x, true), [
    35.5,
    45.5,
    55.5,
    65.5,
    255,
    255,
    255,
    245.5,
  ]);
  const y = values(new RandomContrast([0.5, 0.5], { seed: 4 }), x, true);
  for (const b of [0, 1]) {
    const img = y.slice(4 * b, 4 * b + 4);
    const src = Array.from(x.dataSync()).slice(4 * b, 4 * b + 4);
    const mean = src.reduce((s, v) => s + v, 0) / 4;
    const c = (img[0] - mean) / (src[0] - mean);
    assert.ok(c >= 0.5 && c <= 1.5, `factor ${c}`);
    close(img, src.map((v) => Math.min(255, Math.max(0, (v - mean) * c + mean))), 1e-3);
  }
  x.dispose();
});

Deno.test("a seed fixes a random layer's sequence; images of one batch get their own draws", () => {
  const x = tf.tile(grid(1, 5, 5), [4, 1, 1, 1]);
  const a = new RandomRotation(0.2, { seed: 11 });
  const b = new RandomRotation(0.2, { seed: 11 });
  const first = values(a, x, true);
  assert.deepEqual(values(b, x, true), first);
  assert.notDeepEqual(values(a, x, true), first); // the next call draws anew
  assert.notDeepEqual(first.slice(0, 25), first.slice(25, 50));
  x.dispose();
});

Deno.test("image layers on symbolic inputs of unknown size, and on images of any size", () => {
  const inputs = Input({ shape: [null, null, 3] });
  assert.deepEqual(new Resizing(16, 12).apply(inputs).shape, [null, 16, 12, 3]);
  assert.deepEqual(new RandomZoom(0.1).apply(inputs).shape, [null, null, null, 3]);
  assert.deepEqual(new RandomCrop(8, 8).apply(inputs).shape, [null, 8, 8, 3]);
  const resize = new Resizing(4, 4);
  for (const shape of [[2, 9, 7, 3], [1, 4, 4, 3], [5, 5, 3]]) {
    const y = resize.apply(tf.zeros(shape));
    assert.deepEqual(y.shape, shape.length === 4 ? [shape[0], 4, 4, 3] : [4, 4, 3]);
    y.dispose();
  }
});

Deno.test("image layers name the argument, the value and what was expected", () => {
  assert.throws(() => new RandomRotation(2), /"factor" must be a number in \[-1, 1\].*received 2/);
  assert.throws(() => new RandomZoom(-1), /"heightFactor" must be a number in \(-1, 1\]/);
  assert.throws(
    () => new RandomRotation(0.1, { fillMode: "mirror" as "wrap" }),
    /"fillMode" must be one of "reflect", "wrap", "constant", "nearest": received "mirror"/,
  );
  assert.throws(
    () => new Resizing(8, 8, { interpolation: "cubic" as "bicubic" }),
    /"interpolation" must be one of .*"bicubic".*received "cubic"/,
  );
  assert.throws(() => new Resizing(0, 8), /"height" must be a positive integer: received 0/);
  assert.throws(() => new CenterCrop(8, 8.5), /"width" must be a positive integer/);
  assert.throws(() => new RandomContrast(1.5), /"factor" must be a number in \[0, 1\]/);
  assert.throws(() => new RandomBrightness(0.1, { valueRange: [1, 0] }), /"valueRange" must be/);
  assert.throws(() => new RandomFlip("diagonal" as "vertical"), /"mode" must be one of/);
  assert.throws(() => new RandomZoom(0.1, null, { fill: "x" } as never), /fill/);
  const flat = tf.zeros([2, 5]);
  assert.throws(() => new RandomFlip().apply(flat), /must be an image \[height, width, channels\]/);
  flat.dispose();
});

Deno.test("the image layers leave no tensors behind, in training too", () => {
  const x = grid(3, 6, 5);
  const before = tf.memory().numTensors;
  for (
    const layer of [
      new Resizing(3, 4, { interpolation: "lanczos3" }),
      new RandomFlip(),
      new RandomRotation(0.1),
      new RandomCrop(4, 4),
      new RandomContrast(0.2),
    ]
  ) {
    values(layer, x, true);
  }
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});
