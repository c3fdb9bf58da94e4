import assert from "node:assert/strict";
import { Dataset, tf } from "../../mod.ts";

const values = (t: tf.Tensor) => Array.from(t.dataSync());

async function collect<T>(ds: Dataset<T>, read: (e: T) => unknown = (e) => e): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of ds) out.push(read(e));
  return out;
}

/** Reads every element while it is valid (an element's tensors live until the loop moves on). */
function rows<T, R>(ds: Iterable<T>, read: (e: T) => R): R[] {
  const out: R[] = [];
  for (const e of ds) out.push(read(e));
  return out;
}

const counting = (n: number) =>
  Dataset.fromGenerator(function* () {
    for (let i = 0; i < n; i++) yield i;
  });

Deno.test("Dataset.fromGenerator: a sync generator reads with for…of, anew every pass", () => {
  let calls = 0;
  const ds = Dataset.fromGenerator(function* () {
    calls++;
    yield* [3, 1, 2];
  });
  assert.deepEqual([...ds], [3, 1, 2]);
  assert.deepEqual([...ds], [3, 1, 2]);
  assert.equal(calls, 2);
  assert.equal(ds.asynchronous, false);
  assert.equal(ds.cardinality(), null);
});

Deno.test("Dataset from async sources: for await reads them, for…of says to use for await", async () => {
  const ds = Dataset.fromGenerator(async function* () {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1));
      yield i * 10;
    }
  });
  assert.equal(ds.asynchronous, true);
  assert.deepEqual(await collect(ds), [0, 10, 20]);
  assert.throws(() => [...ds], /use "for await \(const element of dataset\)"/);
  const stream = {
    async *[Symbol.asyncIterator]() {
      yield "a";
      yield "b";
    },
  };
  assert.deepEqual(await collect(Dataset.fromAsyncIterable(stream)), ["a", "b"]);
  assert.throws(
    () => Dataset.fromAsyncIterable([1, 2] as never),
    /"iterable" must be an async iterable/,
  );
});

Deno.test("Dataset.batch stacks plain values: numbers, typed arrays, nested arrays, strings, records", () => {
  type Row = [{ v: Float32Array; ids: Int32Array; m: number[][]; s: string }, number];
  const ds = Dataset.fromGenerator<Row>(function* () {
    for (let i = 0; i < 5; i++) {
      yield [
        { v: Float32Array.of(i, -i), ids: Int32Array.of(i), m: [[i], [i + 1]], s: `w${i}` },
        i % 2,
      ];
    }
  }).batch(2);
  const batches = rows(ds, ([x, y]) => ({
    v: [x.v.shape, x.v.dtype, values(x.v)],
    ids: x.ids.dtype,
    m: x.m.shape,
    s: Array.from(x.s.dataSync() as unknown as string[]),
    y: values(y),
  }));
  assert.equal(batches.length, 3);
  assert.deepEqual(batches[0].v, [[2, 2], "float32", [0, -0, 1, -1]]);
  assert.equal(batches[0].ids, "int32");
  assert.deepEqual(batches[0].m, [2, 2, 1]);
  assert.deepEqual(batches[2].s, ["w4"]);
  assert.deepEqual(batches.map((b) => b.y), [[0, 1], [0, 1], [0]]);
  assert.equal(Dataset.fromArrays([[1], [2], [3]]).batch(2).cardinality(), 2);
  assert.equal(counting(5).batch(2, { dropRemainder: true }).cardinality(), null);
});

Deno.test("Dataset.batch refuses values of different shapes, pointing to paddedBatch", () => {
  const ragged = Dataset.fromGenerator(function* () {
    yield [1, 2];
    yield [3];
  }).map((v) => ({ tokens: v }));
  assert.throws(
    () => [...ragged.batch(2)],
    /values at "tokens" differ in shape: \(2,\) and \(1,\); pad them with paddedBatch/,
  );
});

Deno.test("Dataset.paddedBatch pads to the longest, or to paddedShapes, with paddingValues", () => {
  const seqs = [[1], [2, 3], [4, 5, 6]];
  const ds = Dataset.fromGenerator(function* () {
    for (const s of seqs) yield [s, s.length];
  });
  const [[shape, x, len]] = rows(ds.paddedBatch(3), ([x, n]) => [x.shape, values(x), values(n)]);
  assert.deepEqual(shape, [3, 3]);
  assert.deepEqual(x, [1, 0, 0, 2, 3, 0, 4, 5, 6]);
  assert.deepEqual(len, [1, 2, 3]);
  const padded = ds.paddedBatch(2, { paddedShapes: [[4], []], paddingValues: -1 });
  assert.deepEqual(rows(padded, ([x]) => values(x))[0], [1, -1, -1, -1, 2, 3, -1, -1]);
  assert.throws(
    () => [...ds.paddedBatch(3, { paddedShapes: [[2], []] })],
    /is longer \(3\) than its padded shape \(2,\) allows/,
  );
  // Two-dimensional values pad on both axes, keeping each row in its corner.
  const grids = Dataset.fromGenerator(function* () {
    yield [[1, 2]];
    yield [[3], [4]];
  }).map((g) => ({ g }));
  const [b] = rows(grids.paddedBatch(2), (e) => [e.g.shape, values(e.g)]);
  assert.deepEqual(b, [[2, 2, 2], [1, 2, 0, 0, 3, 0, 4, 0]]);
});

