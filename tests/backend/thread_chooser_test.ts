/**
 * The choice of one or all OpenBLAS threads for products of 4 M
 * multiply-adds and more: each choice measured once, then the faster one
 * taken, the other tried every `EXPLORE` calls (`EXPLORE_FAR` while one is
 * far ahead) so that a change of load is seen.
 */
import assert from "node:assert/strict";
import { ShapeChoosers, ThreadChooser } from "../../backend/_blas.ts";

Deno.test("ThreadChooser measures both choices, then prefers the faster and still tries the other", () => {
  for (const [allMs, every] of [[0.85, ThreadChooser.EXPLORE], [0.5, ThreadChooser.EXPLORE_FAR]]) {
    // All threads 1/0.85 ≈ 1.18× as fast (close: the other tried every EXPLORE calls), or 2×
    // (far ahead, past FAR_AHEAD: every EXPLORE_FAR calls).
    const chooser = new ThreadChooser();
    assert.equal(chooser.pick(), false, "one thread is measured first");
    chooser.record(false, 1000, 1); // 1000 per ms
    assert.equal(chooser.pick(), true, "then all threads");
    chooser.record(true, 1000, allMs);
    const picks = Array.from({ length: 2 * every }, () => chooser.pick());
    const others = picks.map((p, i) => (p ? -1 : i)).filter((i) => i >= 0);
    assert.deepEqual(others, [every - 1, 2 * every - 1], `all threads in ${allMs} ms`);
  }
});

Deno.test("ThreadChooser follows a change of speed: all threads slowed down lose the preference", () => {
  const chooser = new ThreadChooser();
  chooser.record(false, 1000, 1);
  chooser.record(true, 1000, 0.5);
  assert.equal(chooser.pick(), true);
  // The machine gets busy: all threads now take 4 ms for the same work.
  for (let i = 0; i < 10; i++) chooser.record(true, 1000, 4);
  assert.ok(chooser.rates[1] < chooser.rates[0], `${chooser.rates}`);
  assert.equal(chooser.pick(), false);
  // The average moves by SMOOTHING of each new measurement.
  const before = chooser.rates[0];
  chooser.record(false, 1000, 0.5);
  const a = ThreadChooser.SMOOTHING;
  assert.ok(Math.abs(chooser.rates[0] - ((1 - a) * before + a * 2000)) < 1e-9);
});

Deno.test("ShapeChoosers keeps one chooser per product shape, and shares one past its bound", () => {
  const choosers = new ShapeChoosers();
  const a = choosers.get(false, false, 43264, 32, 9);
  const b = choosers.get(false, false, 2560, 192, 64);
  assert.notEqual(a, b);
  assert.equal(choosers.get(false, false, 43264, 32, 9), a);
  assert.notEqual(choosers.get(true, false, 43264, 32, 9), a, "a transpose is another shape");
  // A slow second thread on one shape does not move another shape's choice.
  a.record(false, 1000, 1);
  a.record(true, 1000, 4);
  b.record(false, 1000, 1);
  b.record(true, 1000, 0.5);
  assert.equal(a.pick(), false);
  assert.equal(b.pick(), true);
  const many = Array.from(
    { length: ShapeChoosers.MAX_SHAPES + 5 },
    (_, i) => choosers.get(false, true, i + 1, 7, 7),
  );
  const distinct = new Set(many);
  assert.ok(distinct.size <= ShapeChoosers.MAX_SHAPES + 1, `${distinct.size}`);
  assert.equal(many.at(-1), many.at(-2), "past the bound, shapes share one chooser");
});
