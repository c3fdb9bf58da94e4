/**
 * TensorFlow.js's own loading and saving, from and to directories in its
 * file format, for the interop tests (TensorFlow.js Layers has no file
 * handler on Deno).
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs";

/** Loads a kerno-saved directory with TensorFlow.js's own loader, from memory. */
export async function loadWithTfjs(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  const group = json.weightsManifest[0];
  const shard = await Deno.readFile(`${dir}/${group.paths[0]}`);
  return await tfl.loadLayersModel(
    tfl.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: group.weights,
      weightData: shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength),
    }),
  );
}

/** Saves a TensorFlow.js model into `dir` as TensorFlow.js's file format does. */
export async function saveWithTfjs(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(tfl.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData as ArrayBuffer;
    await Deno.writeFile(`${dir}/group1-shard1of1.bin`, new Uint8Array(data));
    await Deno.writeTextFile(
      `${dir}/model.json`,
      JSON.stringify({
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights: artifacts.weightSpecs }],
      }),
    );
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
}
