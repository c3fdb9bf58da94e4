/**
 * The shape of what the standard data sets' `loadData` returns.
 *
 * @module
 */
import type { tf } from "../../engine/tf.ts";

/**
 * `[[xTrain, yTrain], [xTest, yTest]]`, as `keras.datasets` returns
 * `(x_train, y_train), (x_test, y_test)`. Tensors belong to the caller, who
 * disposes of them.
 */
export type TrainTestData<X = tf.Tensor, Y = tf.Tensor> = [[X, Y], [X, Y]];
