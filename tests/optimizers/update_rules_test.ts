/**
 * Each optimizer, and each of its options, for 3 steps on the harness's tiny
 * quadratic, against the rule computed by hand in plain numbers (1e-6 relative).
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  Lion,
  Nadam,
  RMSprop,
  SGD,
} from "../../optimizers/mod.ts";
import {
  assertClose,
  compareWithReference,
  makeVariable,
  quadraticGrad,
  Reference,
  START,
} from "./_harness.ts";
import {
  adadeltaRule,
  adagradRule,
  adamaxRule,
  adamRule,
  lionRule,
  nadamRule,
  rmspropRule,
  sgdRule,
} from "./_rules.ts";

function leakFree(fn: () => void): () => void {
  return () => {
    const before = tf.memory().numTensors;
    fn();
    assert.equal(tf.memory().numTensors, before);
  };
}

Deno.test(
  "SGD plain step matches θ = θ − η∇J",
  leakFree(() => {
    compareWithReference(new SGD({ learningRate: 0.1 }), sgdRule(), { lr: 0.1 });
  }),
);

Deno.test(
  "SGD momentum matches v = γv − ηg; θ = θ + v",
  leakFree(() => {
    compareWithReference(new SGD({ learningRate: 0.1, momentum: 0.9 }), sgdRule(0.9), { lr: 0.1 });
  }),
);

Deno.test(
  "SGD nesterov matches Keras's reformulated rule",
  leakFree(() => {
    const opt = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
    compareWithReference(opt, sgdRule(0.9, true), { lr: 0.1 });
  }),
);

Deno.test(
  "SGD nesterov visits the slide's look-ahead points θ − γv",
  leakFree(() => {
    // Slide: v = γv + η∇J(θ − γv); θ = θ − v. The variable must equal θ − γv.
    const gamma = 0.9, eta = 0.05;
    const theta = START.map((p) => [...p]);
    const v = START.map((p) => p.map(() => 0));
    const variables = START.map((p) => makeVariable(p));
    const opt = new SGD({ learningRate: eta, momentum: gamma, nesterov: true });
    for (let step = 0; step < 5; step++) {
      const look = theta.map((p, i) => p.map((x, j) => x - gamma * v[i][j]));
      const g = quadraticGrad(look, step);
      const tensors = g.map((x) => tf.tensor(x));
      opt.applyGradients(tensors, variables);
      tf.dispose(tensors);
      theta.forEach((p, i) =>
        p.forEach((_, j) => {
          v[i][j] = gamma * v[i][j] + eta * g[i][j];
          p[j] -= v[i][j];
        })
      );
      const lookAfter = theta.map((p, i) => p.map((x, j) => x - gamma * v[i][j]));
      variables.forEach((w, i) => assertClose(w.dataSync(), lookAfter[i], 1e-6, `step ${step}`));
    }
    opt.dispose();
    tf.dispose(variables);
  }),
);

Deno.test(
  "Adagrad matches θ −= η g / sqrt(G + ε) with G starting at 0.1",
  leakFree(() => {
    compareWithReference(new Adagrad({ learningRate: 0.1 }), adagradRule(), { lr: 0.1 });
    const zero = new Adagrad({ learningRate: 0.1, initialAccumulatorValue: 0, epsilon: 1e-3 });
    compareWithReference(zero, adagradRule(0, 1e-3), { lr: 0.1 });
  }),
);

Deno.test(
  "Adadelta matches Δθ = −RMS[Δθ]/RMS[g] g scaled by lr",
  leakFree(() => {
    compareWithReference(new Adadelta({ learningRate: 1 }), adadeltaRule(), { lr: 1 });
    compareWithReference(
      new Adadelta({ learningRate: 0.5, rho: 0.8, epsilon: 1e-4 }),
      adadeltaRule(0.8, 1e-4),
      { lr: 0.5 },
    );
  }),
);

Deno.test(
  "RMSprop matches E[g²] = ρE + (1−ρ)g²; θ −= η g / sqrt(E + ε)",
  leakFree(() => {
    compareWithReference(new RMSprop({ learningRate: 0.01 }), rmspropRule(), { lr: 0.01 });
  }),
);

Deno.test(
  "RMSprop momentum, centered, and both match the rule",
  leakFree(() => {
    const lr = 0.01;
    compareWithReference(new RMSprop({ learningRate: lr, momentum: 0.5 }), rmspropRule(0.9, 0.5), {
      lr,
    });
    compareWithReference(
      new RMSprop({ learningRate: lr, centered: true }),
      rmspropRule(0.9, 0, 1e-7, true),
      { lr },
    );
    compareWithReference(
      new RMSprop({ learningRate: lr, rho: 0.8, momentum: 0.7, centered: true }),
      rmspropRule(0.8, 0.7, 1e-7, true),
      { lr },
    );
  }),
);

Deno.test(
  "Adam matches the slide's bias-corrected rule with ε̂",
  leakFree(() => {
    compareWithReference(new Adam({ learningRate: 0.1 }), adamRule(), { lr: 0.1 });
    compareWithReference(
      new Adam({ learningRate: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }),
      adamRule(0.5, 0.9, 1e-3),
      { lr: 0.05 },
    );
  }),
);

Deno.test(
  "Adam amsgrad uses the running maximum of v",
  leakFree(() => {
    // Gradients shrink 100x after the first call, so v falls and the maximum matters.
    const shrink = (call: number) => (call === 0 ? 1 : 0.01);
    const rule = adamRule(0.9, 0.999, 1e-7, true);
    compareWithReference(
      new Adam({ learningRate: 0.1, amsgrad: true }),
      rule,
      { lr: 0.1 },
      3,
      shrink,
    );
    // The inputs discriminate: plain Adam's rule ends elsewhere.
    const run = (amsgrad: boolean) => {
      const params = START.map((p) => [...p]);
      const ref = new Reference(adamRule(0.9, 0.5, 1e-7, amsgrad), { lr: 0.1 });
      for (let c = 0; c < 3; c++) ref.step(params, quadraticGrad(params, c, shrink));
      return params[0][0];
    };
    assert.ok(Math.abs(run(true) - run(false)) > 1e-3);
  }),
);

Deno.test(
  "Adamax matches m/(1−β₁ᵗ) / max(β₂u, |g|)",
  leakFree(() => {
    compareWithReference(new Adamax({ learningRate: 0.1 }), adamaxRule(), { lr: 0.1 });
  }),
);

Deno.test(
  "Nadam matches Dozat's rule with Keras's momentum schedule",
  leakFree(() => {
    compareWithReference(new Nadam({ learningRate: 0.1 }), nadamRule(), { lr: 0.1 }, 4);
  }),
);

Deno.test(
  "AdamW is Adam after decoupled decay w −= w·wd·lr",
  leakFree(() => {
    compareWithReference(new AdamW({ learningRate: 0.1, weightDecay: 0.05 }), adamRule(), {
      lr: 0.1,
      weightDecay: 0.05,
    });
    compareWithReference(new AdamW({ learningRate: 0.1 }), adamRule(), {
      lr: 0.1,
      weightDecay: 0.004,
    });
  }),
);

Deno.test(
  "Lion matches θ −= η sign(β₁m + (1−β₁)g); m = β₂m + (1−β₂)g",
  leakFree(() => {
    compareWithReference(new Lion({ learningRate: 0.05 }), lionRule(), { lr: 0.05 });
  }),
);
