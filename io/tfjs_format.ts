/**
 * The TensorFlow.js Layers format: a directory with `model.json`
 * (`modelTopology` in Keras JSON, `weightsManifest`) and binary shards.
 * The compile options are Keras's `training_config` inside `modelTopology`
 * (where the TensorFlow.js converter puts it). kerno adds a `kerno` key
 * (TensorFlow.js ignores unknown keys) with the optimizer's config and the
 * manifest of its state shard, and a checksum of every shard. Shards are written first and
 * `model.json` last, each atomically.
 *
 * @module
 */
import type { Model } from "../engine/model.ts";
import type { Layer } from "../engine/layer.ts";
import { tf } from "../engine/tf.ts";
import { MultiHeadAttention } from "../layers/multi_head_attention.ts";
import { RandomBrightness } from "../layers/random_brightness.ts";
import { RandomContrast } from "../layers/random_contrast.ts";
import { RandomCrop } from "../layers/random_crop.ts";
import { RandomFlip } from "../layers/random_flip.ts";
import { RandomRotation } from "../layers/random_rotation.ts";
import { RandomTranslation } from "../layers/random_translation.ts";
import { RandomZoom } from "../layers/random_zoom.ts";
import { Resizing } from "../layers/resizing.ts";
import { CenterCrop } from "../layers/center_crop.ts";
import { EinsumDense } from "../layers/einsum_dense.ts";
import { Attention } from "../layers/attention.ts";
import { UpSampling1D } from "../layers/up_sampling1d.ts";
import { UpSampling2D } from "../layers/up_sampling2d.ts";
import { UpSampling3D } from "../layers/up_sampling3d.ts";
import { ZeroPadding1D } from "../layers/zero_padding1d.ts";
import { ZeroPadding3D } from "../layers/zero_padding3d.ts";
import { Cropping1D } from "../layers/cropping1d.ts";
import { Cropping3D } from "../layers/cropping3d.ts";
import { GlobalAveragePooling3D } from "../layers/global_average_pooling3d.ts";
import { GlobalMaxPooling3D } from "../layers/global_max_pooling3d.ts";
import { MaxPooling1D } from "../layers/max_pooling1d.ts";
import { AveragePooling1D } from "../layers/average_pooling1d.ts";
import { GlobalAveragePooling1D } from "../layers/global_average_pooling1d.ts";
import { GlobalMaxPooling1D } from "../layers/global_max_pooling1d.ts";
import { DepthwiseConv1D } from "../layers/depthwise_conv1d.ts";
import { Conv1DTranspose } from "../layers/conv1d_transpose.ts";
import { BaseConvTranspose } from "../layers/_conv_transpose_base.ts";
import { BaseConv } from "../layers/base_conv.ts";
import { DepthwiseConv2D } from "../layers/depthwise_conv2d.ts";
import { SeparableConv1D } from "../layers/separable_conv1d.ts";
import { SeparableConv2D } from "../layers/separable_conv2d.ts";
import { Normalization } from "../layers/normalization.ts";
import { Discretization } from "../layers/discretization.ts";
import { Hashing } from "../layers/hashing.ts";
import { IntegerLookup } from "../layers/integer_lookup.ts";
import { StringLookup } from "../layers/string_lookup.ts";
import { TextVectorization } from "../layers/text_vectorization.ts";
import { writeFileAtomic } from "./_atomic.ts";
import {
  byteSize,
  checkSpec,
  checksum,
  decodeWeights,
  encodeTensors,
  manifestBytes,
  parseJson,
  readFileChecked,
  specsOf,
  type WeightSpec,
  type WeightValue,
} from "./_binary.ts";
import { modelFromKeras, modelToKeras } from "./_topology.ts";
import { assignWeights, collectWeights, matchWeights } from "./_weights.ts";
import { withWeightBudget } from "../engine/_weight_budget.ts";
import { hookValues, restoreHookValues, tensorsOf, withoutHookValues } from "./_hooks.ts";
import { loadDirAssets, saveDirAssets } from "./_assets.ts";
import type { Json } from "./_keras_json.ts";
import {
  optimizerRecordFromKeras,
  optimizerToKeras,
  type StoredCompile,
} from "./_compile_config.ts";
import {
  compileRecordOf,
  type OptimizerRecord,
  optimizerStateOf,
  restoreTraining,
} from "./_training_state.ts";

