import { readFileSync } from 'node:fs';
import type { KafkaConnection } from '../../topology/index.js';

/** The topology's TLS files read into the options Node's `tls.connect` takes, as both clients do. */
export function readTlsFiles(tls: NonNullable<KafkaConnection['tls']>): {
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
} {
  const { caFile, certFile, keyFile, rejectUnauthorized } = tls;
  return {
    rejectUnauthorized,
    ...(caFile ? { ca: [readFileSync(caFile, 'utf8')] } : {}),
    ...(certFile ? { cert: readFileSync(certFile, 'utf8') } : {}),
    ...(keyFile ? { key: readFileSync(keyFile, 'utf8') } : {}),
  };
}
