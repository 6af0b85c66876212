import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stableId } from '@anatomy/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { ExitCode } from './exit-code.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes an inline file tree into a fresh temporary directory. */
function fileTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'anatomy-cli-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('anatomy build', () => {
  it('builds the CPG and reports views whose inputs come from DuckDB lineage', async () => {
    const root = fileTree({
      'pkg/__init__.py': '',
      'pkg/café.py': '# ¡olé! 中文 🐍\nclass Ünï:\n    def método(self):\n        pass\n\nasync def run():\n    pass\n',
      'ignored/skip.py': 'def hidden(): pass\n',
      '.gitignore': 'ignored/\n',
    });
    const result = await run('build', root, '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(ExitCode.Ok);
    const summary = JSON.parse(result.stdout) as {
      files: number;
      definitions: number;
      nodesByKind: Record<string, number>;
      order: string[];
      tasks: { name: string; inputs: string[] }[];
      storePath: string;
    };
    expect(summary.storePath).toBe(join(root, '.anatomy', 'anatomy.duckdb'));
    expect(summary).toMatchObject({ files: 2, definitions: 3, nodesByKind: { FILE: 2, DEF: 3 } });
    expect(summary.order.indexOf('norm.defs')).toBeLessThan(summary.order.indexOf('cpg.nodes'));
    expect(summary.tasks.find((t) => t.name === 'cpg.nodes')?.inputs).toEqual(['evidence.files', 'norm.defs']);
    expect(summary.tasks.find((t) => t.name === 'norm.defs')?.inputs).toEqual(['evidence.ts_defs']);

    const query = await run('query', root, "SELECT name, bstart, line, col, file_id FROM cpg.nodes WHERE node_kind = 'DEF' ORDER BY bstart", '--format', 'json');
    expect(query.code).toBe(ExitCode.Ok);
    const prefix = Buffer.byteLength('# ¡olé! 中文 🐍\n');
    expect(JSON.parse(query.stdout)).toEqual([
      { name: 'Ünï', bstart: prefix, line: 2, col: 0, file_id: stableId('file', 'pkg/café.py') },
      { name: 'método', bstart: prefix + Buffer.byteLength('class Ünï:\n    '), line: 3, col: 4, file_id: stableId('file', 'pkg/café.py') },
      { name: 'run', bstart: prefix + Buffer.byteLength('class Ünï:\n    def método(self):\n        pass\n\n'), line: 6, col: 0, file_id: stableId('file', 'pkg/café.py') },
    ]);
  });

  it('writes to --store and prints a readable summary', async () => {
    const root = fileTree({ 'a.py': 'def f():\n    return 1\n' });
    const store = join(root, 'elsewhere', 'cpg.duckdb');
    const result = await run('build', root, '--store', store);
    expect(result.stderr).not.toContain('anatomy:');
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.stdout).toContain(`CPG written to ${store}`);
    expect(result.stdout).toMatch(/cpg\.nodes ← evidence\.files, norm\.defs/);
    expect(result.stderr).toMatch(/» scan[\s\S]*✓ execute/);
    const count = await run('query', store, 'SELECT count(*) AS n FROM cpg.nodes', '--format', 'csv');
    expect(count.stdout).toBe('n\n2\n');
  });

  it('maps bad input to exit codes with a hint', async () => {
    const missing = await run('build', join(tmpdir(), 'anatomy-no-such-dir'));
    expect(missing.code).toBe(ExitCode.BadInput);
    expect(missing.stderr).toMatch(/hint: /);
    const empty = await run('build', fileTree({ 'README.md': '# no python here\n' }));
    expect(empty.code).toBe(ExitCode.BadInput);
    expect(empty.stderr).toContain('orchestrator/NoPythonFiles');
    const notBuilt = await run('query', fileTree({ 'a.py': '' }), 'SELECT 1');
    expect(notBuilt.code).toBe(ExitCode.BadInput);
    expect(notBuilt.stderr).toMatch(/anatomy build/);
    expect((await run('build')).code).toBe(ExitCode.Usage);
    expect((await run('query', '.', 'SELECT 1', '--format', 'xml')).code).toBe(ExitCode.Usage);
    expect((await run('--help')).code).toBe(ExitCode.Ok);
  });
});