const WEIGHTS_SHARD = "group1-shard1of1.bin";
const OPTIMIZER_SHARD = "optimizer-shard1of1.bin";
const JSON_LIMIT = 64 * 2 ** 20;
/**
 * kerno's format version: 1 checksummed the shards' bytes; 2 checksums each
 * shard with its manifest group (shard paths, weight names, shapes, dtypes, order).
 */
const FORMAT_VERSION = 2;

/** A manifest group: shard paths and the weights they hold, in order. */
interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/**
 * Saves a model as a TensorFlow.js Layers directory.
 *
 * @param model The model.
 * @param dir The directory (created when missing).
 * @param includeOptimizer Whether to store the optimizer's config and state.
 */
export async function saveTfjs(
  model: Model,
  dir: string,
  includeOptimizer: boolean,
): Promise<void> {
  checkTfjsLayers(model);
  // The topology first: a layer that cannot be saved (a Lambda) fails before any file is written.
  const modelTopology = modelToKeras(model, "tfjs");
  const training = trainingConfig(model, includeOptimizer);
  if (training) modelTopology.training_config = training;
  await Deno.mkdir(dir, { recursive: true });
  const weights = collectWeights(model);
  const hooked = hookValues(model); // layers that save through saveOwnVariables
  const hookedTensors = tensorsOf(hooked);
  const bytes = encodeTensors([...weights.map((w) => w.variable), ...hookedTensors]);
  tf.dispose(hookedTensors);
  const specs = [
    ...specsOf(weights.map((w) => ({ name: w.name, tensor: w.variable }))),
    ...hooked.map((v) => v.spec),
  ];
  const checksums: Record<string, string> = {
    [WEIGHTS_SHARD]: checksum(manifestBytes(specs, [WEIGHTS_SHARD]), bytes),
  };
  await writeFileAtomic(`${dir}/${WEIGHTS_SHARD}`, bytes);
  const kerno: Record<string, unknown> = { formatVersion: FORMAT_VERSION };
  const state = includeOptimizer ? optimizerStateOf(model) : null;
  if (state) {
    const optBytes = encodeTensors(state.tensors);
    tf.dispose(state.tensors);
    checksums[OPTIMIZER_SHARD] = checksum(
      manifestBytes(state.record.weights, [OPTIMIZER_SHARD]),
      optBytes,
    );
    await writeFileAtomic(`${dir}/${OPTIMIZER_SHARD}`, optBytes);
    kerno.optimizer = {
      className: state.record.className,
      config: state.record.config,
      weightsManifest: [{ paths: [OPTIMIZER_SHARD], weights: state.record.weights }],
    };
  }
  kerno.checksums = checksums;
  const json = {
    format: "layers-model",
    generatedBy: "kerno 0.1.0",
    convertedBy: null,
    modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_SHARD], weights: specs }],
    kerno,
  };
  await saveDirAssets(model, dir);
  await writeFileAtomic(`${dir}/model.json`, JSON.stringify(json));
  const kernoOnly = kernoOnlyLayers(model);
  if (kernoOnly.length > 0) {
    console.warn(
      `Saved ${dir} in the TensorFlow.js Layers format with layers TensorFlow.js Layers does not have (${
        kernoOnly.join(", ")
      }), under kerno's class names: kerno loads it, TensorFlow.js will not; a ".keras" path saves it for Keras`,
    );
  }
}

/**
 * Layer classes TensorFlow.js Layers (4.22) has no equivalent of: it could
 * not load a directory holding one (`AdditiveAttention` is an `Attention`).
 */
