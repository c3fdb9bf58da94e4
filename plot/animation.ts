/**
 * Animations of markers moving along paths over a still picture, all in
 * lockstep: as one SVG with SMIL animation (no script; plays in any browser)
 * and as single frames (SVG documents) for raster animations (see `gif.ts`).
 * Each marker leaves a faint line of where it has been and a few fading
 * copies of its last positions; a counter shows the step.
 *
 * @module
 */
import { escapeXml, FONT, round, svgDocument, text } from "./_svg.ts";

/** One moving marker. */
export interface Track {
  /** The name (written as `data-name`). */
  name: string;
  /** The marker's colour. */
  color: string;
  /** The marker's pixel position at each step; the track ends before its first non-finite point. */
  points: [number, number][];
}

/** The still picture the markers move over. */
export interface Background {
  /** The elements (without the `<svg>` wrapper). */
  body: string;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** A rectangle in pixels. */
export interface Box {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width. */
  width: number;
  /** Height. */
  height: number;
}

/** Options of {@link animatedSvg} and {@link frameSvg}. */
export interface AnimationOptions {
  /** Frames; frame k shows step round(k · steps / (frames − 1)). @default 120 */
  frames?: number;
  /** Seconds the markers move (each frame shows for duration / frames). @default 6 */
  duration?: number;
  /** Seconds the last frame stays before the loop starts again. @default 1.5 */
  hold?: number;
  /** Fading copies of the marker at its positions in the frames before. @default 4 */
  trail?: number;
  /** Where the markers and lines are drawn (they are clipped to it). @default the whole picture */
  clip?: Box;
  /** Where the step counter is written (its left end). @default [10, 20] */
  counter?: [number, number];
}

/** The options with their defaults, checked. */
export interface ResolvedAnimation {
  /** See {@link AnimationOptions}. */
  frames: number;
  /** See {@link AnimationOptions}. */
  duration: number;
  /** See {@link AnimationOptions}. */
  hold: number;
  /** See {@link AnimationOptions}. */
  trail: number;
  /** See {@link AnimationOptions}. */
  clip: Box;
  /** See {@link AnimationOptions}. */
  counter: [number, number];
}

const KEYS = ["frames", "duration", "hold", "trail", "clip", "counter"];

/**
 * Checks animation options and fills in the defaults.
 *
 * @param background The picture (its size is the default clip box).
 * @param options See {@link AnimationOptions}.
 * @returns Every option.
 */
export function resolveAnimation(
  background: Background,
  options: AnimationOptions = {},
): ResolvedAnimation {
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) {
      throw new TypeError(
        `Cannot animate as "${key}" is not an option: expected one of ${KEYS.join(", ")}`,
      );
    }
  }
  const {
    frames = 120,
    duration = 6,
    hold = 1.5,
    trail = 4,
    clip = { x: 0, y: 0, width: background.width, height: background.height },
    counter = [10, 20],
  } = options;
  const check = (name: string, value: number, ok: boolean, expected: string) => {
    if (!ok) {
      throw new RangeError(`Cannot animate as "${name}" must be ${expected}: received ${value}`);
    }
  };
  check("frames", frames, Number.isInteger(frames) && frames >= 2, "an integer ≥ 2");
  check("duration", duration, Number.isFinite(duration) && duration > 0, "a positive number");
  check("hold", hold, Number.isFinite(hold) && hold >= 0, "a number ≥ 0");
  check("trail", trail, Number.isInteger(trail) && trail >= 0, "an integer ≥ 0");
  return { frames, duration, hold, trail, clip, counter };
}

/**
 * The step each frame shows when every track moves in lockstep.
 *
 * @param steps The longest track's steps (its points less one).
 * @param frames How many frames.
 * @returns `frames` steps, from 0 to `steps`, evenly spread.
 */
export function frameSteps(steps: number, frames: number): number[] {
  return Array.from({ length: frames }, (_, k) => Math.round((k * steps) / (frames - 1)));
}

/** The points of a track up to its first non-finite one. */
function usable(track: Track): [number, number][] {
  const end = track.points.findIndex((p) => !Number.isFinite(p[0]) || !Number.isFinite(p[1]));
  return end < 0 ? track.points : track.points.slice(0, end);
}

