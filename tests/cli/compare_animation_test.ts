import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { capture, exists } from "./_capture.ts";
import { find, parseSvg } from "../plot/_svg_dom.ts";
import { decodeGif } from "../plot/_gif.ts";
import { SOLVER_LABELS } from "../../cli/solvers.ts";
import {
  compareOnFunction,
  contourScene,
  surfaceScene,
  type Trajectory,
} from "../../cli/compare_solvers.ts";
import { animatedSvg, frameSteps, orthographic } from "../../plot/mod.ts";

const SOLVERS = ["SGD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSprop", "Adam"];

/** Every marker's cx and cy values, by the solver's label. */
function markers(svg: string): Map<string, { cx: number[]; cy: number[] }> {
  const out = new Map();
  for (const marker of find(parseSvg(svg), "circle", "marker")) {
    const get = (attribute: string) =>
      find(marker, "animate").find((a) => a.getAttribute("attributeName") === attribute)!
        .getAttribute("values")!.split(";").map(Number);
    out.set(marker.getAttribute("data-name"), { cx: get("cx"), cy: get("cy") });
  }
  return out;
}

/** The point of a path each frame shows (the last once the path has ended). */
function shown(t: Trajectory, frames: number, steps: number): [number, number][] {
  return frameSteps(steps, frames).map((s) => t.points[Math.min(s, t.points.length - 1)]);
}

const near = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 0.006, `${what}: ${a} is not ${b}`);

Deno.test("kerno compare --animate --view both writes stills, animated SVGs and GIFs within the bound", async () => {
  const dir = await Deno.makeTempDir();
  const { code, out } = await capture([
    "compare",
    "--function",
    "saddle",
    "--steps",
    "12",
    "--view",
    "both",
    "--animate",
    "--frames",
    "7",
    "--duration",
    "1",
    "--out",
    dir,
  ]);
  assert.equal(code, 0);
  for (const base of ["compare_saddle", "compare_saddle_surface"]) {
    for (const ext of [".svg", ".png", "_animated.svg", "_animated.gif"]) {
      assert.ok(exists(`${dir}/${base}${ext}`), `${base}${ext}`);
    }
    const svg = await Deno.readTextFile(`${dir}/${base}_animated.svg`);
    assert.deepEqual([...markers(svg).keys()].map((n) => n.split(" ")[0]), SOLVERS);
    const gif = await Deno.readFile(`${dir}/${base}_animated.gif`);
    const decoded = decodeGif(gif);
    assert.equal(decoded.frames.length, 7);
    assert.ok(gif.length < 4 * 2 ** 20 && svg.length < 4 * 2 ** 20);
  }
  assert.match(out[0], /compare_saddle_surface_animated\.gif/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("each solver's marker in the contour animation follows its recorded path, in lockstep", () => {
  const before = tf.memory().numTensors;
  const result = compareOnFunction({ function: "beale", steps: 20, gridSize: 40 });
  const scene = contourScene(result);
  const frames = 9;
  const svg = animatedSvg(scene.background, scene.tracks, { frames, clip: scene.clip });
  const byName = markers(svg);
  const steps = Math.max(...result.trajectories.map((t) => t.points.length - 1));
  // contourChart's plot area: 520 px square from (72, 36); Beale's plot is [−4.5, 4.5]²
  const px = (x: number) => 72 + ((x + 4.5) / 9) * 520;
  const py = (y: number) => 36 + 520 - ((y + 4.5) / 9) * 520;
  for (const t of result.trajectories) {
    const m = byName.get(`${SOLVER_LABELS[t.solver]} (lr ${t.learningRate})`)!;
    assert.equal(m.cx.length, frames);
    shown(t, frames, steps).forEach(([x, y], k) => {
      near(m.cx[k], px(x), `${t.solver} x, frame ${k}`);
      near(m.cy[k], py(y), `${t.solver} y, frame ${k}`);
    });
  }
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("on the surface each marker sits at (x, y, f(x, y)) of its path, seen at the saddle's angle", () => {
  const result = compareOnFunction({ function: "saddle", steps: 30, gridSize: 20 });
  const scene = surfaceScene(result, 21);
  const frames = 6;
  const byName = [...markers(animatedSvg(scene.background, scene.tracks, { frames })).values()];
  // surfaceChart's drawing area: 560 × 448 px from (16, 40); the saddle's heights on the
  // 21 × 21 grid of [−1.5, 1.5]² span [−2.25, 2.25]; the saddle is seen at azimuth 60°, elevation 30°
  const project = orthographic({
    xDomain: [-1.5, 1.5],
    yDomain: [-1.5, 1.5],
    zDomain: [-2.25, 2.25],
    azimuth: 60,
    elevation: 30,
    relief: 0.6,
    box: { x: 16, y: 40, width: 560, height: 448 },
  });
  const steps = Math.max(...result.trajectories.map((t) => t.points.length - 1));
  result.trajectories.forEach((t, i) => {
    const m = byName[i];
    frameSteps(steps, frames).forEach((s, k) => {
      const at = Math.min(s, t.points.length - 1);
      const [x, y] = t.points[at];
      const [ex, ey] = project(x, y, x * x - y * y);
      near(m.cx[k], ex, `${t.solver} column, frame ${k}`);
      near(m.cy[k], ey, `${t.solver} row, frame ${k}`);
    });
  });
});

Deno.test("kerno compare refuses bad animation flags with one line naming the flag", async () => {
  const cases: [string[], RegExp][] = [
    [["compare", "--view", "3d"], /--view must be one of contour, surface, both: received "3d"/],
    [["compare", "--frames", "1"], /--frames must be a valid number here: received "1"/],
    [["compare", "--duration=-2"], /--duration must be a valid number here: received "-2"/],
    [["compare", "--frames", "600", "--duration", "2"], /at most 50 frames a second/],
  ];
  for (const [args, pattern] of cases) {
    const { code, err } = await capture(args);
    assert.equal(code, 2, args.join(" "));
    assert.equal(err.length, 1);
    assert.match(err[0], pattern);
  }
  const { out } = await capture(["compare", "--help"]);
  for (const word of ["--view", "--animate", "--frames", "--duration", "surface"]) {
    assert.ok(out[0].includes(word), word);
  }
});
