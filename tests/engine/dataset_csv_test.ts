import assert from "node:assert/strict";
import { Dataset, tf } from "../../mod.ts";
import { readRecords } from "../../engine/_csv_reader.ts";

const dir = await Deno.makeTempDir({ prefix: "kerno_csv_test_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
let n = 0;
async function csvFile(text: string): Promise<string> {
  const path = `${dir}/f${n++}.csv`;
  await Deno.writeTextFile(path, text);
  return path;
}

async function read<T, R = unknown>(
  ds: Dataset<T>,
  fn: (e: T) => R = (e) => e as unknown as R,
): Promise<R[]> {
  const out: R[] = [];
  for await (const e of ds) out.push(fn(e));
  return out;
}

/** Splits text into a stream of chunks of `size` characters (to cross every boundary). */
function chunked(text: string, size: number): ReadableStream<string> {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return ReadableStream.from(parts);
}

async function records(text: string, size = 3, delimiter = ",") {
  const out: [number, string[]][] = [];
  for await (const r of readRecords(chunked(text, size), delimiter)) out.push([r.line, r.fields!]);
  return out;
}

Deno.test("Dataset.csv yields [Float32Array features, label] in file order, streamed", async () => {
  const path = await csvFile("x1,price,x2\n1,10,2\n3.5,20,-4\n\n5e-1,30,6\n");
  const ds = Dataset.csv(path, { label: "price" });
  assert.equal(ds.asynchronous, true);
  assert.equal(ds.cardinality(), null);
  const rows = await read(ds, ([f, y]) => [Array.from(f), y]);
  assert.deepEqual(rows, [[[1, 2], 10], [[3.5, -4], 20], [[0.5, 6], 30]]);
  const [[x, y]] = await read(
    ds.batch(3),
    ([x, y]) => [[x.shape, Array.from(x.dataSync())], y.shape] as const,
  );
  assert.deepEqual(x, [[3, 2], [1, 2, 3.5, -4, 0.5, 6]]);
  assert.deepEqual(y, [3]);
  assert.throws(() => [...ds], /reads a CSV file: use "for await/);
  // Without a label, elements are the features alone; selectColumns keeps some.
  assert.deepEqual(
    await read(
      Dataset.csv(path, { selectColumns: ["x2"] }),
      (f) => Array.from(f as unknown as Float32Array),
    ),
    [[2], [-4], [6]],
  );
});

Deno.test("Dataset.csv: records by name, text columns, defaults for empty fields, no header, another delimiter", async () => {
  const path = await csvFile("\uFEFFcity;size;label\r\nOslo;;1\r\n;3;0\r\n");
  const ds = Dataset.csv(path, {
    label: "label",
    delimiter: ";",
    featuresAs: "record",
    columnDefaults: { city: "unknown", size: -1 },
  });
  assert.deepEqual(await read(ds), [[{ city: "Oslo", size: -1 }, 1], [
    { city: "unknown", size: 3 },
    0,
  ]]);
  const noHeader = await csvFile("1,2\n3,4\n");
  assert.deepEqual(
    await read(
      Dataset.csv(noHeader, { header: false, columns: ["a", "b"], label: "b" }),
      ([f, y]) => [f[0], y],
    ),
    [[1, 2], [3, 4]],
  );
  // columns replaces a header's names.
  assert.deepEqual(
    await read(
      Dataset.csv(path, {
        columns: ["c", "s", "y"],
        delimiter: ";",
        label: "y",
        featuresAs: "record",
        columnDefaults: ["", 0, null],
      }),
      ([f]) => f,
    ),
    [{ c: "Oslo", s: 0 }, { c: "", s: 3 }],
  );
});

Deno.test("readRecords follows RFC 4180 across chunk boundaries: quotes, doubled quotes, line breaks in fields", async () => {
  const text = 'a,b,c\n"x, y","say ""hi""",3\n"multi\nline",,"end"\r\nplain,"",z';
  const expected: [number, string[]][] = [
    [1, ["a", "b", "c"]],
    [2, ["x, y", 'say "hi"', "3"]],
    [3, ["multi\nline", "", "end"]],
    [5, ["plain", "", "z"]],
  ];
  for (const size of [1, 2, 3, 5, 7, 64, 10_000]) {
    assert.deepEqual(await records(text, size), expected, `chunks of ${size}`);
  }
  assert.deepEqual(await records("a|b\n1|2\n", 2, "|"), [[1, ["a", "b"]], [2, ["1", "2"]]]);
});

Deno.test("Dataset.csv errors name the file, the line and the column", async () => {
  const path = await csvFile('a,b,label\n1,2,0\n"two\nlines",3,1\n4,5\n');
  await assert.rejects(
    () => read(Dataset.csv(path, { label: "label" })),
    (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        new RegExp(`"${path}" as line 3, column "a" holds "two\\\\nlines", which is not a number`),
      );
      return true;
    },
  );
  const short = await csvFile("a,b,label\n1,2,0\n4,5\n");
  await assert.rejects(
    () => read(Dataset.csv(short, { label: "label" })),
    new RegExp(`"${short}" as line 3 holds 2 fields: expected 3 \\(a, b, label\\)`),
  );
  const empty = await csvFile("a,label\n,1\n");
  await assert.rejects(
    () => read(Dataset.csv(empty, { label: "label" })),
    /line 2, column "a" is empty and the column has no default/,
  );
  await assert.rejects(
    () => read(Dataset.csv(empty, { label: "price" })),
    /"label" names the column "price", which it does not have: its columns are \["a","label"\]/,
  );
  await assert.rejects(
    () => read(Dataset.csv(`${dir}/missing.csv`)),
    /missing\.csv" does not exist/,
  );
  const text = await csvFile("name,label\nx,1\n");
  await assert.rejects(
    () => read(Dataset.csv(text, { label: "label", columnDefaults: { name: "" } })),
    /column "name" holds text .* pass featuresAs: "record"/,
  );
  assert.throws(
    () => Dataset.csv(text, { header: false }),
    /"header" is false and "columns" is missing/,
  );
  assert.throws(() => Dataset.csv(text, { delimiter: ";;" }), /"delimiter" must be one character/);
  assert.throws(() => Dataset.csv(text, { labels: "x" } as never), /"labels" is not an option/);
});

Deno.test("Dataset.csv reads numbers as Number does (rounded to float32), in every spelling", async () => {
  const spellings = [
    "0",
    "-0",
    "7",
    "+3",
    "-12.5",
    ".5",
    "5.",
    "1e3",
    "2E-3",
    "-4.25e+2",
    "1e22",
    "1e-22",
    "3e-30",
    " 8 ",
    "0x10",
    "123456789.123456789",
    "0.1000000000000000055511",
    "NaN",
    "nan",
    "Infinity",
    "-1e400",
  ];
  const path = await csvFile(
    `v\n${spellings.map((v) => `"${v}"`).join("\n")}\n${spellings.join("\n")}\n`,
  );
  const read1 = await read(Dataset.csv(path), (f) => f[0]);
  const expected = spellings.map((v) =>
    Math.fround(v.trim().toLowerCase() === "nan" ? NaN : Number(v))
  );
  assert.deepEqual(read1, [...expected, ...expected]); // quoted (parsed apart) and plain lines agree
});

Deno.test("a CSV pipeline left early closes the file and leaks no tensors", async () => {
  let text = "a,b,label\n";
  for (let i = 0; i < 2000; i++) text += `${i},${-i},${i % 2}\n`;
  const path = await csvFile(text);
  const before = tf.memory().numTensors;
  let batches = 0;
  for await (
    const [x] of Dataset.csv(path, { label: "label" }).shuffle(100, { seed: 1 }).batch(64).prefetch(
      2,
    )
  ) {
    assert.deepEqual(x.shape, [64, 2]);
    if (++batches === 3) break;
  }
  assert.equal(tf.memory().numTensors, before);
  let sum = 0;
  for await (const [, y] of Dataset.csv(path, { label: "label" }).batch(500)) {
    sum += (y.dataSync() as Float32Array).reduce((a, b) => a + b, 0);
  }
  assert.equal(sum, 1000);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Dataset.csv yields the rows before a bad one, then fails naming its line", async () => {
  const path = await csvFile("a,label\n1,0\n2,1\n3,0\nx,1\n5,0\n");
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const [features] of Dataset.csv(path, { label: "label" })) got.push(features[0]);
  }, /line 5, column "a" holds "x", which is not a number/);
  assert.deepEqual(got, [1, 2, 3]);
});
