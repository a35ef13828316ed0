// The local Kafka + Redis stack behind `streamscore dev` and the integration-test harness.
export {
  createDevStack,
  checkDevStackHealth,
  devBrokerRestart,
  devBrokerStart,
  devBrokerStop,
  devStackAddresses,
  devStackDown,
  devStackStatus,
  devStackUp,
  stopRecordedDevStack,
  type DevBrokerRestartResult,
  type DevBrokerStartOptions,
  type DevBrokerStartResult,
  type DevBrokerStopOptions,
  type DevBrokerStopResult,
  type DevStack,
  type DevStackAddresses,
  type DevStackDownResult,
  type DevStackHealth,
  type DevStackOptions,
  type DevStackStatus,
  type DevStackUpOptions,
  type DevStackUpResult,
} from './dev-stack.js';
export {
  defaultKafkaVersion,
  isSupportedKafkaVersion,
  kafkaVersionDir,
  renderKafkaPom,
  resolveCacheRootDir,
  resolveKafkaJars,
  type KafkaDistribution,
  type ResolveKafkaJarsOptions,
} from './kafka-jars.js';
export {
  createKafkaBroker,
  killKafkaBroker,
  probeKafkaClusterId,
  type KafkaBroker,
  type KafkaBrokerOptions,
  type KafkaBrokerRecord,
  type KafkaBrokerStorage,
} from './kafka-broker.js';
export {
  createClusterId,
  kafkaJvmFlags,
  renderLog4j2Properties,
  renderServerProperties,
} from './kafka-properties.js';
export {
  createRedisServer,
  pingRedis,
  type RedisServer,
  type RedisServerOptions,
  type RedisServerRecord,
} from './redis-server.js';
export {
  createPathLookup,
  locateTools,
  toolInstallCommands,
  type ExecutableLookup,
  type RequiredTool,
} from './required-tools.js';
export { defaultStateFilePath, type DevStackRecord } from './state-file.js';
export { findFreePort, findFreePorts } from './free-port.js';
export type { StopOutcome } from './process-lifecycle.js';
export { registerDevCommand } from './dev-command.js';
