import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { executionPackageArtifact, readRunBundle } from '@anatomy/artifact-registry';
import type { ArtifactSpec } from '@anatomy/artifact-registry';
import { maintenanceDecisionsArtifact, thresholdCalibrationArtifact } from '@anatomy/maintenance';
import { CapabilitySnapshotSchema } from '@anatomy/plan-signals';
import { openStore, tableFingerprint } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import type { BuildSummary } from './build-cpg.js';
import { silentProgress } from './progress-reporter.js';
import {
  OUTPUT_TABLES,
  runCapabilitiesArtifact,
  runDiagnosticsSummaryArtifact,
  runMaintenanceRecordsArtifact,
  runManifestArtifact,
  runOutputFingerprintsArtifact,
  runPlanReportArtifact,
  runPlanBundlesArtifact,
  runScanPayoffsArtifact,
  runPolicyArtifact,
  runScheduleArtifact,
  runTimingsArtifact,
  runWriteOutcomesArtifact,
} from './run-artifacts.js';
import { sessionSettingsOf } from './run-bundle-writer.js';
import { runsDirectory } from './run-directory.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'anatomy-bundle-'));
  dirs.push(root);
  const files: Record<string, string> = {
    'pkg/__init__.py': '',
    'pkg/greeting.py': 'class Greeter:\n    def greet(self, who):\n        return f"hello {who}"\n\n\ndef main():\n    return Greeter().greet("world")\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('writeBuildBundle (through buildCpg)', () => {
  let root = '';
  let first: BuildSummary;
  let second: BuildSummary;
  beforeAll(async () => {
    root = fixture();
    first = await buildCpg({ root }, silentProgress());
    // --full: an incremental rebuild reads evidence tables whose DuckDB statistics differ from freshly
    // written ones, so its plans (and package) may differ even though its output tables do not.
    second = await buildCpg({ root, full: true }, silentProgress());
  }, 300_000);

  it('records each build under .anatomy/runs/<runId>, run ids sorting by time', () => {
    const runs = readdirSync(runsDirectory(root)).sort();
    expect(runs).toEqual([first.runId, second.runId]);
    expect(first.runId).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{6}$/);
  });

  it('writes every artifact of the run, each decodable with its spec', async () => {
    const bundle = await readRunBundle(join(runsDirectory(root), first.runId));
    expect(bundle.index.runId).toBe(first.runId);
    const specs: ArtifactSpec[] = [
      executionPackageArtifact,
      runManifestArtifact,
      runPolicyArtifact,
      runCapabilitiesArtifact,
      runPlanReportArtifact,
      runPlanBundlesArtifact,
      runScanPayoffsArtifact,
      runScheduleArtifact,
      runWriteOutcomesArtifact,
      maintenanceDecisionsArtifact,
      thresholdCalibrationArtifact,
      runMaintenanceRecordsArtifact,
      runDiagnosticsSummaryArtifact,
      runOutputFingerprintsArtifact,
      runTimingsArtifact,
    ];
    expect(bundle.index.artifacts.map((a) => a.name).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const spec of specs) expect(() => bundle.read(spec)).not.toThrow();

    const manifest = bundle.read(runManifestArtifact);
    expect(manifest.fingerprint).toBe(first.manifestFingerprint);
    expect(bundle.read(runPolicyArtifact).fingerprint).toBe(first.policyFingerprint);
    expect(bundle.read(runScheduleArtifact).order).toEqual(first.order);
    expect(bundle.read(runPlanReportArtifact).tasks.map((t) => t.planFingerprint)).toEqual(first.tasks.map((t) => t.planFingerprint));
    expect(bundle.read(runWriteOutcomesArtifact).map((o) => o.target)).toContain('cpg.nodes');
    expect(bundle.read(runMaintenanceRecordsArtifact)).toEqual(first.maintenance);
    expect(bundle.read(runDiagnosticsSummaryArtifact)).toMatchObject({ files: first.files, nodesByKind: first.nodesByKind });

    const pkg = bundle.read(executionPackageArtifact);
    expect(pkg.manifestFingerprint).toBe(first.manifestFingerprint);
    expect(pkg.capabilityFingerprint).toBe(bundle.read(runCapabilitiesArtifact).fingerprint);
    expect(Object.keys(pkg.planFingerprints).sort()).toEqual([...first.order].sort());
  });

  it('records the fingerprint of every output table as the store holds it', async () => {
    const recorded = (await readRunBundle(join(runsDirectory(root), second.runId))).read(runOutputFingerprintsArtifact);
    expect(Object.keys(recorded).sort()).toEqual([...OUTPUT_TABLES].sort());
    const store = await openStore({ path: second.storePath });
    try {
      for (const table of OUTPUT_TABLES) expect(recorded[table]).toBe(await tableFingerprint(store, table));
    } finally {
      await store.close();
    }
  });

  it('gives two builds of the same input the same execution package fingerprint', async () => {
    const a = (await readRunBundle(join(runsDirectory(root), first.runId))).read(executionPackageArtifact);
    const b = (await readRunBundle(join(runsDirectory(root), second.runId))).read(executionPackageArtifact);
    expect(b).toEqual(a);
    expect(JSON.stringify(a.sessionSettings)).not.toContain(first.runId);
  });
});

describe('sessionSettingsOf', () => {
  it('keeps the settings that can change results and leaves out the disk-dependent temp limit', () => {
    const settings = sessionSettingsOf(
      CapabilitySnapshotSchema.parse({
      duckdbVersion: 'v1.5.6',
      functions: { names: [], count: 0, fingerprint: '0'.repeat(64) },
      extensions: [],
      settings: { threads: '2', max_temp_directory_size: '90.0 GiB', TimeZone: 'UTC' },
      settingsFingerprint: '0'.repeat(64),
      fingerprint: '0'.repeat(64),
    }),
    );
    expect(settings).toEqual({ threads: '2', TimeZone: 'UTC' });
  });
});