/** The longest track's steps. */
export function trackSteps(tracks: Track[]): number {
  return Math.max(0, ...tracks.map((t) => usable(t).length - 1));
}

/**
 * Which point of a track every frame shows: the frame's step, or the track's
 * last point once it has ended.
 *
 * @param track The track.
 * @param steps The frames' steps (from {@link frameSteps}).
 * @returns One point index per frame (−1 when the track has no point).
 */
export function frameIndices(track: Track, steps: number[]): number[] {
  const last = usable(track).length - 1;
  return steps.map((s) => Math.min(s, last));
}

/** The ghosts' radius and opacity, the first (j = 1) biggest. */
function ghostStyle(j: number, trail: number): { r: number; opacity: number } {
  const f = 1 - j / (trail + 1);
  return { r: round(2 + 3 * f), opacity: round(0.15 + 0.5 * f) };
}

const LINE = 'fill="none" stroke-width="1.8" stroke-opacity="0.55" stroke-linejoin="round"';
const MARKER = 'r="5.5" stroke="white" stroke-width="1.5"';

/** The clip path shared by the animated elements. */
function clipDef(clip: Box): string {
  return `<defs><clipPath id="track-area"><rect x="${clip.x}" y="${clip.y}" width="${clip.width}" ` +
    `height="${clip.height}"/></clipPath></defs>`;
}

/**
 * Draws an animated SVG: the background, and per track a marker that moves
 * from step to step (`<animate>` on `cx`/`cy`, discrete, one value per
 * frame), fading copies of it a frame, two frames … behind, and a faint line
 * that grows behind it (`stroke-dashoffset`); a counter shows the step. All
 * animations share one clock and repeat forever.
 *
 * @param background The still picture.
 * @param tracks The markers' paths in pixels.
 * @param options Frames, duration, trail, clip box, counter position.
 * @returns The SVG document: each marker is a `<circle class="marker" data-name="…">`,
 *   the counter a `<g class="step-counter">` of one `<text>` per frame.
 * @example
 * ```ts
 * import { animatedSvg } from "./animation.ts";
 * const svg = animatedSvg(
 *   { body: "", width: 100, height: 100 },
 *   [{ name: "a", color: "red", points: [[10, 10], [50, 50], [90, 10]] }],
 *   { frames: 3, duration: 1, hold: 0 },
 * );
 * console.log(svg.includes('values="10;50;90"')); // true
 * ```
 */
export function animatedSvg(
  background: Background,
  tracks: Track[],
  options: AnimationOptions = {},
): string {
  const o = resolveAnimation(background, options);
  const steps = frameSteps(trackSteps(tracks), o.frames);
  const total = o.duration + o.hold;
  const keyTimes = steps.map((_, k) => round4((k * o.duration) / o.frames / total)).join(";");
  const timing = `dur="${round4(total)}s" repeatCount="indefinite" calcMode="discrete"`;
  const animate = (attribute: string, values: (number | string)[]) =>
    `<animate attributeName="${attribute}" values="${
      values.join(";")
    }" keyTimes="${keyTimes}" ${timing}/>`;
  const parts = tracks.map((track) => {
    const points = usable(track);
    if (points.length === 0) return "";
    const shown = frameIndices(track, steps);
    const along = [0];
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1], points[i]];
      along.push(along[i - 1] + Math.hypot(b[0] - a[0], b[1] - a[1]));
    }
    const length = round(along[along.length - 1]);
    const d = "M" + points.map(([x, y]) => `${round(x)},${round(y)}`).join("L");
    const line = `<path class="trail" d="${d}" stroke="${track.color}" ${LINE} ` +
      `stroke-dasharray="${length} ${round(length + 1)}" stroke-dashoffset="${length}">` +
      animate("stroke-dashoffset", shown.map((i) => round(length - along[i]))) + "</path>";
    const ghosts = [];
    for (let j = o.trail; j >= 1; j--) {
      const at = shown.map((_, k) => shown[Math.max(0, k - j)]);
      const { r, opacity } = ghostStyle(j, o.trail);
      ghosts.push(
        `<circle class="ghost" r="${r}" fill="${track.color}" fill-opacity="${opacity}" ` +
          `cx="${round(points[0][0])}" cy="${round(points[0][1])}">` +
          animate("cx", at.map((i) => round(points[i][0]))) +
          animate("cy", at.map((i) => round(points[i][1]))) + "</circle>",
      );
    }
    const marker = `<circle class="marker" data-name="${escapeXml(track.name)}" ` +
      `fill="${track.color}" ${MARKER} cx="${round(points[0][0])}" cy="${round(points[0][1])}">` +
      animate("cx", shown.map((i) => round(points[i][0]))) +
      animate("cy", shown.map((i) => round(points[i][1]))) + "</circle>";
    return `<g class="track">${line}${ghosts.join("")}${marker}</g>`;
  });
  const last = steps[steps.length - 1];
  const times = keyTimes.split(";");
  const counter = steps.map((s, k) => {
    // visible from this frame's time to the next one's
    const values = [k === 0 ? "visible" : "hidden"];
    const at = ["0"];
    if (k > 0) {
      values.push("visible");
      at.push(times[k]);
    }
    if (k < steps.length - 1) {
      values.push("hidden");
      at.push(times[k + 1]);
    }
    const show = `<animate attributeName="visibility" values="${values.join(";")}" ` +
      `keyTimes="${at.join(";")}" ${timing}/>`;
    return text(o.counter[0], o.counter[1], `step ${s} / ${last}`, `visibility="hidden"`)
      .replace("</text>", `${show}</text>`);
  });
  return svgDocument(
    background.width,
    background.height,
    `${background.body}\n${clipDef(o.clip)}\n<g class="tracks" clip-path="url(#track-area)">${
      parts.join("\n")
    }</g>\n<g class="step-counter" font-size="14">${counter.join("\n")}</g>\n`,
  );
}

