import assert from "node:assert/strict";
import { callbacks, tf } from "../../mod.ts";
import { linearData, tinyModel } from "./_helpers.ts";

// An independent reader of event files: record framing, CRC-32C computed
// bit by bit (no table), masked as TensorFlow's record format specifies,
// and a generic protocol buffer decoder.

function crc32cBitwise(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function masked(bytes: Uint8Array): number {
  const c = crc32cBitwise(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) % 2 ** 32;
}

type Field = { field: number; wire: number; value: number | Uint8Array };

function decode(bytes: Uint8Array): Field[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Field[] = [];
  let pos = 0;
  const varint = () => {
    let v = 0, scale = 1;
    for (;;) {
      const b = bytes[pos++];
      v += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return v;
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8), wire = key % 8;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 1) (out.push({ field, wire, value: view.getFloat64(pos, true) }), pos += 8);
    else if (wire === 5) (out.push({ field, wire, value: view.getFloat32(pos, true) }), pos += 4);
    else if (wire === 2) {
      const n = varint();
      out.push({ field, wire, value: bytes.subarray(pos, pos + n) });
      pos += n;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

const get = (fields: Field[], n: number) => fields.find((f) => f.field === n)?.value;
const text = (v: unknown) => new TextDecoder().decode(v as Uint8Array);

interface Event {
  wallTime: number;
  step: number;
  fileVersion?: string;
  tag?: string;
  simpleValue?: number;
  histo?: Field[];
  tensor?: Field[];
  plugin?: string;
}

function readEvents(path: string): Event[] {
  const bytes = Deno.readFileSync(path);
  const view = new DataView(bytes.buffer);
  const events: Event[] = [];
  for (let pos = 0; pos < bytes.length;) {
    const length = Number(view.getBigUint64(pos, true));
    assert.equal(view.getUint32(pos + 8, true), masked(bytes.subarray(pos, pos + 8)), "length CRC");
    const data = bytes.subarray(pos + 12, pos + 12 + length);
    assert.equal(view.getUint32(pos + 12 + length, true), masked(data), "data CRC");
    pos += 16 + length;
    const e = decode(data);
    const event: Event = { wallTime: get(e, 1) as number, step: (get(e, 2) as number) ?? 0 };
    if (get(e, 3)) event.fileVersion = text(get(e, 3));
    const summary = get(e, 5);
    if (summary) {
      const value = decode(get(decode(summary as Uint8Array), 1) as Uint8Array);
      event.tag = text(get(value, 1));
      event.simpleValue = get(value, 2) as number | undefined;
      if (get(value, 5)) event.histo = decode(get(value, 5) as Uint8Array);
      if (get(value, 8)) event.tensor = decode(get(value, 8) as Uint8Array);
      if (get(value, 9)) {
        event.plugin = text(
          get(decode(get(decode(get(value, 9) as Uint8Array), 1) as Uint8Array), 1),
        );
      }
    }
    events.push(event);
  }
  return events;
}

function runFile(dir: string, run: string): string {
  const files = [...Deno.readDirSync(`${dir}/${run}`)].map((e) => e.name);
  assert.equal(files.length, 1, `one event file in ${run}: ${files}`);
  assert.match(files[0], /^events\.out\.tfevents\.\d+\..+\.v2$/);
  return `${dir}/${run}/${files[0]}`;
}

const scalars = (events: Event[], tag: string) =>
  events.filter((e) => e.tag === tag).map((e) => [e.step, e.simpleValue]);

Deno.test("CRC-32C of the test reader matches the standard check value", () => {
  assert.equal(crc32cBitwise(new TextEncoder().encode("123456789")), 0xe3069283);
});

Deno.test("TensorBoard writes epoch scalars for train and validation, matching History", async () => {
  const dir = Deno.makeTempDirSync();
  const model = tinyModel(0.05, ["mae"]);
  const { x, y } = linearData();
  const history = await model.fit(x, y, {
    epochs: 3,
    batchSize: 4,
    validationSplit: 0.25,
    verbose: 0,
    callbacks: [new callbacks.TensorBoard({ logDir: dir, writeGraph: false })],
  });
  const h = history.history;
  const train = readEvents(runFile(dir, "train"));
  assert.equal(train[0].fileVersion, "brain.Event:2");
  assert.ok(Math.abs(train[0].wallTime - Date.now() / 1000) < 60);
  const f = (values: number[]) => values.map((v, epoch) => [epoch, Math.fround(v)]);
  assert.deepEqual(scalars(train, "epoch_loss"), f(h.loss));
  assert.deepEqual(scalars(train, "epoch_mae"), f(h.mae));
  assert.deepEqual(scalars(train, "epoch_learning_rate"), f([0.05, 0.05, 0.05]));
  assert.equal(train.filter((e) => e.tag?.startsWith("batch_")).length, 0);
  const validation = readEvents(runFile(dir, "validation"));
  assert.equal(validation[0].fileVersion, "brain.Event:2");
  assert.deepEqual(scalars(validation, "epoch_loss"), f(h.val_loss));
  assert.deepEqual(scalars(validation, "epoch_mae"), f(h.val_mae));
  // After each validation pass: 2 training batches per epoch, so 2, 4, 6 updates.
  assert.deepEqual(scalars(validation, "evaluation_loss_vs_iterations"), [
    [2, Math.fround(h.val_loss[0])],
    [4, Math.fround(h.val_loss[1])],
    [6, Math.fround(h.val_loss[2])],
  ]);
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("TensorBoard updateFreq writes batch scalars at run-wide batch numbers", async () => {
  for (const [updateFreq, steps] of [["batch", [1, 2, 3, 4, 5, 6]], [4, [4]]] as const) {
    const dir = Deno.makeTempDirSync();
    const model = tinyModel(0.05);
    const { x, y } = linearData();
    const seen: number[] = [];
    await model.fit(x, y, {
      epochs: 3,
      batchSize: 4,
      verbose: 0,
      callbacks: [
        new callbacks.TensorBoard({ logDir: dir, updateFreq, writeGraph: false }),
        new callbacks.LambdaCallback({ onTrainBatchEnd: (_b, logs) => void seen.push(logs!.loss) }),
      ],
    });
    const train = readEvents(runFile(dir, "train"));
    assert.deepEqual(
      scalars(train, "batch_loss"),
      steps.map((s) => [s, Math.fround(seen[s - 1])]),
    );
    assert.equal(scalars(train, "epoch_loss").length, 3);
    model.dispose();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("TensorBoard histogramFreq writes HistogramProtos of every weight", async () => {
  const dir = Deno.makeTempDirSync();
  const model = tinyModel(0.05);
  const { x, y } = linearData();
  const kernels: number[][] = [];
  await model.fit(x, y, {
    epochs: 3,
    verbose: 0,
    callbacks: [
      new callbacks.LambdaCallback({
        onEpochEnd: () => void kernels.push(Array.from(model.weights[0].dataSync())),
      }),
      new callbacks.TensorBoard({ logDir: dir, histogramFreq: 2, writeGraph: false }),
    ],
  });
  const train = readEvents(runFile(dir, "train"));
  const layer = model.layers[0].name;
  const histos = train.filter((e) => e.histo);
  assert.deepEqual(histos.map((e) => [e.tag, e.step]), [
    [`${layer}/kernel/histogram`, 0],
    [`${layer}/bias/histogram`, 0],
    [`${layer}/kernel/histogram`, 2],
    [`${layer}/bias/histogram`, 2],
  ]);
  const kernel = histos[2].histo!;
  const [a, b] = kernels[2];
  const packed = (n: number) => {
    const v = get(kernel, n) as Uint8Array;
    const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
    return Array.from({ length: v.length / 8 }, (_, i) => view.getFloat64(i * 8, true));
  };
  assert.equal(get(kernel, 1), Math.min(a, b));
  assert.equal(get(kernel, 2), Math.max(a, b));
  assert.equal(get(kernel, 3), 2);
  assert.ok(Math.abs((get(kernel, 4) as number) - (a + b)) < 1e-12);
  assert.ok(Math.abs((get(kernel, 5) as number) - (a * a + b * b)) < 1e-12);
  const counts = packed(7);
  const limits = packed(6);
  assert.equal(counts.length, 30);
  assert.equal(limits[29], Math.max(a, b));
  assert.equal(counts.reduce((s, c) => s + c, 0), 2);
  assert.equal(counts[0], 1);
  assert.equal(counts[29], 1);
  const bias = histos[3].histo!;
  assert.equal(get(bias, 3), 1);
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("TensorBoard writeGraph writes the model's Keras config for the graph plugin", async () => {
  const dir = Deno.makeTempDirSync();
  const model = tinyModel(0.05);
  const { x, y } = linearData();
  await model.fit(x, y, {
    epochs: 1,
    verbose: 0,
    callbacks: [new callbacks.TensorBoard({ logDir: dir })],
  });
  const graph = readEvents(runFile(dir, "train")).find((e) => e.tag === "keras")!;
  assert.equal(graph.step, 0);
  assert.equal(graph.plugin, "graph_keras_model");
  assert.equal(get(graph.tensor!, 1), 7); // DT_STRING
  const config = JSON.parse(text(get(graph.tensor!, 8)));
  assert.equal(config.class_name, "Sequential");
  assert.equal(config.config.layers.at(-1).class_name, "Dense");
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("TensorBoard rejects bad options and leaks no tensors", async () => {
  assert.throws(
    () => new callbacks.TensorBoard({ updateFreq: 0 }),
    /"updateFreq" must be "epoch", "batch" or a positive integer: received 0/,
  );
  assert.throws(
    () => new callbacks.TensorBoard({ histogramFreq: -1 }),
    /"histogramFreq" must be a non-negative integer/,
  );
  assert.throws(
    () => new callbacks.TensorBoard({ log_dir: "x" } as never),
    /"log_dir" is not an option/,
  );
  assert.throws(() => new callbacks.TensorBoard({ logDir: "" }), /"logDir" must be a folder path/);
  const dir = Deno.makeTempDirSync();
  const model = tinyModel();
  const { x, y } = linearData();
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  const before = tf.memory().numTensors;
  await model.fit(x, y, {
    epochs: 2,
    verbose: 0,
    validationSplit: 0.25,
    callbacks: [new callbacks.TensorBoard({ logDir: dir, histogramFreq: 1, updateFreq: "batch" })],
  });
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  Deno.removeSync(dir, { recursive: true });
});