Deno.test("Dataset.unbatch undoes batch", () => {
  const ds = Dataset.fromArrays([[1, 2], [3, 4], [5, 6]], [7, 8, 9]).batch(2).unbatch<
    [tf.Tensor, tf.Tensor]
  >();
  assert.deepEqual(rows(ds, ([x, y]) => [x.shape, values(x), values(y)]), [
    [[2], [1, 2], [7]],
    [[2], [3, 4], [8]],
    [[2], [5, 6], [9]],
  ]);
});

Deno.test("Dataset map, filter, take, skip, repeat, concatenate and zip compose in order", async () => {
  const ds = counting(6).map((i) => i * i).filter((v) => v % 2 === 0); // 0 4 16
  assert.deepEqual([...ds], [0, 4, 16]);
  assert.deepEqual([...counting(6).skip(2).take(3)], [2, 3, 4]);
  assert.deepEqual([...counting(3).repeat(2)], [0, 1, 2, 0, 1, 2]);
  assert.deepEqual([...counting(2).concatenate(counting(3))], [0, 1, 0, 1, 2]);
  assert.deepEqual([...counting(5).repeat().take(7)], [0, 1, 2, 3, 4, 0, 1]);
  assert.deepEqual([...Dataset.zip([counting(3), counting(5).skip(1)])], [[0, 1], [1, 2], [2, 3]]);
  assert.deepEqual([...Dataset.zip({ a: counting(2), b: counting(2).map((i) => -i) })], [
    { a: 0, b: -0 },
    { a: 1, b: -1 },
  ]);
  assert.deepEqual(await collect(counting(4).map(async (i) => await Promise.resolve(i + 1))), [
    1,
    2,
    3,
    4,
  ]);
  assert.throws(
    () => [...counting(2).map(async (i) => await Promise.resolve(i))],
    /returned a promise: use "for await/,
  );
  // Cardinalities follow the stages.
  const arrays = Dataset.fromArrays([[1], [2], [3], [4], [5]]);
  assert.equal(arrays.take(3).cardinality(), 3);
  assert.equal(arrays.skip(3).cardinality(), 2);
  assert.equal(arrays.repeat(2).cardinality(), 10);
  assert.equal(arrays.repeat().cardinality(), Infinity);
  assert.equal(arrays.filter(() => true).cardinality(), null);
  assert.equal(arrays.concatenate(arrays).cardinality(), 10);
});

Deno.test("Dataset.shuffle: a permutation, repeatable by seed, reshuffled each pass unless told not to", () => {
  const order = (ds: Dataset<number>) => [...ds];
  const a = counting(30).shuffle(30, { seed: 7 });
  const first = order(a);
  const second = order(a);
  assert.deepEqual([...first].sort((p, q) => p - q), [...Array(30).keys()]);
  assert.notDeepEqual(first, second);
  assert.deepEqual(order(counting(30).shuffle(30, { seed: 7 })), first);
  const fixed = counting(30).shuffle(30, { seed: 7, reshuffleEachIteration: false });
  assert.deepEqual(order(fixed), order(fixed));
  // A buffer of 2 moves an element at most a few places forward: element 0 comes out within the first 2.
  assert.ok(order(counting(30).shuffle(2, { seed: 1 })).indexOf(0) < 2);
  assert.throws(
    () => counting(3).shuffle(3, { reshuffle: true } as never),
    /"reshuffle" is not an option/,
  );
});

