import assert from "node:assert/strict";
import { TEMP_SUFFIX, writeFileAtomic } from "../../io/_atomic.ts";
import { tempDir } from "./_helpers.ts";

Deno.test("writeFileAtomic replaces the file and leaves no temporary file", async () => {
  const { dir, cleanup } = await tempDir();
  await writeFileAtomic(`${dir}/a.txt`, "first");
  await writeFileAtomic(`${dir}/a.txt`, "second");
  assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "second");
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.txt"]);
  await cleanup();
});

Deno.test("writeFileAtomic failing leaves the old file untouched", async () => {
  const { dir, cleanup } = await tempDir();
  await writeFileAtomic(`${dir}/a.txt`, "old");
  await Deno.mkdir(`${dir}/sub`);
  await assert.rejects(writeFileAtomic(`${dir}/sub`, "cannot replace a directory"));
  assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "old");
  assert.ok([...Deno.readDirSync(dir)].every((e) => !e.name.endsWith(TEMP_SUFFIX)));
  await cleanup();
});

Deno.test({
  name: "writeFileAtomic killed mid-write leaves a whole old or new file",
  sanitizeResources: false,
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    const path = `${dir}/big.bin`;
    for (const delay of [0, 7, 23]) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL("./_atomic_child.ts", import.meta.url).pathname, path],
        stdout: "piped",
      }).spawn();
      let writes = 0;
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        writes += chunk.split("w").length - 1;
        if (writes >= 3) break;
      }
      await new Promise((r) => setTimeout(r, delay));
      child.kill("SIGKILL");
      await child.status;
      const bytes = await Deno.readFile(path);
      assert.equal(bytes.length, 16 * 2 ** 20);
      assert.ok(bytes[0] === 1 || bytes[0] === 2);
      assert.ok(bytes.every((b) => b === bytes[0]), "the file mixes two writes");
    }
    await cleanup();
  },
});
