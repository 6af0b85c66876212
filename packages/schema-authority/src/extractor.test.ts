import { describe, expect, it } from 'vitest';
import { defineDataset } from './dataset-schema.js';
import { defineExtractor } from './extractor.js';

const ds = defineDataset({
  name: 'evidence.py_defs',
  producer: 'python',
  version: 1,
  description: 'defs',
  spanUnit: 'none',
  columns: [{ name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' }],
});

describe('defineExtractor', () => {
  it('freezes a valid descriptor', () => {
    const d = defineExtractor({ name: 'python', version: '1', needs: { python3: '>=3.8' }, datasets: [ds] });
    expect(Object.isFrozen(d)).toBe(true);
    expect(d.needs).toEqual({ python3: '>=3.8' });
  });

  it('lists every problem', () => {
    const other = defineDataset({ ...ds, name: 'cpg.nodes' });
    expect(() => defineExtractor({ name: 'Py', version: '', needs: { python3: 'latest' }, datasets: [ds, ds, other] })).toThrow(
      /name:[\s\S]*version:[\s\S]*needs\.python3:[\s\S]*datasets\.1\.name: dataset 'evidence\.py_defs' is listed twice[\s\S]*datasets\.2\.name: extractors emit into the 'evidence' schema/,
    );
  });
});
