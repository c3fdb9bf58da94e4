/**
 * `ProgbarLogger`: what `fit` prints at `verbose` 1 and 2.
 *
 * @module
 */
import { Callback, type Logs } from "./callback.ts";

/** Formats a logged number as Keras does: four decimals, or scientific when tiny. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e7) ? value.toExponential(4) : value.toFixed(4);
}

/** Formats logs as ` - key: value` pairs, `loss` first. */
export function formatLogs(logs: Logs): string {
  const keys = Object.keys(logs).sort((a, b) => rank(a) - rank(b) || 0);
  return keys.map((k) => ` - ${k}: ${formatValue(logs[k])}`).join("");
}

function rank(key: string): number {
  if (key === "loss") return 0;
  if (key === "val_loss") return 2;
  return key.startsWith("val_") ? 3 : key === "learning_rate" ? 4 : 1;
}

/** Where the logger writes; replace it in tests. */
export type Writer = (text: string) => void;

const encoder = new TextEncoder();
const stdoutWriter: Writer = (text) => {
  Deno.stdout.writeSync(encoder.encode(text));
};

/** Prints one line per epoch: steps, time, ms/step and the logs. */
export class ProgbarLogger extends Callback {
  readonly #write: Writer;
  #epochStart = 0;
  #steps = 0;

  /** @param write Where to print. @default standard output */
  constructor(write: Writer = stdoutWriter) {
    super();
    this.#write = write;
  }

  override onEpochBegin(epoch: number): Promise<void> {
    this.#epochStart = performance.now();
    this.#steps = 0;
    this.#write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
    return Promise.resolve();
  }

  override onTrainBatchEnd(batch: number): Promise<void> {
    this.#steps = batch + 1;
    return Promise.resolve();
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): Promise<void> {
    const ms = performance.now() - this.#epochStart;
    const steps = this.params.steps ?? this.#steps;
    const perStep = steps > 0 ? ms / steps : 0;
    const time = ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms)}ms`;
    const step = perStep >= 1
      ? `${Math.round(perStep)}ms/step`
      : `${Math.round(perStep * 1000)}us/step`;
    this.#write(`${steps}/${steps} - ${time} - ${step}${formatLogs(logs)}\n`);
    return Promise.resolve();
  }
}
