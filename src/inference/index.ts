export {
  createModelSession,
  type ModelOutputs,
  type ModelOutputTensor,
  type ModelRun,
  type ModelSession,
  type ModelSessionOptions,
} from './model-session.js';
export { createWorkerSessionPool, type WorkerSessionPoolOptions } from './worker-session-pool.js';
export { registerModel, type ModelRegistration } from './model-registration.js';
export { readModelSignature, type ModelSignature } from './model-signature.js';
