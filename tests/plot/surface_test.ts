import assert from "node:assert/strict";
import { orthographic, surfaceChart, surfaceChartBody } from "../../plot/mod.ts";
import { find, parseSvg } from "./_svg_dom.ts";

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) < tol, `${a} is not ${b}`);

Deno.test("orthographic seen from above is the plain map of x and y", () => {
  const project = orthographic({
    xDomain: [-1, 1],
    yDomain: [0, 4],
    zDomain: [0, 1],
    azimuth: 0,
    elevation: 90,
    relief: 0.5,
    box: { x: 0, y: 0, width: 200, height: 200 },
  });
  // u = x, v = (y − 2) / 2 on [−1, 1]²; 100 px per unit, centre (100, 100), y up
  const [px, py] = project(1, 4, 0);
  close(px, 200);
  close(py, 0);
  const [cx, cy] = project(0, 2, 1);
  close(cx, 100);
  close(cy, 100);
});

Deno.test("orthographic at azimuth 45° and elevation 30° puts a corner where hand geometry says", () => {
  const box = { x: 0, y: 0, width: 300, height: 200 };
  const project = orthographic({
    xDomain: [0, 10],
    yDomain: [0, 10],
    zDomain: [-2, 2],
    azimuth: 45,
    elevation: 30,
    relief: 0.5,
    box,
  });
  // (10, 0, 2) is u = 1, v = −1, w = 0.5: right a = cos45 + sin45 = √2, away b = 0,
  // up = w cos30 + b sin30 = √3/4. The cube's corners span a ∈ [−√2, √2] and
  // up ∈ ±(√2 sin30 + 0.5 cos30); one scale k = min(300 / 2√2, 200 / 2(√2/2 + √3/4)).
  const upMax = Math.SQRT2 / 2 + Math.sqrt(3) / 4;
  const k = Math.min(300 / (2 * Math.SQRT2), 200 / (2 * upMax));
  const [px, py] = project(10, 0, 2);
  close(px, 150 + k * Math.SQRT2);
  close(py, 100 - k * (Math.sqrt(3) / 4));
  assert.ok(Math.abs(px - 274.04) < 0.01 && Math.abs(py - 62.02) < 0.01, `${px}, ${py}`);
});

Deno.test("surfaceChart draws every cell as a quad, the paths and a legend; lift ends off the square", () => {
  const n = 9;
  const values = Array.from({ length: n * n }, (_, k) => {
    const x = -1 + (2 * (k % n)) / (n - 1);
    const y = -1 + (2 * Math.floor(k / n)) / (n - 1);
    return x * x - y * y;
  });
  const grid = {
    values,
    nx: n,
    ny: n,
    xDomain: [-1, 1] as [number, number],
    yDomain: [-1, 1] as [number, number],
  };
  const options = {
    title: "saddle",
    grid,
    paths: [{ name: "SGD", points: [[0.9, 0], [0.5, 0]] as [number, number][] }],
    azimuth: 0,
    elevation: 90,
    size: 200,
  };
  const svg = parseSvg(surfaceChart(options));
  assert.equal(find(find(svg, "g", "surface")[0], "path").length, (n - 1) * (n - 1));
  assert.equal(find(svg, "path", "trajectory")[0].getAttribute("data-name"), "SGD");
  assert.equal(find(svg, "g", "legend-item").length, 1);
  const { lift, plot } = surfaceChartBody(options);
  // from above the plot box (200 × 160 at (16, 40)) holds the unit square at 80 px per unit
  const [px, py] = lift(0.5, 0, 0.25);
  close(px, plot.x + 100 + 0.5 * 80, 1e-9);
  close(py, plot.y + 80, 1e-9);
  assert.ok(lift(1.2, 0).every(Number.isNaN));
  assert.throws(
    () => surfaceChart({ ...options, grid: { ...grid, values: [1, 2] } }),
    /needs nx \* ny = 81 values .*received 2/,
  );
});
