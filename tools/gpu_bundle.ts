/**
 * `deno task gpu-bundle`: builds, here, what `bench/gpu_check.sh` needs on a
 * GPU machine that reaches no package registry and takes at most 64 MiB of
 * files along: `runs/gpu/kerno-gpu.tar.xz` (ignored, as all of `runs/`), holding
 * this Deno executable and a Deno cache (`DENO_DIR`) with only the npm
 * packages `bench/run.ts` loads (TensorFlow.js pruned to the bundles Deno
 * reads; the WebAssembly toolchain and type packages emptied). The repository's own sources
 * travel with the working tree; `bench/gpu_check.sh` runs
 * `deno run --cached-only -A bench/run.ts --backend=webgpu` from them.
 *
 * Why not `deno compile`: it needs the `denort` runtime, which it downloads
 * from Deno's release site (not a package registry), unreachable here; and
 * compiled with every npm package the lockfile names it was 384 MB before
 * compression.
 *
 * Options: `--out=DIR` (default `runs/gpu`).
 *
 * @module
 */

/** Empties every version folder under `dir` (recursing through a scope) but its package.json. */
async function emptyPackage(dir: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory) continue;
    const path = `${dir}/${entry.name}`;
    if (entry.name.startsWith("@") || dir.endsWith("@types")) {
      await emptyPackage(path);
      continue;
    }
    const isVersion = await Deno.stat(`${path}/package.json`).then(() => true, () => false);
    if (!isVersion) {
      await emptyPackage(path);
      continue;
    }
    for await (const file of Deno.readDir(path)) {
      if (file.name !== "package.json") {
        await Deno.remove(`${path}/${file.name}`, { recursive: true });
      }
    }
  }
}

/** npm packages `bench/run.ts` never loads on its way to webgpu (tools, anchors, plots, io). */
const DROP = ["binaryen", "assemblyscript", "@types"];

/**
 * The TensorFlow.js packages whose `dist/` is pruned to the `main` bundle
 * (`*.node.js`) Deno loads: `engine/tf.ts` imports `@tensorflow/tfjs` for its
 * gradients, whose bundle requires the others.
 */
const TFJS_PRUNED = [
  "tfjs",
  "tfjs-core",
  "tfjs-backend-cpu",
  "tfjs-backend-webgpu",
  "tfjs-backend-webgl",
  "tfjs-layers",
  "tfjs-converter",
  "tfjs-data",
];

/** The archive's limit: the GPU machine takes 64 MiB of files, with the Vulkan loaders besides. */
const LIMIT_MIB = 56;

const root = new URL("../", import.meta.url).pathname;
const outDir = Deno.args.find((a) => a.startsWith("--out="))?.slice(6) ?? `${root}runs/gpu`;
const stage = `${outDir}/stage`;
const denoDir = `${stage}/deno_dir`;

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const out = await new Deno.Command(cmd, {
    args,
    env,
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  })
    .output();
  if (!out.success) {
    throw new Error(`Cannot build the GPU bundle as "${cmd} ${args.join(" ")}" failed`);
  }
}

await Deno.remove(outDir, { recursive: true }).catch(() => {});
await Deno.mkdir(stage, { recursive: true });

// The npm packages bench/run.ts reaches (the webgpu backend's dynamic import included).
await run(Deno.execPath(), ["cache", "bench/run.ts"], { DENO_DIR: denoDir });
const npm = `${denoDir}/npm/registry.npmjs.org`;
// Deno wants every package the lockfile names in its cache: their folders stay, with their
// package.json alone.
for (const name of DROP) await emptyPackage(`${npm}/${name}`);
for (const name of TFJS_PRUNED) {
  for await (const version of Deno.readDir(`${npm}/@tensorflow/${name}`)) {
    if (!version.isDirectory) continue;
    const dist = `${npm}/@tensorflow/${name}/${version.name}/dist`;
    for await (const entry of Deno.readDir(dist)) {
      if (entry.isFile && entry.name.endsWith(".node.js")) continue;
      await Deno.remove(`${dist}/${entry.name}`, { recursive: true });
    }
  }
}
// Caches Deno rebuilds on its own.
for await (const entry of Deno.readDir(denoDir)) {
  if (entry.name !== "npm") await Deno.remove(`${denoDir}/${entry.name}`, { recursive: true });
}
await Deno.copyFile(Deno.execPath(), `${stage}/deno`);
await Deno.chmod(`${stage}/deno`, 0o755);

// Checks that the bench starts from the pruned cache alone (it fails on a missing package).
const probe = await new Deno.Command(`${stage}/deno`, {
  args: ["run", "--cached-only", "-A", "bench/run.ts", "--backend=none"],
  env: { DENO_DIR: denoDir },
  cwd: root,
  stdout: "piped",
  stderr: "piped",
}).output();
const said = new TextDecoder().decode(probe.stderr);
if (!said.includes('the backend "none"')) {
  throw new Error(
    `Cannot build the GPU bundle as the pruned cache does not load bench/run.ts:\n${said}`,
  );
}
await run(`${stage}/deno`, [
  "eval",
  "--cached-only",
  `await import("@tensorflow/tfjs-backend-webgpu"); console.log("webgpu backend loads from the pruned cache");`,
], { DENO_DIR: denoDir });

const archive = `${outDir}/kerno-gpu.tar.xz`;
await run("tar", ["-C", stage, "-cf", archive, "-I", "xz -9 -T0", "deno", "deno_dir"]);
await Deno.remove(stage, { recursive: true });
const mib = (await Deno.stat(archive)).size / 2 ** 20;
console.log(`${archive}: ${mib.toFixed(1)} MiB (limit ${LIMIT_MIB} MiB)`);
if (mib > LIMIT_MIB) {
  throw new Error(
    `Cannot use the GPU bundle as it is ${mib.toFixed(1)} MiB, over ${LIMIT_MIB} MiB`,
  );
}
