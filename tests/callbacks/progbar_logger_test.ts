import assert from "node:assert/strict";
import { callbacks, tf } from "../../mod.ts";
import { linearData, tinyModel } from "./_helpers.ts";

type Step =
  | ["train"]
  | ["epochBegin", number, number]
  | ["batch", number, number, callbacks.Logs]
  | ["epochEnd", number, number, callbacks.Logs];

/** Drives a ProgbarLogger through hooks at fixed clock times; returns what it wrote. */
async function drive(
  options: { isTerminal: boolean; verbose: number; steps: number | null; epochs: number },
  script: Step[],
): Promise<string[]> {
  const out: string[] = [];
  let t = 0;
  const logger = new callbacks.ProgbarLogger({
    write: (text) => out.push(text),
    isTerminal: options.isTerminal,
    now: () => t,
  });
  logger.setParams({ epochs: options.epochs, steps: options.steps, verbose: options.verbose });
  for (const step of script) {
    if (step[0] === "train") await logger.onTrainBegin();
    if (step[0] === "epochBegin") {
      t = step[2];
      await logger.onEpochBegin(step[1]);
    }
    if (step[0] === "batch") {
      t = step[2];
      await logger.onTrainBatchEnd(step[1], step[3]);
    }
    if (step[0] === "epochEnd") {
      t = step[2];
      await logger.onEpochEnd(step[1], step[3]);
    }
  }
  return out;
}

// Two epochs of four batches; batches at t=120 and t=50001 come within 50 ms of a redraw.
// The ETA uses the time per step after the first step: (6000 - 100) / 2 ms at batch 2,
// (80000 - 50000) / 2 ms in epoch 2; the final line uses the epoch's mean time per step.
const script: Step[] = [
  ["train"],
  ["epochBegin", 0, 0],
  ["batch", 0, 100, { loss: 0.5 }],
  ["batch", 1, 120, { loss: 0.3 }],
  ["batch", 2, 6000, { loss: 0.25, accuracy: 0.8125 }],
  ["batch", 3, 6010, { loss: 0.2, accuracy: 0.75 }],
  ["epochEnd", 0, 6400, {
    learning_rate: 0.01,
    val_loss: 0.3,
    accuracy: 0.75,
    loss: 0.2,
    val_accuracy: 0.5,
  }],
  ["epochBegin", 1, 10000],
  ["batch", 0, 50000, { loss: 0.125 }],
  ["batch", 1, 50001, { loss: 0.125 }],
  ["batch", 2, 80000, { loss: 0.125 }],
  ["batch", 3, 81000, { loss: 0.0001234 }],
  ["epochEnd", 1, 83000, { loss: 0.0001234 }],
];

const backendLine = () => `kerno: training on backend "${tf.getBackend()}"\n`;
const final1 =
  "4/4 [==============================] - 6s 2s/step - loss: 0.2000 - accuracy: 0.7500" +
  " - val_loss: 0.3000 - val_accuracy: 0.5000 - learning_rate: 0.0100";
const final2 = "4/4 [==============================] - 73s 18s/step - loss: 1.2340e-04";

Deno.test("ProgbarLogger verbose 1 on a terminal redraws a throttled bar in place", async () => {
  const out = await drive({ isTerminal: true, verbose: 1, steps: 4, epochs: 2 }, script);
  assert.deepEqual(out, [
    backendLine(),
    "Epoch 1/2\n",
    "\r1/4 [======>.......................] - ETA: 0s - loss: 0.5000",
    // batch 1 (20 ms later) is skipped
    "\r3/4 [=====================>........] - ETA: 2s - loss: 0.2500 - accuracy: 0.8125",
    // the last batch is always drawn
    "\r4/4 [==============================] - ETA: 0s - loss: 0.2000 - accuracy: 0.7500",
    `\r${final1}\n`,
    "Epoch 2/2\n",
    "\r1/4 [======>.......................] - ETA: 2:00 - loss: 0.1250",
    // a shorter line is padded with spaces over the previous one
    "\r3/4 [=====================>........] - ETA: 15s - loss: 0.1250 ",
    "\r4/4 [==============================] - ETA: 0s - loss: 1.2340e-04",
    `\r${final2}\n`,
  ]);
});

Deno.test("ProgbarLogger verbose 1 off a terminal prints one plain line per epoch", async () => {
  const out = await drive({ isTerminal: false, verbose: 1, steps: 4, epochs: 2 }, script);
  assert.deepEqual(out, [
    backendLine(),
    "Epoch 1/2\n",
    `${final1}\n`,
    "Epoch 2/2\n",
    `${final2}\n`,
  ]);
});

