import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { anatomyConfigJsonSchema, AnatomyConfigSchema, buildOptionsFromConfig, loadConfig } from './anatomy-config.js';

const dirs: string[] = [];
function repo(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('gives the defaults when nothing is configured', () => {
    const root = repo();
    const loaded = loadConfig({ root, env: {} });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.config).toEqual({ allEvidence: false, scip: 'off', wait: 0, maintenance: 'run', output: { format: 'table', json: false } });
    expect(loaded.sources.wait).toBe('default');
    expect(loaded.files).toEqual([]);
    expect(buildOptionsFromConfig(root, loaded.config)).toEqual({ root, maintenance: 'run' });
  });

  it('reads anatomy.config.json and resolves its paths against the root', () => {
    const root = repo({
      'anatomy.config.json': JSON.stringify({ store: 'db/cpg.duckdb', include: ['src/**/*.py'], scip: { index: 'index.scip' }, wait: 2.5, output: { format: 'csv' } }),
    });
    const loaded = loadConfig({ root, env: {} });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    expect(loaded.config.store).toBe(join(root, 'db/cpg.duckdb'));
    expect(loaded.config.scip).toEqual({ index: join(root, 'index.scip') });
    expect(loaded.config.output).toEqual({ format: 'csv', json: false });
    expect(loaded.sources.store).toBe(`file:${join(root, 'anatomy.config.json')}`);
    expect(loaded.sources['output.json']).toBe('default');
    expect(buildOptionsFromConfig(root, loaded.config)).toEqual({
      root,
      storePath: join(root, 'db/cpg.duckdb'),
      include: ['src/**/*.py'],
      scipIndex: join(root, 'index.scip'),
      waitMs: 2500,
      maintenance: 'run',
    });
  });

  it('reads [tool.anatomy] of pyproject.toml, leaving the rest of the file alone', () => {
    const root = repo({
      'pyproject.toml': [
        '[project]',
        'name = "demo"',
        'description = """',
        '[tool.anatomy]',
        '"""',
        'dependencies = [{ name = "x" }]',
        '',
        '[tool.anatomy]  # ours',
        'exclude = [',
        '  "tests/**",   # not these',
        "  'build/**',",
        ']',
        'all-evidence = false',
        'allEvidence = true',
        'wait = 1_0',
        '',
        '[tool.other]',
        'wait = "x"',
        '',
        '[tool.anatomy.output]',
        'json = true',
      ].join('\n'),
    });
    const loaded = loadConfig({ root, env: {} });
    // 'all-evidence' is not a key of the schema, so it is reported with its place.
    expect(loaded).toEqual({ ok: false, issues: [{ path: 'pyproject.toml: tool.anatomy', message: 'Unrecognized key: "all-evidence"' }] });
    writeFileSync(join(root, 'pyproject.toml'), readFileSync(join(root, 'pyproject.toml'), 'utf8').replace('all-evidence = false\n', ''));
    const fixed = loadConfig({ root, env: {} });
    if (!fixed.ok) throw new Error(JSON.stringify(fixed.issues));
    expect(fixed.config).toMatchObject({ exclude: ['tests/**', 'build/**'], allEvidence: true, wait: 10, output: { format: 'table', json: true } });
    expect(fixed.sources.allEvidence).toBe(`file:${join(root, 'pyproject.toml')}`);
  });

  it('lets flags beat the environment and the environment beat the file', () => {
    const root = repo({ 'anatomy.config.json': JSON.stringify({ wait: 5, maintenance: 'off', exclude: ['a/**'] }) });
    const cwd = repo();
    const loaded = loadConfig({ root, cwd, env: { ANATOMY_WAIT: '7', ANATOMY_MAINTENANCE: 'dry-run', ANATOMY_STORE: 'x.duckdb', ANATOMY_JSON: 'yes', HOME: '/' }, flags: { wait: 9 } });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    expect(loaded.config).toMatchObject({ wait: 9, maintenance: 'dry-run', exclude: ['a/**'], store: join(cwd, 'x.duckdb'), output: { json: true } });
    expect(loaded.sources).toMatchObject({ wait: 'flags', maintenance: 'env:ANATOMY_MAINTENANCE', exclude: `file:${join(root, 'anatomy.config.json')}`, store: 'env:ANATOMY_STORE' });
  });

  it('maps the scip variables and flags', () => {
    const root = repo();
    const env = loadConfig({ root, cwd: root, env: { ANATOMY_SCIP_INDEX: 'i.scip' } });
    expect(env.ok && env.config.scip).toEqual({ index: join(root, 'i.scip') });
    const flags = loadConfig({ root, env: { ANATOMY_SCIP_INDEX: 'i.scip' }, flags: { scip: 'run' } });
    if (!flags.ok) throw new Error('expected ok');
    expect(buildOptionsFromConfig(root, flags.config)).toEqual({ root, scip: true, maintenance: 'run' });
  });

  it('takes a memory cap from the file, the environment or a flag, and refuses one that is not a size', () => {
    const root = repo({ 'anatomy.config.json': JSON.stringify({ memoryLimit: '3GB' }) });
    const file = loadConfig({ root, env: {} });
    if (!file.ok) throw new Error(JSON.stringify(file.issues));
    expect(buildOptionsFromConfig(root, file.config)).toEqual({ root, maintenance: 'run', memoryLimit: '3GB' });
    const env = loadConfig({ root, env: { ANATOMY_MEMORY_LIMIT: '512MiB' } });
    expect(env.ok && buildOptionsFromConfig(root, env.config).memoryLimit).toBe('512MiB');
    const flag = loadConfig({ root, env: { ANATOMY_MEMORY_LIMIT: '512MiB' }, flags: { memoryLimit: '1.5GB' } });
    expect(flag.ok && flag.sources['memoryLimit']).toBe('flags');
    const bad = loadConfig({ root, env: { ANATOMY_MEMORY_LIMIT: 'lots' } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([expect.stringMatching(/^ANATOMY_MEMORY_LIMIT: .*must be a size such as '2GB'/)]);
  });

  it('takes the storage version of a new store from the file, the environment or a flag, and refuses one DuckDB does not name', () => {
    const root = repo({ 'anatomy.config.json': JSON.stringify({ storageVersion: 'v1.0.0' }) });
    const file = loadConfig({ root, env: {} });
    if (!file.ok) throw new Error(JSON.stringify(file.issues));
    expect(buildOptionsFromConfig(root, file.config)).toEqual({ root, maintenance: 'run', storageVersion: 'v1.0.0' });
    const flag = loadConfig({ root, env: { ANATOMY_STORAGE_VERSION: 'latest' }, flags: { storageVersion: 'v1.4.0' } });
    expect(flag.ok && [flag.config.storageVersion, flag.sources['storageVersion']]).toEqual(['v1.4.0', 'flags']);
    // Absent, the store's default applies.
    const none = loadConfig({ root: repo({}), env: {} });
    expect(none.ok && buildOptionsFromConfig(root, none.config).storageVersion).toBeUndefined();
    const bad = loadConfig({ root, env: { ANATOMY_STORAGE_VERSION: '1.4' } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([expect.stringMatching(/^ANATOMY_STORAGE_VERSION: must be a DuckDB version such as 'v1.4.0'/)]);
  });

  it("takes scip-python's heap as a size from the file, the environment or a flag, in MiB for Node", () => {
    const root = repo({ 'anatomy.config.json': JSON.stringify({ scip: 'run', scipMemory: '8GiB' }) });
    const file = loadConfig({ root, env: {} });
    if (!file.ok) throw new Error(JSON.stringify(file.issues));
    expect(buildOptionsFromConfig(root, file.config)).toEqual({ root, scip: true, maintenance: 'run', scipHeapMb: 8192 });
    const env = loadConfig({ root, env: { ANATOMY_SCIP_MEMORY: '6GB' } });
    expect(env.ok && env.sources['scipMemory']).toBe('env:ANATOMY_SCIP_MEMORY');
    expect(env.ok && buildOptionsFromConfig(root, env.config).scipHeapMb).toBe(5722);
    const flag = loadConfig({ root, env: { ANATOMY_SCIP_MEMORY: '6GB' }, flags: { scipMemory: '512MiB' } });
    expect(flag.ok && buildOptionsFromConfig(root, flag.config).scipHeapMb).toBe(512);
    const bad = loadConfig({ root, env: { ANATOMY_SCIP_MEMORY: 'plenty' } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([expect.stringMatching(/^ANATOMY_SCIP_MEMORY: .*must be a size such as '2GB'/)]);
  });

  it('lists every problem of every place, prefixed by the place', () => {
    const root = repo({ 'anatomy.config.json': JSON.stringify({ include: ['', 'ok'], wait: -1, scip: 'sometimes', colour: 'red' }) });
    const loaded = loadConfig({ root, env: { ANATOMY_WAIT: 'soon', ANATOMY_ALL_EVIDENCE: 'maybe', ANATOMY_FORMAT: 'xml' }, flags: { maintenance: 'always' as 'run' } });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const lines = loaded.issues.map((i) => `${i.path}: ${i.message}`);
    expect(lines).toContain('anatomy.config.json: include.0: must not be empty');
    expect(lines).toContain('anatomy.config.json: wait: must be 0 or more seconds');
    expect(lines.some((l) => l.startsWith('anatomy.config.json: scip: '))).toBe(true);
    expect(lines).toContain('anatomy.config.json: Unrecognized key: "colour"');
    expect(lines).toContain("ANATOMY_WAIT: expected a number of seconds, got 'soon'");
    expect(lines).toContain("ANATOMY_ALL_EVIDENCE: expected true/false/1/0, got 'maybe'");
    expect(lines.some((l) => l.startsWith('ANATOMY_FORMAT: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('flags: maintenance: '))).toBe(true);
    expect(loaded.issues).toHaveLength(8);
  });

  it('reports malformed JSON with its line and column instead of throwing', () => {
    const root = repo({ 'anatomy.config.json': '{\n  "wait": 3,\n}\n' });
    const loaded = loadConfig({ root, env: {} });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.issues).toHaveLength(1);
    expect(loaded.issues[0]!.path).toBe('anatomy.config.json: line 3, column 1');
    expect(loaded.issues[0]!.message).toMatch(/^invalid JSON: /);
  });

  it('reports malformed TOML with its line and column instead of throwing', () => {
    const root = repo({ 'pyproject.toml': '[project]\nname = "x"\n\n[tool.anatomy]\nwait = 3\ninclude = ["a", \n' });
    const loaded = loadConfig({ root, env: {} });
    expect(loaded).toEqual({ ok: false, issues: [{ path: 'pyproject.toml: line 7, column 1', message: "invalid TOML: expected ']' to close the array" }] });
    writeFileSync(join(root, 'pyproject.toml'), '[tool.anatomy]\nstore = "a\n');
    const unterminated = loadConfig({ root, env: {} });
    expect(unterminated).toEqual({ ok: false, issues: [{ path: 'pyproject.toml: line 2, column 9', message: 'invalid TOML: unterminated string' }] });
  });

  it('refuses configuration in both files', () => {
    const root = repo({ 'anatomy.config.json': '{}', 'pyproject.toml': '[tool.anatomy]\nwait = 1\n' });
    const loaded = loadConfig({ root, env: {} });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.issues[0]!.path).toBe('pyproject.toml: tool.anatomy');
  });
});

describe('anatomy.config.schema.json', () => {
  const schemaPath = join(import.meta.dirname, '..', 'anatomy.config.schema.json');

  it('is the JSON Schema generated from AnatomyConfigSchema', () => {
    const expected = `${JSON.stringify(anatomyConfigJsonSchema(), null, 2)}\n`;
    if (process.env['ANATOMY_UPDATE_SCHEMA'] === '1') writeFileSync(schemaPath, expected);
    const committed = readFileSync(schemaPath, 'utf8');
    expect(committed, 'anatomy.config.schema.json is stale: regenerate it with `ANATOMY_UPDATE_SCHEMA=1 npx vitest run src/anatomy-config.test.ts` in packages/orchestrator').toBe(expected);
  });

  it('documents every field', () => {
    const properties = (anatomyConfigJsonSchema()['properties'] ?? {}) as Record<string, { description?: string }>;
    expect(Object.keys(properties).sort()).toEqual(Object.keys(AnatomyConfigSchema.shape).sort());
    for (const [name, property] of Object.entries(properties)) expect(property.description, name).toBeTruthy();
  });
});
