import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scanRepository } from '@anatomy/repo-scan';
import type { ScanResult } from '@anatomy/repo-scan';
import type { CellValue, ColumnBatch, ExtractionRequest } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeScipIndex } from './encode-scip-index.test-support.js';
import { ExtractScipError } from './extract-scip-error.js';
import { parseScipSymbol } from './parse-scip-symbol.js';
import { SCIP_SYMBOL_ROLE_BITS } from './scip-datasets.js';
import { createScipExtractor, indexerOptions } from './scip-extractor.js';
import { INDEXER_SEMI_SPACE_MB } from './run-scip-python.js';
import { scipEvidenceDatasets } from './scip-extractor-descriptor.js';
import { FIXTURE_PROJECT, writeTree } from './scip-fixture-project.test-support.js';

type Row = Record<string, CellValue>;
type Tables = Record<string, Row[]>;

const ALL = new Set(scipEvidenceDatasets.map((ds) => ds.name));
const BATCH_ROWS = 16;

async function collect(batches: AsyncIterable<ColumnBatch>): Promise<{ tables: Tables; batches: ColumnBatch[] }> {
  const tables: Tables = {};
  const seen: ColumnBatch[] = [];
  for await (const batch of batches) {
    seen.push(batch);
    const rows = (tables[batch.dataset.replace('evidence.', '')] ??= []);
    for (let i = 0; i < batch.rowCount; i++) rows.push(Object.fromEntries(Object.entries(batch.columns).map(([k, v]) => [k, v[i] ?? null])));
  }
  return { tables, batches: seen };
}

/**
 * Byte spans of every name a definition binds, from CPython's own parser:
 * def/class names (after the keyword on the statement's line), names and
 * attributes in store context, and parameters. ast columns are UTF-8 byte
 * offsets into the line.
 */
const DEFINITIONS_PY = String.raw`
import ast, json, re, sys
out = []
for path in sys.argv[1:]:
    raw = open(path, 'rb').read()
    # CPython's columns on line 1 start after a byte order mark.
    bom = 3 if raw.startswith(b'\xef\xbb\xbf') else 0
    lines = raw[bom:].splitlines(keepends=True)
    starts = [bom]
    for l in lines: starts.append(starts[-1] + len(l))
    at = lambda line, col: starts[line - 1] + col
    for node in ast.walk(ast.parse(raw)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            line = lines[node.lineno - 1]
            m = re.compile(rb'(?:async\s+)?(?:def|class)\s+').match(line, node.col_offset)
            b = at(node.lineno, m.end())
            out.append([path, b, b + len(re.match(rb'[^\s(:]+', line[m.end():]).group(0))])
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.append([path, at(node.lineno, node.col_offset), at(node.end_lineno, node.end_col_offset)])
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            e = at(node.end_lineno, node.end_col_offset)
            out.append([path, e - len(node.attr.encode()), e])
        elif isinstance(node, ast.arg):
            b = at(node.lineno, node.col_offset)
            out.append([path, b, b + len(node.arg.encode())])
json.dump(out, sys.stdout)
`;

let dir: string;
let scan: ScanResult;
let indexPath: string;
let run: { tables: Tables; batches: ColumnBatch[] };
const progress: [number, number][] = [];

function request(datasets: ReadonlySet<string> = ALL, extra: Partial<ExtractionRequest> = {}): ExtractionRequest {
  return { root: scan.root, files: scan.files, datasets, ...extra };
}

