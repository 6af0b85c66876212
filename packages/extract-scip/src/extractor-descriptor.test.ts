import { validate } from '@anatomy/contracts';
import { defineDataset } from '@anatomy/schema-authority';
import { describe, expect, it } from 'vitest';
import { ExtractorDescriptorSchema } from './extractor-descriptor.js';

const files = defineDataset({
  name: 'evidence.sample_files',
  producer: 'sample',
  version: 1,
  description: 'files',
  spanUnit: 'none',
  columns: [{ name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' }],
});
const good = { name: 'sample', version: 1, needs: { python3: '>=3.8 <3.14' }, datasets: [files] };

function issuePaths(input: unknown): string[] {
  const result = validate(ExtractorDescriptorSchema, input);
  return result.ok ? [] : result.issues.map((i) => i.path);
}

describe('ExtractorDescriptorSchema', () => {
  it('accepts a descriptor, with or without needs', () => {
    expect(issuePaths(good)).toEqual([]);
    expect(issuePaths({ ...good, needs: {} })).toEqual([]);
  });

  it.each([
    ['a capitalised name', { name: 'Python' }, ['name']],
    ['version 0', { version: 0 }, ['version']],
    ['a version range in words', { needs: { python3: 'recent' } }, ['needs.python3']],
    ['a tool named with spaces', { needs: { 'python 3': '>=3.8' } }, ['needs.python 3']],
    ['no datasets', { datasets: [] }, ['datasets']],
    ['a dataset listed twice', { datasets: [files, files] }, ['datasets.1.name']],
    ['a dataset outside the evidence schema', { datasets: [{ ...files, name: 'cpg.sample' }] }, ['datasets.0.name']],
    ['an invalid dataset', { datasets: [{ ...files, columns: [] }] }, ['datasets.0.columns']],
  ])('rejects %s', (_label, change, paths) => {
    expect(issuePaths({ ...good, ...change })).toEqual(paths);
  });
});
