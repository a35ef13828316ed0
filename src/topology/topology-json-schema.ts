import { z } from 'zod';
import { topologySchema } from './topology-schema.js';

/** The JSON Schema editors use to autocomplete topology files (`schemas/topology.schema.json`). */
export function topologyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(topologySchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://streamscore.dev/schemas/topology.schema.json',
    title: 'streamscore topology',
  };
}
