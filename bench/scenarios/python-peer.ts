import { PythonUnavailableError } from '../python-environment.js';
import { pythonPeerProcess, runProcessOnBacklog } from './backlog-contenders.js';
import { ScenarioSkipped, type Scenario } from './scenario.js';

export const pythonPeerScenario: Scenario<'python-peer'> = {
  id: 'python-peer',
  title: 'Python peer (confluent-kafka + onnxruntime)',
  method:
    'bench/python/python_scorer.py in a venv under the bench cache (confluent-kafka with its bundled librdkafka, onnxruntime 1.30 from PyPI): consume up to 256 events or 5 ms, features in plain Python, one session.run per micro-batch, produce each scored event without waiting (idempotent producer, the input partition), store each input offset from its output’s delivery callback, auto-commit the stored offsets (at-least-once, no flush per micro-batch). Time-capped run on the backlog; events/s between 10 % and 90 % of what it scored; CPU and RSS of the Python process.',
  async run(context) {
    const { python, ...process } = await pythonPeerProcess(context).catch((error: unknown) => {
      if (error instanceof PythonUnavailableError) throw new ScenarioSkipped(error.message);
      throw error;
    });
    const run = await runProcessOnBacklog(context, {
      label: 'python-peer',
      ...process,
      capSeconds: context.plan.pythonCapSeconds,
      config: {
        program: 'bench/python/python_scorer.py',
        maxBatchSize: 256,
        maxWaitMs: 5,
        acks: 'all',
      },
    });
    return { run, python: { version: python.version, packages: python.packages } };
  },
};
