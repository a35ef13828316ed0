import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import {
  createTransactionGenerator,
  type TransactionGeneratorOptions,
} from './transaction-generator.js';

export interface WriteTransactionsOptions extends TransactionGeneratorOptions {
  /** How many events to write. */
  count: number;
}

/** Events are joined into chunks of this many lines: one write call per chunk, not per event. */
const LINES_PER_CHUNK = 1000;

/**
 * Writes `count` generated events as JSON Lines (one event per line) to a file path or to an
 * open stream (e.g. stdout), honouring backpressure. A file is created or truncated and closed
 * at the end; a stream passed in is left open.
 */
export async function writeTransactionsJsonl(
  destination: string | Writable,
  options: WriteTransactionsOptions,
): Promise<{ written: number }> {
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new RangeError(`count must be an integer >= 0, got ${options.count}`);
  }
  const generator = createTransactionGenerator(options);
  const ownsStream = typeof destination === 'string';
  const stream = ownsStream ? createWriteStream(destination) : destination;
  // Without a listener an 'error' event (EPIPE, ENOSPC) would crash the process; remember it
  // and fail the write loop instead.
  let failure: Error | undefined;
  const onError = (error: Error): void => {
    failure = error;
  };
  stream.on('error', onError);
  try {
    let written = 0;
    while (written < options.count) {
      const lines = Math.min(LINES_PER_CHUNK, options.count - written);
      let chunk = '';
      for (let i = 0; i < lines; i++) chunk += `${JSON.stringify(generator.next())}\n`;
      written += lines;
      if (failure !== undefined) throw failure;
      // `once` rejects if the stream fires 'error' first, so a broken pipe cannot hang us.
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    if (ownsStream) {
      stream.end();
      await once(stream, 'finish');
    }
    if (failure !== undefined) throw failure;
    return { written };
  } finally {
    stream.off('error', onError);
    if (ownsStream && !stream.writableFinished) stream.destroy();
  }
}