Deno.test("ProgbarLogger verbose 2 prints one line per epoch with time and time per step", async () => {
  for (const isTerminal of [true, false]) {
    const out = await drive({ isTerminal, verbose: 2, steps: 4, epochs: 2 }, script);
    assert.deepEqual(out, [
      backendLine(),
      "Epoch 1/2\n",
      "4/4 - 6s - 2s/step - loss: 0.2000 - accuracy: 0.7500 - val_loss: 0.3000" +
      " - val_accuracy: 0.5000 - learning_rate: 0.0100\n",
      "Epoch 2/2\n",
      "4/4 - 73s - 18s/step - loss: 1.2340e-04\n",
    ]);
  }
});

Deno.test("ProgbarLogger verbose 0 prints nothing", async () => {
  const out = await drive({ isTerminal: true, verbose: 0, steps: 4, epochs: 2 }, script);
  assert.deepEqual(out, []);
});

Deno.test("ProgbarLogger counts batches when the number of steps is unknown", async () => {
  const out = await drive({ isTerminal: true, verbose: 1, steps: null, epochs: 1 }, [
    ["epochBegin", 0, 0],
    ["batch", 0, 100, { loss: 0.5 }],
    ["batch", 1, 400, { loss: 0.5 }],
    ["epochEnd", 0, 500, { loss: 0.5 }],
  ]);
  assert.deepEqual(out, [
    "\r      1/Unknown - 100ms 100ms/step - loss: 0.5000",
    "\r      2/Unknown - 400ms 200ms/step - loss: 0.5000",
    "\r2/2 [==============================] - 500ms 250ms/step - loss: 0.5000\n",
  ]);
});

Deno.test("ProgbarLogger pads the count to the width of the total and shows sub-millisecond steps", async () => {
  const out = await drive({ isTerminal: false, verbose: 2, steps: 120, epochs: 1 }, [
    ["epochBegin", 0, 0],
    ["batch", 119, 60, { loss: 1 }],
    ["epochEnd", 0, 60, { loss: 1 }],
  ]);
  assert.deepEqual(out, ["120/120 - 60ms - 500us/step - loss: 1.0000\n"]);
  const bar = await drive({ isTerminal: true, verbose: 1, steps: 120, epochs: 1 }, [
    ["epochBegin", 0, 0],
    ["batch", 8, 9000, { loss: 1 }],
  ]);
  // 9 of 120: floor(30 * 9 / 120) = 2 cells; ETA = 1 s/step * 111 steps = 1:51.
  assert.deepEqual(bar, ["\r  9/120 [=>............................] - ETA: 1:51 - loss: 1.0000"]);
});

Deno.test("formatValue follows Keras: four decimals, scientific below 1e-3", () => {
  assert.equal(callbacks.formatValue(0.40123), "0.4012");
  assert.equal(callbacks.formatValue(12.5), "12.5000");
  assert.equal(callbacks.formatValue(0), "0.0000");
  assert.equal(callbacks.formatValue(-0.0001234), "-1.2340e-04");
  assert.equal(callbacks.formatValue(1.5e-12), "1.5000e-12");
  assert.equal(callbacks.formatValue(NaN), "NaN");
  assert.equal(
    callbacks.formatLogs({ val_loss: 1, loss: 2 }),
    " - loss: 2.0000 - val_loss: 1.0000",
  );
});

Deno.test("ProgbarLogger given to fit replaces the default logger", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  const out: string[] = [];
  const logger = new callbacks.ProgbarLogger({ write: (t) => out.push(t), isTerminal: false });
  await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 2, callbacks: [logger] });
  assert.equal(out.length, 5);
  assert.equal(out[0], backendLine());
  assert.equal(out[1], "Epoch 1/2\n");
  assert.match(
    out[2],
    /^4\/4 - \d+m?s - \d+(s|ms|us)\/step - loss: \d+\.\d{4} - learning_rate: 0\.0100\n$/,
  );
  assert.equal(out[3], "Epoch 2/2\n");
  model.dispose();
});

Deno.test("ProgbarLogger rejects bad options", () => {
  assert.throws(
    () => new callbacks.ProgbarLogger({ interval: -1 }),
    (e: Error) => e instanceof RangeError && /"interval" must be a number/.test(e.message),
  );
  assert.throws(
    () => new callbacks.ProgbarLogger({ width: 0 }),
    (e: Error) => e instanceof RangeError && /"width" must be a positive integer/.test(e.message),
  );
});
