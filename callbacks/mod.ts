/**
 * Callbacks: hooks that steer and report training.
 *
 * The logs given to `onTrainBatchEnd` are running means over the epoch so
 * far, as in Keras; the raw values of the last training batch are in
 * `model.batchLogs` (what a learning-rate finder needs).
 *
 * @module
 */
export {
  Callback,
  type CallbackParams,
  type HookResult,
  type Logs,
  type PredictBatchLogs,
} from "./callback.ts";
export {
  CallbackList,
  type HookName,
  type IndexedHookName,
  type RunHookName,
} from "./callback_list.ts";
export { History } from "./history.ts";
export {
  formatLogs,
  formatValue,
  ProgbarLogger,
  type ProgbarLoggerOptions,
  type Writer,
} from "./progbar_logger.ts";
export { MonitorCallback, type MonitorMode, type MonitorOptions } from "./monitor_callback.ts";
export { EarlyStopping, type EarlyStoppingOptions } from "./early_stopping.ts";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./reduce_lr_on_plateau.ts";
export {
  type EpochSchedule,
  LearningRateScheduler,
  type LearningRateSchedulerOptions,
} from "./learning_rate_scheduler.ts";
export { CSVLogger, type CSVLoggerOptions } from "./csv_logger.ts";
export { TerminateOnNaN, type TerminateOnNaNOptions } from "./terminate_on_nan.ts";
export {
  type IndexedHook,
  LambdaCallback,
  type LambdaCallbackOptions,
  type PredictBatchHook,
  type RunHook,
} from "./lambda_callback.ts";
export { ModelCheckpoint, type ModelCheckpointOptions } from "./model_checkpoint.ts";
export { BackupAndRestore, type BackupAndRestoreOptions } from "./backup_and_restore.ts";
export { TensorBoard, type TensorBoardOptions } from "./tensorboard.ts";
