/**
 * Regenerates the pictures in `docs/images/` that the README shows:
 * `deno task images`.
 *
 * - `compare_beale.png`, `compare_beale_loss.svg/.png`: the solvers on Beale's function;
 * - `compare_saddle.png`: the solvers at the saddle x² − y²;
 * - `compare_beale_animated.gif`, `compare_saddle_animated.gif`: the same runs animated;
 * - `compare_beale_surface.png`, `compare_saddle_surface_animated.gif`: on the 3-D surface;
 * - `compare_model.svg/.png`: the solvers and the gradient-descent variants on iris;
 * - `demo_curves.svg/.png`: the demo's loss, accuracy and learning rate per epoch.
 *
 * @module
 */
import { writeComparison } from "./compare_solvers.ts";
import { writeModelComparison } from "./compare_on_model.ts";
import { main as demo } from "./demo.ts";

const dir = new URL("../docs/images/", import.meta.url).pathname;
const scratch = await Deno.makeTempDir({ prefix: "kerno-images-" });
await Deno.mkdir(dir, { recursive: true });
for (const fn of ["beale", "saddle"] as const) {
  await writeComparison(dir, { function: fn, view: "both", animate: true });
}
// The README shows PNGs and GIFs; the SVGs (300-400 kB each), the saddle's loss,
// the saddle's surface still and Beale's surface animation stay out.
for (
  const file of [
    "compare_beale.svg",
    "compare_saddle.svg",
    "compare_saddle_loss.svg",
    "compare_saddle_loss.png",
    "compare_beale_animated.svg",
    "compare_saddle_animated.svg",
    "compare_beale_surface.svg",
    "compare_saddle_surface.svg",
    "compare_saddle_surface.png",
    "compare_beale_surface_animated.svg",
    "compare_beale_surface_animated.gif",
    "compare_saddle_surface_animated.svg",
  ]
) {
  await Deno.remove(`${dir}${file}`);
}
await writeModelComparison(scratch);
await demo({ out: scratch, verbose: 0, model: "cnn", print: () => {} });
for (const [from, to] of [["compare_model", "compare_model"], ["curves", "demo_curves"]]) {
  for (const ext of ["svg", "png"]) {
    await Deno.copyFile(`${scratch}/${from}.${ext}`, `${dir}${to}.${ext}`);
  }
}
await Deno.remove(scratch, { recursive: true });
for (const entry of Deno.readDirSync(dir)) console.log(`docs/images/${entry.name}`);
