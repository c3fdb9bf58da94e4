/**
 * `ProgbarLogger`: what `fit` prints at `verbose` 1 (a progress bar) and 2
 * (one line per epoch).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { Callback, type Logs } from "./callback.ts";
import { positiveInt } from "../engine/validate.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * Formats a logged number as Keras does: four decimals, or scientific
 * notation (two-digit exponent) when its magnitude is below 1e-3.
 *
 * @param value The number.
 * @returns The text, e.g. `"0.4012"` or `"1.2340e-04"`.
 */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs === 0 || abs >= 1e-3) return value.toFixed(4);
  return value.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
}

/**
 * Formats logs as ` - key: value` pairs: `loss`, the metrics, `val_loss`,
 * the validation metrics, then `learning_rate` (stable within each group).
 *
 * @param logs The logs.
 * @returns The text, starting with `" - "` (empty for no logs).
 */
export function formatLogs(logs: Logs): string {
  const keys = Object.keys(logs).sort((a, b) => rank(a) - rank(b));
  return keys.map((k) => ` - ${k}: ${formatValue(logs[k])}`).join("");
}

function rank(key: string): number {
  if (key === "loss") return 0;
  if (key === "learning_rate") return 4;
  if (key === "val_loss") return 2;
  return key.startsWith("val_") ? 3 : 1;
}

/** Where the logger writes; replace it in tests. */
export type Writer = (text: string) => void;

/** Options of `ProgbarLogger`; the defaults print to the real terminal. */
export interface ProgbarLoggerOptions {
  /** Where to print. @default writes to standard output */
  write?: Writer;
  /** Redraw the bar in place (`\r`); otherwise print one line per epoch. @default Deno.stdout.isTerminal() */
  isTerminal?: boolean;
  /** The clock, in milliseconds. @default performance.now */
  now?: () => number;
  /** The least time between two redraws of the bar, in milliseconds. @default 50 */
  interval?: number;
  /** Characters between the bar's brackets. @default 30 */
  width?: number;
}

const encoder = new TextEncoder();
const stdoutWriter: Writer = (text) => {
  Deno.stdout.writeSync(encoder.encode(text));
};

/**
 * The training display. It reads `verbose` from the run's params:
 *
 * - 1 on a terminal: `12/50 [=======>......................] - ETA: 3s - loss: 0.4012`,
 *   redrawn in place at most every `interval` ms and on the last batch,
 *   then finished with the epoch's time, time per step and validation logs;
 * - 1 elsewhere: the finished bar line only, once per epoch;
 * - 2: `50/50 - 1s - 20ms/step - loss: 0.4012 - val_loss: 0.4410`, once per epoch;
 * - 0: nothing.
 *
 * `Epoch i/n` heads each epoch when `n > 1`, and the first line names the
 * tensor backend. `fit` adds one unless `callbacks` already holds one.
 *
 * @example
 * ```ts
 * import { callbacks } from "../mod.ts";
 * const lines: string[] = [];
 * const logger = new callbacks.ProgbarLogger({ write: (t) => lines.push(t), isTerminal: false });
 * logger.setParams({ epochs: 1, steps: 2, verbose: 2 });
 * ```
 */
export class ProgbarLogger extends Callback {
  readonly #write: Writer;
  readonly #now: () => number;
  readonly #interval: number;
  readonly #width: number;
  readonly #isTerminal: boolean;
  #epochStart = 0;
  #lastDraw = -Infinity;
  #lastWidth = 0;
  #seen = 0;
  #firstStepEnd: number | null = null;

  /** The keys of {@link ProgbarLoggerOptions}. */
  static optionKeys: readonly string[] = [
    "write",
    "isTerminal",
    "now",
    "interval",
    "width",
  ] satisfies (keyof ProgbarLoggerOptions)[];

  /**
   * Sets where and how to print.
   *
   * @param options See `ProgbarLoggerOptions`.
   */
  constructor(options: ProgbarLoggerOptions = {}) {
    checkClassOptions(`create ${new.target.name}`, new.target, options);
    super();
    const { interval = 50, width = 30 } = options;
    if (typeof interval !== "number" || !(interval >= 0)) {
      throw new RangeError(
        `Cannot create ProgbarLogger as "interval" must be a number of milliseconds >= 0: received ${interval}`,
      );
    }
    positiveInt("create ProgbarLogger", "width", width);
    this.#write = options.write ?? stdoutWriter;
    this.#isTerminal = options.isTerminal ?? Deno.stdout.isTerminal();
    this.#now = options.now ?? (() => performance.now());
    this.#interval = interval;
    this.#width = width;
  }

