export { runFraudDemo, type FraudDemoOptions, type FraudDemoSummary } from './fraud-demo.js';