const NOT_IN_TFJS = [
  MultiHeadAttention,
  EinsumDense,
  Attention,
  RandomBrightness,
  RandomContrast,
  RandomCrop,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  UpSampling1D,
  UpSampling3D,
  ZeroPadding1D,
  ZeroPadding3D,
  Cropping1D,
  Cropping3D,
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  DepthwiseConv1D,
  SeparableConv1D,
  Conv1DTranspose,
] as const;

/**
 * Preprocessing layers TensorFlow.js Layers (4.22) lacks but whose state
 * the directory holds (configs, weights, `assets/`): saved, for kerno to
 * load, with a warning that TensorFlow.js cannot.
 */
const KERNO_ONLY = [
  Normalization,
  Discretization,
  Hashing,
  IntegerLookup,
  StringLookup,
  TextVectorization,
] as const;

/**
 * Visits `model` and the layers it tracks, each once, depth first; `visit`
 * returns `false` to skip a layer's own layers.
 */
function walkLayers(model: Model, visit: (layer: Layer) => boolean | void): void {
  const seen = new Set<Layer>();
  const walk = (layer: Layer): void => {
    if (seen.has(layer)) return;
    seen.add(layer);
    if (visit(layer) === false) return;
    for (const child of layer.trackedLayers) walk(child);
  };
  walk(model);
}

/** `name (Class)` of each layer of `model` that only kerno loads from the TensorFlow.js format. */
function kernoOnlyLayers(model: Model): string[] {
  const found: string[] = [];
  walkLayers(model, (layer) => {
    if (!KERNO_ONLY.some((cls) => layer instanceof cls)) return true;
    found.push(`${layer.name} (${layer.constructor.name})`);
    return false; // a TextVectorization's own StringLookup is part of it
  });
  return found;
}

/** Why TensorFlow.js Layers could not load a layer it has: `null` when it can. */
function tfjsCannotLoad(layer: Layer): string | null {
  // tfjs-layers 4.22: Resizing.computeOutputShape drops the batch axis (the next layer fails);
  // CenterCrop.computeOutputShape overwrites its input's shape (the model then wants cropped inputs).
  const pooling1d = [MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D];
  if (
    pooling1d.some((cls) => layer instanceof cls) &&
    (layer as MaxPooling1D).dataFormat === "channels_first"
  ) {
    return "TensorFlow.js 4.22's 1-D pooling layers have no dataFormat (they read channels last), so it would compute another function";
  }
  if (layer instanceof UpSampling2D && layer.interpolation !== "nearest") {
    return `TensorFlow.js 4.22's UpSampling2D takes only "nearest" and "bilinear", and its bilinear aligns pixel corners, not centres as Keras 3 (interpolation "${layer.interpolation}"), so it would compute another function`;
  }
  if (layer instanceof Resizing) {
    return "TensorFlow.js 4.22's Resizing gives a wrong output shape (it drops the batch axis), so no model holding one loads there";
  }
  if (layer instanceof SeparableConv2D && layer.geometry.dataFormat === "channels_first") {
    return "TensorFlow.js 4.22's SeparableConv2D adds a channels-first bias to its channels-last output, so it fails on channels-first inputs";
  }
  if (layer instanceof DepthwiseConv2D && layer.geometry.dilationRate.some((d) => d > 1)) {
    return "TensorFlow.js 4.22's DepthwiseConv2D ignores dilationRate, so it would compute another function";
  }
  if (layer instanceof BaseConv && layer.groups > 1) {
    return "TensorFlow.js 4.22's convolutions have no groups, so it would compute another function";
  }
  if (
    layer instanceof BaseConvTranspose &&
    (layer.outputPadding !== null || layer.dilationRate.some((d) => d > 1))
  ) {
    return "TensorFlow.js 4.22's transposed convolutions ignore outputPadding and dilationRate, so it would compute another function";
  }
  if (layer instanceof CenterCrop) {
    return "TensorFlow.js 4.22's CenterCrop overwrites its input's shape, so a model holding one would take only images of the cropped size";
  }
  return null;
}

/**
 * Refuses, before any file is written, a model holding a layer that
 * TensorFlow.js Layers does not have, naming it and the `.keras` format.
 */
