/**
 * Compiles kerno's WebAssembly kernels from their AssemblyScript sources
 * (`tools/wasm/*.as`) and writes each module's bytes into a TypeScript file
 * under `backend/` (base64), so the library needs no compiler and no file
 * reads at run time. Run after changing a source: `deno task build-wasm`
 * (needs the npm registry for `assemblyscript`).
 *
 * @module
 */

/** The modules: source, generated file, and what the generated file says it holds. */
const MODULES = [
  {
    source: "tools/wasm/kernels.as",
    target: "backend/_kernels_wasm.ts",
    what:
      "kerno's kernels (LSTM gates, masked softmax, layer normalization, im2col/col2im, pooling, depthwise convolution, bias and activation passes)",
    flags: [] as string[],
  },
  {
    // The same kernels on a shared memory, which a second thread can run them on too.
    source: "tools/wasm/kernels.as",
    target: "backend/_kernels_shared_wasm.ts",
    what: "kerno's kernels on a shared memory (of up to 4 GiB)",
    flags: ["--sharedMemory", "--maximumMemory", "65536", "--enable", "threads"],
  },
];

const ASC = "npm:assemblyscript@0.28.20/asc";

async function compile(source: string, flags: string[]): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "kerno-wasm-" });
  try {
    // asc reads `.ts` files only; the source keeps `.as` so Deno's tools leave it alone.
    await Deno.copyFile(source, `${dir}/kernels.ts`);
    const args = [
      "run",
      "-A",
      ASC,
      `${dir}/kernels.ts`,
      "-O3",
      "--runtime",
      "stub",
      "--noAssert",
      "--importMemory",
      "--use",
      "abort=",
      "--enable",
      "simd",
      ...flags,
      "-o",
      `${dir}/kernels.wasm`,
    ];
    const { code, stderr } = await new Deno.Command(Deno.execPath(), { args }).output();
    if (code !== 0) {
      throw new Error(`asc failed on ${source}:\n${new TextDecoder().decode(stderr)}`);
    }
    return await Deno.readFile(`${dir}/kernels.wasm`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (const { source, target, what, flags } of MODULES) {
  const bytes = await compile(source, flags);
  const b64 = btoa(String.fromCharCode(...bytes));
  const lines = b64.match(/.{1,96}/g)!.map((l) => `  "${l}",`).join("\n");
  const text = `/**
 * The WebAssembly module of ${what}, compiled by \`deno task build-wasm\`
 * from \`${source}\` (AssemblyScript). Generated: do not edit.
 *
 * @module
 */

/** The module's bytes, base64 (${bytes.length} bytes). */
export const WASM_BASE64: string = [
${lines}
].join("");
`;
  await Deno.writeTextFile(target, text);
  console.log(`${target}: ${bytes.length} bytes from ${source}`);
}
