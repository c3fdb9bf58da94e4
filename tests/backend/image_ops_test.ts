/**
 * The seam's image operations: `resizeImages` against hand-derived values
 * (area means, Keys' cubic on a ramp, TensorFlow's border renormalisation)
 * and `affineTransform` against TensorFlow's documented fill modes; kerno's
 * kernels against the plain definitions (TensorFlow.js's own resize and
 * transform kernels, the weight-matrix products), gradients included.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { plainFusedOps } from "../../engine/fused.ts";
import { RESIZE_METHODS, resizeSpans } from "../../engine/_image_ops.ts";
import { KERNO_FUSED_OPS } from "../../backend/fused_ops.ts";
import { assertClose, onKerno, randomValues } from "./_helpers.ts";

await tf.setBackend("kerno");
const kernoResize = KERNO_FUSED_OPS.resizeImages!;
const kernoTransform = KERNO_FUSED_OPS.affineTransform!;

/** A `[1, 1, n, 1]` image of the given row. */
const row = (values: number[]) => tf.tensor4d(values, [1, 1, values.length, 1]);

/** Resizes one row with the plain definition and kerno's, checking both give `want`. */
function resizeRow(values: number[], outW: number, method: (typeof RESIZE_METHODS)[number]) {
  return tf.tidy(() => {
    const x = row(values);
    const plain = Array.from(plainFusedOps.resizeImages(x, [1, outW], method).dataSync());
    const kerno = Array.from(kernoResize(x, [1, outW], method)!.dataSync());
    assertClose(kerno, plain, 1e-5, `${method} kerno vs plain`);
    return plain;
  });
}

Deno.test("resizeImages area: each output is the overlap-weighted mean of the cells it covers", () =>
  onKerno(() => {
    assertClose(resizeRow([1, 2, 3, 4], 2, "area"), [1.5, 3.5], 1e-6);
    // 2 → 3: cells of width 2/3; the middle one covers half of each input.
    assertClose(resizeRow([1, 3], 3, "area"), [1, 2, 3], 1e-6);
    assertClose(resizeRow([3, 6, 9], 1, "area"), [6], 1e-6);
  }));

Deno.test("resizeImages bicubic: Keys' cubic (a = -0.5) is exact on a ramp inside the image", () =>
  onKerno(() => {
    const ramp = [0, 1, 2, 3, 4, 5, 6, 7];
    const got = resizeRow(ramp, 16, "bicubic");
    // Output j samples the input at (j + 0.5)/2 - 0.5; taps all inside for j in 3..12.
    for (let j = 3; j <= 12; j++) assert.ok(Math.abs(got[j] - ((j + 0.5) / 2 - 0.5)) < 1e-5);
    // j = 0 samples -0.25: TensorFlow drops the two taps left of the image and renormalises
    // w(0.25) = 0.8671875 and w(1.25) = -0.0703125, so the value is -0.0703125 / 0.796875.
    assert.ok(Math.abs(got[0] - -0.0703125 / 0.796875) < 1e-6, `got ${got[0]}`);
  }));

Deno.test("resizeImages keeps constants and the identity for every method", () =>
  onKerno(() => {
    for (const method of RESIZE_METHODS) {
      assertClose(resizeRow([5, 5, 5, 5, 5], 7, method), new Array(7).fill(5), 1e-5, method);
      assertClose(resizeRow([1, -2, 4, 8], 4, method), [1, -2, 4, 8], 1e-5, method);
    }
    // Nearest with half-pixel centres: output j reads floor((j + 0.5) · 3/2).
    assertClose(resizeRow([10, 20, 30], 2, "nearest"), [10, 30]);
    // Bilinear 2 → 4 samples -0.25, 0.25, 0.75, 1.25 (clamped at the borders).
    assertClose(resizeRow([0, 4], 4, "bilinear"), [0, 1, 3, 4]);
  }));

Deno.test("resizeImages bilinear and nearest give TensorFlow.js's half-pixel kernels' values", () =>
  onKerno(() => {
    tf.tidy(() => {
      const x = tf.tensor4d(randomValues(2 * 5 * 7 * 3, 11), [2, 5, 7, 3]);
      for (const size of [[9, 4], [3, 11], [5, 7], [10, 14]] as [number, number][]) {
        for (
          const op of [
            plainFusedOps.resizeImages,
            (...a: Parameters<typeof kernoResize>) => kernoResize(...a)!,
          ]
        ) {
          const bilinear = tf.image.resizeBilinear(x, size, false, true);
          const nearest = tf.image.resizeNearestNeighbor(x, size, false, true);
          assertClose(
            op(x, size, "bilinear").dataSync(),
            bilinear.dataSync(),
            1e-5,
            `bilinear ${size}`,
          );
          assertClose(op(x, size, "nearest").dataSync(), nearest.dataSync(), 0, `nearest ${size}`);
        }
      }
    });
  }));

Deno.test("resizeSpans: weights of every method sum to one (the lanczos span included)", () => {
  for (const method of RESIZE_METHODS) {
    for (const [n, m] of [[7, 3], [3, 7], [28, 32], [32, 28]]) {
      const s = resizeSpans(n, m, method);
      for (let i = 0; i < m; i++) {
        let sum = 0;
        for (let k = 0; k < s.span; k++) sum += s.weight[i * s.span + k];
        assert.ok(Math.abs(sum - 1) < 1e-5, `${method} ${n}→${m} row ${i}: ${sum}`);
      }
    }
  }
});

