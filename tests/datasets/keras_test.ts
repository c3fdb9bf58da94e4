import assert from "node:assert/strict";
import { gzipSync, zipSync } from "fflate";
import {
  bostonHousing,
  cifar10,
  cifar100,
  fashionMnist,
  imdb,
  mnist,
  reuters,
} from "../../datasets/mod.ts";
import { tf } from "../../engine/tf.ts";
import { md5Hex } from "../../datasets/keras/_md5.ts";
import { cachedFile, downloadOptions } from "../../datasets/keras/_files.ts";
import { legacyPermutation, MersenneTwister } from "../../datasets/keras/_random_state.ts";

// Fixture writers: the real formats, written here from their specifications.

/** A version 1.0 .npy file: magic, header dict padded to 64 bytes, data. */
function npy(descr: string, shape: number[], data: Uint8Array): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

const u8 = (values: number[]) => Uint8Array.from(values);
const i8 = (values: number[]) => new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
const f8 = (values: number[]) => new Uint8Array(Float64Array.from(values).buffer);

/** A pickle (protocol 2 opcodes) of a 1-D NumPy object array of int lists, as NumPy writes it. */
function pickledLists(lists: number[][]): Uint8Array {
  const b: number[] = [];
  const str = (s: string) => b.push(0x8c, s.length, ...new TextEncoder().encode(s));
  const int = (v: number) =>
    v < 256
      ? b.push(0x4b, v)
      : b.push(0x4a, v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255);
  b.push(0x80, 2);
  b.push(0x63, ...new TextEncoder().encode("numpy.core.multiarray\n_reconstruct\n"), 0x71, 0);
  b.push(0x63, ...new TextEncoder().encode("numpy\nndarray\n"), 0x71, 1);
  int(0);
  b.push(0x85, 0x43, 1, 0x62, 0x87, 0x52); // (0,), b"b", TUPLE3, REDUCE
  b.push(0x28); // MARK: the state tuple
  int(1);
  int(lists.length);
  b.push(0x85);
  b.push(0x63, ...new TextEncoder().encode("numpy\ndtype\n"));
  str("O8");
  b.push(0x89, 0x88, 0x87, 0x52, 0x28); // False, True, TUPLE3, REDUCE, MARK
  int(3);
  str("|");
  b.push(0x4e, 0x4e, 0x4e, 0x4a, 255, 255, 255, 255, 0x4a, 255, 255, 255, 255);
  int(63);
  b.push(0x74, 0x62, 0x89, 0x5d, 0x71, 2, 0x28); // TUPLE, BUILD, False, [], BINPUT, MARK
  for (const list of lists) {
    b.push(0x5d, 0x28);
    list.forEach(int);
    b.push(0x65);
  }
  b.push(0x65, 0x74, 0x62, 0x2e); // APPENDS, TUPLE, BUILD, STOP
  return Uint8Array.from(b);
}

function npyObject(lists: number[][]): Uint8Array {
  const full = npy("|O", [lists.length], pickledLists(lists));
  return full;
}

/** A ustar archive of regular files. */
function tar(files: Record<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data] of Object.entries(files)) {
    const h = new Uint8Array(512);
    const put = (at: number, s: string) => h.set(new TextEncoder().encode(s), at);
    put(0, name);
    put(100, "0000644\0");
    put(108, "0000000\0");
    put(116, "0000000\0");
    put(124, data.length.toString(8).padStart(11, "0") + "\0");
    put(136, "00000000000\0");
    put(148, "        ");
    put(156, "0");
    put(257, "ustar\0");
    put(263, "00");
    put(148, h.reduce((a, v) => a + v, 0).toString(8).padStart(6, "0") + "\0 ");
    parts.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

/** An IDX file of unsigned bytes. */
function idx(shape: number[], values: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + values.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, 8, shape.length]);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(values, 4 + 4 * shape.length);
  return out;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(d, (v) => v.toString(16).padStart(2, "0")).join("");
}

function withTemp(): { dir: string; file: (name: string, bytes: Uint8Array) => string } {
  const dir = Deno.makeTempDirSync();
  return {
    dir,
    file: (name, bytes) => {
      Deno.writeFileSync(`${dir}/${name}`, bytes);
      return `${dir}/${name}`;
    },
  };
}

