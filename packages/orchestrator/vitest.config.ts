import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

/**
 * The test files that run whole builds (most of this package's test time), as the project `builds`;
 * every other file is the project `unit`. `vitest run` runs both. Nx runs `builds` as the target
 * `test:builds`, which `test` (the `unit` project) depends on: a task others depend on is started
 * before the tests of other packages, and this package's long tests then no longer wait
 * for every other package's lint, typecheck and tests to start (see the README's Developing).
 */
const BUILD_TESTS = [
  'src/incremental-build.test.ts',
  'src/incremental-build.property.test.ts',
  'src/cli.test.ts',
  'src/python-cpg-contract.test.ts',
  'src/plan-report.test.ts',
  'src/extraction-memory-cap.test.ts',
  'src/plan-cache.test.ts',
  'src/maintain-command.test.ts',
  'src/full-build-generation.test.ts',
  'src/replay-command.test.ts',
  'src/since-build.test.ts',
  'src/doctor-command.test.ts',
  'src/memory-cap.test.ts',
  'src/run-bundle-writer.test.ts',
  'src/symbol-fusion.test.ts',
  'src/graph-questions.test.ts',
  'src/large-view-writes.test.ts',
  'src/report-command.test.ts',
  'src/python-cpg-containment.test.ts',
  'src/python-cpg-resolution.test.ts',
  'src/export-progress.test.ts',
  'src/run-extractors.test.ts',
];

// These tests build whole CPGs, often in a CLI process of their own and several times over; each build plans every
// view of the python-cpg program. On a loaded machine that takes well over the shared minute.
const timeouts = { testTimeout: 180_000, hookTimeout: 180_000 };

/** A project of the shared configuration with its own files (a merged configuration would add to the shared list). */
function project(name: string, files: { include?: string[]; exclude?: string[] }): ReturnType<typeof mergeConfig> {
  const config = mergeConfig(shared, defineConfig({ test: { name, ...timeouts } }));
  config.test = { ...config.test, ...files };
  return config;
}

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      ...timeouts,
      projects: [project('builds', { include: BUILD_TESTS }), project('unit', { exclude: [...configDefaults.exclude, ...BUILD_TESTS] })],
    },
  }),
);
