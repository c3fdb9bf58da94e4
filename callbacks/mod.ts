/**
 * Callbacks: hooks that steer and report training.
 *
 * @module
 */
export { Callback, type CallbackParams, type Logs } from "./callback.ts";
export { CallbackList } from "./callback_list.ts";
export { History } from "./history.ts";
export { formatLogs, formatValue, ProgbarLogger, type Writer } from "./progbar_logger.ts";
