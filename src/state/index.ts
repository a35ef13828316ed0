export {
  createMemoryWindowCountStore,
  createRedisWindowCountStore,
  type CountUpdate,
  type RedisWindowCountStoreOptions,
  type WindowCountStore,
} from './window-count-store.js';
