/**
 * Small deterministic fits shared by the callback tests.
 *
 * @module
 */
import { callbacks, layers, optimizers, Sequential, setSeed } from "../../mod.ts";

/** A compiled `Dense(1)` on 2 inputs, SGD at `learningRate`, MSE loss. */
export function tinyModel(learningRate = 0.01, metrics: string[] = []): Sequential {
  setSeed(7);
  const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
  model.compile({ optimizer: new optimizers.SGD({ learningRate }), loss: "mse", metrics });
  return model;
}

/** 8 samples of a linear target `y = x0 - 2 x1`, as nested arrays. */
export function linearData(n = 8): { x: number[][]; y: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = (i % 4) / 4;
    const b = Math.floor(i / 4) / 2;
    x.push([a, b]);
    y.push([a - 2 * b]);
  }
  return { x, y };
}

/**
 * A callback, placed before the one under test, that overwrites a logged key
 * with a fixed value per epoch (Keras callbacks share one logs object).
 */
export function injectLogs(key: string, values: number[]): callbacks.LambdaCallback {
  return new callbacks.LambdaCallback({
    onEpochEnd: (epoch, logs) => {
      logs[key] = values[epoch];
    },
  });
}

/** The weights' values as plain arrays. */
export function weightValues(model: Sequential): number[][] {
  return model.weights.map((w) => Array.from(w.dataSync()));
}
