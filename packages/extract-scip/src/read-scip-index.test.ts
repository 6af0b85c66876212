import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeScipIndex } from './encode-scip-index.test-support.js';
import type { TestIndex } from './encode-scip-index.test-support.js';
import { ExtractScipError } from './extract-scip-error.js';
import { readScipIndex } from './read-scip-index.js';
import type { ScipIndexEntry } from './scip-messages.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-scip-index-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function entries(path: string, chunkBytes?: number): Promise<ScipIndexEntry[]> {
  const out: ScipIndexEntry[] = [];
  for await (const e of readScipIndex(path, chunkBytes === undefined ? {} : { chunkBytes })) out.push(e);
  return out;
}

const sample: TestIndex = {
  toolName: 'hand-made',
  toolVersion: '9.9',
  projectRoot: 'file:///somewhere',
  documents: [
    {
      relativePath: 'a.py',
      language: 'python',
      positionEncoding: 2,
      occurrences: [
        { range: [1, 2, 5], symbol: 'sym a', roles: 1, syntaxKind: 15, enclosing: [1, 0, 3, 4] },
        { range: [0, 0, 2, 7], rangeForm: 'unpacked', symbol: 'sym b', roles: 0x8 | 0x20 },
        { range: [4, 1, 6], rangeForm: 'typed', symbol: 'sym c', roles: 0x40, enclosing: [4, 0, 5, 0] },
        { range: [7, 3, 8, 1], rangeForm: 'typed', symbol: '' },
        { range: [1, 2], symbol: 'bad' },
        {
          range: [2, 0, 1],
          symbol: 'sym d',
          diagnostics: [
            { severity: 2, code: 'W1', message: 'unused', source: 'lint', tags: [1, 2] },
            { message: 'plain' },
          ],
        },
      ],
      symbols: [
        {
          symbol: 'sym a',
          documentation: ['```python\ndef a()\n```', 'Docs.'],
          relationships: [{ symbol: 'sym z', isImplementation: true, isReference: true }, { symbol: 'sym y', isDefinition: true, isTypeDefinition: true }],
          kind: 17,
          displayName: 'a',
          signature: 'def a() -> None',
          enclosingSymbol: 'sym outer',
        },
      ],
      // An unknown varint field (15) and an unknown length-delimited one (14): newer indexers may write them.
      trailing: [15 * 8, 42, 14 * 8 + 2, 3, 1, 2, 3],
    },
    { relativePath: 'b/c.py', occurrences: [{ range: [0, 0, 1], symbol: 'local 0', roles: 1 }] },
  ],
  externalSymbols: [{ symbol: 'ext x', documentation: ['external'] }],
};

