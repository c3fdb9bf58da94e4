import assert from "node:assert/strict";
import { animatedGif, type Track } from "../../plot/mod.ts";
import { decodeGif } from "./_gif.ts";

const BACKGROUND = {
  body: '<rect x="0" y="0" width="120" height="80" fill="#e0e0e0"/>',
  width: 120,
  height: 80,
};
const TRACKS: Track[] = [
  { name: "a", color: "#d62728", points: [[20, 20], [40, 30], [60, 40], [80, 50]] },
  { name: "b", color: "#1f77b4", points: [[100, 60], [90, 60], [80, 60], [70, 60]] },
];

Deno.test("animatedGif writes one frame per animation frame, with its timing, each marker at its point", async () => {
  const { gif, width, height } = await animatedGif(BACKGROUND, TRACKS, {
    frames: 4,
    duration: 0.8,
    hold: 1,
    trail: 0,
    counter: [200, 200], // off the picture
  });
  const decoded = decodeGif(gif);
  assert.deepEqual([decoded.width, decoded.height, width, height], [120, 80, 120, 80]);
  assert.equal(decoded.frames.length, 4);
  assert.deepEqual(decoded.delays, [20, 20, 20, 120]); // 0.2 s each, the last 1 s more
  const rgb = (frame: Uint8Array, [x, y]: [number, number]) => {
    const i = (Math.round(y) * width + Math.round(x)) * 4;
    return [frame[i], frame[i + 1], frame[i + 2]];
  };
  const near = (got: number[], hex: string) => {
    const want = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
    assert.ok(got.every((c, i) => Math.abs(c - want[i]) <= 12), `${got} is not ${hex}`);
  };
  for (let k = 0; k < 4; k++) {
    for (const track of TRACKS) near(rgb(decoded.frames[k], track.points[k]), track.color);
  }
  // where a marker is yet to come, the background shows
  near(rgb(decoded.frames[0], [80, 50]), "#e0e0e0");
});

Deno.test("animatedGif shrinks the raster until the file fits maxBytes", async () => {
  const big = await animatedGif(BACKGROUND, TRACKS, { frames: 3, duration: 0.6, scale: 3 });
  const bound = Math.floor(big.gif.length * 0.5);
  const small = await animatedGif(BACKGROUND, TRACKS, {
    frames: 3,
    duration: 0.6,
    scale: 3,
    maxBytes: bound,
  });
  assert.ok(small.gif.length <= bound, `${small.gif.length} > ${bound}`);
  assert.ok(small.scale < 3 && small.width < big.width);
  assert.equal(decodeGif(small.gif).frames.length, 3);
  await assert.rejects(
    () => animatedGif(BACKGROUND, TRACKS, { frames: 3, maxBytes: 10 }),
    /Cannot make a GIF within 10 bytes/,
  );
});
