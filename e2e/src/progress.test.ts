import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anatomy, fixtureCopy, workspaceRoot } from './anatomy-cli.js';

/** The escape character that starts every ANSI control sequence. */
const ESC = String.fromCharCode(27);

describe('build progress', () => {
  let project: string;

  beforeAll(() => {
    project = fixtureCopy('shop');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('writes plain lines to a pipe, and a summary with files, nodes and edges by kind, diagnostics and time per stage', () => {
    const run = anatomy('build', project);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain(ESC);
    expect(run.stderr).not.toContain('█');
    expect(run.stderr).toMatch(/^» extract\n/m);
    expect(run.stderr).toMatch(/^ {2}scan: 5\/5 files\n/m);
    expect(run.stderr).toMatch(/^ {2}tree-sitter: 5\/5 files\n/m);
    expect(run.stderr).toMatch(/^✓ execute: \d+ views materialized \(/m);
    expect(run.stdout).toMatch(/^ {2}files: 5\n/m);
    expect(run.stdout).toMatch(/^ {2}nodes: .*DEF 18/m);
    expect(run.stdout).toMatch(/^ {2}edges: .*CONTAINS \d+/m);
    expect(run.stdout).toMatch(/^ {2}diagnostics: 0 \(scan 0, parsers 0\)\n/m);
    expect(run.stdout).toMatch(/^ {2}time: scan [\d.]+ m?s, .*extract [\d.]+ m?s, .*execute [\d.]+ m?s/m);
  });

  it('draws bars with counts and rates on a terminal', () => {
    // util-linux `script` runs the build on a pseudo-terminal; only stderr reaches it.
    const bin = join(workspaceRoot, 'node_modules', '.bin', 'anatomy');
    const run = spawnSync('script', ['-qec', `'${bin}' build '${project}' --full >/dev/null`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm' } });
    expect(run.status, run.stderr).toBe(0);
    const screen = run.stdout;
    expect(screen).toContain(`${ESC}[`);
    expect(screen).toMatch(/scan +\[█+\] +5\/5 files/);
    expect(screen).toMatch(/tree-sitter +\[█+\] +5\/5 files +[\d.]+ files\/s +[\d.]+ [kM]B\/s/);
    expect(screen).toMatch(/python +\[[█░]+\] +\d\/5 files/);
    expect(screen).toMatch(/execute +\[[█░]+\] +\d+\/\d+ views/);
    expect(screen).toContain('✓ extract:');
  });
});
