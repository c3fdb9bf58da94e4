import assert from "node:assert/strict";
import { contourChart, svgToPng } from "../../plot/mod.ts";
import { find, parseSvg, texts } from "./_svg_dom.ts";

/** x² + y² on [-1, 1]², n × n samples. */
function bowl(n: number): number[] {
  return Array.from({ length: n * n }, (_, k) => {
    const x = -1 + (2 * (k % n)) / (n - 1);
    const y = -1 + (2 * Math.floor(k / n)) / (n - 1);
    return x * x + y * y;
  });
}

Deno.test("contourChart draws one band per level, one path per trajectory, axes and a legend", () => {
  const svg = parseSvg(contourChart({
    title: "bowl",
    grid: { values: bowl(41), nx: 41, ny: 41, xDomain: [-1, 1], yDomain: [-1, 1] },
    levels: [0.1, 0.3, 0.6],
    paths: [
      { name: "SGD", points: [[0.8, 0.8], [0.4, 0.4], [0, 0]] },
      { name: "Adam", points: [[0.8, 0.8], [0.8, 0], [0, 0]] },
    ],
    marks: [[0, 0]],
    size: 200,
  }));
  const bands = find(svg, "path", "contour");
  assert.deepEqual(bands.map((b) => b.getAttribute("data-level")), ["0.1", "0.3", "0.6"]);
  const trajectories = find(svg, "path", "trajectory");
  assert.deepEqual(trajectories.map((t) => t.getAttribute("data-name")), ["SGD", "Adam"]);
  assert.notEqual(trajectories[0].getAttribute("stroke"), trajectories[1].getAttribute("stroke"));
  // plot area 200 px from x = 72: the point (0.8, 0.8) is at (72 + 180, 36 + 20).
  assert.match(trajectories[0].getAttribute("d") ?? "", /^M252,56L/);
  assert.deepEqual(find(svg, "g", "legend-item").map((g) => texts(g).join("")), ["SGD", "Adam"]);
  assert.deepEqual(texts(find(svg, "g", "x-axis")[0]), ["−1.0", "−0.5", "0.0", "0.5", "1.0", "x"]);
  assert.equal(find(svg, "text", "mark").length, 1);
});

Deno.test("contourChart names the grid size it needed", () => {
  assert.throws(
    () =>
      contourChart({
        title: "t",
        grid: { values: [1, 2, 3], nx: 2, ny: 2, xDomain: [0, 1], yDomain: [0, 1] },
        levels: [1],
        paths: [],
      }),
    /needs nx \* ny = 4 values .*received 3/,
  );
});

Deno.test("svgToPng renders a PNG of the SVG's size", async () => {
  const { png } = await svgToPng(
    '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect width="30" height="20" fill="red"/></svg>',
  );
  assert.deepEqual([...png.slice(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]); // PNG signature
  const view = new DataView(png.buffer, png.byteOffset);
  assert.equal(view.getUint32(16), 30); // IHDR width
  assert.equal(view.getUint32(20), 20); // IHDR height
});
