import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { orderTask } from "../../datasets/mod.ts";

Deno.test("orderTask: balanced int32 sequences, both markers once, label = token 1 before token 2", () => {
  const before = tf.memory().numTensors;
  const { x, y } = orderTask({ samples: 2001, seed: 1 });
  assert.equal(tf.memory().numTensors, before + 2);
  assert.deepEqual(x.shape, [2001, 42]);
  assert.equal(x.dtype, "int32");
  assert.deepEqual(y.shape, [2001, 1]);
  assert.equal(y.dtype, "float32");
  const labels = [...y.dataSync()];
  assert.equal(labels.filter((v) => v === 1).length, 1001);
  assert.equal(labels.filter((v) => v === 0).length, 1000);
  const rows = x.arraySync() as number[][];
  const lengths = new Set<number>();
  const firstAt = [0, 0]; // how often token 1 sits at position 0, by label
  rows.forEach((row, i) => {
    const n = row.indexOf(0) === -1 ? 42 : row.indexOf(0);
    lengths.add(n);
    assert.ok(n >= 10, "at least floor(42 / 4) tokens");
    assert.ok(row.slice(n).every((t) => t === 0), "padding only at the end");
    assert.ok(row.slice(0, n).every((t) => t >= 1 && t < 100));
    assert.equal(row.filter((t) => t === 1).length, 1);
    assert.equal(row.filter((t) => t === 2).length, 1);
    assert.equal(labels[i], row.indexOf(1) < row.indexOf(2) ? 1 : 0);
    if (row[0] === 1) firstAt[labels[i]]++;
  });
  assert.ok(lengths.size > 20, "lengths vary");
  assert.equal(firstAt[0], 0, "token 1 never leads a negative sequence");
  assert.ok(firstAt[1] > 0);
  tf.dispose([x, y]);
});

Deno.test("orderTask: the bag of tokens says nothing of the label", () => {
  const { x, y } = orderTask({ samples: 4000, vocabSize: 6, seed: 2 });
  const rows = x.arraySync() as number[][];
  const labels = [...y.dataSync()];
  // Mean count of each token and mean length, per label: equal up to sampling noise.
  const stats = [0, 1].map((label) => {
    const mine = rows.filter((_, i) => labels[i] === label);
    const counts = [0, 1, 2, 3, 4, 5].map((t) =>
      mine.reduce((s, r) => s + r.filter((v) => v === t).length, 0) / mine.length
    );
    return counts;
  });
  for (let t = 0; t < 6; t++) {
    assert.ok(
      Math.abs(stats[0][t] - stats[1][t]) < 0.3,
      `token ${t}: ${stats[0][t]} vs ${stats[1][t]}`,
    );
  }
  assert.equal(stats[0][1], 1);
  assert.equal(stats[1][2], 1);
  tf.dispose([x, y]);
});

Deno.test("orderTask is deterministic by seed and respects vocabSize and length", () => {
  const a = orderTask({ samples: 50, vocabSize: 30, length: 8, seed: 3 });
  const b = orderTask({ samples: 50, vocabSize: 30, length: 8, seed: 3 });
  const c = orderTask({ samples: 50, vocabSize: 30, length: 8, seed: 4 });
  assert.deepEqual(a.x.arraySync(), b.x.arraySync());
  assert.deepEqual(a.y.arraySync(), b.y.arraySync());
  assert.notDeepEqual(a.x.arraySync(), c.x.arraySync());
  assert.deepEqual(a.x.shape, [50, 8]);
  assert.ok([...a.x.dataSync()].every((t) => t >= 0 && t < 30));
  const tiny = orderTask({ samples: 10, vocabSize: 4, length: 2, seed: 0 });
  const rows = tiny.x.arraySync() as number[][];
  const labels = [...tiny.y.dataSync()];
  rows.forEach((row, i) => assert.deepEqual(row, labels[i] === 1 ? [1, 2] : [2, 1]));
  tf.dispose([a.x, a.y, b.x, b.y, c.x, c.y, tiny.x, tiny.y]);
});

Deno.test("orderTask rejects bad arguments with clear errors", () => {
  assert.throws(() => orderTask({ samples: 0 }), RangeError);
  assert.throws(() => orderTask({ vocabSize: 3 }), /"vocabSize" must be at least 4/);
  assert.throws(() => orderTask({ length: 1 }), /"length" must be at least 2/);
  assert.throws(() => orderTask({ length: 1.5 }), RangeError);
  assert.throws(() => orderTask({ seed: "1" as unknown as number }), TypeError);
  assert.throws(() => orderTask({ sample: 5 } as never), /did you mean "samples"/);
});