Deno.test("kerno's resizeImages equals the plain definition, gradients included", () =>
  onKerno(() => {
    const shape: [number, number, number, number] = [2, 5, 7, 3];
    const x = tf.tensor4d(randomValues(2 * 5 * 7 * 3, 3), shape);
    const probe = (s: number[]) => tf.tensor(randomValues(s.reduce((a, b) => a * b, 1), 4), s);
    for (const method of RESIZE_METHODS) {
      for (const size of [[9, 4], [3, 11], [5, 7]] as [number, number][]) {
        const run = (op: typeof plainFusedOps.resizeImages) =>
          tf.tidy(() => {
            const p = probe([2, ...size, 3]);
            const y = op(x, size, method);
            const g = tf.grad((v: tf.Tensor) =>
              tf.sum(tf.mul(op(v as tf.Tensor4D, size, method), p))
            )(x);
            return [Array.from(y.dataSync()), Array.from(g.dataSync())];
          });
        const want = run(plainFusedOps.resizeImages);
        const got = run((...a) => kernoResize(...a)!);
        assertClose(got[0], want[0], 1e-5, `${method} ${size} values`);
        assertClose(got[1], want[1], 1e-4, `${method} ${size} gradient`);
      }
    }
    x.dispose();
  }));

/** Transforms one row `[1, 1, n, 1]` by a shift of `dx` (output x reads input x + dx). */
function shiftRow(
  values: number[],
  dx: number,
  fillMode: "reflect" | "wrap" | "constant" | "nearest",
) {
  return tf.tidy(() => {
    const x = row(values);
    const t = tf.tensor2d([[1, 0, dx, 0, 1, 0, 0, 0]]);
    const plain = plainFusedOps.affineTransform(x, t, "nearest", fillMode, -1, [1, values.length]);
    const kerno = kernoTransform(x, t, "nearest", fillMode, -1, [1, values.length])!;
    assert.deepEqual(Array.from(kerno.dataSync()), Array.from(plain.dataSync()), fillMode);
    return Array.from(kerno.dataSync());
  });
}

Deno.test("affineTransform fills outside points as TensorFlow's fill modes say", () =>
  onKerno(() => {
    // [a b c d] = [1 2 3 4]; output x samples input x - 2.
    assert.deepEqual(shiftRow([1, 2, 3, 4], -2, "reflect"), [2, 1, 1, 2]); // d c b a | a b c d
    assert.deepEqual(shiftRow([1, 2, 3, 4], -2, "wrap"), [3, 4, 1, 2]); // a b c d | a b c d
    assert.deepEqual(shiftRow([1, 2, 3, 4], -2, "nearest"), [1, 1, 1, 2]); // a a a a | a b c d
    assert.deepEqual(shiftRow([1, 2, 3, 4], -2, "constant"), [-1, -1, 1, 2]); // k k k k | a b c d
    assert.deepEqual(shiftRow([1, 2, 3, 4], 3, "reflect"), [4, 4, 3, 2]);
  }));

Deno.test("affineTransform rotates a 3x3 image by a quarter turn about its centre", () =>
  onKerno(() => {
    tf.tidy(() => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
      // Output (x, y) reads input (y, 2 - x): the image turned a quarter clockwise.
      const t = tf.tensor2d([[0, 1, 0, -1, 0, 2, 0, 0]]);
      for (const interpolation of ["nearest", "bilinear"] as const) {
        const y = kernoTransform(x, t, interpolation, "constant", 0, [3, 3])!;
        assertClose(y.dataSync(), [7, 4, 1, 8, 5, 2, 9, 6, 3], 1e-6, interpolation);
      }
    });
  }));

Deno.test("kerno's affineTransform equals the plain definition (TensorFlow.js's Transform kernel)", () =>
  onKerno(() => {
    tf.tidy(() => {
      const batch = 3;
      const x = tf.tensor4d(randomValues(batch * 6 * 5 * 2, 7), [batch, 6, 5, 2]);
      const r = randomValues(batch * 8, 8);
      const rows = Array.from({ length: batch }, (_, b) => {
        const angle = r[b * 8] * 2;
        const [c, s] = [Math.cos(angle), Math.sin(angle)];
        return [
          1.2 * c,
          -s,
          r[b * 8 + 1] * 3,
          s,
          0.9 * c,
          r[b * 8 + 2] * 3,
          0.01 * r[b * 8 + 3],
          0,
        ];
      });
      const t = tf.tensor2d(rows);
      for (const interpolation of ["nearest", "bilinear"] as const) {
        for (const fillMode of ["reflect", "wrap", "constant", "nearest"] as const) {
          for (const size of [[6, 5], [4, 7]] as [number, number][]) {
            const want = plainFusedOps.affineTransform(x, t, interpolation, fillMode, 0.5, size);
            const got = kernoTransform(x, t, interpolation, fillMode, 0.5, size)!;
            assert.deepEqual(got.shape, want.shape);
            assertClose(
              got.dataSync(),
              want.dataSync(),
              1e-5,
              `${interpolation} ${fillMode} ${size}`,
            );
          }
        }
      }
    });
  }));
