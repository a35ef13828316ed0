export { createAdminServer, type AdminServer, type AdminServerOptions } from './admin-server.js';
export {
  ALERT_STATE_VALUE,
  createDriftAlertMetrics,
  type DriftAlertMetrics,
} from './drift-alert-metrics.js';
export { createDriftConsumerMetrics, type DriftConsumerMetrics } from './drift-consumer-metrics.js';
export { createLogger, type Logger } from './logger.js';
export { createPipelineMetrics, type PipelineMetrics } from './pipeline-metrics.js';
