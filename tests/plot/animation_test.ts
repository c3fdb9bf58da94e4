import assert from "node:assert/strict";
import { animatedSvg, frameSteps, frameSvg, type Track } from "../../plot/mod.ts";
import { find, parseSvg } from "./_svg_dom.ts";

const TRACKS: Track[] = [
  { name: "long", color: "#ff0000", points: [[0, 0], [10, 0], [10, 10], [20, 10], [20, 20]] },
  { name: "short", color: "#0000ff", points: [[50, 50], [60, 50], [NaN, NaN], [0, 0]] },
];

/** The values of a marker's animation of one attribute, as numbers. */
function values(root: ReturnType<typeof parseSvg>, name: string, attribute: string): number[] {
  const marker = find(root, "circle", "marker").find((c) => c.getAttribute("data-name") === name)!;
  const animate = find(marker, "animate").find((a) =>
    a.getAttribute("attributeName") === attribute
  )!;
  return animate.getAttribute("values")!.split(";").map(Number);
}

Deno.test("frameSteps spreads the steps evenly over the frames, first and last included", () => {
  assert.deepEqual(frameSteps(4, 5), [0, 1, 2, 3, 4]);
  assert.deepEqual(frameSteps(300, 4), [0, 100, 200, 300]);
  assert.deepEqual(frameSteps(2, 5), [0, 1, 1, 2, 2]); // round(0.5) = 1, round(1.5) = 2
});

Deno.test("animatedSvg moves every marker along its points in lockstep, one value per frame", () => {
  const svg = parseSvg(
    animatedSvg({ body: "", width: 100, height: 100 }, TRACKS, {
      frames: 5,
      duration: 2,
      hold: 2,
    }),
  );
  assert.deepEqual(values(svg, "long", "cx"), [0, 10, 10, 20, 20]);
  assert.deepEqual(values(svg, "long", "cy"), [0, 0, 10, 10, 20]);
  // the short track ends before its first non-finite point and stays at its last one
  assert.deepEqual(values(svg, "short", "cx"), [50, 60, 60, 60, 60]);
  const animate = find(svg, "animate")[0];
  // each frame shows 2 / 5 s, the last one 2 s more: 4 s in all
  assert.equal(animate.getAttribute("dur"), "4s");
  assert.equal(animate.getAttribute("keyTimes"), "0;0.1;0.2;0.3;0.4");
  assert.equal(animate.getAttribute("calcMode"), "discrete");
  assert.equal(animate.getAttribute("repeatCount"), "indefinite");
  const counter = find(svg, "g", "step-counter")[0];
  assert.deepEqual(
    find(counter, "text").map((t) => t.firstChild?.nodeValue),
    ["step 0 / 4", "step 1 / 4", "step 2 / 4", "step 3 / 4", "step 4 / 4"],
  );
  // frame 2 (from 0.2 to 0.3 of the loop) shows "step 2 / 4" only
  const third = find(find(counter, "text")[2], "animate")[0];
  assert.equal(third.getAttribute("values"), "hidden;visible;hidden");
  assert.equal(third.getAttribute("keyTimes"), "0;0.2;0.3");
  // the trail grows: its dash offset is the length still to come (40 px in all)
  const trail = find(svg, "path", "trail")[0];
  assert.equal(trail.getAttribute("stroke-dasharray"), "40 41");
  const offsets = find(trail, "animate")[0].getAttribute("values")!.split(";").map(Number);
  assert.deepEqual(offsets, [40, 30, 20, 10, 0]);
  assert.equal(find(svg, "circle", "ghost").length, 8); // 4 per track
  assert.equal(find(svg, "script").length, 0);
});

Deno.test("frameSvg draws one frame: the trail so far, the marker and the counter", () => {
  const svg = parseSvg(frameSvg({ width: 100, height: 100 }, TRACKS, 2, { frames: 5, trail: 1 }));
  const markers = find(svg, "circle", "marker");
  assert.deepEqual(markers.map((m) => [m.getAttribute("cx"), m.getAttribute("cy")]), [
    ["10", "10"],
    ["60", "50"],
  ]);
  assert.equal(find(svg, "path", "trail")[0].getAttribute("d"), "M0,0L10,0L10,10");
  const ghost = find(svg, "circle", "ghost")[0];
  assert.deepEqual([ghost.getAttribute("cx"), ghost.getAttribute("cy")], ["10", "0"]);
  assert.equal(find(svg, "g", "step-counter")[0].textContent, "step 2 / 4");
  assert.equal(find(svg, "rect").length, 1); // the clip box only: no background
});

Deno.test("animation options are checked, naming the option and the value", () => {
  const bg = { body: "", width: 10, height: 10 };
  assert.throws(
    () => animatedSvg(bg, TRACKS, { frames: 1 }),
    /"frames" must be an integer ≥ 2: received 1/,
  );
  assert.throws(
    () => animatedSvg(bg, TRACKS, { duration: 0 }),
    /"duration" must be a positive number: received 0/,
  );
  assert.throws(
    () => animatedSvg(bg, TRACKS, { fps: 3 } as never),
    /"fps" is not an option: expected one of frames/,
  );
  assert.throws(() => frameSvg(bg, TRACKS, 7, { frames: 5 }), /frame 7 .* from 0 to 4/);
});
