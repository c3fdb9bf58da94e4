import assert from "node:assert/strict";
import type { tf } from "../../engine/tf.ts";
import { Metric } from "../../metrics/mod.ts";

/** A Keras-style subclass: `super().__init__(name=..., dtype=...)` becomes `super({ name, dtype })`. */
class CatCount extends Metric {
  #count = 0;
  constructor(options: { name?: string } = {}) {
    super({ name: options.name ?? "cat_count", dtype: "float32" });
  }
  updateState(_yTrue: tf.Tensor | number, yPred?: tf.Tensor | number): void {
    this.#count += typeof yPred === "number" ? yPred : 0;
  }
  result(): number {
    return this.#count;
  }
  resetState(): void {
    this.#count = 0;
  }
}

class MyAccuracyLike extends Metric {
  override readonly direction = "max";
  constructor() {
    super();
  }
  updateState(): void {}
  result(): number {
    return 0;
  }
  resetState(): void {}
}

class Unnamed extends Metric {
  updateState(): void {}
  result(): number {
    return 0;
  }
  resetState(): void {}
}

Deno.test("Metric takes Keras's options object { name, dtype }", () => {
  const m = new CatCount();
  assert.equal(m.name, "cat_count");
  assert.equal(m.dtype, "float32");
  assert.equal(m.direction, "min");
  m.updateState(0, 3);
  assert.equal(m.result(), 3);
  assert.deepEqual(m.getConfig().name, "cat_count");
  assert.equal(new CatCount({ name: "cats" }).name, "cats");
});

Deno.test("Metric without a name is named after its class in snake_case", () => {
  assert.equal(new Unnamed().name, "unnamed");
  assert.equal(new MyAccuracyLike().name, "my_accuracy_like");
  // the name decides the default direction as MeanMetricWrapper does: "acc" means max
  assert.equal(new Unnamed().direction, "min");
});

Deno.test("Metric direction: an option, the second argument, or a subclass field", () => {
  class Up extends Unnamed {
    constructor() {
      super({ name: "up", direction: "max" });
    }
  }
  class Positional extends Unnamed {
    constructor() {
      super("positional", "max");
    }
  }
  assert.equal(new Up().direction, "max");
  assert.equal(new Positional().name, "positional");
  assert.equal(new Positional().direction, "max");
  assert.equal(new MyAccuracyLike().direction, "max");
});

Deno.test("Metric rejects a bad name, dtype or direction", () => {
  class Bad extends Unnamed {
    constructor(options: unknown) {
      super(options as never);
    }
  }
  assert.throws(() => new Bad({ name: "" }), TypeError);
  assert.throws(() => new Bad({ name: 3 }), TypeError);
  assert.throws(() => new Bad({ dtype: "int32" }), /Cannot build Bad as "dtype" must be one of/);
  assert.throws(() => new Bad({ direction: "up" }), RangeError);
  assert.throws(() => new Bad(null), TypeError);
});
