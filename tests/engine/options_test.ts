import assert from "node:assert/strict";
import {
  callbacks,
  Dataset,
  datasets,
  Layer,
  layers,
  loadModel,
  losses,
  metrics,
  optimizers,
  schedules,
  Sequential,
  tf,
} from "../../mod.ts";

/** Asserts a TypeError whose message is exactly `message`. */
function throwsExactly(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof TypeError, `expected a TypeError, got ${e}`);
    assert.equal(e.message, message);
    return true;
  });
}

function compiled(): Sequential {
  const m = new Sequential([new layers.Dense(2, { activation: "softmax", inputShape: [3] })]);
  m.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy" });
  return m;
}

// ---- The findings of issue 11, item 2 ----

Deno.test("Adam(1e-2) takes the positional learning rate, and trains at it", () => {
  const adam = new optimizers.Adam(1e-2);
  assert.equal(adam.learningRate, 0.01);
  const w = tf.variable(tf.tensor([1]));
  const g = tf.tensor([2]);
  adam.applyGradients([g], [w]);
  // Adam's first step moves by about the learning rate.
  assert.ok(Math.abs(w.dataSync()[0] - 0.99) < 1e-4, `w = ${w.dataSync()[0]}`);
  tf.dispose([w, g]);
  adam.dispose();
});

Deno.test("every optimizer takes a number or a schedule as its first argument (the learning rate)", () => {
  const classes = [
    optimizers.SGD,
    optimizers.Adagrad,
    optimizers.Adadelta,
    optimizers.RMSprop,
    optimizers.Adam,
    optimizers.Adamax,
    optimizers.Nadam,
    optimizers.AdamW,
    optimizers.Lion,
  ];
  for (const Cls of classes) {
    assert.equal(new Cls(0.125).learningRate, 0.125, Cls.name);
    const schedule = new schedules.ExponentialDecay({
      initialLearningRate: 0.5,
      decaySteps: 10,
      decayRate: 0.5,
    });
    assert.equal(new Cls(schedule).learningRate, 0.5, Cls.name);
    assert.equal(new Cls(() => 0.25).learningRate, 0.25, Cls.name);
  }
  throwsExactly(
    () => new optimizers.Adam("0.01" as never),
    'Cannot create Adam as "options" must be an object of options ({ learningRate, clipnorm, clipvalue, globalClipnorm, weightDecay, ... }): received "0.01"',
  );
});

