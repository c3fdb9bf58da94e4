/**
 * A fuzz campaign against kerno's loaders (issue 18): trains three small
 * models (an MLP with Dropout, a CNN with Conv2D, BatchNormalization and
 * MaxPooling2D, a subclassed Embedding model) for one epoch with Adam, saves
 * each as a TensorFlow.js directory, a `.keras` archive, a `.weights.h5`
 * file and a kerno checkpoint, writes seeded damaged and hostile variants of
 * them, and loads each variant in its own process with a memory watch and a
 * timer. Prints a table of families × outcomes and writes every result to
 * `<out>/results.jsonl`.
 *
 * ```sh
 * nice -n 10 deno run -A tools/fuzz_load.ts --seed 1 --count 400 --out runs/fuzz
 * ```
 *
 * Outcomes: `error` (with its message), `identical` or `different` (loaded;
 * every weight and the optimizer state compared bit for bit with the
 * undamaged model's), `uncompiled` (loaded with identical weights but
 * without its compile settings, after a warning: a config edit that makes
 * them unusable), `crash`, `timeout`, `over-memory`. A variant is a
 * defect when it loads `different` from a file that still carries kerno's
 * checks, crashes, runs out of time or memory (over 5 s or 200 MiB for a
 * file under 1 MiB), or fails with an error that does not name the file or
 * is a raw JavaScript, h5wasm or fflate message. Files stripped of kerno's
 * checksums and digests load with their values trusted: they are counted as
 * `different (foreign)`, not as defects.
 *
 * @module
 */
import h5wasm from "h5wasm";
import { Deflate } from "fflate";
import { crc32 } from "node:zlib";
import {
  buildZip as zip,
  concat,
  type DatasetEdit as H5Edit,
  indexOf,
  rewriteH5,
  unzipItems,
  type Values,
} from "./_hostile_files.ts";
import { layers, loadModel, Model, registerSerializable, Sequential, setSeed, tf } from "../mod.ts";

// ---------------------------------------------------------------- models

/** The subclassed model: Embedding, mean over the sequence, Dense. */
class FuzzEmbedding extends Model {
  /** The embedding. */
  embed = new layers.Embedding(20, 4);
  /** The head. */
  head = new layers.Dense(3, { activation: "softmax" });
  /** Runs the model. */
  override call(x: tf.Tensor): tf.Tensor {
    return this.head.apply(tf.mean(this.embed.apply(x), 1));
  }
}
registerSerializable(FuzzEmbedding, { package: "Fuzz" });

type Kind = "mlp" | "cnn" | "emb";
type Format = "tfjs" | "keras" | "h5" | "ckpt";
const KINDS: Kind[] = ["mlp", "cnn", "emb"];

function makeModel(kind: Kind): Model {
  setSeed(5);
  let model: Model;
  if (kind === "mlp") {
    model = new Sequential([
      new layers.Dense(8, { activation: "relu", inputShape: [4] }),
      new layers.Dropout(0.3),
      new layers.Dense(3, { activation: "softmax" }),
    ]);
  } else if (kind === "cnn") {
    model = new Sequential([
      new layers.Conv2D(3, 3, { inputShape: [6, 6, 1], activation: "relu" }),
      new layers.BatchNormalization(),
      new layers.MaxPooling2D(2),
      new layers.Flatten(),
      new layers.Dense(3, { activation: "softmax" }),
    ]);
  } else {
    model = new FuzzEmbedding();
  }
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy" });
  return model;
}

function dataOf(kind: Kind): { x: tf.Tensor; y: tf.Tensor } {
  const n = 16;
  const y = tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3));
  if (kind === "mlp") {
    return { x: tf.tensor2d(Array.from({ length: n * 4 }, (_, i) => Math.sin(i)), [n, 4]), y };
  }
  if (kind === "cnn") {
    return {
      x: tf.tensor4d(Array.from({ length: n * 36 }, (_, i) => Math.cos(i * 0.7)), [n, 6, 6, 1]),
      y,
    };
  }
  return { x: tf.tensor2d(Array.from({ length: n * 5 }, (_, i) => (i * 7) % 20), [n, 5]), y };
}

/** A built, untrained model of the kind (for loadWeights). */
function freshBuilt(kind: Kind): Model {
  const model = makeModel(kind);
  const { x, y } = dataOf(kind);
  tf.dispose(model.predict(x));
  tf.dispose([x, y]);
  return model;
}

// ---------------------------------------------------------------- reference values

