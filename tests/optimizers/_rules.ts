/**
 * The update rules in plain JavaScript numbers, written from the equations
 * (the lesson's slides where they have one, Keras 3's docs otherwise). Each
 * returns a `RefRule` with its own state.
 */
import { type RefRule, slotStore } from "./_harness.ts";

export function sgdRule(momentum = 0, nesterov = false): RefRule {
  const slot = slotStore();
  return (i, w, g, lr) => {
    const v = slot(i, "velocity", w.length);
    w.forEach((_, j) => {
      if (momentum === 0) {
        w[j] -= lr * g[j];
        return;
      }
      v[j] = momentum * v[j] - lr * g[j];
      w[j] += nesterov ? momentum * v[j] - lr * g[j] : v[j];
    });
  };
}

export function adagradRule(initial = 0.1, eps = 1e-7): RefRule {
  const slot = slotStore({ G: initial });
  return (i, w, g, lr) => {
    const G = slot(i, "G", w.length);
    w.forEach((_, j) => {
      G[j] += g[j] * g[j];
      w[j] -= (lr / Math.sqrt(G[j] + eps)) * g[j];
    });
  };
}

export function adadeltaRule(rho = 0.95, eps = 1e-7): RefRule {
  const slot = slotStore();
  return (i, w, g, lr) => {
    const Eg = slot(i, "Eg2", w.length);
    const Ed = slot(i, "Edx2", w.length);
    w.forEach((_, j) => {
      Eg[j] = rho * Eg[j] + (1 - rho) * g[j] * g[j];
      const dx = -(Math.sqrt(Ed[j] + eps) / Math.sqrt(Eg[j] + eps)) * g[j];
      Ed[j] = rho * Ed[j] + (1 - rho) * dx * dx;
      w[j] += lr * dx;
    });
  };
}

export function rmspropRule(rho = 0.9, momentum = 0, eps = 1e-7, centered = false): RefRule {
  const slot = slotStore();
  return (i, w, g, lr) => {
    const Eg2 = slot(i, "Eg2", w.length);
    const Eg = slot(i, "Eg", w.length);
    const mom = slot(i, "mom", w.length);
    w.forEach((_, j) => {
      Eg2[j] = rho * Eg2[j] + (1 - rho) * g[j] * g[j];
      Eg[j] = rho * Eg[j] + (1 - rho) * g[j];
      const variance = centered ? Eg2[j] - Eg[j] * Eg[j] : Eg2[j];
      const step = (lr / Math.sqrt(variance + eps)) * g[j];
      mom[j] = momentum * mom[j] + step;
      w[j] -= momentum > 0 ? mom[j] : step;
    });
  };
}

/**
 * Adam as the slide writes it (bias-corrected m̂, v̂), with the slide's ε = ε̂ / sqrt(1 − β₂ᵗ)
 * in the denominator: the equivalence `adam.ts` states.
 */
export function adamRule(b1 = 0.9, b2 = 0.999, eps = 1e-7, amsgrad = false): RefRule {
  const slot = slotStore();
  return (i, w, g, lr, t) => {
    const m = slot(i, "m", w.length);
    const v = slot(i, "v", w.length);
    const vmax = slot(i, "vmax", w.length);
    w.forEach((_, j) => {
      m[j] = b1 * m[j] + (1 - b1) * g[j];
      v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
      vmax[j] = Math.max(vmax[j], v[j]);
      const mHat = m[j] / (1 - b1 ** t);
      const vHat = (amsgrad ? vmax[j] : v[j]) / (1 - b2 ** t);
      const epsSlide = eps / Math.sqrt(1 - b2 ** t);
      w[j] -= (lr * mHat) / (Math.sqrt(vHat) + epsSlide);
    });
  };
}

export function adamaxRule(b1 = 0.9, b2 = 0.999, eps = 1e-7): RefRule {
  const slot = slotStore();
  return (i, w, g, lr, t) => {
    const m = slot(i, "m", w.length);
    const u = slot(i, "u", w.length);
    w.forEach((_, j) => {
      m[j] = b1 * m[j] + (1 - b1) * g[j];
      u[j] = Math.max(b2 * u[j], Math.abs(g[j]));
      w[j] -= (lr / (1 - b1 ** t)) * (m[j] / (u[j] + eps));
    });
  };
}

/** Dozat's Nadam with Keras's momentum schedule μ_t = β₁(1 − 0.5·0.96ᵗ). */
export function nadamRule(b1 = 0.9, b2 = 0.999, eps = 1e-7): RefRule {
  const slot = slotStore();
  const mu = (t: number) => b1 * (1 - 0.5 * 0.96 ** t);
  const product = (t: number) => {
    let p = 1;
    for (let s = 1; s <= t; s++) p *= mu(s);
    return p;
  };
  return (i, w, g, lr, t) => {
    const m = slot(i, "m", w.length);
    const v = slot(i, "v", w.length);
    w.forEach((_, j) => {
      m[j] = b1 * m[j] + (1 - b1) * g[j];
      v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
      const mHat = (mu(t + 1) * m[j]) / (1 - product(t + 1)) +
        ((1 - mu(t)) * g[j]) / (1 - product(t));
      const vHat = v[j] / (1 - b2 ** t);
      w[j] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    });
  };
}

export function lionRule(b1 = 0.9, b2 = 0.99): RefRule {
  const slot = slotStore();
  return (i, w, g, lr) => {
    const m = slot(i, "m", w.length);
    w.forEach((_, j) => {
      const c = b1 * m[j] + (1 - b1) * g[j];
      w[j] -= lr * Math.sign(c);
      m[j] = b2 * m[j] + (1 - b2) * g[j];
    });
  };
}
