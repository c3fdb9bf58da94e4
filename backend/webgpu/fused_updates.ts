/**
 * kerno's fused optimizer update rules for TensorFlow.js's `webgpu`
 * backend: each optimizer's `updateStep` (its Keras 3 rule, stated in `tf`
 * ops in `optimizers/`) done in place in WGSL compute passes, registered
 * through the seam (`engine/fused.ts`) under the rule's name when the
 * backend is selected (`backend/select.ts`).
 *
 * TensorFlow.js's program interface binds one writable buffer per pass, so a
 * rule is one pass per buffer it changes, in place, in order: SGD 1 (2 with
 * momentum), Adagrad and Lion 2, Adam, Adamax, Nadam and Adadelta 3 (Adam
 * with AMSGrad 4), RMSprop 2-4; the plain `updateStep` records 4-13
 * element-wise kernels and as many new buffers. A rule declines (returns
 * `false`, and `updateStep` runs) when a buffer is not float32, differs in
 * size, or is shared with another tensor (a clone): writing would change
 * both.
 *
 * The optimizers are imported as types only: their hyper-parameters are
 * their public fields, and the backend never changes them.
 *
 * @module
 */
import type { tf } from "../../engine/tf.ts";
import {
  type FusedUpdateRule,
  registerFusedOps,
  registerFusedUpdateRule,
} from "../../engine/fused.ts";
import type { SGD } from "../../optimizers/sgd.ts";
import type { Adam } from "../../optimizers/adam.ts";
import type { Adamax } from "../../optimizers/adamax.ts";
import type { Nadam } from "../../optimizers/nadam.ts";
import type { Lion } from "../../optimizers/lion.ts";
import type { Adagrad } from "../../optimizers/adagrad.ts";
import type { Adadelta } from "../../optimizers/adadelta.ts";
import type { RMSprop } from "../../optimizers/rmsprop.ts";
import { canUpdateInPlace, runPass, type UpdatePass, webgpuBackend } from "./_update_program.ts";

/** A pass: its name, inputs, scalars and WGSL body (see {@link UpdatePass}). */
function pass(name: string, inputs: string[], scalars: string[], body: string): UpdatePass {
  return { name, inputs, scalars, body };
}

/** `x ← x·keep + g·add` (a moving average, or momentum less a step). */
const MIX = pass("mix", ["G"], ["keep", "add"], "r = r * uniforms.keep + G[i] * uniforms.add;");
/** `x ← x·keep + g²·add`. */
const MIX_SQUARE = pass(
  "mix_square",
  ["G"],
  ["keep", "add"],
  "r = r * uniforms.keep + G[i] * G[i] * uniforms.add;",
);
/** `x ← x + (g − x)·rate` (Keras's form of Adam's moments). */
const EASE = pass("ease", ["G"], ["rate"], "r = r + (G[i] - r) * uniforms.rate;");
/** `x ← x + (g² − x)·rate`. */
const EASE_SQUARE = pass(
  "ease_square",
  ["G"],
  ["rate"],
  "r = r + (G[i] * G[i] - r) * uniforms.rate;",
);