const pixels = (n: number, start: number) =>
  Uint8Array.from({ length: n }, (_, i) => (start + i * 7) % 256);

Deno.test("mnist.loadData reads an npz of uint8 arrays given by path", async () => {
  const { dir, file } = withTemp();
  const xTrain = pixels(3 * 784, 0);
  const path = file(
    "mnist.npz",
    zipSync({
      "x_train.npy": npy("|u1", [3, 28, 28], xTrain),
      "y_train.npy": npy("|u1", [3], u8([5, 0, 4])),
      "x_test.npy": npy("|u1", [2, 28, 28], pixels(2 * 784, 3)),
      "y_test.npy": npy("|u1", [2], u8([7, 2])),
    }),
  );
  const before = tf.memory().numTensors;
  const [[x, y], [xt, yt]] = await mnist.loadData({ path });
  assert.deepEqual([x.shape, y.shape, xt.shape, yt.shape], [[3, 28, 28], [3], [2, 28, 28], [2]]);
  assert.equal(x.dtype, "int32");
  assert.deepEqual(Array.from(x.dataSync()), Array.from(xTrain));
  assert.deepEqual(Array.from(y.dataSync()), [5, 0, 4]);
  assert.deepEqual(Array.from(yt.dataSync()), [7, 2]);
  tf.dispose([x, y, xt, yt]);
  assert.equal(tf.memory().numTensors, before);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("mnist.loadData downloads once into cacheDir, atomically, and then reads the cache", async () => {
  const { dir } = withTemp();
  const npz = zipSync({
    "x_train.npy": npy("|u1", [1, 28, 28], pixels(784, 1)),
    "y_train.npy": npy("|u1", [1], u8([3])),
    "x_test.npy": npy("|u1", [1, 28, 28], pixels(784, 2)),
    "y_test.npy": npy("|u1", [1], u8([1])),
  });
  // The fixture's digest differs from the pinned one: a mismatch removes the file.
  const digest = await sha256(npz);
  let calls = 0;
  const fetchFixture = (url: string) => {
    calls++;
    assert.equal(url, "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz");
    return Promise.resolve(
      new Response(npz, { headers: { "content-length": String(npz.length) } }),
    );
  };
  await assert.rejects(
    mnist.loadData({ cacheDir: dir, fetch: fetchFixture, verbose: false }),
    (e: Error) =>
      /has sha256 [0-9a-f]{64}, expected 731c5ac6/.test(e.message) &&
      /was removed/.test(e.message) &&
      e.message.includes(digest),
  );
  assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing stays in the cache");
  // A file already in the cache (put there as a download would) is read without fetching.
  Deno.writeFileSync(`${dir}/mnist.npz`, npz);
  calls = 0;
  const [[x, y], [xt, yt]] = await mnist.loadData({
    cacheDir: dir,
    fetch: fetchFixture,
    verbose: false,
  });
  assert.equal(calls, 0);
  assert.deepEqual(Array.from(y.dataSync()), [3]);
  tf.dispose([x, y, xt, yt]);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("loadData offline with no cache names the URL and the cache path", async () => {
  const { dir } = withTemp();
  const offline = () => Promise.reject(new TypeError("error sending request: dns error"));
  await assert.rejects(
    bostonHousing.loadData({ cacheDir: dir, fetch: offline, verbose: false }),
    (e: Error) =>
      e.message.includes(
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz",
      ) &&
      e.message.includes(`${dir}/boston_housing.npz`) && /dns error/.test(e.message) &&
      /\{ path \}/.test(e.message),
  );
  const notFound = () =>
    Promise.resolve(new Response("no", { status: 404, statusText: "Not Found" }));
  await assert.rejects(
    imdb.getWordIndex({ cacheDir: dir, fetch: notFound, verbose: false }),
    /HTTP 404 Not Found.*no copy is cached at .*imdb_word_index\.json/,
  );
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("an interrupted download leaves nothing in the cache", async () => {
  const { dir } = withTemp();
  const broken = () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(100));
        c.error(new Error("connection reset"));
      },
    });
    return Promise.resolve(new Response(body));
  };
  await assert.rejects(
    cifar10.loadData({ cacheDir: dir, fetch: broken, verbose: false }),
    /interrupted: connection reset.*cifar-10-binary\.tar\.gz/,
  );
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("a download whose checksum matches is kept, with an MD5 for the word index", async () => {
  const { dir } = withTemp();
  const json = new TextEncoder().encode('{"the": 1, "and": 2, "film": 19}');
  // Pin check: our MD5 against RFC 1321's test vector first.
  assert.equal(md5Hex(new TextEncoder().encode("abc")), "900150983cd24fb0d6963f7d28e17f72");
  Deno.writeFileSync(`${dir}/reuters_word_index.json`, json);
  const index = await reuters.getWordIndex({
    cacheDir: dir,
    fetch: () => Promise.reject(new Error("no")),
  });
  assert.deepEqual({ ...index }, { the: 1, and: 2, film: 19 });
  assert.equal(reuters.getLabelNames().length, 46);
  assert.equal(reuters.getLabelNames()[3], "earn");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("fashionMnist.loadData reads the four gzip IDX files of a folder", async () => {
  const { dir, file } = withTemp();
  const images = pixels(2 * 784, 9);
  file("train-images-idx3-ubyte.gz", gzipSync(idx([2, 28, 28], images)));
  file("train-labels-idx1-ubyte.gz", gzipSync(idx([2], u8([9, 0]))));
  file("t10k-images-idx3-ubyte.gz", gzipSync(idx([1, 28, 28], pixels(784, 4))));
  file("t10k-labels-idx1-ubyte.gz", gzipSync(idx([1], u8([3]))));
  const [[x, y], [xt, yt]] = await fashionMnist.loadData({ path: dir });
  assert.deepEqual([x.shape, y.shape, xt.shape, yt.shape], [[2, 28, 28], [2], [1, 28, 28], [1]]);
  assert.deepEqual(Array.from(x.dataSync()), Array.from(images));
  assert.deepEqual(Array.from(y.dataSync()), [9, 0]);
  assert.equal(fashionMnist.classNames[9], "Ankle boot");
  tf.dispose([x, y, xt, yt]);
  Deno.writeFileSync(`${dir}/t10k-labels-idx1-ubyte.gz`, gzipSync(idx([2], u8([3]))));
  await assert.rejects(fashionMnist.loadData({ path: dir }), /holds 1 bytes of data, expected 2/);
  Deno.removeSync(dir, { recursive: true });
});

/** A CIFAR record: label bytes, then red, green, blue planes of 1024 bytes. */
function cifarRecord(labels: number[], seed: number): Uint8Array {
  const r = new Uint8Array(labels.length + 3072);
  r.set(labels);
  for (let i = 0; i < 3072; i++) r[labels.length + i] = (seed + i) % 251;
  return r;
}

Deno.test("cifar10.loadData reads the binary tar.gz, channels last, labels [n, 1]", async () => {
  const { dir, file } = withTemp();
  const batches: Record<string, Uint8Array> = {};
  for (let b = 1; b <= 5; b++) {
    batches[`cifar-10-batches-bin/data_batch_${b}.bin`] = cifarRecord([b], b * 10);
  }
  batches["cifar-10-batches-bin/test_batch.bin"] = new Uint8Array([
    ...cifarRecord([7], 3),
    ...cifarRecord([8], 4),
  ]);
  batches["cifar-10-batches-bin/batches.meta.txt"] = new TextEncoder().encode("airplane\n");
  const path = file("cifar.tar.gz", gzipSync(tar(batches)));
  const [[x, y], [xt, yt]] = await cifar10.loadData({ path });
  assert.deepEqual([x.shape, y.shape, xt.shape, yt.shape], [
    [5, 32, 32, 3],
    [5, 1],
    [2, 32, 32, 3],
    [2, 1],
  ]);
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(yt.dataSync()), [7, 8]);
  // Pixel (row 1, column 2) of the second test image: plane offset 32 + 2 = 34 in each channel.
  const v = xt.arraySync() as number[][][][];
  assert.deepEqual(v[1][1][2], [(4 + 34) % 251, (4 + 1024 + 34) % 251, (4 + 2048 + 34) % 251]);
  assert.equal(cifar10.classNames[3], "cat");
  tf.dispose([x, y, xt, yt]);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("cifar100.loadData picks the fine or the coarse label", async () => {
  const { dir, file } = withTemp();
  const path = file(
    "c100.tar.gz",
    gzipSync(tar({
      "cifar-100-binary/train.bin": new Uint8Array([
        ...cifarRecord([4, 30], 1),
        ...cifarRecord([19, 99], 2),
      ]),
      "cifar-100-binary/test.bin": cifarRecord([0, 49], 5),
    })),
  );
  for (
    const [labelMode, train, test] of [["fine", [30, 99], [49]], ["coarse", [4, 19], [0]]] as const
  ) {
    const [[x, y], [xt, yt]] = await cifar100.loadData({ path, labelMode });
    assert.deepEqual(x.shape, [2, 32, 32, 3]);
    assert.deepEqual(Array.from(y.dataSync()), train);
    assert.deepEqual(Array.from(yt.dataSync()), test);
    tf.dispose([x, y, xt, yt]);
  }
  await assert.rejects(
    cifar100.loadData({ path, labelMode: "medium" as never }),
    /"labelMode" must be one of "fine", "coarse": received "medium"/,
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("NumPy's legacy shuffle: MT19937 reference outputs and permutation(10) for seed 42", () => {
  const mt = new MersenneTwister(5489); // the reference seed: first output 3499211612
  assert.equal(mt.nextUint32(), 3499211612);
  assert.equal(new MersenneTwister(0).nextDouble(), 0.5488135039273248); // np.random.RandomState(0).random_sample()
  assert.deepEqual(legacyPermutation(10, 42), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
});

function imdbFixture(dir: string): string {
  const path = `${dir}/imdb.npz`;
  Deno.writeFileSync(
    path,
    zipSync({
      "x_train.npy": npyObject([[1, 2, 3], [4, 5], [6]]),
      "y_train.npy": npy("<i8", [3], i8([0, 1, 0])),
      "x_test.npy": npyObject([[2, 7], [300]]),
      "y_test.npy": npy("<i8", [2], i8([1, 0])),
    }),
  );
  return path;
}

Deno.test("imdb.loadData: the pickled sequences, shuffled and indexed as Keras", async () => {
  const { dir } = withTemp();
  const path = imdbFixture(dir);
  // RandomState(113) shuffles 3 training items as [2, 0, 1], then 2 test items as [1, 0].
  // Default: startChar 1, indexFrom 3, oovChar 2; numWords = max index (303), which itself becomes 2.
  let [[x, y], [xt, yt]] = await imdb.loadData({ path });
  assert.deepEqual(x, [[1, 9], [1, 4, 5, 6], [1, 7, 8]]);
  assert.deepEqual(Array.from(y.dataSync()), [0, 0, 1]);
  assert.deepEqual(xt, [[1, 2], [1, 5, 10]]);
  assert.deepEqual(Array.from(yt.dataSync()), [0, 1]);
  tf.dispose([y, yt]);
  // numWords 7 keeps indices below 7; skipTop 5 turns 1 (start) and 4 into oov.
  [[x, y], [xt, yt]] = await imdb.loadData({ path, numWords: 7, skipTop: 5 });
  assert.deepEqual(x, [[2, 2], [2, 2, 5, 6], [2, 2, 2]]);
  tf.dispose([y, yt]);
  // No start marker, no offset, oov removed, maxlen 2 drops sequences of 2 words or more.
  [[x, y], [xt, yt]] = await imdb.loadData({
    path,
    startChar: null,
    indexFrom: 0,
    oovChar: null,
    numWords: 6,
    maxlen: 2,
  });
  assert.deepEqual(x, [[]]); // [6] kept (length 1), then 6 >= numWords removed
  assert.deepEqual(Array.from(y.dataSync()), [0]);
  assert.deepEqual(xt, [[]]);
  tf.dispose([y, yt]);
  await assert.rejects(
    imdb.loadData({ path, maxlen: 1 }),
    /no sequence is shorter than "maxlen": received 1/,
  );
  await assert.rejects(
    imdb.loadData({ path, num_words: 5 } as never),
    /"num_words" is not an option/,
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("reuters.loadData shuffles all newswires then splits by testSplit", async () => {
  const { dir } = withTemp();
  const path = `${dir}/reuters.npz`;
  Deno.writeFileSync(
    path,
    zipSync({
      "x.npy": npyObject([[1], [2], [3], [4], [5]]),
      "y.npy": npy("<i8", [5], i8([10, 20, 30, 40, 45])),
    }),
  );
  // RandomState(113).permutation(5) = [1, 0, 3, 2, 4]; 5 * 0.6 = 3 training newswires.
  const [[x, y], [xt, yt]] = await reuters.loadData({
    path,
    testSplit: 0.4,
    startChar: null,
    indexFrom: 0,
    numWords: 100,
  });
  assert.deepEqual(x, [[2], [1], [4]]);
  assert.deepEqual(Array.from(y.dataSync()), [20, 10, 40]);
  assert.deepEqual(xt, [[3], [5]]);
  assert.deepEqual(Array.from(yt.dataSync()), [30, 45]);
  tf.dispose([y, yt]);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("the pickle reader refuses globals other than NumPy's array reconstruction", async () => {
  const { dir } = withTemp();
  const evil = Uint8Array.from([
    0x80,
    2,
    0x63,
    ...new TextEncoder().encode("os\nsystem\n"),
    0x8c,
    4,
    ...new TextEncoder().encode("true"),
    0x85,
    0x52,
    0x2e,
  ]);
  const path = `${dir}/imdb.npz`;
  Deno.writeFileSync(
    path,
    zipSync({ "x_train.npy": npy("|O", [1], evil), "y_train.npy": npy("<i8", [1], i8([0])) }),
  );
  await assert.rejects(imdb.loadData({ path }), /refers to os\.system, which is not allowed/);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("bostonHousing.loadData shuffles with the seed and splits, float32", async () => {
  const { dir } = withTemp();
  const path = `${dir}/boston.npz`;
  const xs = Array.from({ length: 5 * 2 }, (_, i) => i + 0.5);
  Deno.writeFileSync(
    path,
    zipSync({
      "x.npy": npy("<f8", [5, 2], f8(xs)),
      "y.npy": npy("<f8", [5], f8([10, 11, 12, 13, 14])),
    }),
  );
  // permutation(5) with seed 113 = [1, 0, 3, 2, 4]; int(5 * 0.8) = 4 training rows.
  const [[x, y], [xt, yt]] = await bostonHousing.loadData({ path });
  assert.deepEqual(x.arraySync(), [[2.5, 3.5], [0.5, 1.5], [6.5, 7.5], [4.5, 5.5]]);
  assert.deepEqual(Array.from(y.dataSync()), [11, 10, 13, 12]);
  assert.deepEqual(xt.arraySync(), [[8.5, 9.5]]);
  assert.deepEqual(Array.from(yt.dataSync()), [14]);
  tf.dispose([x, y, xt, yt]);
  await assert.rejects(
    bostonHousing.loadData({ path, testSplit: 1 }),
    /"testSplit" must be a number in \[0, 1\): received 1/,
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("npy refuses non-numeric dtypes and names the file", async () => {
  const { dir } = withTemp();
  const path = `${dir}/mnist.npz`;
  Deno.writeFileSync(path, zipSync({ "x_train.npy": npy("<U3", [1], new Uint8Array(12)) }));
  await assert.rejects(
    mnist.loadData({ path }),
    /mnist\.npz:x_train as its dtype "<U3" is not a little-endian number/,
  );
  await assert.rejects(
    mnist.loadData({ path: `${dir}/missing.npz` }),
    /Cannot load mnist as .*missing\.npz cannot be read/,
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("cachedFile keeps a download whose checksum matches, under its final name only", async () => {
  const { dir } = withTemp();
  const body = new TextEncoder().encode("x".repeat(5000));
  const file = {
    name: "sub/data.bin",
    url: "https://example.test/data.bin",
    hash: await sha256(body),
    algorithm: "sha256",
  } as const;
  let calls = 0;
  const options = downloadOptions("load test", {
    cacheDir: dir,
    verbose: false,
    fetch: () => (calls++, Promise.resolve(new Response(body))),
  });
  const path = await cachedFile("test", file, options);
  assert.equal(path, `${dir}/sub/data.bin`);
  assert.deepEqual(Deno.readFileSync(path), body);
  assert.deepEqual([...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name), ["data.bin"]);
  await cachedFile("test", file, options);
  assert.equal(calls, 1, "downloaded once");
  const md5 = { ...file, name: "b.bin", hash: md5Hex(body), algorithm: "md5" } as const;
  assert.equal(await cachedFile("test", md5, options), `${dir}/b.bin`);
  Deno.removeSync(dir, { recursive: true });
});