  /** Names the tensor backend (verbose >= 1). */
  override onTrainBegin(): Promise<void> {
    if (this.params.verbose > 0) {
      this.#write(`kerno: training on backend "${tf.getBackend()}"\n`);
    }
    return Promise.resolve();
  }

  /** Starts the epoch's clock and prints `Epoch i/n` when there are several epochs. */
  override onEpochBegin(epoch: number): Promise<void> {
    this.#epochStart = this.#now();
    this.#lastDraw = -Infinity;
    this.#lastWidth = 0;
    this.#seen = 0;
    this.#firstStepEnd = null;
    if (this.params.verbose > 0 && this.params.epochs > 1) {
      this.#write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
    }
    return Promise.resolve();
  }

  /** Redraws the bar (verbose 1 on a terminal), at most every `interval` ms and on the last batch. */
  override onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    this.#seen = batch + 1;
    if (this.params.verbose !== 1 || !this.#isTerminal) return Promise.resolve();
    const now = this.#now();
    if (this.#seen === 1) this.#firstStepEnd = now;
    const target = this.params.steps;
    if (now - this.#lastDraw < this.#interval && this.#seen !== target) return Promise.resolve();
    this.#lastDraw = now;
    const elapsed = now - this.#epochStart;
    // Like Keras, the ETA leaves out the first step, which includes warm-up work.
    const perStep = this.#firstStepEnd !== null && this.#seen > 1
      ? (now - this.#firstStepEnd) / (this.#seen - 1)
      : elapsed / this.#seen;
    const line = target === null
      ? `${String(this.#seen).padStart(7)}/Unknown - ${duration(elapsed)} ${
        stepTime(elapsed / this.#seen)
      }${formatLogs(logs)}`
      : `${this.#bar(this.#seen, target)} - ETA: ${eta((perStep * (target - this.#seen)) / 1000)}${
        formatLogs(logs)
      }`;
    this.#redraw(line, "");
    return Promise.resolve();
  }

  /** Prints the epoch's final line with its time, time per step and logs. */
  override onEpochEnd(_epoch: number, logs: Logs = {}): Promise<void> {
    const verbose = this.params.verbose;
    if (verbose === 0) return Promise.resolve();
    const elapsed = this.#now() - this.#epochStart;
    const seen = this.#seen;
    const target = this.params.steps ?? seen;
    const perStep = stepTime(seen > 0 ? elapsed / seen : 0);
    const count = `${String(seen).padStart(String(target).length)}/${target}`;
    if (verbose === 2) {
      this.#write(`${count} - ${duration(elapsed)} - ${perStep}${formatLogs(logs)}\n`);
    } else {
      const line = `${this.#bar(seen, target)} - ${duration(elapsed)} ${perStep}${
        formatLogs(logs)
      }`;
      if (this.#isTerminal) this.#redraw(line, "\n");
      else this.#write(`${line}\n`);
    }
    return Promise.resolve();
  }

  /** `12/50 [=====>......]`: the count, padded to the target's width, and the bar. */
  #bar(current: number, target: number): string {
    const digits = String(target).length;
    const filled = target > 0 ? Math.floor((this.#width * Math.min(current, target)) / target) : 0;
    let bar = "";
    if (filled > 0) bar = "=".repeat(filled - 1) + (current < target ? ">" : "=");
    bar += ".".repeat(this.#width - filled);
    return `${String(current).padStart(digits)}/${target} [${bar}]`;
  }

  /** Rewrites the current terminal line, blanking what the previous one left. */
  #redraw(line: string, end: string): void {
    const pad = " ".repeat(Math.max(0, this.#lastWidth - line.length));
    this.#lastWidth = line.length;
    this.#write(`\r${line}${pad}${end}`);
  }
}

/** `850ms`, `3s`: an elapsed time, in ms below a second. */
function duration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms)}ms`;
}

/** `2s/step`, `20ms/step`, `350us/step`. */
function stepTime(ms: number): string {
  if (ms >= 1000) return `${Math.round(ms / 1000)}s/step`;
  if (ms >= 1) return `${Math.round(ms)}ms/step`;
  return `${Math.round(ms * 1000)}us/step`;
}

/** `1:02:03`, `4:05`, `7s`: time left, whole seconds truncated. */
function eta(seconds: number): string {
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, "0");
  if (seconds > 3600) {
    return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  }
  if (seconds > 60) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${s}s`;
}