function checkTfjsLayers(model: Model): void {
  walkLayers(model, (layer) => {
    if (NOT_IN_TFJS.some((cls) => layer instanceof cls)) {
      throw new TypeError(
        `Cannot save ${model.name} in the TensorFlow.js Layers format as its layer ${layer.name} (${layer.constructor.name}) has no TensorFlow.js Layers equivalent (TensorFlow.js has no MultiHeadAttention, EinsumDense, Attention or AdditiveAttention, no DepthwiseConv1D, SeparableConv1D or Conv1DTranspose, no 1-D or 3-D UpSampling, ZeroPadding or Cropping, no GlobalAveragePooling3D or GlobalMaxPooling3D, nor the random image layers): save it to a path ending in ".keras" (the Keras 3 format) instead`,
      );
    }
    const reason = tfjsCannotLoad(layer);
    if (reason !== null) {
      throw new TypeError(
        `Cannot save ${model.name} in the TensorFlow.js Layers format as its layer ${layer.name} (${layer.constructor.name}) could not be loaded there (${reason}): save it to a path ending in ".keras" (the Keras 3 format) instead`,
      );
    }
  });
}

/**
 * Keras's `training_config` (as the TensorFlow.js converter places it in
 * `modelTopology`, where TensorFlow.js ignores it): loss and metrics as
 * Keras serializes them, the loss weight and (unless left out) the optimizer.
 */
function trainingConfig(model: Model, withOptimizer: boolean): Json | null {
  const record = compileRecordOf(model, "tfjs");
  if (!record) return null;
  const out: Json = {
    loss: record.loss,
    metrics: record.metrics,
    weighted_metrics: null,
    loss_weights: record.lossWeight === 1 ? null : record.lossWeight,
    sample_weight_mode: null,
  };
  if (withOptimizer) out.optimizer_config = optimizerToKeras(model.optimizer, "tfjs");
  return out;
}

/** The stored compile settings: `training_config`, else an older kerno file's `kerno.compile`. */
function storedCompile(topology: unknown, kerno: Record<string, unknown>, file: string) {
  const tc = (topology as Json | null)?.training_config;
  if (tc === undefined || tc === null) {
    const old = kerno.compile as StoredCompile | null | undefined;
    return old ? { compile: old, optimizer: null } : null;
  }
  if (typeof tc !== "object" || Array.isArray(tc)) {
    throw new TypeError(
      `Cannot load ${file} as "training_config" must be an object: received ${
        JSON.stringify(tc).slice(0, 80)
      }`,
    );
  }
  const t = tc as Json;
  return {
    compile: { loss: t.loss, metrics: t.metrics, lossWeight: t.loss_weights },
    optimizer: t.optimizer_config === undefined
      ? null
      : optimizerRecordFromKeras(t.optimizer_config),
  };
}

/**
 * Loads a TensorFlow.js Layers directory (kerno's or TensorFlow.js's own).
 * The weights are read and checked first (manifest, shard paths, sizes,
 * checksums); the model is then rebuilt under their weight budget (no
 * layer allocates a weight the manifest does not make plausible).
 *
 * @param dir The directory holding `model.json`.
 * @param compile Whether to compile the model and restore its optimizer as saved.
 * @returns The model.
 */