const SGD_PARAM = pass("sgd", ["G"], ["lr"], "r = r - G[i] * uniforms.lr;");
const SGD_MOMENTUM_PARAM = pass(
  "sgd_momentum",
  ["G", "M"],
  ["lr", "momentum", "nesterov"],
  "r = r + select(M[i], M[i] * uniforms.momentum - G[i] * uniforms.lr, uniforms.nesterov > 0.5);",
);
const ADAM_PARAM = pass(
  "adam",
  ["M", "V"],
  ["alpha", "epsilon"],
  "r = r - M[i] * uniforms.alpha / (sqrt(V[i]) + uniforms.epsilon);",
);
const MAX = pass("max", ["V"], [], "r = max(r, V[i]);");
const ADAMAX_NORM = pass(
  "adamax_norm",
  ["G"],
  ["beta2"],
  "r = max(r * uniforms.beta2, abs(G[i]));",
);
const ADAMAX_PARAM = pass(
  "adamax",
  ["M", "U"],
  ["lr", "epsilon", "correction"],
  "r = r - M[i] * uniforms.lr / ((U[i] + uniforms.epsilon) * uniforms.correction);",
);
const NADAM_PARAM = pass(
  "nadam",
  ["G", "M", "V"],
  ["lr", "epsilon", "mScale", "gScale", "vScale"],
  `let mHat = M[i] * uniforms.mScale + G[i] * uniforms.gScale;
   r = r - mHat * uniforms.lr / (sqrt(V[i] / uniforms.vScale) + uniforms.epsilon);`,
);
const LION_PARAM = pass(
  "lion",
  ["G", "M"],
  ["lr", "beta1"],
  "r = r - sign(M[i] * uniforms.beta1 + G[i] * (1.0 - uniforms.beta1)) * uniforms.lr;",
);
const ADAGRAD_PARAM = pass(
  "adagrad",
  ["G", "A"],
  ["lr", "epsilon"],
  "r = r - G[i] * uniforms.lr / sqrt(A[i] + uniforms.epsilon);",
);
/** Adadelta's step `−√(Δ + ε)·g / √(a + ε)`, shared by its two last passes. */
const ADADELTA_DELTA = "-sqrt(D[i] + uniforms.epsilon) * G[i] / sqrt(A[i] + uniforms.epsilon)";
const ADADELTA_PARAM = pass(
  "adadelta",
  ["G", "A", "D"],
  ["lr", "epsilon"],
  `r = r + (${ADADELTA_DELTA}) * uniforms.lr;`,
);
const ADADELTA_DELTA_VAR = pass(
  "adadelta_delta",
  ["G", "A"],
  ["rho", "epsilon"],
  `let delta = ${ADADELTA_DELTA.replaceAll("D[i]", "r")};
   r = r * uniforms.rho + delta * delta * (1.0 - uniforms.rho);`,
);
/** RMSprop's increment `lr·g / √(denominator)`, centred or not. */
function rmspropIncrement(centered: boolean): string {
  const denominator = centered
    ? "V[i] - C[i] * C[i] + uniforms.epsilon"
    : "V[i] + uniforms.epsilon";
  return `G[i] * uniforms.lr / sqrt(${denominator})`;
}
const RMSPROP_PARAM = [false, true].map((centered) =>
  pass(
    `rmsprop${centered ? "_centered" : ""}`,
    centered ? ["G", "V", "C"] : ["G", "V"],
    ["lr", "epsilon"],
    `r = r - ${rmspropIncrement(centered)};`,
  )
);
const RMSPROP_MOMENTUM = [false, true].map((centered) =>
  pass(
    `rmsprop_momentum${centered ? "_centered" : ""}`,
    centered ? ["G", "V", "C"] : ["G", "V"],
    ["lr", "epsilon", "momentum"],
    `r = r * uniforms.momentum + ${rmspropIncrement(centered)};`,
  )
);
const SUBTRACT = pass("subtract", ["X"], [], "r = r - X[i];");
/** Decoupled weight decay, `p ← p − p·factor`. */
const DECAY = pass("decay", [], ["factor"], "r = r - r * uniforms.factor;");

/** One planned pass: what it rewrites, from what, with which scalars. */
type Step = [UpdatePass, tf.Tensor, tf.Tensor[], number[]];

/**
 * Runs the passes in order when every buffer can be rewritten in place.
 *
 * @returns `false` (nothing done) on another backend or when a buffer
 *   cannot be rewritten.
 */
function runSteps(grad: tf.Tensor, steps: Step[]): boolean {
  const backend = webgpuBackend();
  if (backend === null) return false;
  const written = steps.map(([, out]) => out);
  const read = [grad, ...steps.flatMap(([, , inputs]) => inputs)].filter((t) =>
    !written.includes(t)
  );
  if (!canUpdateInPlace(backend, [...new Set(written)], [...new Set(read)])) return false;
  for (const [p, out, inputs, scalars] of steps) runPass(backend, p, out, inputs, scalars);
  return true;
}

const sgd: FusedUpdateRule = ({ optimizer, grad: g, variable: w, slots, lr }) => {
  const o = optimizer as SGD;
  if (o.momentum === 0) return runSteps(g, [[SGD_PARAM, w, [g], [lr]]]);
  const m = slots.momentum;
  return runSteps(g, [
    [MIX, m, [g], [o.momentum, -lr]],
    [SGD_MOMENTUM_PARAM, w, [g, m], [lr, o.momentum, o.nesterov ? 1 : 0]],
  ]);
};

const adam: FusedUpdateRule = ({ optimizer, grad: g, variable: w, slots, lr, step }) => {
  const o = optimizer as Adam;
  const { momentum: m, velocity: v } = slots;
  const alpha = lr * Math.sqrt(1 - Math.pow(o.beta2, step)) / (1 - Math.pow(o.beta1, step));
  const steps: Step[] = [[EASE, m, [g], [1 - o.beta1]], [EASE_SQUARE, v, [g], [1 - o.beta2]]];
  if (o.amsgrad) steps.push([MAX, slots.velocityHat, [v], []]);
  const second = o.amsgrad ? slots.velocityHat : v;
  steps.push([ADAM_PARAM, w, [m, second], [alpha, o.epsilon]]);
  return runSteps(g, steps);
};

const adamax: FusedUpdateRule = ({ optimizer, grad: g, variable: w, slots, lr, step }) => {
  const o = optimizer as Adamax;
  const { momentum: m, norm: u } = slots;
  return runSteps(g, [
    [EASE, m, [g], [1 - o.beta1]],
    [ADAMAX_NORM, u, [g], [o.beta2]],
    [ADAMAX_PARAM, w, [m, u], [lr, o.epsilon, 1 - Math.pow(o.beta1, step)]],
  ]);
};

