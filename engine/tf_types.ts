/**
 * TensorFlow.js's core types, named at the top level of kerno's API so that
 * signatures such as `call(inputs: Tensor): Tensor` document as public.
 *
 * @module
 */
export type {
  GradSaveFunc,
  Rank,
  Scalar,
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  TensorLike,
  Variable,
} from "@tensorflow/tfjs-core";