export async function loadTfjs(dir: string, compile: boolean): Promise<Model> {
  const file = `${dir}/model.json`;
  const json = parseJson(await readFileChecked(file, JSON_LIMIT), file);
  if (json === null || typeof json !== "object" || !("modelTopology" in json)) {
    throw new TypeError(
      `Cannot load ${file} as it has no "modelTopology": it is not a TensorFlow.js Layers model`,
    );
  }
  const j = json as Record<string, unknown>;
  const checks = kernoChecks(j.kerno, file);
  const kerno = (j.kerno ?? {}) as Record<string, unknown>;
  const values = await readManifest(dir, j.weightsManifest, file, checks);
  const declared = values.map((v) => v.spec);
  const model = withWeightBudget(declared, file, () => modelFromKeras(j.modelTopology, file));
  try {
    assignWeights(matchWeights(collectWeights(model), withoutHookValues(values), file), file);
    restoreHookValues(model, values, file);
    await loadDirAssets(model, dir);
    const stored = compile ? storedCompile(j.modelTopology, kerno, file) : null;
    if (stored) {
      const opt = kerno.optimizer as (OptimizerRecord & { weightsManifest: unknown }) | undefined;
      const state = opt ? await readManifest(dir, opt.weightsManifest, file, checks) : null;
      restoreTraining(model, stored.compile, opt ?? stored.optimizer, state, file);
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** What a `model.json`'s `kerno` key says about checking its shards. */
export interface ShardChecks {
  /** Shard checksums by path (empty for a file TensorFlow.js wrote). */
  checksums: Record<string, string>;
  /** Whether each checksum covers its manifest group too (kerno's format version 2). */
  coversManifest: boolean;
}

/**
 * Reads the `kerno` key of a `model.json`: none (a file TensorFlow.js
 * wrote: nothing to check), format version 1 (shard checksums) or 2 (shard
 * checksums covering their manifest group; every shard must have one).
 *
 * @param kerno The parsed `kerno` value.
 * @param file `model.json`'s path, for messages.
 * @returns The checks to apply.
 */
export function kernoChecks(kerno: unknown, file: string): ShardChecks {
  if (kerno === undefined || kerno === null) return { checksums: {}, coversManifest: false };
  if (typeof kerno !== "object" || Array.isArray(kerno)) {
    throw new TypeError(`Cannot load ${file} as its "kerno" entry must be an object`);
  }
  const k = kerno as Record<string, unknown>;
  if (k.formatVersion !== 1 && k.formatVersion !== FORMAT_VERSION) {
    throw new TypeError(
      `Cannot load ${file} as its "kerno" entry has format version ${
        JSON.stringify(k.formatVersion)
      }: this kerno reads versions 1 and ${FORMAT_VERSION} (a newer kerno wrote it, or it is damaged)`,
    );
  }
  const sums = k.checksums ?? {};
  if (
    typeof sums !== "object" || sums === null || Array.isArray(sums) ||
    Object.values(sums).some((v) => typeof v !== "string")
  ) {
    throw new TypeError(
      `Cannot load ${file} as its "kerno.checksums" must map shard paths to checksums`,
    );
  }
  return {
    checksums: sums as Record<string, string>,
    coversManifest: k.formatVersion === FORMAT_VERSION,
  };
}

const NO_CHECKS: ShardChecks = { checksums: {}, coversManifest: false };

/**
 * Reads the weights a manifest lists, checking paths, specs and sizes before
 * reading any shard and checksums after. A shard must be a regular file
 * inside the directory: not a symbolic link, and no path leading out of it.
 *
 * @param dir The directory.
 * @param manifest The parsed `weightsManifest`.
 * @param file `model.json`'s path, for messages.
 * @param checks The shard checks kerno's `model.json` asks for (see {@link kernoChecks}).
 * @returns The weights, in manifest order.
 */
export async function readManifest(
  dir: string,
  manifest: unknown,
  file: string,
  checks: ShardChecks = NO_CHECKS,
): Promise<WeightValue[]> {
  if (!Array.isArray(manifest)) {
    throw new TypeError(
      `Cannot load ${file} as "weightsManifest" must be an array: received ${typeof manifest}`,
    );
  }
  const groups: ManifestGroup[] = manifest.map((g) => checkGroup(g, file));
  const root = await realDir(dir, file);
  const out: WeightValue[] = [];
  for (const group of groups) {
    const needed = group.weights.reduce((n, s) => n + byteSize(s), 0);
    const sizes = await Promise.all(group.paths.map((p) => shardSize(root, dir, p, file)));
    const held = sizes.reduce((a, b) => a + b, 0);
    if (needed > held || (checks.coversManifest && needed !== held)) {
      throw new RangeError(
        `Cannot load ${file} as its manifest needs ${needed} bytes for ${group.weights.length} weights but ${
          group.paths.join(", ")
        } hold ${held}: a shard is truncated or the manifest lies`,
      );
    }
    const prefix = checks.coversManifest ? manifestBytes(group.weights, group.paths) : null;
    const bytes = new Uint8Array(needed);
    let offset = 0;
    for (const p of group.paths) {
      const shard = await Deno.readFile(`${dir}/${p}`);
      verifyShard(shard, p, prefix, dir, file, checks);
      if (offset < needed) bytes.set(shard.subarray(0, needed - offset), offset);
      offset += shard.length;
    }
    out.push(...decodeWeights(bytes, group.weights, `${dir}/${group.paths.join(", ")}`));
  }
  return out;
}

/** Compares a shard with its checksum in kerno's `model.json` (with its manifest group in version 2). */
function verifyShard(
  shard: Uint8Array,
  path: string,
  prefix: Uint8Array | null,
  dir: string,
  file: string,
  checks: ShardChecks,
): void {
  const expected = Object.hasOwn(checks.checksums, path) ? checks.checksums[path] : undefined;
  if (expected === undefined) {
    if (!checks.coversManifest) return; // a file TensorFlow.js wrote, or kerno's version 1
    throw new TypeError(
      `Cannot load ${dir}/${path} as ${file} (written by kerno) lists no checksum for it: the file is damaged or was edited`,
    );
  }
  const actual = prefix === null ? checksum(shard) : checksum(prefix, shard);
  if (actual !== expected) {
    throw new RangeError(
      prefix === null
        ? `Cannot load ${dir}/${path} as its contents do not match ${file} (checksum differs): it was changed or written by another, interrupted save`
        : `Cannot load ${dir}/${path} as it and its manifest entries (weight names, shapes, dtypes, order) in ${file} do not match their checksum: one of them was changed, damaged or written by another, interrupted save`,
    );
  }
}

function checkGroup(group: unknown, file: string): ManifestGroup {
  const g = (group ?? {}) as Record<string, unknown>;
  if (!Array.isArray(g.paths) || !Array.isArray(g.weights)) {
    throw new TypeError(
      `Cannot load ${file} as a manifest group needs "paths" and "weights" arrays`,
    );
  }
  for (const p of g.paths) {
    if (typeof p !== "string" || p === "" || p.startsWith("/") || p.split(/[\\/]/).includes("..")) {
      throw new TypeError(
        `Cannot load ${file} as shard path ${
          JSON.stringify(p)
        } must be a relative file name inside the model's directory`,
      );
    }
  }
  return { paths: g.paths as string[], weights: g.weights.map((w) => checkSpec(w, file)) };
}

/** The directory's real path (symbolic links resolved). */
async function realDir(dir: string, file: string): Promise<string> {
  try {
    return await Deno.realPath(dir);
  } catch (error) {
    throw new TypeError(
      `Cannot load ${file} as ${dir} cannot be read: ${(error as Error).message}`,
    );
  }
}

/**
 * The size of a shard, after checking that it is a regular file, not a
 * symbolic link, whose real path lies inside the model's directory `root`.
 */
async function shardSize(root: string, dir: string, p: string, file: string): Promise<number> {
  const path = `${dir}/${p}`;
  let info: Deno.FileInfo;
  let real: string;
  try {
    info = await Deno.lstat(path);
    real = await Deno.realPath(path);
  } catch {
    throw new TypeError(`Cannot load ${file} as its shard ${path} is missing`);
  }
  if (info.isSymlink) {
    throw new TypeError(
      `Cannot load ${file} as its shard ${path} is a symbolic link: kerno reads only regular files inside the model's directory`,
    );
  }
  const inside = real.startsWith(root.endsWith("/") ? root : `${root}/`);
  if (!inside || !info.isFile) {
    throw new TypeError(
      `Cannot load ${file} as its shard ${path} ${
        inside ? "is not a regular file" : `leads out of the model's directory (to ${real})`
      }: kerno reads only regular files inside the model's directory`,
    );
  }
  return info.size;
}
