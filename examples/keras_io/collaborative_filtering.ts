/**
 * keras.io "Collaborative Filtering for Movie Recommendations", ported to
 * kerno: `RecommenderNet`, a subclassed `Model` holding a user and a movie
 * embedding (he_normal, L2 1e-6) and a bias embedding for each; its `call`
 * takes `[batch, 2]` integer (user, movie) pairs, takes the dot product of
 * the two vectors, adds the biases and squashes with a sigmoid. It is
 * trained with binary cross-entropy on ratings min-max scaled to [0, 1],
 * then recommends ten movies a user has not rated.
 *
 * The MovieLens download is replaced by generated ratings: 300 users and 200
 * movies with hidden 4-dimensional factors and biases (a seeded generator),
 * of which 15,000 (user, movie) pairs are observed, rated 0.5 to 5 in steps
 * of 0.5; their ids are already 0-based indices, so the original's
 * encoding of ids is the identity. Since the truth is known, the result can
 * be checked: the correlation between predicted ratings and the hidden
 * scores on the validation pairs, and how many of the ten recommendations
 * are among the user's true thirty best unseen movies.
 *
 * Run: `deno run -A examples/keras_io/collaborative_filtering.ts`
 *
 * @module
 */
import {
  type LayerOptions,
  layers,
  losses,
  Model,
  optimizers,
  registerSerializable,
  regularizers,
  setSeed,
  tf,
} from "../../mod.ts";

/** Options of {@link RecommenderNet}: the original's `__init__` arguments. */
export interface RecommenderNetOptions extends LayerOptions {
  /** Number of users: ids lie in `[0, numUsers)`. */
  numUsers: number;
  /** Number of movies: ids lie in `[0, numMovies)`. */
  numMovies: number;
  /** Length of the user and movie vectors. */
  embeddingSize: number;
  /** The lowest rating (kept, as the original, to map scores back to ratings). */
  minRating: number;
  /** The highest rating. */
  maxRating: number;
}

/** The original's model: dot product of user and movie embeddings, plus biases, through a sigmoid. */
export class RecommenderNet extends Model {
  /** Number of users. */
  readonly numUsers: number;
  /** Number of movies. */
  readonly numMovies: number;
  /** Length of the user and movie vectors. */
  readonly embeddingSize: number;
  /** The lowest rating. */
  readonly minRating: number;
  /** The highest rating. */
  readonly maxRating: number;
  /** One vector per user. */
  userEmbedding: layers.Embedding;
  /** One bias per user. */
  userBias: layers.Embedding;
  /** One vector per movie. */
  movieEmbedding: layers.Embedding;
  /** One bias per movie. */
  movieBias: layers.Embedding;
  /** The per-sample dot product of the user and movie vectors. */
  dot: layers.Dot = new layers.Dot({ axes: 1 });

  /**
   * Creates the model and its four embeddings.
   *
   * @param options The sizes, the rating range, and the base options.
   */
  constructor(options: RecommenderNetOptions) {
    const { numUsers, numMovies, embeddingSize, minRating, maxRating, ...rest } = options;
    super(rest);
    this.numUsers = numUsers;
    this.numMovies = numMovies;
    this.embeddingSize = embeddingSize;
    this.minRating = minRating;
    this.maxRating = maxRating;
    this.userEmbedding = new layers.Embedding(numUsers, embeddingSize, {
      embeddingsInitializer: "he_normal",
      embeddingsRegularizer: regularizers.l2(1e-6),
    });
    this.userBias = new layers.Embedding(numUsers, 1);
    this.movieEmbedding = new layers.Embedding(numMovies, embeddingSize, {
      embeddingsInitializer: "he_normal",
      embeddingsRegularizer: regularizers.l2(1e-6),
    });
    this.movieBias = new layers.Embedding(numMovies, 1);
  }

  /** The predicted rating, in [0, 1], of each (user, movie) pair: `[batch, 2]` → `[batch, 1]`. */
  override call(inputs: tf.Tensor): tf.Tensor {
    const [users, movies] = tf.unstack(inputs, 1); // inputs[:, 0], inputs[:, 1]
    const userVector = this.userEmbedding.apply(users);
    const userBias = this.userBias.apply(users);
    const movieVector = this.movieEmbedding.apply(movies);
    const movieBias = this.movieBias.apply(movies);
    const dotUserMovie = this.dot.apply([userVector, movieVector]);
    // Add all the components (including bias)
    const x = tf.add(tf.add(dotUserMovie, userBias), movieBias);
    // The sigmoid activation forces the rating to between 0 and 1
    return tf.sigmoid(x);
  }

