import assert from "node:assert/strict";
import { callbacks } from "../../mod.ts";
import { injectLogs, linearData, tinyModel } from "./_helpers.ts";

function withModel(monitor: string, metrics: string[], mode: callbacks.MonitorMode = "auto") {
  const model = tinyModel(0.01, metrics);
  const cb = new callbacks.MonitorCallback({ monitor, mode });
  cb.setModel(model);
  return { model, cb };
}

Deno.test("MonitorCallback mode auto minimises loss and val_loss", () => {
  for (const monitor of ["loss", "val_loss"]) {
    const { model, cb } = withModel(monitor, []);
    assert.equal(cb.direction, "min");
    model.dispose();
  }
});

Deno.test("MonitorCallback mode auto takes the compiled metric's direction, val_ included", async () => {
  const model = tinyModel(0.01, ["accuracy", "mae"]);
  const { x, y } = linearData();
  await model.fit(x, y, { epochs: 1, verbose: 0 }); // builds the metrics
  const direction = (monitor: string) => {
    const cb = new callbacks.MonitorCallback({ monitor });
    cb.setModel(model);
    return cb.direction;
  };
  assert.equal(direction("accuracy"), "max");
  assert.equal(direction("val_accuracy"), "max");
  assert.equal(direction("val_mae"), "min");
  assert.throws(
    () => direction("val_f1"),
    (e: Error) =>
      e instanceof TypeError && /no compiled metric is named "f1".*mode: "min"/.test(e.message),
  );
  model.dispose();
});

Deno.test("MonitorCallback mode min/max override the metric's direction", () => {
  const { model, cb } = withModel("loss", [], "max");
  assert.equal(cb.direction, "max");
  model.dispose();
});

Deno.test("MonitorCallback isImprovement applies minDelta in the right direction", () => {
  const min = new callbacks.MonitorCallback({ monitor: "loss", mode: "min", minDelta: 0.5 });
  assert.equal(min.isImprovement(1, null), true);
  assert.equal(min.isImprovement(1.4, 2), true);
  assert.equal(min.isImprovement(1.5, 2), false); // needs to beat 2 by more than 0.5
  assert.equal(min.isImprovement(3, 2), false);
  const max = new callbacks.MonitorCallback({ monitor: "acc", mode: "max", minDelta: 0.1 });
  assert.equal(max.isImprovement(0.75, 0.6), true);
  assert.equal(max.isImprovement(0.65, 0.6), false);
  assert.equal(max.isImprovement(0.5, 0.6), false);
});

Deno.test("MonitorCallback warns once, listing the available keys, when the monitored key is missing", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (message: string) => warnings.push(message);
  try {
    const stop = new callbacks.EarlyStopping({ monitor: "val_loss", patience: 0 });
    const history = await model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [stop] });
    assert.equal(history.epoch.length, 3); // nothing to watch: training runs on
  } finally {
    console.warn = original;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /EarlyStopping watches "val_loss", which is not logged/);
  assert.match(warnings[0], /available keys: loss, learning_rate/);
  model.dispose();
});

Deno.test("MonitorCallback reads the monitored value from shared logs", async () => {
  const model = tinyModel();
  const { x, y } = linearData();
  const seen: (number | null)[] = [];
  class Probe extends callbacks.MonitorCallback {
    override onEpochEnd(_epoch: number, logs: callbacks.Logs = {}): Promise<void> {
      seen.push(this.getMonitorValue(logs));
      return Promise.resolve();
    }
  }
  await model.fit(x, y, {
    epochs: 2,
    verbose: 0,
    callbacks: [injectLogs("score", [7, 8]), new Probe({ monitor: "score", mode: "max" })],
  });
  assert.deepEqual(seen, [7, 8]);
  model.dispose();
});
