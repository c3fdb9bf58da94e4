/**
 * The WebAssembly arenas of the fused updates: disjoint views of one memory,
 * and the SIMD Adam step against Keras 3's rule computed here in float32,
 * op by op, for sizes that are and are not multiples of the 4 lanes.
 */
import assert from "node:assert/strict";
import { arenaOf, createArena } from "../../backend/_wasm_arena.ts";
import { randomValues } from "./_helpers.ts";

Deno.test("createArena hands out disjoint views of one memory, each its own", () => {
  const arena = createArena(5, 3);
  assert.ok(arena !== null, "WebAssembly SIMD is available in Deno");
  const [a, b, c] = arena.views;
  assert.deepEqual([a.length, b.length, c.length], [5, 5, 5]);
  assert.ok(a.buffer === b.buffer && b.buffer === c.buffer);
  assert.ok(a.byteOffset + a.byteLength <= b.byteOffset);
  assert.ok(b.byteOffset + b.byteLength <= c.byteOffset);
  a.fill(1);
  b.fill(2);
  assert.deepEqual([...c], [0, 0, 0, 0, 0]);
  assert.equal(arenaOf(b), arena);
  assert.equal(arenaOf(new Float32Array(5)), undefined);
});

Deno.test("Arena adam follows Keras's Adam in float32 for any size", () => {
  const f = Math.fround;
  for (const n of [1, 4, 7, 1001]) {
    const arena = createArena(n, 3)!;
    const [p, m, v] = arena.views;
    p.set(randomValues(n, 1));
    const ref = { p: Float32Array.from(p), m: new Float32Array(n), v: new Float32Array(n) };
    const [b1, b2, lr, eps] = [0.9, 0.999, 0.01, 1e-7];
    for (let step = 1; step <= 3; step++) {
      const g = randomValues(n, 10 + step);
      const alpha = lr * Math.sqrt(1 - b2 ** step) / (1 - b1 ** step);
      assert.ok(arena.adam(p, g, m, v, 1 - b1, 1 - b2, alpha, eps));
      const [c1, c2, a32, e32] = [f(1 - b1), f(1 - b2), f(alpha), f(eps)];
      for (let i = 0; i < n; i++) {
        ref.m[i] = f(ref.m[i] + f(f(g[i] - ref.m[i]) * c1));
        ref.v[i] = f(ref.v[i] + f(f(f(g[i] * g[i]) - ref.v[i]) * c2));
        ref.p[i] = f(ref.p[i] - f(f(ref.m[i] * a32) / f(f(Math.sqrt(ref.v[i])) + e32)));
      }
    }
    assert.deepEqual([...m], [...ref.m], `m, n = ${n}`);
    assert.deepEqual([...v], [...ref.v], `v, n = ${n}`);
    assert.deepEqual([...p], [...ref.p], `p, n = ${n}`);
    assert.equal(
      arena.adam(p, new Float32Array(n), new Float32Array(n), v, 0.1, 0.001, 1, 1e-7),
      false,
    );
  }
});
