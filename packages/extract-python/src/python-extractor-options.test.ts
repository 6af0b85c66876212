import { describe, expect, it } from 'vitest';
import { ExtractPythonError } from './extract-python-error.js';
import { resolvePythonExtractorOptions } from './python-extractor-options.js';

describe('resolvePythonExtractorOptions', () => {
  it('fills in the defaults', () => {
    expect(resolvePythonExtractorOptions()).toEqual({ python: 'python3', fileTimeoutMs: 30_000, maxFileBytes: 4 * 1024 * 1024, batchRows: 8192 });
  });

  it('lists every problem at once', () => {
    try {
      resolvePythonExtractorOptions({ python: '', fileTimeoutMs: 0, batchRows: 1.5, testHooks: { crashOn: 'x' } } as never);
      expect.unreachable();
    } catch (error) {
      expect(ExtractPythonError.is(error, 'InvalidOptions')).toBe(true);
      const issues = (error as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path);
      expect(issues).toEqual(['python', 'fileTimeoutMs', 'batchRows', 'testHooks']);
    }
  });
});
