import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { capture, exists } from "./_capture.ts";
import { find, parseSvg, texts } from "../plot/_svg_dom.ts";
import { compareOnFunction, trajectory } from "../../cli/compare_solvers.ts";
import { TEST_FUNCTIONS } from "../../cli/test_functions.ts";
import { optimizers } from "../../mod.ts";

const SOLVERS = ["SGD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSprop", "Adam"];

Deno.test("kerno demo writes history.csv, curves and the saved model, and prints a confusion matrix", async () => {
  const dir = await Deno.makeTempDir();
  const { code, out } = await capture([
    "demo",
    "--epochs",
    "2",
    "--model",
    "mlp",
    "--verbose",
    "0",
    "--out",
    dir,
  ]);
  assert.equal(code, 0);
  const text = out.join("\n");
  assert.match(text, /test accuracy: 0\.\d{4} on 360 held-out images/);
  assert.match(text, /confusion matrix \(rows: true digit, columns: predicted\)/);
  assert.match(text, /^backend: /);
  const csv = (await Deno.readTextFile(`${dir}/history.csv`)).trim().split("\n");
  assert.equal(csv.length, 3); // header + 2 epochs
  for (const col of ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"]) {
    assert.ok(csv[0].split(",").includes(col), col);
  }
  for (const file of ["curves.svg", "curves.png", "model/model.json"]) {
    assert.ok(exists(`${dir}/${file}`), file);
  }
  const svg = parseSvg(await Deno.readTextFile(`${dir}/curves.svg`));
  assert.deepEqual(find(svg, "path", "series").map((p) => p.getAttribute("data-name")), [
    "loss",
    "val_loss",
    "accuracy",
    "val_accuracy",
    "learning_rate",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("kerno train on a bundled set and on a CSV file writes the demo's outputs", async () => {
  const dir = await Deno.makeTempDir();
  const bundled = await capture([
    "train",
    "iris",
    "--epochs",
    "2",
    "--batch-size",
    "full",
    "--schedule",
    "exponential",
    "--hidden",
    "8",
    "--optimizer",
    "sgd",
    "--lr",
    "0.1",
    "--verbose",
    "0",
    "--out",
    `${dir}/iris`,
  ]);
  assert.equal(bundled.code, 0);
  assert.match(bundled.out.join("\n"), /test: loss \d+\.\d{4}, accuracy \d\.\d{4}/);
  const rows = (await Deno.readTextFile(`${dir}/iris/history.csv`)).trim().split("\n");
  assert.equal(rows.length, 3);
  // exponential decay x0.9 per epoch: the second epoch logs 0.1 * 0.9^2 with one step per epoch
  const lr = rows[0].split(",").indexOf("learning_rate");
  assert.ok(Math.abs(Number(rows[2].split(",")[lr]) - 0.081) < 1e-6, rows[2]);
  const lines = ["a,b,label"];
  for (let i = 0; i < 40; i++) lines.push(`${i % 7},${(i * 3) % 5},${i % 2 ? "yes" : "no"}`);
  await Deno.writeTextFile(`${dir}/t.csv`, lines.join("\n"));
  const csv = await capture([
    "train",
    `${dir}/t.csv`,
    "--target",
    "label",
    "--epochs",
    "1",
    "--verbose",
    "0",
    "--out",
    `${dir}/csv`,
  ]);
  assert.equal(csv.code, 0, csv.err.join("\n"));
  for (const file of ["history.csv", "curves.svg", "curves.png", "model/model.json"]) {
    assert.ok(exists(`${dir}/csv/${file}`), file);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("kerno compare draws every solver's path over the contours, with a legend", async () => {
  const dir = await Deno.makeTempDir();
  const { code } = await capture(["compare", "--function", "beale", "--steps", "15", "--out", dir]);
  assert.equal(code, 0);
  const svg = parseSvg(await Deno.readTextFile(`${dir}/compare_beale.svg`));
  const names = find(svg, "path", "trajectory").map((p) =>
    p.getAttribute("data-name")?.split(" ")[0]
  );
  assert.deepEqual(names, SOLVERS);
  assert.ok(find(svg, "path", "contour").length > 10);
  assert.deepEqual(find(svg, "g", "legend-item").map((g) => texts(g)[0].split(" ")[0]), SOLVERS);
  assert.equal(find(svg, "g", "x-axis").length, 1);
  assert.equal(find(svg, "g", "y-axis").length, 1);
  const loss = parseSvg(await Deno.readTextFile(`${dir}/compare_beale_loss.svg`));
  assert.equal(find(loss, "path", "series").length, 7);
  for (const f of ["compare_beale.png", "compare_beale_loss.png"]) assert.ok(exists(`${dir}/${f}`));
  const subset = await capture([
    "compare",
    "--function",
    "saddle",
    "--solvers",
    "sgd,adam",
    "--lr",
    "adam=0.05",
    "--steps",
    "5",
    "--out",
    dir,
  ]);
  assert.equal(subset.code, 0);
  const saddle = parseSvg(await Deno.readTextFile(`${dir}/compare_saddle.svg`));
  assert.deepEqual(find(saddle, "path", "trajectory").map((p) => p.getAttribute("data-name")), [
    "SGD (lr 0.01)",
    "Adam (lr 0.05)",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("kerno compare --model draws every solver and the three gradient-descent variants", async () => {
  const dir = await Deno.makeTempDir();
  const { code } = await capture([
    "compare",
    "--model",
    "--epochs",
    "2",
    "--solvers",
    "sgd,adam",
    "--out",
    dir,
  ]);
  assert.equal(code, 0);
  const svg = parseSvg(await Deno.readTextFile(`${dir}/compare_model.svg`));
  const [solvers, variants] = find(svg, "svg", "panel");
  assert.deepEqual(
    find(solvers, "path", "series").map((p) => p.getAttribute("data-name")?.split(" ")[0]),
    ["SGD", "Adam"],
  );
  assert.deepEqual(find(variants, "path", "series").map((p) => p.getAttribute("data-name")), [
    "batch (batch 150)",
    "stochastic (batch 1)",
    "mini-batch 16 (batch 16)",
  ]);
  const csv = (await Deno.readTextFile(`${dir}/compare_model.csv`)).trim().split("\n");
  assert.equal(csv.length, 3);
  assert.equal(csv[0].split(",").length, 6);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trajectory takes the optimizer's real steps: SGD on x² − y² from (1, 0.001)", () => {
  const before = tf.memory().numTensors;
  const { points, losses } = trajectory(
    TEST_FUNCTIONS.saddle,
    new optimizers.SGD({ learningRate: 0.01 }),
    2,
  );
  // gradient (2x, −2y): x ← x − 0.02 x, y ← y + 0.02 y
  assert.ok(Math.abs(points[1][0] - 0.98) < 1e-6 && Math.abs(points[1][1] - 0.00102) < 1e-9);
  assert.ok(Math.abs(points[2][0] - 0.9604) < 1e-6 && Math.abs(points[2][1] - 0.0010404) < 1e-9);
  assert.ok(Math.abs(losses[0] - (1 - 1e-6)) < 1e-6);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("compareOnFunction leaks no tensors and ends Adam near Beale's minimum", () => {
  const before = tf.memory().numTensors;
  const result = compareOnFunction({ function: "beale", solvers: ["adam"], gridSize: 40 });
  const [x, y] = result.trajectories[0].points.at(-1)!;
  assert.ok(Math.hypot(x - 3, y - 0.5) < 0.05, `${x}, ${y}`);
  assert.equal(tf.memory().numTensors, before);
});
