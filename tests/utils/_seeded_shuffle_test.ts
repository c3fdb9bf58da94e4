import assert from "node:assert/strict";
import { numpyShuffle, pythonShuffle } from "../../utils/_seeded_shuffle.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

Deno.test("numpyShuffle matches np.random.RandomState(seed).shuffle", () => {
  // Values printed by NumPy 2.4 (legacy RandomState).
  assert.deepEqual(numpyShuffle(range(10), 0), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  assert.deepEqual(numpyShuffle(range(10), 42), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  assert.deepEqual(
    numpyShuffle(range(20), 1337),
    [5, 3, 4, 0, 15, 11, 2, 12, 13, 1, 16, 17, 10, 14, 6, 9, 19, 18, 7, 8],
  );
  assert.deepEqual(numpyShuffle(range(7), 4294967295), [1, 5, 0, 6, 4, 2, 3]);
});

Deno.test("pythonShuffle matches random.seed(seed); random.shuffle", () => {
  // Values printed by CPython 3 (random module).
  assert.deepEqual(pythonShuffle(range(10), 0), [7, 8, 1, 5, 3, 4, 2, 0, 9, 6]);
  assert.deepEqual(pythonShuffle(range(10), 42), [7, 3, 2, 8, 5, 6, 9, 4, 0, 1]);
  assert.deepEqual(
    pythonShuffle(range(20), 1337),
    [13, 1, 2, 9, 7, 8, 0, 18, 3, 14, 4, 16, 12, 15, 6, 10, 5, 11, 17, 19],
  );
  assert.deepEqual(pythonShuffle(range(7), 2 ** 40 + 5), [1, 3, 5, 0, 2, 6, 4]);
});
