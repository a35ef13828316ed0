export {
  createMemoryWindowCountStore,
  createRedisWindowCountStore,
  type CountUpdate,
  type CountUpdateOutcome,
  type CountUpdateResult,
  type MemoryWindowCountStoreOptions,
  type RedisWindowCountStoreOptions,
  type WindowCountStore,
} from './window-count-store.js';
export {
  createLeaseTerm,
  createRedisLease,
  type LeaseAnswer,
  type LeaseTerm,
  type RedisLease,
  type RedisLeaseOptions,
} from './redis-lease.js';
export {
  createRedisClient,
  REDIS_COMMAND_TIMEOUT_MS,
  REDIS_CONNECT_TIMEOUT_MS,
  REDIS_SOCKET_TIMEOUT_MS,
  redisClientOptions,
  redisReconnectDelayMs,
  redisUrlForLogs,
} from './redis-client.js';