const pathOf = (fileId: CellValue | undefined): string | undefined => scan.files.find((f) => f.file_id === fileId)?.path;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scip-extractor-'));
  await writeTree(join(dir, 'project'), FIXTURE_PROJECT);
  scan = await scanRepository({ root: join(dir, 'project'), exclude: ['ignored'] });
  indexPath = join(dir, 'kept', 'index.scip');
  // The one real scip-python run of this file: every run-mode test reads its rows.
  const extractor = createScipExtractor({ mode: 'run', projectName: 'fixture', outputPath: indexPath, batchRows: BATCH_ROWS });
  run = await collect(extractor.extract(request(ALL, { onProgress: (done, total) => progress.push([done, total]) })));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createScipExtractor, running scip-python on a real project', () => {
  it('reports scip-python and the Python tools it will use', async () => {
    const capability = await createScipExtractor({ mode: 'run' }).capability();
    expect(capability).toMatchObject({ extractor: 'scip', available: true, tools: { 'scip-python': '0.6.6' } });
    expect(capability.tools['python3']).toMatch(/^3\./);
    expect(capability.tools['pip']).toMatch(/^\d+/);
  });

  it('places every definition exactly where CPython parses the name it binds', async () => {
    const paths = ['pkg_a/shapes.py', 'pkg_b/use.py', 'pkg_b/bom.py'];
    const expected = JSON.parse(execFileSync('python3', ['-c', DEFINITIONS_PY, ...paths], { cwd: scan.root, encoding: 'utf8' })) as [string, number, number][];
    const found = run.tables['scip_occurrences']!
      .filter((o) => o['is_definition'] === true && o['bstart'] !== o['bend'] && paths.includes(pathOf(o['file_id'])!))
      .map((o) => [pathOf(o['file_id']), Number(o['bstart']), Number(o['bend'])]);
    expect(found.length).toBeGreaterThan(20);
    expect(found.sort()).toEqual(expected.sort());
  });

  it('gives byte spans that hold the very identifiers, after accented, CJK and astral characters', async () => {
    let checked = 0;
    for (const o of run.tables['scip_occurrences']!) {
      const parsed = parseScipSymbol(String(o['symbol']));
      const last = parsed?.kind === 'global' ? parsed.descriptors[parsed.descriptors.length - 1] : undefined;
      if (last === undefined || last.suffix === 'meta' || last.suffix === 'namespace') continue;
      const bytes = await readFile(join(scan.root, pathOf(o['file_id'])!));
      const text = bytes.subarray(Number(o['bstart']), Number(o['bend'])).toString('utf8');
      // Python normalises identifiers (NFKC): '𝔘' in the source is the symbol 'U'.
      expect(text.normalize('NFKC')).toBe(last.name);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
    const use = run.tables['scip_occurrences']!.filter((o) => pathOf(o['file_id']) === 'pkg_b/use.py');
    const source = Buffer.from(FIXTURE_PROJECT['pkg_b/use.py'] as string, 'utf8');
    const spanOf = (name: string): number[] => {
      const o = use.find((row) => String(row['symbol']).endsWith(name) && row['is_definition'] === true)!;
      return [Number(o['start_char']), Number(o['end_char']), Number(o['bstart']), Number(o['bend'])];
    };
    // Line 3 holds `é = "ü"; 日本 = Circle(1.0); x = "🎉🎉"; y = x`: characters count UTF-16 units.
    const line3 = source.indexOf('é = ');
    expect(spanOf('/y.')).toEqual([39, 40, source.indexOf('y = x'), source.indexOf('y = x') + 1]);
    expect(spanOf('/`日本`.')).toEqual([9, 11, line3 + 11, line3 + 17]);
    expect(spanOf('/U.')).toEqual([25, 27, source.indexOf('𝔘'), source.indexOf('𝔘') + 4]);
  });

  it('counts a byte order mark as a character of line 0 and reads CRLF lines', () => {
    const bom = run.tables['scip_occurrences']!.filter((o) => pathOf(o['file_id']) === 'pkg_b/bom.py' && o['is_definition'] === true);
    const bytes = FIXTURE_PROJECT['pkg_b/bom.py'] as Uint8Array;
    const be = bom.find((o) => String(o['symbol']).endsWith('/`bé`.'))!;
    expect([be['start_line'], be['start_char'], be['bstart'], be['bend']]).toEqual([0, 1, 3, 6]);
    const b = bom.find((o) => String(o['symbol']).endsWith('/b.'))!;
    expect([b['start_line'], b['bstart']]).toEqual([1, Buffer.from(bytes).indexOf('b = a')]);
  });

  it('decodes the roles bitmask into its booleans', () => {
    const occurrences = run.tables['scip_occurrences']!;
    for (const o of occurrences) {
      for (const [name, bit] of Object.entries(SCIP_SYMBOL_ROLE_BITS)) expect(o[name]).toBe((Number(o['symbol_roles']) & bit) !== 0);
    }
    expect(occurrences.filter((o) => o['is_definition'] === true).length).toBeGreaterThan(20);
    expect(occurrences.filter((o) => o['is_read_access'] === true).length).toBeGreaterThan(20);
    const definition = occurrences.find((o) => String(o['symbol']).endsWith('`pkg_a.shapes`/Circle#') && o['is_definition'] === true)!;
    expect(definition).toMatchObject({ symbol_roles: 1, is_local_symbol: false, start_line: 10, enclosing_start_line: 10, enclosing_end_line: 15 });
    expect(new Set(occurrences.map((o) => o['occurrence_id'])).size).toBe(occurrences.length);
  });

  it('describes symbols: descriptor names and suffixes, signatures split from docstrings, external symbols', () => {
    const symbols = run.tables['scip_symbols']!;
    const shape = symbols.find((s) => s['symbol'] === 'scip-python python fixture . `pkg_a.shapes`/Shape#')!;
    expect(shape).toMatchObject({
      is_external: false,
      kind: null, // scip-python 0.6.6 sets no Kind and no display name
      display_name: null,
      descriptor_name: 'Shape',
      descriptor_suffix: 'type',
      package_manager: 'python',
      package_name: 'fixture',
      package_version: null,
      signature: 'class Shape:',
      documentation: 'A shape.',
    });
    expect(pathOf(shape['file_id'])).toBe('pkg_a/shapes.py');
    const naive = symbols.find((s) => String(s['symbol']).endsWith('`pkg_b.use`/`naïve`().'))!;
    expect(naive).toMatchObject({ descriptor_name: 'naïve', descriptor_suffix: 'method', documentation: null });
    expect(String(naive['signature'])).toContain('def naïve(');
    expect(symbols.find((s) => String(s['symbol']).endsWith('builtins/float#'))).toMatchObject({ is_external: true, file_id: null, package_name: 'python-stdlib' });
  });

  it('relates subclasses and overrides to what they implement', () => {
    const related = run.tables['scip_relationships']!.map((r) => [String(r['symbol']).split(' ').pop(), String(r['related_symbol']).split(' ').pop(), r['is_implementation'], r['is_reference']]);
    expect(related).toEqual(
      expect.arrayContaining([
        ['`pkg_a.shapes`/Circle#', '`pkg_a.shapes`/Shape#', true, false],
        ['`pkg_a.shapes`/Circle#area().', '`pkg_a.shapes`/Shape#area().', true, false],
      ]),
    );
    const circle = run.tables['scip_symbols']!.find((s) => String(s['symbol']).endsWith('`pkg_a.shapes`/Circle#'))!;
    expect(circle['relationship_count']).toBe(1);
  });

  it('lists each scanned document with the unit its characters were read in', () => {
    const documents = run.tables['scip_documents']!;
    expect(documents.map((d) => d['path']).sort()).toEqual(scan.files.map((f) => f.path).sort());
    for (const d of documents) {
      expect(d).toMatchObject({ language: null, position_encoding: 'unspecified', char_unit: 'utf16', unmapped_range_count: 0, tool_name: 'scip-python', tool_version: '0.6.6' });
      expect(d['relative_path']).toBe(d['path']);
    }
  });

  it('reports a document outside the scan as a diagnostic, and counts progress over the scanned files', () => {
    expect(run.tables['scip_diagnostics']).toEqual([
      expect.objectContaining({ file_id: null, path: 'ignored/extra.py', reported_by: 'extract-scip', severity: 'information', code: 'extract-scip/DocumentNotScanned', occurrence_id: null }),
    ]);
    expect(progress.at(-1)).toEqual([scan.files.length, scan.files.length]);
  });

  it('streams batches of bounded size', () => {
    expect(run.batches.length).toBeGreaterThan(5);
    for (const batch of run.batches) expect(batch.rowCount).toBeLessThanOrEqual(BATCH_ROWS);
  });
});

