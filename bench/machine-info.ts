/** What the numbers were measured on: CPU, memory, OS and the versions of every moving part. */
import { createRequire } from 'node:module';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import type { MachineInfo } from './bench-results.js';

const require = createRequire(import.meta.url);

export function collectMachineInfo(kafkaVersion: string): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    node: process.version,
    kafka: kafkaVersion,
    kafkajs: packageVersion('kafkajs'),
    onnxruntimeNode: packageVersion('onnxruntime-node'),
    loadAverage1m: loadavg()[0] ?? 0,
  };
}

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