interface Reference {
  weights: string[];
  optimizer: string[];
}

function b64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function bytesOf(t: tf.Tensor): string {
  const data = t.dataSync();
  return b64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function referenceOf(model: Model, withOptimizer = true): Reference {
  const opt = withOptimizer ? model.optimizer.getWeights() : [];
  const ref = { weights: model.weights.map(bytesOf), optimizer: opt.map(bytesOf) };
  tf.dispose(opt);
  return ref;
}

function compare(model: Model, ref: Reference, withOptimizer: boolean): string {
  const now = referenceOf(model, withOptimizer);
  if (now.weights.length !== ref.weights.length) return "weight count";
  for (let i = 0; i < ref.weights.length; i++) {
    if (now.weights[i] !== ref.weights[i]) return `weight ${i} (${model.weights[i].name})`;
  }
  if (!withOptimizer) return "";
  if (now.optimizer.length !== ref.optimizer.length) {
    return `optimizer state: ${now.optimizer.length} tensors, not ${ref.optimizer.length}`;
  }
  for (let i = 0; i < ref.optimizer.length; i++) {
    if (now.optimizer[i] !== ref.optimizer[i]) return `optimizer tensor ${i}`;
  }
  return "";
}

// ---------------------------------------------------------------- the child

function vmPeakKiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const m = /VmHWM:\s+(\d+)/.exec(status);
  return m ? Number(m[1]) : 0;
}

async function child(kind: Kind, format: Format, target: string, refPath: string): Promise<void> {
  const ref = JSON.parse(await Deno.readTextFile(refPath)) as Reference;
  await h5wasm.ready;
  await tf.ready();
  const fresh = format === "h5" || format === "ckpt" ? freshBuilt(kind) : null;
  const before = Deno.memoryUsage().rss;
  const start = performance.now();
  let line: Record<string, unknown>;
  try {
    if (fresh) {
      await fresh.loadWeights(target);
      const diff = compare(fresh, ref, false);
      line = { outcome: diff ? "different" : "identical", diff };
    } else {
      const model = await loadModel(target);
      // a model whose compile settings cannot be restored loads uncompiled, with a warning
      const diff = compare(model, ref, model.compiled !== null);
      line = {
        outcome: diff ? "different" : model.compiled !== null ? "identical" : "uncompiled",
        diff,
      };
    }
  } catch (e) {
    const err = e as Error;
    line = {
      outcome: "error",
      message: String(err?.message ?? err).slice(0, 600),
      errorClass: err?.constructor?.name ?? typeof err,
    };
  }
  line.ms = Math.round(performance.now() - start);
  line.growthMiB = Math.round((vmPeakKiB() * 1024 - before) / 2 ** 20);
  console.log(JSON.stringify(line));
}

// ---------------------------------------------------------------- randomness

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let rand = rng(1);
let heapRand = rng(2);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];

// ---------------------------------------------------------------- zip

let bomb: Uint8Array | null = null;
/** A deflate stream of 1 GiB of zeros (about 1 MiB), made once. */
function zeroBomb(): Uint8Array {
  if (bomb) return bomb;
  const chunks: Uint8Array[] = [];
  const d = new Deflate({ level: 9 }, (chunk) => chunks.push(chunk));
  const zeros = new Uint8Array(16 * 2 ** 20);
  for (let i = 0; i < 64; i++) d.push(zeros, i === 63);
  bomb = concat(chunks);
  return bomb;
}

// ---------------------------------------------------------------- HDF5

/** The paths and shapes of every dataset in an HDF5 file. */
async function h5Datasets(bytes: Uint8Array): Promise<{ path: string; shape: number[] }[]> {
  const list: { path: string; shape: number[] }[] = [];
  await rewriteH5(bytes, {
    dataset: (path, _d, shape) => {
      list.push({ path, shape });
      return undefined;
    },
    keepDigest: true,
  });
  return list;
}

// ---------------------------------------------------------------- variants

interface Variant {
  id: string;
  kind: Kind;
  format: Format;
  family: string;
  desc: string;
  /** kerno's checks were removed on purpose: values are trusted. */
  foreign: boolean;
  /** The file or directory to load. */
  target: string;
  size: number;
}

interface Base {
  kind: Kind;
  format: Format;
  /** File bytes (or, for tfjs, model.json and shard bytes). */
  file?: Uint8Array;
  json?: string;
  shards?: Map<string, Uint8Array>;
}

type Json = Record<string, unknown>;

