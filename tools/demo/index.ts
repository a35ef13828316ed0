export { runFraudDemo, type FraudDemoOptions, type FraudDemoSummary } from './fraud-demo.js';
export { registerDemoCommand } from './demo-command.js';
