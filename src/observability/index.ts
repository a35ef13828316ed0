export {
  ADMIN_SERVER_LIMITS,
  createAdminServer,
  type AdminAnswer,
  type AdminRoute,
  type AdminServer,
  type AdminServerOptions,
} from './admin-server.js';
export {
  ALERT_STATE_VALUE,
  createDriftAlertMetrics,
  type DriftAlertMetrics,
} from './drift-alert-metrics.js';
export { createDriftConsumerMetrics, type DriftConsumerMetrics } from './drift-consumer-metrics.js';
export { createLogger, type Logger } from './logger.js';
export { createPipelineMetrics, type PipelineMetrics } from './pipeline-metrics.js';
export { nearestRankQuantile } from './nearest-rank-quantile.js';
export { sumPrometheusSamples } from './prometheus-samples.js';
export {
  createReadinessMonitor,
  NOT_READY_CONDITIONS,
  type NotReady,
  type NotReadyCondition,
  type ReadinessCheck,
  type ReadinessMonitor,
  type ReadinessState,
} from './readiness.js';