describe('createScipExtractor, reading an existing index', () => {
  it('gives the rows a run gives, with the same ids', async () => {
    const read = await collect(createScipExtractor({ mode: 'index', indexPath, batchRows: BATCH_ROWS }).extract(request()));
    expect(read.tables).toEqual(run.tables);
  });

  it('emits only the demanded datasets', async () => {
    const { tables } = await collect(createScipExtractor({ mode: 'index', indexPath }).extract(request(new Set(['evidence.scip_symbols', 'evidence.other_table']))));
    expect(Object.keys(tables)).toEqual(['scip_symbols']);
    expect(tables['scip_symbols']).toEqual(run.tables['scip_symbols']);
    const none = await collect(createScipExtractor({ mode: 'index', indexPath }).extract(request(new Set(['evidence.other_table']))));
    expect(none.batches).toEqual([]);
  });

  it('reports the indexer of an index as its tool, and a missing index as unavailable', async () => {
    expect(await createScipExtractor({ mode: 'index', indexPath }).capability()).toEqual({ extractor: 'scip', available: true, tools: { 'scip-python': '0.6.6' } });
    const missing = await createScipExtractor({ mode: 'index', indexPath: join(dir, 'absent.scip') }).capability();
    expect(missing).toMatchObject({ available: false, reason: expect.stringContaining('does not exist'), hint: expect.stringContaining('--scip-index') });
  });

  it('rejects invalid options, listing every problem', () => {
    const error = (() => {
      try {
        createScipExtractor({ mode: 'index', indexPath: '', batchRows: 0 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(ExtractScipError.is(error, 'InvalidOptions')).toBe(true);
    expect((error as Error).message).toMatch(/indexPath[\s\S]*batchRows/);
  });
});

describe('indexerOptions', () => {
  it('gives scip-python a larger young generation unless the caller chose one, and keeps every other option', () => {
    expect(indexerOptions({ mode: 'run', nodeHeapMb: 8192 })).toEqual({ mode: 'run', nodeHeapMb: 8192, nodeSemiSpaceMb: INDEXER_SEMI_SPACE_MB });
    expect(indexerOptions({ mode: 'run', nodeSemiSpaceMb: 32 }).nodeSemiSpaceMb).toBe(32);
  });
});

describe('createScipExtractor, reading a hand-made index', () => {
  const files: Record<string, string> = {
    'src/pkg/a.py': 'x = "日🎉"; y = x\ndef f(\n    p,\n): pass\n',
    'src/pkg/b.py': 'z = 1\n',
    'src/stale.py': 'q = 1\n',
    'src/changed.py': 'c = 1\n',
    'src/ascii.py': '# coding: ascii\nv = "é"\n',
  };
  let repo: string;
  let handScan: ScanResult;
  let tables: Tables;

  beforeAll(async () => {
    repo = join(dir, 'hand');
    await writeTree(repo, files);
    handScan = await scanRepository({ root: repo });
    // Edited after the scan: its bytes are no longer the ones the scan hashed.
    await writeFile(join(repo, 'src', 'changed.py'), 'c = 2\n');
    const path = join(dir, 'hand.scip');
    const sym = (name: string): string => `test . demo . ${name}`;
    await writeFile(
      path,
      encodeScipIndex({
        toolName: 'some-indexer',
        // Indexed in src/: every path gains that prefix.
        projectRoot: pathToFileURL(join(repo, 'src')).href,
        documents: [
          {
            relativePath: 'pkg/a.py',
            positionEncoding: 2, // UTF-16 code units, declared
            occurrences: [
              // `y` after '日' (one unit) and '🎉' (two units): character 11.
              { range: [0, 11, 12], symbol: sym('a/y.'), roles: 0x1 | 0x4, syntaxKind: 9 },
              // The whole multi-line definition of f, as a 4-element range; p's range typed.
              { range: [1, 4, 5], symbol: sym('a/f().'), roles: 0x1, enclosing: [1, 0, 3, 7] },
              { range: [2, 4, 5], rangeForm: 'typed', symbol: 'local 0', roles: 0x1, diagnostics: [{ severity: 2, code: 'W9', message: 'unused', source: 'lint', tags: [1] }] },
              { range: [0, 99, 100], symbol: sym('a/ghost.') },
              { range: [3], symbol: sym('a/broken.') },
            ],
          },
          { relativePath: 'pkg/b.py', positionEncoding: 1, occurrences: [{ range: [0, 0, 1], symbol: sym('b/z.'), roles: 0x1 }] },
          { relativePath: 'pkg/gone.py', occurrences: [{ range: [0, 0, 1], symbol: sym('gone/g.') }] },
          { relativePath: 'stale.py', positionEncoding: 3, trailing: [0x12, 0x7f] },
          { relativePath: 'pkg/b.py', occurrences: [{ range: [0, 0, 1], symbol: sym('b/again.') }] },
          { relativePath: 'changed.py', occurrences: [{ range: [0, 0, 1], symbol: sym('changed/c.'), roles: 1 }] },
          { relativePath: 'ascii.py', occurrences: [{ range: [1, 0, 1], symbol: sym('ascii/v.'), roles: 1 }] },
        ],
      }),
    );
    tables = (await collect(createScipExtractor({ mode: 'index', indexPath: path }).extract({ root: handScan.root, files: handScan.files, datasets: ALL }))).tables;
  });

  const bytesOf = (path: string): Buffer => Buffer.from(files[path]!, 'utf8');

  it('honours a declared UTF-16 encoding and the 4-element range form', () => {
    const a = bytesOf('src/pkg/a.py');
    const occ = (suffix: string): Row => tables['scip_occurrences']!.find((o) => String(o['symbol']).endsWith(suffix))!;
    expect(occ('a/y.')).toMatchObject({ bstart: a.indexOf('y = x'), bend: a.indexOf('y = x') + 1, is_definition: true, is_write_access: true, syntax_kind: 'IdentifierConstant' });
    expect(occ('a/f().')).toMatchObject({
      bstart: a.indexOf('f('),
      enclosing_start_line: 1,
      enclosing_end_line: 3,
      enclosing_bstart: a.indexOf('def f'),
      enclosing_bend: a.length - 1,
    });
    expect(occ('local 0')).toMatchObject({ is_local_symbol: true, bstart: a.indexOf('p,'), bend: a.indexOf('p,') + 1 });
  });

  it('maps paths from the index root to the repository, and keeps the indexer diagnostics at their occurrence', () => {
    const documents = tables['scip_documents']!;
    expect(documents.map((d) => [d['path'], d['relative_path'], d['position_encoding'], d['char_unit']])).toEqual([
      ['src/pkg/a.py', 'pkg/a.py', 'utf16', 'utf16'],
      ['src/pkg/b.py', 'pkg/b.py', 'utf8', 'utf8'],
      // Unspecified, from an indexer this package does not know: UTF-16, the unit of LSP.
      ['src/changed.py', 'changed.py', 'unspecified', 'utf16'],
      ['src/ascii.py', 'ascii.py', 'unspecified', 'utf16'],
    ]);
    const local = tables['scip_occurrences']!.find((o) => o['symbol'] === 'local 0')!;
    expect(tables['scip_diagnostics']!.find((d) => d['reported_by'] === 'indexer')).toMatchObject({
      occurrence_id: local['occurrence_id'],
      file_id: local['file_id'],
      severity: 'warning',
      code: 'W9',
      source: 'lint',
      is_unnecessary: true,
      is_deprecated: false,
      bstart: local['bstart'],
    });
  });

  it('reports ranges outside the file, malformed ranges, unscanned, damaged and repeated documents, and goes on', () => {
    const codes = tables['scip_diagnostics']!.filter((d) => d['reported_by'] === 'extract-scip').map((d) => [d['code'], d['path'], d['severity']]);
    expect(codes).toEqual([
      ['extract-scip/RangeOutsideFile', 'src/pkg/a.py', 'warning'],
      ['extract-scip/MalformedRange', 'src/pkg/a.py', 'warning'],
      ['extract-scip/DocumentNotScanned', 'src/pkg/gone.py', 'information'],
      ['extract-scip/MalformedDocument', 'stale.py', 'error'],
      ['extract-scip/DuplicateDocument', 'src/pkg/b.py', 'warning'],
      ['extract-scip/FileUnreadable', 'src/changed.py', 'warning'],
      ['extract-scip/FileUndecodable', 'src/ascii.py', 'warning'],
    ]);
    // Their occurrences stay, located by line and character only.
    for (const name of ['changed/c.', 'ascii/v.']) {
      expect(tables['scip_occurrences']!.find((o) => String(o['symbol']).endsWith(name))).toMatchObject({ start_char: 0, end_char: 1, bstart: null, bend: null });
    }
    expect(tables['scip_occurrences']!.some((o) => String(o['symbol']).endsWith('b/again.'))).toBe(false);
    expect(tables['scip_occurrences']!.find((o) => String(o['symbol']).endsWith('a/ghost.'))).toMatchObject({ start_char: 99, bstart: null, bend: null });
    expect(tables['scip_documents']!.find((d) => d['path'] === 'src/pkg/a.py')).toMatchObject({ occurrence_count: 5, unmapped_range_count: 1 });
  });
});
