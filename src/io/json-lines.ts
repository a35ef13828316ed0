/**
 * JSON Lines split at the byte level, so that what `streamscore produce` sends is each line's
 * bytes exactly as the file holds them (no re-encoding, no replacement characters): a line is
 * checked to be UTF-8 and JSON, then passed on with its bytes and its parsed value.
 */
import { StreamscoreError } from '../errors.js';

export interface JsonLine {
  /** 1-based, counting blank lines, as an editor shows it. */
  readonly lineNumber: number;
  /** The line without its terminator (LF, or CRLF). */
  readonly bytes: Buffer;
  readonly value: unknown;
}

const LF = 0x0a;
const CR = 0x0d;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// JSON's own whitespace only: a line of other blanks (U+00A0...) is not JSON, and says so.
const BLANK = /^[ \t]*$/;

/**
 * The non-blank lines of `chunks`, in order; `source` names the input in errors. A line that is
 * not UTF-8 or not JSON ends the iteration with DATA_INVALID naming its number.
 */
export async function* readJsonLines(
  chunks: AsyncIterable<Buffer | string>,
  source: string,
): AsyncGenerator<JsonLine> {
  let lineNumber = 0;
  // Bytes of the line still open at the end of the previous chunk.
  let pending: Buffer[] = [];
  for await (const chunk of readable(chunks, source)) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let end = bytes.indexOf(LF); end !== -1; end = bytes.indexOf(LF, start)) {
      pending.push(bytes.subarray(start, end));
      const line = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
      pending = [];
      start = end + 1;
      lineNumber++;
      const parsed = parseJsonLine(withoutCr(line), lineNumber, source);
      if (parsed !== undefined) yield parsed;
    }
    if (start < bytes.length) pending.push(bytes.subarray(start));
  }
  if (pending.length > 0) {
    const parsed = parseJsonLine(withoutCr(Buffer.concat(pending)), lineNumber + 1, source);
    if (parsed !== undefined) yield parsed;
  }
}

/** `chunks`, with a failed read (missing file, a directory, no permission) as DATA_INVALID. */
async function* readable(
  chunks: AsyncIterable<Buffer | string>,
  source: string,
): AsyncGenerator<Buffer | string> {
  try {
    yield* chunks;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new StreamscoreError('DATA_INVALID', `cannot read ${source} (${code})`, {
      cause: error,
      context: { file: source },
    });
  }
}

/** The line parsed, or undefined for a blank one (only spaces and tabs). */
function parseJsonLine(bytes: Buffer, lineNumber: number, source: string): JsonLine | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch (error) {
    throw invalidLine(source, lineNumber, 'is not UTF-8', error);
  }
  if (BLANK.test(text)) return undefined;
  try {
    return { lineNumber, bytes, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw invalidLine(source, lineNumber, `is not JSON (${(error as Error).message})`, error);
  }
}

function withoutCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, -1) : line;
}

function invalidLine(
  source: string,
  lineNumber: number,
  problem: string,
  cause: unknown,
): StreamscoreError {
  return new StreamscoreError('DATA_INVALID', `${source} line ${lineNumber} ${problem}`, {
    cause,
    context: { file: source, line: lineNumber },
  });
}