const nadam: FusedUpdateRule = ({ optimizer, grad: g, variable: w, slots, lr, step }) => {
  const o = optimizer as Nadam;
  const { momentum: m, velocity: v } = slots;
  const mu = (t: number) => o.beta1 * (1 - 0.5 * Math.pow(0.96, t));
  const product = o.momentumProduct;
  const mScale = mu(step + 1) / (1 - product * mu(step + 1));
  const gScale = (1 - mu(step)) / (1 - product);
  const vScale = 1 - Math.pow(o.beta2, step);
  return runSteps(g, [
    [EASE, m, [g], [1 - o.beta1]],
    [EASE_SQUARE, v, [g], [1 - o.beta2]],
    [NADAM_PARAM, w, [g, m, v], [lr, o.epsilon, mScale, gScale, vScale]],
  ]);
};

const lion: FusedUpdateRule = ({ optimizer, grad: g, variable: w, slots, lr }) => {
  const o = optimizer as Lion;
  const m = slots.momentum;
  return runSteps(g, [
    [LION_PARAM, w, [g, m], [lr, o.beta1]],
    [MIX, m, [g], [o.beta2, 1 - o.beta2]],
  ]);
};

const adagrad: FusedUpdateRule = ({ optimizer, grad: g, variable: w, slots, lr }) => {
  const o = optimizer as Adagrad;
  const a = slots.accumulator;
  return runSteps(g, [
    [MIX_SQUARE, a, [g], [1, 1]],
    [ADAGRAD_PARAM, w, [g, a], [lr, o.epsilon]],
  ]);
};

const adadelta: FusedUpdateRule = ({ optimizer, grad: g, variable: w, slots, lr }) => {
  const o = optimizer as Adadelta;
  const { accumulatedGrad: a, accumulatedDeltaVar: d } = slots;
  return runSteps(g, [
    [MIX_SQUARE, a, [g], [o.rho, 1 - o.rho]],
    [ADADELTA_PARAM, w, [g, a, d], [lr, o.epsilon]], // reads Δ before the next pass updates it
    [ADADELTA_DELTA_VAR, d, [g, a], [o.rho, o.epsilon]],
  ]);
};

const rmsprop: FusedUpdateRule = ({ optimizer, grad: g, variable: w, slots, lr }) => {
  const o = optimizer as RMSprop;
  const v = slots.velocity;
  const steps: Step[] = [[MIX_SQUARE, v, [g], [o.rho, 1 - o.rho]]];
  const c = o.centered ? slots.averageGradient : null;
  if (c !== null) steps.push([MIX, c, [g], [o.rho, 1 - o.rho]]);
  const read = c === null ? [g, v] : [g, v, c];
  const which = c === null ? 0 : 1;
  if (o.momentum > 0) {
    const mom = slots.momentum;
    steps.push([RMSPROP_MOMENTUM[which], mom, read, [lr, o.epsilon, o.momentum]]);
    steps.push([SUBTRACT, w, [mom], []]);
  } else {
    steps.push([RMSPROP_PARAM[which], w, read, [lr, o.epsilon]]);
  }
  return runSteps(g, steps);
};

/**
 * Decoupled weight decay in place (the seam's `decayWeights`).
 *
 * @param variable The variable.
 * @param factor `weightDecay · learningRate`.
 * @returns `null` (declined: the plain version runs) when it cannot be done in place.
 */
export function webgpuDecayWeights(variable: tf.Variable, factor: number): void | null {
  const backend = webgpuBackend();
  if (backend === null || !canUpdateInPlace(backend, [variable], [])) return null;
  runPass(backend, DECAY, variable, [], [factor]);
}

/** The `webgpu` backend's fused rules, by rule name (the optimizers' `updateRule`). */
export const WEBGPU_UPDATE_RULES: Readonly<Record<string, FusedUpdateRule>> = Object.freeze({
  sgd,
  adam,
  adamax,
  nadam,
  lion,
  adagrad,
  adadelta,
  rmsprop,
});

/**
 * Registers the rules and `decayWeights` with the seam for the `webgpu`
 * backend; `backend/select.ts` calls it when that backend is first chosen.
 *
 * @example
 * ```ts
 * import { registerWebgpuFusedUpdates } from "./fused_updates.ts";
 * registerWebgpuFusedUpdates(); // takes effect while "webgpu" is the active backend
 * ```
 */
export function registerWebgpuFusedUpdates(): void {
  for (const [rule, update] of Object.entries(WEBGPU_UPDATE_RULES)) {
    registerFusedUpdateRule("webgpu", rule, update);
  }
  registerFusedOps("webgpu", { decayWeights: webgpuDecayWeights });
}