/** Rounds a time to four decimals. */
function round4(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

/**
 * Draws one frame of the animation of {@link animatedSvg} as a still SVG: the
 * line each track has drawn so far, its fading copies, its marker and the
 * step counter.
 *
 * @param background The still picture, or only its size for a transparent frame to lay over it.
 * @param tracks The markers' paths in pixels.
 * @param frame The frame, from 0.
 * @param options As for {@link animatedSvg}.
 * @returns The SVG document (with a white background only when `background` has a `body`).
 */
export function frameSvg(
  background: Background | { width: number; height: number },
  tracks: Track[],
  frame: number,
  options: AnimationOptions = {},
): string {
  const withBody = "body" in background;
  const o = resolveAnimation({ body: "", ...background }, options);
  if (!Number.isInteger(frame) || frame < 0 || frame >= o.frames) {
    throw new RangeError(
      `Cannot draw frame ${frame} as it must be an integer from 0 to ${o.frames - 1}`,
    );
  }
  const steps = frameSteps(trackSteps(tracks), o.frames);
  const parts = tracks.map((track) => {
    const points = usable(track);
    if (points.length === 0) return "";
    const shown = frameIndices(track, steps);
    const i = shown[frame];
    const d = "M" + points.slice(0, i + 1).map(([x, y]) => `${round(x)},${round(y)}`).join("L");
    const ghosts = [];
    for (let j = o.trail; j >= 1; j--) {
      const [gx, gy] = points[shown[Math.max(0, frame - j)]];
      const { r, opacity } = ghostStyle(j, o.trail);
      ghosts.push(
        `<circle class="ghost" r="${r}" fill="${track.color}" fill-opacity="${opacity}" ` +
          `cx="${round(gx)}" cy="${round(gy)}"/>`,
      );
    }
    const [mx, my] = points[i];
    return `<g class="track"><path class="trail" d="${d}" stroke="${track.color}" ${LINE}/>` +
      `${ghosts.join("")}<circle class="marker" data-name="${escapeXml(track.name)}" ` +
      `fill="${track.color}" ${MARKER} cx="${round(mx)}" cy="${round(my)}"/></g>`;
  });
  const body = `${clipDef(o.clip)}\n<g class="tracks" clip-path="url(#track-area)">${
    parts.join("\n")
  }</g>\n<g class="step-counter" font-size="14">${
    text(o.counter[0], o.counter[1], `step ${steps[frame]} / ${steps[steps.length - 1]}`)
  }</g>\n`;
  if (withBody) {
    return svgDocument(background.width, background.height, `${background.body}\n${body}`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${background.width}" height="${background.height}" ` +
    `viewBox="0 0 ${background.width} ${background.height}" font-family="${FONT}" font-size="12">\n${body}</svg>\n`;
}
