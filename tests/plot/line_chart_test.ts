import assert from "node:assert/strict";
import { lineChart, panels, trainingCurves } from "../../plot/mod.ts";
import { find, parseSvg, texts } from "./_svg_dom.ts";

Deno.test("lineChart draws one path per series, two axes with ticks and a legend entry each", () => {
  const svg = parseSvg(lineChart({
    title: "two lines",
    xLabel: "step",
    yLabel: "value",
    series: [
      { name: "up", points: [[0, 0], [5, 5], [10, 10]] },
      { name: "down & out", points: [[0, 10], [10, 0]], dashed: true },
    ],
  }));
  const paths = find(svg, "path", "series");
  assert.deepEqual(paths.map((p) => p.getAttribute("data-name")), ["up", "down & out"]);
  assert.ok(paths.every((p) => /^M[\d.,]+(L[\d.,]+)+$/.test(p.getAttribute("d") ?? "")));
  assert.equal(paths[1].getAttribute("stroke-dasharray"), "6 4");
  assert.notEqual(paths[0].getAttribute("stroke"), paths[1].getAttribute("stroke"));
  const xAxis = find(svg, "g", "x-axis")[0];
  const yAxis = find(svg, "g", "y-axis")[0];
  // d3's ticks for [0, 10]: 0, 2, 4, 6, 8, 10 (six requested).
  assert.deepEqual(texts(xAxis), ["0", "2", "4", "6", "8", "10", "step"]);
  assert.deepEqual(texts(yAxis), ["0", "2", "4", "6", "8", "10", "value"]);
  const legend = find(svg, "g", "legend-item").map((g) => texts(g).join(""));
  assert.deepEqual(legend, ["up", "down & out"]);
  assert.ok(texts(svg).includes("two lines"));
});

Deno.test("lineChart on a log scale leaves out values <= 0 and ticks decades", () => {
  const svg = parseSvg(lineChart({
    title: "log",
    xLabel: "x",
    yLabel: "y",
    yScale: "log",
    series: [{ name: "s", points: [[0, 100], [1, 10], [2, 0], [3, 1], [4, 0.1]] }],
  }));
  const d = find(svg, "path", "series")[0].getAttribute("d") ?? "";
  assert.equal((d.match(/M/g) ?? []).length, 2); // the zero breaks the line in two
  const ticks = texts(find(svg, "g", "y-axis")[0]);
  for (const decade of ["0.1", "1", "10", "100"]) assert.ok(ticks.includes(decade), ticks.join());
});

Deno.test("lineChart rejects an empty series list", () => {
  assert.throws(
    () => lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [] }),
    /Cannot draw line chart "t" as "series" is empty/,
  );
});

Deno.test("trainingCurves puts loss first, learning rate last, validation dashed in the same colour", () => {
  const svg = parseSvg(trainingCurves({
    accuracy: [0.5, 0.8, 0.9],
    learning_rate: [0.01, 0.009, 0.0081],
    loss: [1, 0.5, 0.3],
    val_accuracy: [0.4, 0.7, 0.85],
    val_loss: [1.2, 0.6, 0.4],
  }));
  const panelEls = find(svg, "svg", "panel");
  assert.equal(panelEls.length, 3);
  assert.deepEqual(panelEls.map((p) => find(p, "text", "title")[0].textContent), [
    "loss",
    "accuracy",
    "learning rate",
  ]);
  const [loss, val] = find(panelEls[0], "path", "series");
  assert.equal(loss.getAttribute("data-name"), "loss");
  assert.equal(val.getAttribute("data-name"), "val_loss");
  assert.equal(val.getAttribute("stroke"), loss.getAttribute("stroke"));
  assert.ok(val.hasAttribute("stroke-dasharray") && !loss.hasAttribute("stroke-dasharray"));
  // three epochs: x ticks of the loss panel run 1..3
  assert.ok(texts(find(panelEls[0], "g", "x-axis")[0]).includes("3"));
});

Deno.test("panels places each chart side by side", () => {
  const chart = (name: string) => ({
    title: name,
    xLabel: "x",
    yLabel: "y",
    series: [{ name, points: [[0, 1], [1, 2]] as [number, number][] }],
  });
  const svg = parseSvg(panels([chart("a"), chart("b")], { panelWidth: 300, height: 200 }));
  assert.equal(svg.getAttribute("width"), "600");
  assert.deepEqual(find(svg, "svg", "panel").map((p) => p.getAttribute("x")), ["0", "300"]);
  assert.throws(() => panels([]), RangeError);
});