function flipBit(b: Uint8Array): [Uint8Array, string] {
  const c = b.slice();
  const at = int(c.length);
  const bit = int(8);
  c[at] ^= 1 << bit;
  return [c, `bit ${bit} of byte ${at}/${c.length}`];
}

function overwrite(b: Uint8Array): [Uint8Array, string] {
  const c = b.slice();
  const n = 1 + int(4);
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = int(c.length);
    c[p] = int(256);
    at.push(p);
  }
  return [c, `bytes ${at.join(",")}/${c.length}`];
}

function truncate(b: Uint8Array): [Uint8Array, string] {
  const n = rand() < 0.2 ? int(64) : int(b.length);
  return [b.slice(0, n), `to ${n}/${b.length}`];
}

const HOSTILE_STRINGS = [
  "constructor",
  "__proto__",
  "toString",
  "int32",
  "float16",
  "string",
  "",
  "x".repeat(10000),
  "../../../etc/passwd",
];
const HOSTILE_NUMBERS = [0, -1, 1e9, 2e7, 1.5, 1e308, -0.5, 65536, 2 ** 31];

/** Every path to a leaf (number, string, array of numbers) in a JSON value. */
function leaves(v: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === "number" || x === null)) out.push(path);
    v.forEach((x, i) => leaves(x, [...path, i], out));
  } else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) leaves(x, [...path, k], out);
  } else out.push(path);
  return out;
}

function getAt(v: unknown, path: (string | number)[]): unknown {
  // deno-lint-ignore no-explicit-any
  return path.reduce((o: any, k) => o?.[k], v);
}

function setAt(v: unknown, path: (string | number)[], value: unknown, remove = false): void {
  // deno-lint-ignore no-explicit-any
  const parent: any = getAt(v, path.slice(0, -1));
  const key = path[path.length - 1];
  if (remove && !Array.isArray(parent)) delete parent[key];
  else parent[key] = value;
}

/** One random edit of a JSON document (not touching `skip` subtrees). */
function editJson(text: string, skip: string[] = []): [string, string] {
  const doc = JSON.parse(text);
  const all = leaves(doc).filter((p) => p.length > 0 && !skip.includes(String(p[0])));
  const path = pick(all);
  const old = getAt(doc, path);
  let value: unknown;
  let what: string;
  const r = rand();
  if (r < 0.1) {
    setAt(doc, path, undefined, true);
    what = "deleted";
  } else if (Array.isArray(old)) {
    value = pick([[...old, 1e9], old.map(() => 1e9), [], old.slice(1), [null, 1e9, 1e9], "x"]);
    setAt(doc, path, value);
    what = JSON.stringify(value).slice(0, 40);
  } else if (typeof old === "number") {
    value = pick([...HOSTILE_NUMBERS, "1", null]);
    setAt(doc, path, value);
    what = JSON.stringify(value);
  } else if (typeof old === "string") {
    value = pick([...HOSTILE_STRINGS, 3, null]);
    setAt(doc, path, value);
    what = JSON.stringify(value).slice(0, 40);
  } else {
    value = pick(["constructor", 0, null, {}, []]);
    setAt(doc, path, value);
    what = JSON.stringify(value);
  }
  return [
    JSON.stringify(doc),
    `${path.join(".")}: ${JSON.stringify(old)?.slice(0, 30)} -> ${what}`,
  ];
}