describe('readScipIndex', () => {
  it('decodes metadata, documents, occurrences in every range form, symbols, relationships and diagnostics', async () => {
    const all = await entries(await write('sample.scip', encodeScipIndex(sample)));
    expect(all.map((e) => e.kind)).toEqual(['metadata', 'document', 'document', 'external-symbol']);
    const [meta, first, second, external] = all;
    expect(meta).toEqual({
      kind: 'metadata',
      metadata: { protocolVersion: 0, toolName: 'hand-made', toolVersion: '9.9', toolArguments: [], projectRoot: 'file:///somewhere', textDocumentEncoding: 1 },
    });
    if (first?.kind !== 'document' || second?.kind !== 'document' || external?.kind !== 'external-symbol') throw new Error('unexpected entries');
    const doc = first.document;
    expect([doc.relativePath, doc.language, doc.positionEncoding]).toEqual(['a.py', 'python', 2]);
    expect(doc.occurrences.map((o) => [o.symbol, o.range, o.symbolRoles, o.enclosingRange])).toEqual([
      ['sym a', { startLine: 1, startChar: 2, endLine: 1, endChar: 5 }, 1, { startLine: 1, startChar: 0, endLine: 3, endChar: 4 }],
      ['sym b', { startLine: 0, startChar: 0, endLine: 2, endChar: 7 }, 0x28, null],
      ['sym c', { startLine: 4, startChar: 1, endLine: 4, endChar: 6 }, 0x40, { startLine: 4, startChar: 0, endLine: 5, endChar: 0 }],
      ['', { startLine: 7, startChar: 3, endLine: 8, endChar: 1 }, 0, null],
      ['bad', null, 0, null],
      ['sym d', { startLine: 2, startChar: 0, endLine: 2, endChar: 1 }, 0, null],
    ]);
    expect(doc.occurrences[0]?.syntaxKind).toBe(15);
    expect(doc.occurrences[5]?.diagnostics).toEqual([
      { severity: 2, code: 'W1', message: 'unused', source: 'lint', tags: [1, 2] },
      { severity: 0, code: '', message: 'plain', source: '', tags: [] },
    ]);
    expect(doc.symbols).toEqual([
      {
        symbol: 'sym a',
        documentation: ['```python\ndef a()\n```', 'Docs.'],
        relationships: [
          { symbol: 'sym z', isReference: true, isImplementation: true, isTypeDefinition: false, isDefinition: false },
          { symbol: 'sym y', isReference: false, isImplementation: false, isTypeDefinition: true, isDefinition: true },
        ],
        kind: 17,
        displayName: 'a',
        signature: 'def a() -> None',
        enclosingSymbol: 'sym outer',
      },
    ]);
    expect(second.document).toMatchObject({ relativePath: 'b/c.py', language: '', positionEncoding: 0 });
    expect(external.symbol).toMatchObject({ symbol: 'ext x', documentation: ['external'], kind: 0, displayName: '' });
    expect(Object.isFrozen(doc) && Object.isFrozen(doc.occurrences[0])).toBe(true);
  });

  it('reads the same entries whatever the size of its reads', async () => {
    const path = await write('chunks.scip', encodeScipIndex(sample));
    const whole = await entries(path);
    for (const chunk of [1, 7, 64]) expect(await entries(path, chunk)).toEqual(whole);
  });

  it('reads negative int32 values, which the wire sign-extends to ten bytes', async () => {
    const path = await write('negative.scip', encodeScipIndex({ documents: [{ relativePath: 'n.py', occurrences: [{ range: [0, -1, 2], symbol: 's', roles: -1 }] }] }));
    const doc = (await entries(path)).find((e) => e.kind === 'document');
    expect(doc?.kind === 'document' && doc.document.occurrences[0]).toMatchObject({ range: { startChar: -1 }, symbolRoles: -1 });
  });

  it('reports a damaged document and goes on with the next one', async () => {
    const index = encodeScipIndex({
      documents: [
        // An occurrence field announcing 127 bytes where the document ends first.
        { relativePath: 'broken.py', trailing: [0x12, 0x7f, 1] },
        { relativePath: 'fine.py' },
      ],
    });
    const all = await entries(await write('damaged.scip', index));
    expect(all.map((e) => e.kind)).toEqual(['metadata', 'malformed-document', 'document']);
    expect(all[1]).toMatchObject({ kind: 'malformed-document', relativePath: 'broken.py' });
    expect(all[2]).toMatchObject({ document: { relativePath: 'fine.py' } });
  });

  it('throws MalformedIndex for a truncated file, and IndexUnreadable for a missing one', async () => {
    const whole = encodeScipIndex(sample);
    const truncated = await write('truncated.scip', whole.subarray(0, whole.length - 5));
    await expect(entries(truncated)).rejects.toSatisfy((e: unknown) => ExtractScipError.is(e, 'MalformedIndex'));
    await expect(entries(join(dir, 'absent.scip'))).rejects.toSatisfy((e: unknown) => ExtractScipError.is(e, 'IndexUnreadable'));
  });

  it('reads an empty file as an index without entries', async () => {
    expect(await entries(await write('empty.scip', new Uint8Array(0)))).toEqual([]);
  });
});
