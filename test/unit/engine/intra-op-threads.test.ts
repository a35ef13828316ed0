import { describe, expect, it } from 'vitest';
import { intraOpThreadsPerPipeline } from '../../../src/engine/index.js';

describe('ONNX Runtime intra-op threads per scoring pipeline', () => {
  it("leaves ONNX Runtime's own choice to a single pipeline", () => {
    expect(intraOpThreadsPerPipeline(0, 1, 8)).toBe(0);
  });

  it('shares the cores among pipelines when left to ONNX Runtime', () => {
    expect(intraOpThreadsPerPipeline(0, 2, 2)).toBe(1);
    expect(intraOpThreadsPerPipeline(0, 2, 8)).toBe(4);
    expect(intraOpThreadsPerPipeline(0, 3, 8)).toBe(2);
  });

  it('gives every pipeline at least one thread when there are more pipelines than cores', () => {
    expect(intraOpThreadsPerPipeline(0, 4, 2)).toBe(1);
  });

  it('keeps a configured thread count as it is', () => {
    expect(intraOpThreadsPerPipeline(3, 2, 2)).toBe(3);
    expect(intraOpThreadsPerPipeline(1, 1, 8)).toBe(1);
  });
});
