/** Rewrites `<path>` with 16 MiB of 1s, then 2s, … forever, printing "w" before each write. */
import { writeFileAtomic } from "../../io/_atomic.ts";

const [path] = Deno.args;
for (let i = 0;; i++) {
  console.log("w");
  await writeFileAtomic(path, new Uint8Array(16 * 2 ** 20).fill(1 + (i % 2)));
}
