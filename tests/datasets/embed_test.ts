import assert from "node:assert/strict";
import { base64Gzip as breastCancer } from "../../datasets/_data/breast_cancer.ts";
import { base64Gzip as diabetesRaw } from "../../datasets/_data/diabetes_data_raw.ts";
import { base64Gzip as diabetesTarget } from "../../datasets/_data/diabetes_target.ts";
import { base64Gzip as digits } from "../../datasets/_data/digits.ts";
import { base64Gzip as iris } from "../../datasets/_data/iris.ts";
import { decodeEmbedded } from "../../datasets/_decode.ts";
import { moduleName } from "../../datasets/_embed.ts";

const dataDir = new URL("../../datasets/data/", import.meta.url);

/** The text of a data file, gunzipped by the system's own reader path. */
async function fileText(name: string): Promise<string> {
  const bytes = await Deno.readFile(new URL(name, dataDir));
  if (!name.endsWith(".gz")) return new TextDecoder().decode(bytes);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

const embedded: Record<string, string> = {
  "breast_cancer.csv": breastCancer,
  "diabetes_data_raw.csv.gz": diabetesRaw,
  "diabetes_target.csv.gz": diabetesTarget,
  "digits.csv.gz": digits,
  "iris.csv": iris,
};

Deno.test("embedded data modules hold exactly the files in datasets/data", async () => {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dataDir)) {
    if (/\.csv(\.gz)?$/.test(entry.name)) files.push(entry.name);
  }
  assert.deepEqual(files.sort(), Object.keys(embedded).sort());
  for (const [file, base64] of Object.entries(embedded)) {
    assert.equal(await decodeEmbedded(base64), await fileText(file), file);
  }
});

Deno.test("moduleName strips the csv and gzip extensions", () => {
  assert.equal(moduleName("digits.csv.gz"), "digits");
  assert.equal(moduleName("iris.csv"), "iris");
});

Deno.test("ATTRIBUTION.md ships beside the data", async () => {
  const text = await Deno.readTextFile(new URL("ATTRIBUTION.md", dataDir));
  assert.match(text, /UCI\s+Machine Learning Repository/);
  assert.match(text, /Fisher/);
});