Deno.test("Dataset.cache replays the first full pass from memory or from a file", async () => {
  let calls = 0;
  const source = () =>
    Dataset.fromGenerator<[Float32Array, number]>(function* () {
      calls++;
      for (let i = 0; i < 4; i++) yield [Float32Array.of(i, i + 0.5), i];
    }).batch(3);
  const mem = source().cache();
  const read = (e: [tf.Tensor, tf.Tensor]) => [values(e[0]), values(e[1])];
  const once = rows(mem, read);
  assert.deepEqual(rows(mem, read), once);
  assert.equal(calls, 1);
  // A pass left early records nothing.
  calls = 0;
  const partial = source().cache();
  for (const _ of partial) break;
  [...partial];
  [...partial];
  assert.equal(calls, 2);

  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/cache.bin`;
    calls = 0;
    const cached = source().cache(file);
    assert.equal(cached.asynchronous, true);
    assert.deepEqual(await collect(cached, read), once);
    assert.ok((await Deno.stat(file)).isFile);
    assert.deepEqual(await collect(cached, read), once);
    assert.deepEqual(await collect(source().cache(file), read), once); // another dataset reads the file
    assert.equal(calls, 1);
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["cache.bin"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Dataset.prefetch keeps the order and frees what it read ahead when left early", async () => {
  const before = tf.memory().numTensors;
  const ds = Dataset.fromArrays([[1], [2], [3], [4], [5], [6]], [1, 2, 3, 4, 5, 6]).batch(2)
    .prefetch(3);
  assert.deepEqual(await collect(ds, ([x]) => values(x)), [[1, 2], [3, 4], [5, 6]]);
  for await (const _ of ds) break;
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => [...ds], /prefetch reads ahead asynchronously/);
});

Deno.test("Dataset.map with numParallelCalls runs in workers, in order; closures and tensors are refused", async () => {
  const ds = counting(12).map((i: number) => ({ sq: i * i, text: `#${i}` }), {
    numParallelCalls: 3,
  });
  const out = await collect(ds);
  assert.deepEqual(out, [...Array(12).keys()].map((i) => ({ sq: i * i, text: `#${i}` })));
  const scale = 3;
  await assert.rejects(
    () => collect(counting(2).map((i: number) => i * scale, { numParallelCalls: 2 })),
    /ReferenceError: scale is not defined\. A function run in workers .* sees only its argument/,
  );
  await assert.rejects(
    () => collect(Dataset.fromArrays([[1], [2]]).map((e) => e, { numParallelCalls: 2 })),
    /elements hold tensors/,
  );
  assert.throws(
    () => counting(2).map((i) => i, { numParallelCalls: 0 }),
    /"numParallelCalls" must be a positive integer: received 0/,
  );
});

Deno.test("a pipeline of tensors leaks nothing, whole or left early, sync or async", async () => {
  const build = () =>
    Dataset.fromArrays([[1], [2], [3], [4], [5], [6], [7]], [0, 1, 0, 1, 0, 1, 0])
      .map(([x, y]) => [tf.mul(x, 2), y] as [tf.Tensor, tf.Tensor])
      .shuffle(4, { seed: 2 })
      .batch(3)
      .unbatch<[tf.Tensor, tf.Tensor]>()
      .filter(([, y]) => y.dataSync()[0] === 1)
      .batch(2);
  const before = tf.memory().numTensors;
  let seen = 0;
  for (const [x] of build()) seen += x.shape[0];
  assert.equal(seen, 3);
  for (const _ of build()) break;
  for await (const _ of build().prefetch(2)) break;
  for await (const _ of Dataset.zip([build(), build().repeat()])) { /* to the shorter's end */ }
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("a map in Web Workers left early or failing stops its workers and leaks nothing (the sanitizers check)", async () => {
  const before = tf.memory().numTensors;
  const mapped = Dataset.fromGenerator(function* () {
    for (let i = 0; i < 1000; i++) yield [Float32Array.of(i), i % 2] as [Float32Array, number];
  }).map(([x, y]) => [x.map((v) => v * 2), y], { numParallelCalls: 2 }).batch(4).prefetch(2);
  let seen = 0;
  for await (const [x] of mapped) {
    assert.deepEqual(Array.from(await x.data()), seen === 0 ? [0, 2, 4, 6] : [8, 10, 12, 14]);
    if (++seen === 2) break; // leaves the pass with elements in flight in the workers
  }
  assert.equal(seen, 2);
  const failing = Dataset.fromGenerator(function* () {
    for (let i = 0; i < 100; i++) yield i;
  }).map((i: number) => {
    if (i === 9) throw new RangeError(`no ${i}`);
    return i;
  }, { numParallelCalls: 2 }).batch(4);
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const b of failing) got.push(...await b.data());
  }, /Cannot map a Dataset in Web Workers as the function failed there: RangeError: no 9/);
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("a file cache left early or failing writes nothing and closes its file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/cache.bin`;
    let fail = true;
    const source = () =>
      Dataset.fromGenerator(function* () {
        for (let i = 0; i < 6; i++) {
          if (fail && i === 4) throw new Error("source failed");
          yield i;
        }
      });
    const before = tf.memory().numTensors;
    for await (const _ of source().cache(file).batch(2)) break;
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
    await assert.rejects(() => collect(source().cache(file)), /source failed/);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
    fail = false;
    assert.deepEqual(await collect(source().cache(file)), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["cache.bin"]);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
