/**
 * `Dataset.map(fn, { numParallelCalls })` with more than one call: the
 * function's source text becomes a small worker module, run by a pool of
 * Web Workers; elements go there and back by structured clone, and come out
 * in their input order.
 *
 * The rule for such a function: it is a pure function of plain data. It
 * sees only its argument — no variable from around it, no import — since
 * only its text travels. One that reaches for a variable fails there with a
 * `ReferenceError`, reported with that rule.
 *
 * @module
 */
import { type Pipe, refuseSync } from "./_dataset_pipe.ts";
import { describeValue, holdsTensors } from "./_dataset_structure.ts";

/** A function of plain data, as `map` takes it. */
export type PlainFunction = (element: never) => unknown;

/**
 * A stage that maps elements in `workers` Web Workers, keeping `2 × workers`
 * elements in flight.
 *
 * @param up The upstream pipe.
 * @param fn The function (its source text is what runs).
 * @param workers How many workers.
 * @returns The pipe; always asynchronous.
 */
export function parallelMapPipe(up: Pipe, fn: PlainFunction, workers: number): Pipe {
  const source = workerModule(fn);
  return {
    asyncReason: "a map running in Web Workers",
    cardinality: up.cardinality,
    open: refuseSync("its map runs in Web Workers (numParallelCalls > 1)"),
    async *openAsync() {
      const pool = new WorkerPool(source, workers);
      const it = up.openAsync();
      const inFlight: Promise<unknown>[] = [];
      try {
        let ended = false;
        while (true) {
          while (!ended && inFlight.length < 2 * workers) {
            const r = await it.next();
            if (r.done) {
              ended = true;
              break;
            }
            if (holdsTensors(r.value)) {
              throw new TypeError(
                `Cannot map a Dataset in Web Workers as its elements hold tensors (${
                  describeValue(r.value)
                }): map plain data (numbers, strings, arrays, typed arrays, records) before batch, or use numParallelCalls: 1`,
              );
            }
            const task = pool.run(r.value);
            task.catch(() => {}); // awaited in order below
            inFlight.push(task);
          }
          if (inFlight.length === 0) return;
          yield await inFlight.shift()!;
        }
      } finally {
        pool.terminate();
        await it.return();
      }
    },
  };
}

/** The worker module's text: the function, and a message loop around it. */
function workerModule(fn: PlainFunction): string {
  const text = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(text)) {
    throw new TypeError(
      `Cannot map a Dataset in Web Workers as the function is native or bound (${
        fn.name || "anonymous"
      }): its source cannot travel; pass an arrow function or a function expression`,
    );
  }
  const expression = /^(async\s+)?(function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(text)
    ? text
    : `function ${text.replace(/^async\s+/, "")}`; // a method's shorthand text
  return `const fn = (${expression});
self.onmessage = async (event) => {
  const { id, element } = event.data;
  try {
    self.postMessage({ id, ok: true, value: await fn(element) });
  } catch (e) {
    self.postMessage({ id, ok: false, name: e?.name ?? "Error", message: String(e?.message ?? e) });
  }
};
`;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  name?: string;
  message?: string;
}

/** Workers taking tasks in turn; each answers its tasks in order. */
class WorkerPool {
  readonly #workers: Worker[];
  readonly #url: string;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #next = 0;

  constructor(source: string, count: number) {
    this.#url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    this.#workers = Array.from({ length: count }, () => {
      const w = new Worker(this.#url, { type: "module" });
      w.onmessage = (event: MessageEvent<Reply>) => this.#settle(event.data);
      w.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        this.#failAll(`the function did not load there: ${event.message}`);
      };
      return w;
    });
  }

  run(element: unknown): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#workers[id % this.#workers.length].postMessage({ id, element });
    });
  }

  #settle(reply: Reply): void {
    const task = this.#pending.get(reply.id);
    if (!task) return;
    this.#pending.delete(reply.id);
    if (reply.ok) task.resolve(reply.value);
    else task.reject(failure(`${reply.name}: ${reply.message}`, reply.name === "ReferenceError"));
  }

  #failAll(message: string): void {
    for (const task of this.#pending.values()) task.reject(failure(message, true));
    this.#pending.clear();
  }

  terminate(): void {
    for (const w of this.#workers) w.terminate();
    URL.revokeObjectURL(this.#url);
    this.#failAll("the pass ended");
  }
}

function failure(message: string, hint: boolean): Error {
  return new TypeError(
    `Cannot map a Dataset in Web Workers as the function failed there: ${message}${
      hint
        ? ". A function run in workers (numParallelCalls > 1) sees only its argument: no variables from around it, no imports; use numParallelCalls: 1 for one that needs them"
        : ""
    }`,
  );
}
