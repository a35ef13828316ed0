/**
 * The drift service refuses, before it touches Kafka or Redis, a reference profile live drift
 * could not count against: missing, built without the model or for another one, or reading the
 * score from a field the topology does not write.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriftService } from '../../../src/engine/index.js';
import { isStreamscoreError } from '../../../src/errors.js';
import { createLogger } from '../../../src/observability/index.js';
import { loadTopology, type Topology } from '../../../src/topology/index.js';
import { FRAUD_PROFILE_FILE } from '../../harness/scored-events.js';

let dir: string;
let fraud: Topology;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'streamscore-drift-service-'));
  fraud = await loadTopology('topologies/fraud.yaml', { env: {} });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The committed fraud profile with `change` applied, written to a file of its own. */
async function profileFile(name: string, change: (profile: Record<string, unknown>) => void) {
  const profile = JSON.parse(await readFile(FRAUD_PROFILE_FILE, 'utf8')) as Record<string, unknown>;
  change(profile);
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(profile));
  return file;
}

async function startError(topology: Topology): Promise<{ code: string; message: string }> {
  const service = createDriftService({
    topology: { ...topology, drift: { ...topology.drift, enabled: true } },
    logger: createLogger({ level: 'silent' }),
    registry: new Registry(),
  });
  try {
    await service.start({ httpPort: 0 });
  } catch (error) {
    if (isStreamscoreError(error)) return { code: error.code, message: error.message };
    throw error;
  } finally {
    await service.stop(1_000);
  }
  throw new Error('the drift service started');
}

const withReference = (referenceFile: string): Topology => ({
  ...fraud,
  drift: { ...fraud.drift, referenceFile },
});

describe('drift service start-up', () => {
  it('refuses a missing reference profile, naming it', async () => {
    const missing = join(dir, 'nowhere.json');
    const error = await startError(withReference(missing));
    expect(error.code).toBe('PROFILE_INVALID');
    expect(error.message).toContain(missing);
    expect(error.message).toContain('streamscore profile');
  });

  it('refuses a profile built without the model', async () => {
    const file = await profileFile('no-model', (profile) => {
      profile['model'] = null;
    });
    const error = await startError(withReference(file));
    expect(error).toEqual({
      code: 'PROFILE_INVALID',
      message: expect.stringContaining('built without the model'),
    });
  });

  it('refuses a profile of another model build', async () => {
    const file = await profileFile('other-model', (profile) => {
      (profile['model'] as Record<string, unknown>)['sha256'] = 'f'.repeat(64);
    });
    const error = await startError(withReference(file));
    expect(error.code).toBe('PROFILE_INVALID');
    expect(error.message).toContain('the profile was built with model fraud@1');
  });

  it('refuses a profile that reads the score from a field the topology does not write', async () => {
    const error = await startError({ ...fraud, output: { ...fraud.output, scoreField: 'risk' } });
    expect(error.code).toBe('PROFILE_INVALID');
    expect(error.message).toContain('fraud.probability');
    expect(error.message).toContain('risk.probability');
  });
});