  /** The base config plus the constructor's own options. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numUsers: this.numUsers,
      numMovies: this.numMovies,
      embeddingSize: this.embeddingSize,
      minRating: this.minRating,
      maxRating: this.maxRating,
    };
  }
}
registerSerializable(RecommenderNet, { package: "Examples" });

/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Shuffles in place (Fisher–Yates). */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Generated stand-in for the MovieLens ratings, with the hidden truth behind them. */
export interface Ratings {
  /** Number of users. */
  numUsers: number;
  /** Number of movies. */
  numMovies: number;
  /** The observed triples, in generation order. */
  rows: { user: number; movie: number; rating: number }[];
  /** The hidden score of each (user, movie) pair: `score[user * numMovies + movie]`. */
  score: Float64Array;
}

/**
 * Generates the ratings: a hidden score per pair (the dot product of
 * 4-dimensional user and movie factors plus a bias of each), observed with
 * noise on `observed` random pairs and rounded to a 0.5–5 star rating.
 *
 * @param options Sizes and seed.
 * @returns The ratings and the hidden scores.
 */
export function generateRatings(
  options: { numUsers?: number; numMovies?: number; observed?: number; seed?: number } = {},
): Ratings {
  const { numUsers = 300, numMovies = 200, observed = 15_000, seed = 42 } = options;
  const random = generator(seed);
  const factors = 4;
  const userFactors = Array.from(
    { length: numUsers },
    () => Array.from({ length: factors }, () => normal(random)),
  );
  const movieFactors = Array.from(
    { length: numMovies },
    () => Array.from({ length: factors }, () => normal(random)),
  );
  const userBias = Array.from({ length: numUsers }, () => 0.5 * normal(random));
  const movieBias = Array.from({ length: numMovies }, () => 0.5 * normal(random));
  const score = new Float64Array(numUsers * numMovies);
  for (let u = 0; u < numUsers; u++) {
    for (let m = 0; m < numMovies; m++) {
      let s = userBias[u] + movieBias[m];
      for (let k = 0; k < factors; k++) s += userFactors[u][k] * movieFactors[m][k] / 2;
      score[u * numMovies + m] = s;
    }
  }
  const pairs = shuffle(Array.from({ length: numUsers * numMovies }, (_, i) => i), random)
    .slice(0, observed)
    .sort((a, b) => a - b);
  const rows = pairs.map((pair) => {
    const stars = 3 + 0.9 * (score[pair] + 0.3 * normal(random));
    const rating = Math.min(5, Math.max(0.5, Math.round(stars * 2) / 2));
    return { user: Math.floor(pair / numMovies), movie: pair % numMovies, rating };
  });
  return { numUsers, numMovies, rows, score };
}

/** Pearson correlation of two equally long lists. */
function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) [ma, mb] = [ma + a[i] / n, mb + b[i] / n];
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** What {@link main} returns. */
export interface CollaborativeFilteringResult {
  /** Training loss per epoch. */
  loss: number[];
  /** Validation loss per epoch. */
  valLoss: number[];
  /** Pearson correlation of the predicted ratings and the hidden scores on the validation pairs. */
  validationCorrelation: number;
  /** The user recommendations are made for. */
  userId: number;
  /** The ten recommended movies, best first. */
  recommended: number[];
  /** How many of the ten are among the user's 30 best unseen movies by hidden score. */
  hitsInTrueTop30: number;
  /** How many movies the user has not rated (the candidates). */
  unseen: number;
  /** The trained model (the caller disposes it), when `keepModel` is set. */
  model?: RecommenderNet;
  /** The validation pairs `[n, 2]` (int32), when `keepModel` is set. */
  xVal?: tf.Tensor;
}

/**
 * Generates the ratings, trains `RecommenderNet` as the original does and
 * recommends ten movies to one user.
 *
 * @param options Epochs, verbosity, the embedding size, and `keepModel` to
 *   get the trained model and the validation pairs back (for tests).
 * @returns Loss curves, the quality numbers and the recommendations.
 */
