export { createAdminServer, type AdminServer, type AdminServerOptions } from './admin-server.js';
export { createLogger, type Logger } from './logger.js';
export { createPipelineMetrics, type PipelineMetrics } from './pipeline-metrics.js';
