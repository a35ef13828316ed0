import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runnableWorkerUrl } from '../../../src/engine/part-thread.js';

const root = new URL('../../../', import.meta.url);

describe('the module a part thread starts', () => {
  it('is the caller’s sibling when that exists (the built CLI)', () => {
    const sibling = new URL('src/engine/part-thread.ts', root);
    expect(runnableWorkerUrl(sibling).href).toBe(sibling.href);
  });

  it('is the build of the same source when the caller runs from TypeScript', () => {
    const fromSource = new URL('src/engine/scoring-thread-worker.js', root);
    const built = runnableWorkerUrl(fromSource);
    expect(fileURLToPath(built)).toBe(
      fileURLToPath(new URL('dist/src/engine/scoring-thread-worker.js', root)),
    );
    expect(existsSync(built)).toBe(true);
  });

  it('names the missing module and the build command when neither exists', () => {
    expect(() => runnableWorkerUrl(new URL('src/engine/no-such-worker.js', root))).toThrow(
      /no-such-worker\.js is not built: run `npm run build`/,
    );
  });
});