export async function main(
  options: { epochs?: number; verbose?: 0 | 1 | 2; embeddingSize?: number; keepModel?: boolean } =
    {},
): Promise<CollaborativeFilteringResult> {
  setSeed(42);
  const data = generateRatings();
  const { numUsers, numMovies } = data;
  const ratings = data.rows.map((r) => r.rating);
  const minRating = Math.min(...ratings);
  const maxRating = Math.max(...ratings);
  if (options.verbose !== 0) {
    console.log(
      `Number of users: ${numUsers}, Number of Movies: ${numMovies}, Min rating: ${minRating}, Max rating: ${maxRating}`,
    );
  }

  // Prepare training and validation data: shuffle, scale to [0, 1], 90% / 10%.
  const df = shuffle([...data.rows], generator(42));
  const x = df.map((r) => [r.user, r.movie]);
  const y = df.map((r) => (r.rating - minRating) / (maxRating - minRating));
  const trainIndices = Math.floor(0.9 * df.length);
  const xTrain = tf.tensor2d(x.slice(0, trainIndices), undefined, "int32");
  const xVal = tf.tensor2d(x.slice(trainIndices), undefined, "int32");
  const yTrain = tf.tensor1d(y.slice(0, trainIndices));
  const yVal = tf.tensor1d(y.slice(trainIndices));

  const model = new RecommenderNet({
    numUsers,
    numMovies,
    embeddingSize: options.embeddingSize ?? 50,
    minRating,
    maxRating,
  });
  model.compile({
    loss: new losses.BinaryCrossentropy(),
    optimizer: new optimizers.Adam({ learningRate: 0.001 }),
  });
  const history = await model.fit(xTrain, yTrain, {
    batchSize: 64,
    epochs: options.epochs ?? 5,
    verbose: options.verbose ?? 1,
    validationData: [xVal, yVal],
  });

  // How well the predictions follow the hidden scores on pairs the model never saw.
  const predicted = tf.tidy(() => model.predict(xVal).dataSync());
  const truth = df.slice(trainIndices).map((r) => data.score[r.user * numMovies + r.movie]);
  const validationCorrelation = pearson(predicted, truth);

  // Show top 10 movie recommendations to a user.
  const userId = df[Math.floor(generator(7)() * df.length)].user;
  const watched = new Set(data.rows.filter((r) => r.user === userId).map((r) => r.movie));
  const notWatched = Array.from({ length: numMovies }, (_, m) => m).filter((m) => !watched.has(m));
  const userMovieArray = tf.tensor2d(notWatched.map((m) => [userId, m]), undefined, "int32");
  const predictedRatings = tf.tidy(() => model.predict(userMovieArray).dataSync());
  const recommended = notWatched
    .map((movie, i) => ({ movie, rating: predictedRatings[i] }))
    .sort((a, b) => b.rating - a.rating)
    .slice(0, 10)
    .map((r) => r.movie);
  const trueTop30 = new Set(
    [...notWatched]
      .sort((a, b) => data.score[userId * numMovies + b] - data.score[userId * numMovies + a])
      .slice(0, 30),
  );
  const hitsInTrueTop30 = recommended.filter((m) => trueTop30.has(m)).length;
  if (options.verbose !== 0) {
    console.log(`Showing recommendations for user: ${userId}`);
    console.log("=".repeat(36));
    console.log("Top 10 movie recommendations");
    console.log("-".repeat(32));
    for (const movie of recommended) {
      const r = predictedRatings[notWatched.indexOf(movie)];
      const stars = minRating + r * (maxRating - minRating);
      console.log(`movie ${movie}: predicted ${stars.toFixed(2)} stars`);
    }
  }

  tf.dispose([xTrain, yTrain, yVal, userMovieArray]);
  const result: CollaborativeFilteringResult = {
    loss: history.history.loss,
    valLoss: history.history.val_loss,
    validationCorrelation,
    userId,
    recommended,
    hitsInTrueTop30,
    unseen: notWatched.length,
  };
  if (options.keepModel) return { ...result, model, xVal };
  xVal.dispose();
  model.dispose();
  return result;
}

if (import.meta.main) {
  const result = await main();
  console.log(`val_loss per epoch: ${result.valLoss.map((v) => v.toFixed(4)).join(", ")}`);
  console.log(
    `correlation of predictions with the hidden scores (validation pairs): ${
      result.validationCorrelation.toFixed(3)
    }`,
  );
  console.log(
    `${result.hitsInTrueTop30} of the 10 recommendations are among user ${result.userId}'s true top 30 of ${result.unseen} unseen movies`,
  );
}