Deno.test("fit rejects Keras's snake_case options, naming each and the camelCase one", async () => {
  const m = compiled();
  const x = [[1, 2, 3], [4, 5, 6]];
  const y = [0, 1];
  const cases: [Record<string, unknown>, string][] = [
    [{ batch_size: 8 }, 'Cannot fit as "batch_size" is not an option: did you mean "batchSize"?'],
    [
      { validation_split: 0.2 },
      'Cannot fit as "validation_split" is not an option: did you mean "validationSplit"?',
    ],
    [
      { class_weight: { 0: 1, 1: 2 } },
      'Cannot fit as "class_weight" is not an option: did you mean "classWeight"?',
    ],
    [{ epoch: 2 }, 'Cannot fit as "epoch" is not an option: did you mean "epochs"?'],
  ];
  const before = m.weights.map((w) => Array.from(w.dataSync()));
  for (const [options, message] of cases) {
    await assert.rejects(() => m.fit(x, y, options as never), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.equal(e.message, message);
      return true;
    });
  }
  await assert.rejects(
    () => m.fit(x, y, 8 as never),
    /Cannot fit as "options" must be an object of options \(\{ batchSize, epochs, .*received 8/,
  );
  await assert.rejects(
    () => m.fit(x, y, { shuffle: "yes" } as never),
    /Cannot fit as "shuffle" must be true or false: received "yes"/,
  );
  await assert.rejects(
    () => m.fit(x, y, { classWeight: 2 } as never),
    /Cannot fit as "classWeight" must be an object of weights by class index/,
  );
  assert.deepEqual(m.weights.map((w) => Array.from(w.dataSync())), before);
  m.dispose();
});

Deno.test("fit's classWeight and validationSplit (camelCase) take effect", async () => {
  const m = compiled();
  const x = tf.randomNormal([10, 3], 0, 1, "float32", 1);
  const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  const h = await m.fit(x, y, {
    batchSize: 8,
    validationSplit: 0.2,
    classWeight: { 0: 1, 1: 3 },
    verbose: 0,
  });
  assert.equal(h.history.val_loss.length, 1);
  tf.dispose([x, y]);
  m.dispose();
});

Deno.test("evaluate, predict and compile reject unknown options", async () => {
  const m = compiled();
  const x = [[1, 2, 3]];
  await assert.rejects(
    () => m.evaluate(x, [0], { batch_size: 1 } as never),
    /^TypeError: Cannot evaluate as "batch_size" is not an option: did you mean "batchSize"\?$/,
  );
  throwsExactly(
    () => m.predict(x, { batchsize: 1 } as never),
    'Cannot predict as "batchsize" is not an option: did you mean "batchSize"?',
  );
  throwsExactly(
    () => m.compile({ optimizer: "sgd", loss: "mse", metric: ["mae"] } as never),
    'Cannot compile as "metric" is not an option: did you mean "metrics"?',
  );
  throwsExactly(
    () => m.compile({ optimizer: "sgd", loss: "mse", run_eagerly: true } as never),
    'Cannot compile as "run_eagerly" is not an option: the options are "optimizer", "loss", "metrics", "lossWeights"',
  );
  m.dispose();
});

Deno.test('Dense(10, "softmax") applies softmax, as Dense(10, { activation: "softmax" })', () => {
  const dense = new layers.Dense(10, "softmax");
  assert.equal(dense.getConfig().activation, "softmax");
  const y = dense.apply(tf.randomNormal([4, 3], 0, 1, "float32", 2));
  const sums = tf.sum(y, 1);
  for (const s of sums.dataSync()) assert.ok(Math.abs(s - 1) < 1e-5, `row sum ${s}`);
  assert.ok(y.dataSync().every((v) => v > 0));
  tf.dispose([y, sums]);
  dense.dispose();
  const relu = new layers.Dense(2, tf.relu);
  assert.equal(typeof relu.getConfig().activation, "string");
  throwsExactly(
    () => new layers.Dense(10, 5 as never),
    'Cannot build Dense as the options must be an object: received 5; write new Dense(units, { activation: "relu" })',
  );
});

Deno.test("MaxPooling2D([3, 3]) and MaxPooling2D(3) pool with size 3", () => {
  assert.deepEqual(new layers.MaxPooling2D([3, 3]).poolSize, [3, 3]);
  const pool = new layers.MaxPooling2D(3);
  assert.deepEqual(pool.poolSize, [3, 3]);
  const x = tf.ones([1, 9, 9, 1]);
  const y = pool.apply(x);
  assert.deepEqual(y.shape, [1, 3, 3, 1]);
  tf.dispose([x, y]);
  const strided = new layers.MaxPooling2D(3, { strides: 1, padding: "same" });
  assert.deepEqual([strided.poolSize, strided.strides, strided.padding], [[3, 3], [1, 1], "same"]);
  assert.deepEqual(new layers.AveragePooling2D([2, 3]).poolSize, [2, 3]);
  assert.deepEqual(new layers.MaxPooling1D(4).poolSize, [4]);
  assert.deepEqual(new layers.AveragePooling1D([5]).poolSize, [5]);
  assert.deepEqual(new layers.MaxPooling2D({ poolSize: 3 }).poolSize, [3, 3]);
  const again = layers.MaxPooling2D.fromConfig(pool.getConfig());
  assert.deepEqual(again.poolSize, [3, 3]);
  throwsExactly(
    () => new layers.MaxPooling2D(2, 1 as never),
    "Cannot build MaxPooling2D as the options must be an object: received 1; write new MaxPooling2D(poolSize, { strides, padding }) or new MaxPooling2D({ poolSize, strides, padding })",
  );
  throwsExactly(
    () => new layers.MaxPooling2D(2, { poolSize: 3 }),
    'Cannot build MaxPooling2D as "poolSize" is given twice: received 2 and { poolSize: 3 }',
  );
  throwsExactly(
    () => new layers.MaxPooling2D({ pool_size: 3 } as never),
    'Cannot build MaxPooling2D as "pool_size" is not an option: did you mean "poolSize"?',
  );
});

Deno.test("RMSprop({ learning_rate }), Embedding({ embeddings_initializer }) and typos are refused", () => {
  throwsExactly(
    () => new optimizers.RMSprop({ learning_rate: 0.1 } as never),
    'Cannot create RMSprop as "learning_rate" is not an option: did you mean "learningRate"?',
  );
  throwsExactly(
    () => new layers.Embedding(10, 4, { embeddings_initializer: "zeros" } as never),
    'Cannot build Embedding as "embeddings_initializer" is not an option: did you mean "embeddingsInitializer"?',
  );
  throwsExactly(
    () => new layers.Dense(3, { activaton: "relu" } as never),
    'Cannot build Dense as "activaton" is not an option: did you mean "activation"?',
  );
  throwsExactly(
    () => new layers.Dense(3, { nmae: "x" } as never),
    'Cannot build Dense as "nmae" is not an option: did you mean "name"?',
  );
  throwsExactly(
    () => new optimizers.SGD({ momentun: 0.9 } as never),
    'Cannot create SGD as "momentun" is not an option: did you mean "momentum"?',
  );
  throwsExactly(
    () => new callbacks.EarlyStopping({ restore_best_weights: true } as never),
    'Cannot create EarlyStopping as "restore_best_weights" is not an option: did you mean "restoreBestWeights"?',
  );
  throwsExactly(
    () => new losses.BinaryCrossentropy({ from_logits: true } as never),
    'Cannot build BinaryCrossentropy as "from_logits" is not an option: did you mean "fromLogits"?',
  );
  throwsExactly(
    () => new metrics.Precision({ threshold: 0.5 } as never),
    'Cannot build Precision as "threshold" is not an option: did you mean "thresholds"?',
  );
  throwsExactly(
    () =>
      new schedules.ExponentialDecay({
        initial_learning_rate: 0.1,
        decaySteps: 1,
        decayRate: 0.5,
      } as never),
    'Cannot create ExponentialDecay as "initial_learning_rate" is not an option: did you mean "initialLearningRate"?',
  );
  throwsExactly(
    () => datasets.moons({ n_samples: 10 } as never),
    'Cannot make moons as "n_samples" is not an option: did you mean "samples"?',
  );
  throwsExactly(
    () => Dataset.fromArrays([[1]], [1]).shuffle(4, { seeed: 1 } as never),
    'Cannot shuffle a Dataset as "seeed" is not an option: did you mean "seed"?',
  );
  throwsExactly(
    () => Dataset.fromArrays([[1]], [1]).batch(4, { drop_remainder: true } as never),
    'Cannot batch a Dataset as "drop_remainder" is not an option: did you mean "dropRemainder"?',
  );
});

Deno.test("Keras positional forms kerno takes as options are refused, saying how to write them", () => {
  throwsExactly(
    () => new layers.Conv2D(8, 3, 2 as never),
    'Cannot build Conv2D as the options must be an object: received 2; write new Conv2D(filters, kernelSize, { strides: 2, padding: "same" })',
  );
  throwsExactly(
    () => new layers.Conv1D(8, 3, "same" as never),
    'Cannot build Conv1D as the options must be an object: received "same"; write new Conv1D(filters, kernelSize, { strides: 2, padding: "same" })',
  );
  throwsExactly(
    () => new layers.Dropout(0.5, [null, 1] as never),
    "Cannot build Dropout as the options must be an object: received [null,1]; write new Dropout(rate, { noiseShape, seed })",
  );
  throwsExactly(
    () => new layers.Embedding(10, 4, "zeros" as never),
    'Cannot build Embedding as the options must be an object: received "zeros"; write new Embedding(inputDim, outputDim, { embeddingsInitializer: "uniform" })',
  );
  assert.throws(
    () => new layers.BatchNormalization(-1 as never),
    /Cannot build BatchNormalization as the options must be an object: received -1; write new BatchNormalization\(\{ axis: -1/,
  );
  assert.throws(
    () => new callbacks.EarlyStopping("val_loss" as never),
    /Cannot create EarlyStopping as "options" must be an object of options \(\{ monitor, mode, minDelta, patience, verbose, \.\.\. \}\): received "val_loss"/,
  );
  assert.throws(
    () => new schedules.ExponentialDecay(0.1 as never),
    /Cannot create ExponentialDecay as "options" must be an object of options \(\{ initialLearningRate, decaySteps, decayRate, staircase, name \}\): received 0.1/,
  );
});

Deno.test("Layer.apply refuses an unknown call option (a typo of training)", () => {
  const dense = new layers.Dense(2, { name: "apply_options_test" });
  const x = tf.ones([1, 3]);
  throwsExactly(
    () => dense.apply(x, { trainig: true } as never),
    'Cannot apply apply_options_test as "trainig" is not an option: did you mean "training"?',
  );
  const y = dense.apply(x, { training: true });
  tf.dispose([x, y]);
  dense.dispose();
});

Deno.test("layer options of the wrong type are errors", () => {
  throwsExactly(
    () => new layers.Dense(3, { useBias: "no" } as never),
    'Cannot build Dense as "useBias" must be true or false: received "no"',
  );
  throwsExactly(
    () => new layers.Dense(3, { name: 5 } as never),
    'Cannot build Dense as "name" must be a string: received 5',
  );
  throwsExactly(
    () => new layers.Flatten({ trainable: 1 } as never),
    'Cannot build Flatten as "trainable" must be true or false: received 1',
  );
});

Deno.test("save and loadModel reject unknown options before touching files", async () => {
  await assert.rejects(
    () => loadModel("/nonexistent/kerno-model", { custom_objects: {} } as never),
    /^TypeError: Cannot load a model as "custom_objects" is not an option: did you mean "compile"\?|the options are "compile"/,
  );
  const m = compiled();
  await assert.rejects(
    () => m.save("/nonexistent/kerno-model", { include_optimizer: false } as never),
    /"include_optimizer" is not an option: did you mean "includeOptimizer"\?/,
  );
  m.dispose();
});

// ---- User subclasses ----

Deno.test("a user's layer subclass with options of its own is not refused for them", () => {
  interface ScaledOptions {
    scale?: number;
    activation?: string;
  }
  class Scaled extends layers.Dense {
    readonly scale: number;
    constructor(units: number, options: ScaledOptions = {}) {
      super(units, { activation: options.activation });
      this.scale = options.scale ?? 1;
    }
  }
  assert.equal(new Scaled(2, { scale: 3 }).scale, 3);

  class Passthrough extends layers.Dense {
    constructor(units: number, options: Record<string, unknown>) {
      super(units, options);
    }
  }
  assert.doesNotThrow(() => new Passthrough(2, { scale: 3 }));

  class Checked extends layers.Dense {
    static override optionKeys: readonly string[] = [...layers.Dense.optionKeys, "scale"];
    constructor(units: number, options: Record<string, unknown>) {
      super(units, options);
    }
  }
  assert.doesNotThrow(() => new Checked(2, { scale: 3 }));
  throwsExactly(
    () => new Checked(2, { scael: 3 }),
    'Cannot build Checked as "scael" is not an option: did you mean "scale"?',
  );

  class Plain extends Layer {
    override call(x: tf.Tensor): tf.Tensor {
      return x;
    }
  }
  assert.doesNotThrow(() => new Plain({ name: "plain_layer_options_test" }));
});

// ---- The sweep: every exported class refuses an unknown option ----

const NOT_OPTION = { definitelyNotAnOption: 1 };

/** Options some layers cannot be built without. */
const REQUIRED_LAYER_OPTIONS: Record<string, Record<string, unknown>> = {
  InputLayer: { shape: [2] },
  Discretization: { numBins: 2 },
};

/** Minimal valid arguments before the options object, by namespace and class. */
const ARGS: Record<string, Record<string, unknown[]>> = {
  layers: {
    Activation: ["relu"],
    AveragePooling1D: [],
    AveragePooling2D: [],
    BatchNormalization: [],
    Conv1D: [2, 3],
    Conv1DTranspose: [2, 3],
    Conv2D: [2, 3],
    Conv2DTranspose: [2, 3],
    Conv3D: [2, 3],
    Conv3DTranspose: [2, 3],
    Dense: [3],
    DepthwiseConv1D: [3],
    DepthwiseConv2D: [3],
    SeparableConv1D: [2, 3],
    SeparableConv2D: [2, 3],
    Dropout: [0.5],
    Embedding: [5, 2],
    Flatten: [],
    GlobalAveragePooling1D: [],
    GlobalAveragePooling2D: [],
    GlobalMaxPooling1D: [],
    GlobalMaxPooling2D: [],
    LayerNormalization: [],
    MaxPooling1D: [],
    MaxPooling2D: [],
    Reshape: [[4]],
    Add: [],
    Average: [],
    Concatenate: [],
    Dot: [1],
    Maximum: [],
    Minimum: [],
    Multiply: [],
    Subtract: [],
    ActivityRegularization: [],
    AlphaDropout: [0.5],
    ELU: [],
    GaussianDropout: [0.5],
    GaussianNoise: [0.5],
    GroupNormalization: [],
    Identity: [],
    InputLayer: [],
    Lambda: [(t: tf.Tensor) => t],
    LeakyReLU: [],
    Masking: [],
    Permute: [[2, 1]],
    PReLU: [],
    ReLU: [],
    RepeatVector: [2],
    Softmax: [],
    SpatialDropout1D: [0.5],
    SpatialDropout2D: [0.5],
    SpatialDropout3D: [0.5],
    UnitNormalization: [],
    AdditiveAttention: [],
    Attention: [],
    EinsumDense: ["ab,bc->ac", [2]],
    MultiHeadAttention: [2, 4],
    Bidirectional: [new layers.LSTM(2)],
    GRU: [2],
    GRUCell: [2],
    LSTM: [2],
    LSTMCell: [2],
    RNN: [new layers.LSTMCell(2)],
    SimpleRNN: [2],
    SimpleRNNCell: [2],
    StackedRNNCells: [[new layers.GRUCell(2)]],
    TimeDistributed: [new layers.Dense(2)],
    Rescaling: [0.5],
    Resizing: [4, 4],
    CenterCrop: [2, 2],
    RandomFlip: [],
    RandomRotation: [0.1],
    RandomZoom: [0.1],
    RandomTranslation: [0.1, 0.1],
    RandomCrop: [2, 2],
    RandomContrast: [0.1],
    RandomBrightness: [0.1],
    Normalization: [],
    Discretization: [],
    CategoryEncoding: [3],
    Hashing: [3],
    IntegerLookup: [],
    StringLookup: [],
    TextVectorization: [],
    UpSampling1D: [],
    UpSampling2D: [],
    UpSampling3D: [],
    ZeroPadding1D: [],
    ZeroPadding2D: [],
    ZeroPadding3D: [],
    Cropping1D: [],
    Cropping2D: [],
    Cropping3D: [],
    MaxPooling3D: [],
    AveragePooling3D: [],
    GlobalAveragePooling3D: [],
    GlobalMaxPooling3D: [],
  },
  optimizers: Object.fromEntries(
    ["Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Lion", "Nadam", "RMSprop", "SGD"].map(
      (n) => [n, []],
    ),
  ),
  callbacks: {
    BackupAndRestore: ["/nonexistent/kerno-backup"],
    CSVLogger: ["/nonexistent/kerno-log.csv"],
    EarlyStopping: [],
    LambdaCallback: [],
    LearningRateScheduler: [(_epoch: number, lr: number) => lr],
    ModelCheckpoint: ["/nonexistent/kerno-checkpoint"],
    MonitorCallback: [],
    ProgbarLogger: [],
    ReduceLROnPlateau: [],
    TensorBoard: [],
    TerminateOnNaN: [],
  },
  losses: {
    BinaryCrossentropy: [],
    CategoricalCrossentropy: [],
    Hinge: [],
    Huber: [],
    KLDivergence: [],
    LogCosh: [],
    LossFunctionWrapper: [(t: tf.Tensor, p: tf.Tensor) => tf.sub(t, p)],
    MeanAbsoluteError: [],
    MeanSquaredError: [],
    SparseCategoricalCrossentropy: [],
    Poisson: [],
    SquaredHinge: [],
    CategoricalHinge: [],
    CosineSimilarity: [],
    MeanSquaredLogarithmicError: [],
    MeanAbsolutePercentageError: [],
    BinaryFocalCrossentropy: [],
    CategoricalFocalCrossentropy: [],
  },
  metrics: {
    Poisson: [],
    SquaredHinge: [],
    CategoricalHinge: [],
    CosineSimilarity: [],
    MeanSquaredLogarithmicError: [],
    MeanAbsolutePercentageError: [],
    SparseTopKCategoricalAccuracy: [],
    F1Score: [],
    FBetaScore: [],
    MeanIoU: [2],
    R2Score: [],
    AUC: [],
    Accuracy: [],
    BinaryAccuracy: [],
    CategoricalAccuracy: [],
    FalseNegatives: [],
    FalsePositives: [],
    Mean: [],
    MeanAbsoluteError: [],
    MeanMetricWrapper: [(t: tf.Tensor, p: tf.Tensor) => tf.sub(t, p)],
    MeanSquaredError: [],
    Precision: [],
    Recall: [],
    RootMeanSquaredError: [],
    SparseCategoricalAccuracy: [],
    Sum: [],
    TopKCategoricalAccuracy: [],
    TrueNegatives: [],
    TruePositives: [],
  },
  schedules: {},
};

/** The schedules' required options, merged into the options object. */
const SCHEDULE_OPTIONS: Record<string, Record<string, unknown>> = {
  CosineDecay: { initialLearningRate: 0.1, decaySteps: 10 },
  CosineDecayRestarts: { initialLearningRate: 0.1, firstDecaySteps: 10 },
  ExponentialDecay: { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 },
  InverseTimeDecay: { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 },
  PiecewiseConstantDecay: { boundaries: [10], values: [0.1, 0.01] },
  PolynomialDecay: { initialLearningRate: 0.1, decaySteps: 10 },
};

/** Exported classes with no options object of their own: base classes and option-less ones. */
const NO_OPTIONS = new Set([
  "layers.BaseConv",
  "layers.BaseDepthwiseConv",
  "layers.BaseSeparableConv",
  "layers.BaseConvTranspose",
  "layers.BaseGlobalPooling",
  "layers.BasePooling",
  "layers.BaseZeroPadding",
  "layers.BaseCropping",
  "layers.BaseSpatialDropout",
  "layers.BaseMerge",
  "layers.BaseRNNCell",
  "layers.BaseImageLayer",
  "layers.PreprocessingLayer",
  "layers.IndexLookup",
  "layers.RNNCell",
  "optimizers.Optimizer",
  "schedules.LearningRateSchedule",
  "callbacks.Callback",
  "callbacks.CallbackList",
  "callbacks.History",
  "losses.Loss",
  "losses.CrossentropyLoss",
  "metrics.Metric",
  "metrics.ThresholdMetric",
  "metrics.ConfusionCount",
]);

const NAMESPACES = { layers, optimizers, schedules, callbacks, losses, metrics } as const;

Deno.test("every exported layer, optimizer, schedule, callback, loss and metric refuses an unknown option", () => {
  let swept = 0;
  for (const [ns, module] of Object.entries(NAMESPACES)) {
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== "function" || !/^[A-Z]/.test(name) || !value.prototype) continue;
      if (NO_OPTIONS.has(`${ns}.${name}`)) continue;
      const Cls = value as unknown as new (...args: unknown[]) => { dispose?: () => void };
      // Options a class requires (a schedule's, an InputLayer's shape), given with the unknown one.
      const schedule = ns === "schedules"
        ? SCHEDULE_OPTIONS[name]
        : ns === "layers"
        ? REQUIRED_LAYER_OPTIONS[name]
        : undefined;
      const args = ns === "schedules" ? [] : ARGS[ns][name];
      assert.ok(
        args !== undefined || schedule !== undefined,
        `${ns}.${name} is exported but not in this sweep: add its arguments`,
      );
      // A valid construction first, so that the refusal below is the option's.
      const valid = new Cls(...args, { ...schedule });
      valid.dispose?.();
      assert.throws(
        () => new Cls(...args, { ...schedule, ...NOT_OPTION }),
        (e: Error) => {
          assert.ok(e instanceof TypeError, `${ns}.${name}: ${e}`);
          assert.match(e.message, /"definitelyNotAnOption" is not an? (option|hook)/, name);
          return true;
        },
        `${ns}.${name} accepted an unknown option`,
      );
      swept++;
    }
  }
  assert.ok(swept >= 60, `swept ${swept} classes`);
});

Deno.test("Keras spellings: optimizer.learning_rate aliases learningRate; input_dim points to inputShape", () => {
  const adam = new optimizers.Adam(0.1);
  assert.equal(adam.learning_rate, 0.1);
  adam.learning_rate = 0.05;
  assert.equal(adam.learningRate, 0.05);
  assert.throws(
    () => new layers.Dense(1, { input_dim: 64 } as never),
    /"input_dim" is not an option: write "inputShape: \[n\]" for Keras's input_dim=n/,
  );
});
