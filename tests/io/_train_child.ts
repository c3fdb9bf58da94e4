/**
 * A training run for the kill test: `deno run -A _train_child.ts <backupDir> <outFile>`.
 * Prints `batch <epoch> <step>` after every batch (before the backup of that
 * batch is written) and writes the final weights' bytes to `outFile`.
 */
import { callbacks, layers, Sequential, setSeed, tf } from "../../mod.ts";

const [backupDir, outFile] = Deno.args;
setSeed(123);
const model = new Sequential([
  new layers.Dense(64, { activation: "relu", inputShape: [16] }),
  new layers.Dropout(0.3),
  new layers.Dense(64, { activation: "tanh" }),
  new layers.Dense(1),
]);
model.compile({ optimizer: "adam", loss: "mse" });
const n = 128;
const x = tf.tensor2d(Array.from({ length: n * 16 }, (_, i) => Math.sin(i * 0.37)), [n, 16]);
const y = tf.tensor2d(Array.from({ length: n }, (_, i) => Math.cos(i * 0.11)), [n, 1]);

let epoch = 0;
const announce = new callbacks.LambdaCallback({
  onEpochBegin: (e: number) => {
    epoch = e;
  },
  onTrainBatchEnd: (step: number) => {
    console.log(`batch ${epoch} ${step}`);
  },
});
await model.fit(x, y, {
  epochs: 5,
  batchSize: 8,
  verbose: 0,
  callbacks: [announce, new callbacks.BackupAndRestore(backupDir, { saveFreq: 1 })],
});
const parts = model.weights.map((w) => new Uint8Array(Float32Array.from(w.dataSync()).buffer));
const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
let offset = 0;
for (const p of parts) {
  out.set(p, offset);
  offset += p.length;
}
await Deno.writeFile(outFile, out);
console.log("done");
