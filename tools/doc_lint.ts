/**
 * `deno doc --lint mod.ts`, restricted to kerno's own files.
 *
 * kerno re-exports TensorFlow.js as `tf`, so `deno doc --lint` also walks
 * tfjs-core's declaration files and reports their missing docs; those are
 * not ours to fix. This runs the real lint and fails on any problem whose
 * location is inside this repository.
 *
 * Run: `deno run -A tools/doc_lint.ts [entry…]` (default: every export in deno.json)
 *
 * @module
 */
const root = new URL("../", import.meta.url).pathname;
const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as {
  exports: Record<string, string>;
};
const entries = Deno.args.length > 0 ? Deno.args : Object.values(config.exports);
const out = await new Deno.Command(Deno.execPath(), {
  args: ["doc", "--lint", ...entries],
  cwd: root,
  env: { NO_COLOR: "1" },
  stdout: "piped",
  stderr: "piped",
}).output();
const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
const blocks = text.split(/\n(?=error\[)/).filter((b) => b.startsWith("error["));
// The one exception: `export * as tf` in engine/tf.ts re-exports a whole npm
// module as a namespace, and `deno doc` asks for a JSDoc on it that it does
// not read from the statement (its docs are tfjs-core's own).
const exempt = (location: string) => location.startsWith(`${root}engine/tf.ts:`);
const ours = blocks.filter((b) => {
  const at = b.match(/-->\s+(\S+)/);
  return at !== null && at[1].startsWith(root) && !at[1].includes("/node_modules/") &&
    !exempt(at[1]);
});
for (const block of ours) console.error(block.trimEnd() + "\n");
console.log(
  `doc lint: ${ours.length} problems in kerno's files (${
    blocks.length - ours.length
  } in dependencies, ignored)`,
);
if (ours.length > 0 || (blocks.length === 0 && !out.success && !/Checked|^\s*$/.test(text))) {
  if (blocks.length === 0) console.error(text);
  Deno.exit(1);
}