function deepJson(): string {
  return "[".repeat(100000) + "]".repeat(100000);
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Writes a TF.js directory variant (model.json text and shards) under `dir`. */
async function writeTfjs(dir: string, json: string, shards: Map<string, Uint8Array>) {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/model.json`, json);
  for (const [name, bytes] of shards) await Deno.writeFile(`${dir}/${name}`, bytes);
}

async function sizeOf(target: string): Promise<number> {
  const info = await Deno.lstat(target);
  if (!info.isDirectory) return info.size;
  let n = 0;
  for await (const e of Deno.readDir(target)) n += (await Deno.lstat(`${target}/${e.name}`)).size;
  return n;
}

/** Generates one variant of `base` into `dir`; returns its family, description and foreignness. */
async function generate(
  base: Base,
  dir: string,
): Promise<{ family: string; desc: string; foreign: boolean; target: string }> {
  const f = base.format;
  if (f === "tfjs") return await tfjsVariant(base, dir);
  if (f === "keras") return await kerasVariant(base, dir);
  if (f === "h5") return await h5Variant(base, dir);
  return await ckptVariant(base, dir);
}

function byteFamily(): "bitflip" | "byte" | "truncate" {
  return pick(["bitflip", "bitflip", "byte", "truncate"] as const);
}

function mutateBytes(family: "bitflip" | "byte" | "truncate", b: Uint8Array): [Uint8Array, string] {
  return family === "bitflip" ? flipBit(b) : family === "byte" ? overwrite(b) : truncate(b);
}

async function tfjsVariant(base: Base, dir: string) {
  const target = `${dir}/m`;
  const json = base.json!;
  const shards = new Map(base.shards!);
  const shardName = [...shards.keys()].find((n) => !n.startsWith("optimizer"))!;
  const family = pick(["bytes", "bytes", "json", "json", "manifest", "symlink"]);
  if (family === "bytes") {
    const fam = byteFamily();
    if (rand() < 0.5) {
      const [b, d] = mutateBytes(fam, enc.encode(json));
      await writeTfjs(target, dec.decode(b), shards);
      return { family: fam, desc: `model.json ${d}`, foreign: false, target };
    }
    const [b, d] = mutateBytes(fam, shards.get(shardName)!);
    shards.set(shardName, b);
    await writeTfjs(target, json, shards);
    return { family: fam, desc: `shard ${d}`, foreign: false, target };
  }
  const doc = JSON.parse(json) as Json;
  const foreign = rand() < 0.4;
  if (foreign) delete doc.kerno;
  if (family === "json") {
    let text: string;
    let desc: string;
    if (rand() < 0.05) [text, desc] = [deepJson(), "100000-deep nesting"];
    else [text, desc] = editJson(JSON.stringify(doc), foreign ? [] : ["kerno"]);
    await writeTfjs(target, text, shards);
    // an edit of the manifest with kerno's checksums gone is a foreign file's values: trusted
    return { family, desc, foreign: foreign, target };
  }
  if (family === "manifest") {
    // deno-lint-ignore no-explicit-any
    const specs = (doc.weightsManifest as any)[0].weights as Json[];
    const r = int(5);
    let desc: string;
    if (r === 0) {
      const same = specs.map((s, i) => [s, i] as const);
      const a = pick(same);
      const b = same.find(([s, i]) =>
        i !== a[1] && JSON.stringify(s.shape) === JSON.stringify(a[0].shape)
      ) ?? pick(same);
      const name = a[0].name;
      a[0].name = b[0].name;
      b[0].name = name;
      desc = `swapped names ${a[1]} and ${b[1]}`;
    } else if (r === 1) {
      const i = int(specs.length);
      const j = int(specs.length);
      [specs[i], specs[j]] = [specs[j], specs[i]];
      desc = `swapped entries ${i} and ${j}`;
    } else if (r === 2) {
      const s = pick(specs);
      s.dtype = pick(["int32", "bool", "string", "complex64", "constructor"]);
      desc = `dtype of ${s.name} -> ${s.dtype}`;
    } else if (r === 3) {
      const s = pick(specs);
      const shape = s.shape as number[];
      s.shape = pick([[...shape].reverse(), [shape.reduce((a, b) => a * b, 1)], [
        16000,
        16000,
      ], [...shape, 1]]);
      desc = `shape of ${s.name} -> ${JSON.stringify(s.shape)}`;
    } else {
      // deno-lint-ignore no-explicit-any
      const m = (doc.weightsManifest as any)[0];
      m.paths = pick([["../outside.bin"], ["/etc/passwd"], [shardName, shardName], []]);
      desc = `paths -> ${JSON.stringify(m.paths)}`;
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeFile(`${dir}/outside.bin`, shards.get(shardName)!);
    }
    await writeTfjs(target, JSON.stringify(doc), shards);
    return { family, desc, foreign, target };
  }
  // symlink: the shard is a link to a file outside with the same size and other values
  const outside = shards.get(shardName)!.slice();
  const f = new Float32Array(outside.buffer);
  for (let i = 0; i < f.length; i++) f[i] = f[i] * 0.5 + 0.25;
  shards.delete(shardName);
  await writeTfjs(target, JSON.stringify(doc), shards);
  await Deno.writeFile(`${dir}/outside.bin`, outside);
  const how = int(2);
  const absolute = `${await Deno.realPath(dir)}/outside.bin`;
  await Deno.symlink(how ? "../outside.bin" : absolute, `${target}/${shardName}`);
  return {
    family,
    desc: `${shardName} -> ${how ? "relative" : "absolute"} link outside`,
    foreign: false, // a link is refused whatever the checksums
    target,
  };
}

async function kerasVariant(base: Base, dir: string) {
  const target = `${dir}/m.keras`;
  await Deno.mkdir(dir, { recursive: true });
  const family = pick(["bytes", "bytes", "json", "zip", "zip", "h5", "h5"]);
  if (family === "bytes") {
    const fam = byteFamily();
    const [b, d] = mutateBytes(fam, base.file!);
    await Deno.writeFile(target, b);
    return { family: fam, desc: d, foreign: false, target };
  }
  const entries = unzipItems(base.file!);
  const get = (name: string) => entries.find((e) => e.name === name)!;
  if (family === "json") {
    const name = pick(["config.json", "config.json", "metadata.json"]);
    const e = get(name);
    const [text, desc] = rand() < 0.05 ? [deepJson(), "100000-deep nesting"] : editJson(
      dec.decode(e.data),
    );
    e.data = enc.encode(text);
    await Deno.writeFile(target, zip(entries));
    return { family, desc: `${name} ${desc}`, foreign: false, target };
  }
  if (family === "zip") {
    const r = int(8);
    const w = get("model.weights.h5");
    let desc: string;
    if (r === 0) {
      const e = pick(entries);
      e.crc = (crc32(e.data) ^ (1 << int(32))) >>> 0;
      desc = `CRC-32 of ${e.name}`;
    } else if (r === 1) {
      const e = pick(entries);
      e.size = pick([0, e.data.length - 1, e.data.length + 1, 2 ** 32 - 1, 2 ** 30]);
      desc = `declared size of ${e.name} -> ${e.size}`;
    } else if (r === 2) {
      const [b] = flipBit(w.data);
      entries.push({ name: w.name, data: b });
      desc = "duplicate model.weights.h5 (second one damaged)";
    } else if (r === 3) {
      w.body = zeroBomb();
      w.data = new Uint8Array(0);
      w.crc = 0;
      w.size = pick([2 ** 30, w.size ?? 100000, 2 ** 32 - 1]);
      desc = `model.weights.h5 inflates to 1 GiB of zeros (declared ${w.size})`;
      if (rand() < 0.5) {
        entries.push({ ...w });
        desc += ", twice";
      }
    } else if (r === 4) {
      const e = pick(entries);
      e.localName = e.name === "config.json" ? "metadata.json" : "config.json";
      desc = `local name of ${e.name} -> ${e.localName}`;
    } else if (r === 5) {
      const e = pick(entries);
      e.localMethod = 8;
      desc = `local method of ${e.name} -> deflate`;
    } else if (r === 6) {
      const e = pick(entries);
      e.deflate = true;
      e.size = e.data.length * 3;
      desc = `${e.name} deflated with declared size ×3`;
    } else {
      const [b] = flipBit(w.data);
      w.data = b;
      w.crc = crc32(b);
      desc = "model.weights.h5 flipped bit with a matching CRC-32";
    }
    await Deno.writeFile(target, zip(entries));
    return { family, desc, foreign: false, target };
  }
  const w = get("model.weights.h5");
  const [b, desc, foreign] = await h5Edit(w.data, true);
  w.data = b;
  await Deno.writeFile(target, zip(entries));
  return { family, desc, foreign, target };
}

async function h5Edit(bytes: Uint8Array, inKeras: boolean): Promise<[Uint8Array, string, boolean]> {
  const sets = await h5Datasets(bytes);
  const weights = sets.filter((s) => !s.path.startsWith("optimizer/"));
  const victim = pick(weights);
  const keep = rand() < 0.5;
  const r = int(inKeras ? 8 : 7);
  let desc = "";
  const edit = (path: string, data: Values, shape: number[]): H5Edit | undefined => {
    if (path !== victim.path) return undefined;
    if (r === 0) {
      const copy = (data as Float32Array).slice();
      copy[int(copy.length)] += 0.5;
      desc = `value of ${path}`;
      return { data: copy, shape };
    }
    if (r === 1) {
      const t = pick(["f8", "i4", "i8"]);
      desc = `${path} stored as ${t}`;
      if (t === "f8") return { data: Float64Array.from(data as Float32Array), shape };
      if (t === "i4") return { data: Int32Array.from(data as Float32Array, Math.round), shape };
      return {
        data: BigInt64Array.from(data as Float32Array, (v) => BigInt(Math.round(v))),
        shape,
      };
    }
    if (r === 2) {
      const n = data.length;
      const s = pick([[n], [...shape].reverse(), [1, ...shape], [n + 1]]);
      desc = `${path} shape ${JSON.stringify(shape)} -> ${JSON.stringify(s)}`;
      const d = s.reduce((a, b) => a * b, 1) === n
        ? data
        : new Float32Array(s.reduce((a, b) => a * b, 1));
      return { data: d, shape: s };
    }
    if (r === 3) {
      const other = pick(weights.filter((w) => w.path !== path)) ?? weights[0];
      desc = `${path} soft link to ${other.path}`;
      return { softLink: `/${other.path}` };
    }
    if (r === 4) {
      desc = `${path} external link`;
      return { externalLink: ["other.h5", `/${path}`] };
    }
    if (r === 5) {
      desc = `${path} dropped`;
      return null;
    }
    if (r === 6) {
      desc = `${path} gzip-compressed`;
      return { data, shape, compress: true };
    }
    return undefined;
  };
  let out = await rewriteH5(bytes, {
    dataset: edit,
    keepDigest: keep,
    ...(r === 7 ? { dropGroup: "optimizer" } : {}),
  });
  if (r === 7) desc = "optimizer group dropped";
  if (r === 6) {
    // damage the compressed chunk: a byte after the zlib header
    const at = indexOf(out, new Uint8Array([0x78, 0x5e]));
    if (at > 0 && rand() < 0.7) {
      out = out.slice();
      out[at + 2 + int(8)] ^= 0xff;
      desc += ", chunk damaged";
    }
  }
  const foreign = !keep && (r === 0 || r === 1 || r === 2 || r === 6);
  return [out, `${desc}${keep ? " (digest kept)" : " (digest removed)"}`, foreign];
}

/** Sets the size of one object in the file's first global heap (variable-length strings). */
function heapEdit(bytes: Uint8Array): [Uint8Array, string] {
  const c = bytes.slice();
  const gcol = indexOf(c, enc.encode("GCOL"));
  if (gcol < 0) return [c, "no global heap"];
  const view = new DataView(c.buffer);
  const objects: number[] = [];
  let free = gcol + 16;
  for (; view.getUint16(free, true) !== 0;) {
    objects.push(free);
    free += 16 + Math.ceil(Number(view.getBigUint64(free + 8, true)) / 8) * 8;
  }
  // its own random stream, so adding this family left the other variants of a seed as they were
  const h = (n: number) => Math.floor(heapRand() * n);
  const at = objects[h(objects.length)];
  const old = Number(view.getBigUint64(at + 8, true));
  // the last: the next object header lands in the free space's zeros (HDF5 then loops forever)
  const intoFree = free - at - 16 + 8 * (3 + h(16));
  const size = [old ^ (1 << h(8)), old + 8, 0, 2 ** 20, 2 ** 40, intoFree, intoFree][h(7)];
  view.setBigUint64(at + 8, BigInt(size), true);
  return [c, `global heap object at ${at}: size ${old} -> ${size}`];
}

async function h5Variant(base: Base, dir: string) {
  const target = `${dir}/m.weights.h5`;
  await Deno.mkdir(dir, { recursive: true });
  if (rand() < 0.5) {
    const fam = byteFamily();
    const [b, d] = mutateBytes(fam, base.file!);
    await Deno.writeFile(target, b);
    return { family: fam, desc: d, foreign: false, target };
  }
  const [b, desc, foreign] = await h5Edit(base.file!, false);
  await Deno.writeFile(target, b);
  return { family: "h5", desc, foreign, target };
}

async function ckptVariant(base: Base, dir: string) {
  const target = `${dir}/m.ckpt`;
  await Deno.mkdir(dir, { recursive: true });
  const b = base.file!;
  if (rand() < 0.7) {
    const fam = byteFamily();
    const [c, d] = mutateBytes(fam, b);
    await Deno.writeFile(target, c);
    return { family: fam, desc: d, foreign: false, target };
  }
  // header edits: the JSON header rewritten with its length fixed (checksum left as it was)
  const view = new DataView(b.buffer, b.byteOffset);
  const len = view.getUint32(8, true);
  const header = dec.decode(b.subarray(16, 16 + len));
  const [text, desc] = rand() < 0.05 ? [deepJson(), "100000-deep nesting"] : editJson(header);
  const h = enc.encode(text);
  const out = new Uint8Array(16 + h.length + b.length - 16 - len);
  out.set(b.subarray(0, 16));
  new DataView(out.buffer).setUint32(8, h.length, true);
  out.set(h, 16);
  out.set(b.subarray(16 + len), 16 + h.length);
  await Deno.writeFile(target, out);
  return { family: "json", desc: `header ${desc}`, foreign: false, target };
}

// ---------------------------------------------------------------- running

interface Result extends Variant {
  outcome: string;
  message?: string;
  diff?: string;
  ms?: number;
  growthMiB?: number;
  peakMiB?: number;
  wallMs: number;
  bad: string;
}

const RAW = [
  /Invalid typed array length/,
  /not defined/,
  /Cannot read propert/,
  /is not a function/,
  /is not iterable/,
  /of undefined/,
  /undefined is not/,
  /of null/,
  /Maximum call stack/,
  /out of memory/i,
  /invalid (stored|block|distance|length)/i,
  /unexpected EOF/i,
  /^error - /,
  /RangeError: Offset/,
  /Array buffer allocation failed/,
  /Unexpected (token|end)/,
];

function verdict(r: Omit<Result, "bad">): string {
  const small = r.size < 2 ** 20;
  if (r.outcome === "crash") return "crash";
  if (r.outcome === "timeout") return "timeout";
  if (r.outcome === "over-memory") return "over-memory";
  if (small && (r.ms ?? 0) > 5000) return "slow";
  if (small && (r.growthMiB ?? 0) > 200) return "memory";
  if (r.family === "symlink" && r.outcome !== "error") return "link followed";
  if (r.outcome === "different") return r.foreign ? "" : "silently wrong";
  if (r.outcome === "error") {
    const m = r.message ?? "";
    const name = r.target.split("/").pop()!;
    if (!m.includes(name)) return "error without the file";
    for (const p of RAW) if (p.test(m)) return `raw message (${p.source})`;
  }
  return "";
}

async function runOne(v: Variant, refPath: string, timeoutMs: number): Promise<Result> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--max-old-space-size=2048",
      import.meta.filename!,
      "--child",
      v.kind,
      v.format,
      v.target,
      refPath,
    ],
    stdout: "piped",
    stderr: "piped",
  });
  const start = performance.now();
  const proc = cmd.spawn();
  let peak = 0;
  let killed = "";
  const poll = setInterval(() => {
    try {
      const s = Deno.readTextFileSync(`/proc/${proc.pid}/status`);
      const m = /VmHWM:\s+(\d+)/.exec(s);
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      if (peak > 3072 && !killed) {
        killed = "over-memory";
        proc.kill("SIGKILL");
      }
    } catch { /* exited */ }
    if (performance.now() - start > timeoutMs && !killed) {
      killed = "timeout";
      proc.kill("SIGKILL");
    }
  }, 25);
  const out = await proc.output();
  clearInterval(poll);
  const wallMs = Math.round(performance.now() - start);
  const text = dec.decode(out.stdout).trim().split("\n").filter((l) => l.startsWith("{")).pop();
  let r: Omit<Result, "bad">;
  if (killed) r = { ...v, outcome: killed, wallMs, peakMiB: Math.round(peak) };
  else if (!text) {
    const err = dec.decode(out.stderr).trim().split("\n").slice(-3).join(" | ");
    r = { ...v, outcome: "crash", message: `exit ${out.code}: ${err.slice(0, 400)}`, wallMs };
  } else r = { ...v, ...JSON.parse(text), wallMs, peakMiB: Math.round(peak) };
  return { ...r, bad: verdict(r) };
}

async function saveBases(out: string): Promise<Map<string, Base>> {
  const bases = new Map<string, Base>();
  for (const kind of KINDS) {
    const model = makeModel(kind);
    const { x, y } = dataOf(kind);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    tf.dispose([x, y]);
    const dir = `${out}/base/${kind}`;
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(`${dir}/ref.json`, JSON.stringify(referenceOf(model)));
    await model.save(`${dir}/m`);
    await model.save(`${dir}/m.keras`);
    await model.saveWeights(`${dir}/m.weights.h5`);
    await model.saveWeights(`${dir}/m.ckpt`);
    const shards = new Map<string, Uint8Array>();
    for await (const e of Deno.readDir(`${dir}/m`)) {
      if (e.name.endsWith(".bin")) shards.set(e.name, await Deno.readFile(`${dir}/m/${e.name}`));
    }
    bases.set(`${kind}/tfjs`, {
      kind,
      format: "tfjs",
      json: await Deno.readTextFile(`${dir}/m/model.json`),
      shards,
    });
    bases.set(`${kind}/keras`, {
      kind,
      format: "keras",
      file: await Deno.readFile(`${dir}/m.keras`),
    });
    bases.set(`${kind}/h5`, {
      kind,
      format: "h5",
      file: await Deno.readFile(`${dir}/m.weights.h5`),
    });
    bases.set(`${kind}/ckpt`, { kind, format: "ckpt", file: await Deno.readFile(`${dir}/m.ckpt`) });
    model.dispose();
  }
  return bases;
}

function table(results: Result[]): string {
  const outcomes = [
    "error",
    "identical",
    "uncompiled",
    "different",
    "different (foreign)",
    "crash",
    "timeout",
    "over-memory",
  ];
  const label = (r: Result) =>
    r.outcome === "different" && r.foreign ? "different (foreign)" : r.outcome;
  const families = [...new Set(results.map((r) => `${r.format}/${r.family}`))].sort();
  const lines = [
    `| family | ${outcomes.join(" | ")} | bad |`,
    `|${"---|".repeat(outcomes.length + 2)}`,
  ];
  for (const fam of families) {
    const rs = results.filter((r) => `${r.format}/${r.family}` === fam);
    const counts = outcomes.map((o) => rs.filter((r) => label(r) === o).length);
    lines.push(`| ${fam} | ${counts.join(" | ")} | ${rs.filter((r) => r.bad).length} |`);
  }
  const totals = outcomes.map((o) => results.filter((r) => label(r) === o).length);
  lines.push(`| all | ${totals.join(" | ")} | ${results.filter((r) => r.bad).length} |`);
  return lines.join("\n");
}

async function main(args: string[]): Promise<void> {
  if (args[0] === "--child") {
    await child(args[1] as Kind, args[2] as Format, args[3], args[4]);
    return;
  }
  const opt = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const seed = Number(opt("seed", "1"));
  const count = Number(opt("count", "400"));
  const out = opt("out", "runs/fuzz");
  const jobs = Number(opt("jobs", "2"));
  const only = opt("only", "");
  const timeoutMs = Number(opt("timeout", "20000"));
  rand = rng(seed);
  heapRand = rng(seed ^ 0x5eed);
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(out, { recursive: true });
  const bases = await saveBases(out);
  const keys = [...bases.keys()];
  const variants: Variant[] = [];
  for (let i = 0; i < count; i++) {
    const base = bases.get(keys[i % keys.length])!;
    const id = String(i).padStart(4, "0");
    const dir = `${out}/v/${id}`;
    const g = await generate(base, dir);
    variants.push({ id, kind: base.kind, format: base.format, ...g, size: await sizeOf(g.target) });
  }
  // global heap edits (added after the first campaign: drawn from their own stream, after the rest)
  const h5Keys = keys.filter((k) => k.endsWith("/h5"));
  for (let i = 0; i < Math.ceil(count / 25); i++) {
    const base = bases.get(h5Keys[i % h5Keys.length])!;
    const id = `h${String(i).padStart(3, "0")}`;
    const dir = `${out}/v/${id}`;
    await Deno.mkdir(dir, { recursive: true });
    const target = `${dir}/m.weights.h5`;
    const [b, desc] = heapEdit(base.file!);
    await Deno.writeFile(target, b);
    variants.push({
      id,
      kind: base.kind,
      format: "h5",
      family: "heap",
      desc,
      foreign: false,
      target,
      size: b.length,
    });
  }
  const chosen = only ? variants.filter((v) => only.split(",").includes(v.id)) : variants;
  console.log(`${chosen.length} variants generated; loading with ${jobs} processes`);
  const results: Result[] = [];
  let next = 0;
  const file = await Deno.open(`${out}/results.jsonl`, {
    write: true,
    create: true,
    truncate: true,
  });
  const worker = async () => {
    while (next < chosen.length) {
      const v = chosen[next++];
      const r = await runOne(v, `${out}/base/${v.kind}/ref.json`, timeoutMs);
      results.push(r);
      await file.write(enc.encode(JSON.stringify(r) + "\n"));
      if (r.bad) {
        console.log(
          `BAD ${r.id} ${r.kind}/${r.format}/${r.family} ${r.desc}: ${r.bad}: ${r.outcome} ${
            (r.message ?? r.diff ?? "").slice(0, 200)
          }`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  file.close();
  results.sort((a, b) => a.id.localeCompare(b.id));
  const summary = table(results);
  await Deno.writeTextFile(`${out}/summary.md`, summary + "\n");
  console.log(summary);
}

if (import.meta.main) await main(Deno.args);
