import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { breastCancer, diabetes, digits, iris } from "../../datasets/mod.ts";
import type { BundledDataset } from "../../datasets/mod.ts";

/** Counts each label value. */
function counts(y: tf.Tensor): number[] {
  const out: number[] = [];
  for (const v of y.dataSync()) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** The first `n` values of a tensor. */
function head(t: tf.Tensor, n: number): number[] {
  return Array.from(t.dataSync().slice(0, n));
}

function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(
      Math.abs(v - expected[i]) < 1e-4 * Math.max(1, Math.abs(expected[i])),
      `${i}: ${v} vs ${expected[i]}`,
    )
  );
}

async function load(loader: () => Promise<BundledDataset>): Promise<BundledDataset> {
  const before = tf.memory().numTensors;
  const data = await loader();
  assert.equal(tf.memory().numTensors, before + 2, "a loader makes exactly the x and y tensors");
  assert.match(data.description, /ATTRIBUTION\.md/);
  return data;
}

Deno.test("digits loads 1797 8x8 images in 10 classes", async () => {
  const data = await load(digits);
  assert.deepEqual(data.x.shape, [1797, 64]);
  assert.equal(data.x.dtype, "float32");
  assert.equal(data.y.dtype, "int32");
  assert.deepEqual(counts(data.y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  assert.equal(data.featureNames.length, 64);
  assert.equal(data.featureNames[0], "pixel_0_0");
  assert.equal(data.featureNames[9], "pixel_1_1");
  assert.equal(data.featureNames[63], "pixel_7_7");
  assert.deepEqual(data.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  // first row of digits.csv: 0,0,5,13,9,1,0,0,0,0,13,15,... label 0
  assert.deepEqual(head(data.x, 12), [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15]);
  assert.deepEqual(head(data.y, 5), [0, 1, 2, 3, 4]);
  const values = data.x.dataSync();
  assert.equal(Math.min(...values), 0);
  assert.equal(Math.max(...values), 16);
  tf.dispose([data.x, data.y]);
});

Deno.test("iris loads 150 flowers, 50 per species", async () => {
  const data = await load(iris);
  assert.deepEqual(data.x.shape, [150, 4]);
  assert.deepEqual(data.y.shape, [150]);
  assert.equal(data.y.dtype, "int32");
  assert.deepEqual(counts(data.y), [50, 50, 50]);
  assert.deepEqual(data.featureNames, [
    "sepal length (cm)",
    "sepal width (cm)",
    "petal length (cm)",
    "petal width (cm)",
  ]);
  assert.deepEqual(data.classNames, ["setosa", "versicolor", "virginica"]);
  assertClose(head(data.x, 8), [5.1, 3.5, 1.4, 0.2, 4.9, 3.0, 1.4, 0.2]);
  // last row: 5.9,3.0,5.1,1.8,2
  assertClose(Array.from(data.x.dataSync().slice(596)), [5.9, 3.0, 5.1, 1.8]);
  assert.equal(data.y.dataSync()[149], 2);
  tf.dispose([data.x, data.y]);
});

Deno.test("breastCancer loads 569 samples, 212 malignant and 357 benign", async () => {
  const data = await load(breastCancer);
  assert.deepEqual(data.x.shape, [569, 30]);
  assert.equal(data.y.dtype, "int32");
  assert.deepEqual(counts(data.y), [212, 357]);
  assert.deepEqual(data.classNames, ["malignant", "benign"]);
  assert.equal(data.featureNames.length, 30);
  assert.equal(new Set(data.featureNames).size, 30);
  assert.equal(data.featureNames[0], "mean radius");
  assert.equal(data.featureNames[7], "mean concave points");
  assert.equal(data.featureNames[10], "radius error");
  assert.equal(data.featureNames[19], "fractal dimension error");
  assert.equal(data.featureNames[20], "worst radius");
  assert.equal(data.featureNames[29], "worst fractal dimension");
  assertClose(head(data.x, 5), [17.99, 10.38, 122.8, 1001, 0.1184]);
  assertClose(Array.from(data.x.dataSync().slice(25, 30)), [
    0.6656,
    0.7119,
    0.2654,
    0.4601,
    0.1189,
  ]);
  assert.equal(data.y.dataSync()[0], 0);
  tf.dispose([data.x, data.y]);
});

Deno.test("diabetes loads 442 patients with raw features and a float target", async () => {
  const data = await load(diabetes);
  assert.deepEqual(data.x.shape, [442, 10]);
  assert.deepEqual(data.y.shape, [442]);
  assert.equal(data.y.dtype, "float32");
  assert.equal(data.classNames, undefined);
  assert.deepEqual(data.featureNames, [
    "age",
    "sex",
    "bmi",
    "bp",
    "s1",
    "s2",
    "s3",
    "s4",
    "s5",
    "s6",
  ]);
  // first line of diabetes_data_raw.csv: 59 2 32.1 101.0 157 93.2 38.0 4.0 4.8598 87
  assertClose(head(data.x, 10), [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]);
  assertClose(head(data.y, 2), [151, 75]);
  const target = data.y.dataSync();
  assert.equal(Math.min(...target), 25);
  assert.equal(Math.max(...target), 346);
  tf.dispose([data.x, data.y]);
});

Deno.test("digits returns fresh tensors on every call", async () => {
  const a = await digits();
  const b = await digits();
  assert.notEqual(a.x, b.x);
  a.x.dispose();
  assert.equal(b.x.dataSync()[2], 5);
  tf.dispose([a.y, b.x, b.y]);
});

Deno.test("bundled loaders need no file or network permission", async () => {
  const fixture = new URL("./_no_permissions_fixture.ts", import.meta.url).pathname;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--config", config, fixture],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, stderr);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), [
    [1797, 64],
    [150, 4],
    [569, 30],
    [442, 10],
  ]);
});
