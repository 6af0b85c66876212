import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { AnatomyError, formatIssues } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import { exportArrow, exportGraphML, exportNeo4jCsv, exportParquet, openCpg } from '@anatomy/cpg-query';
import type { ExportSummary } from '@anatomy/cpg-query';
import { Command, CommanderError, Option } from 'commander';
import { buildOptionsFromConfig, loadConfig } from './anatomy-config.js';
import type { AnatomyConfigInput } from './anatomy-config.js';
import { buildCpg } from './build-cpg.js';
import { doctor, formatDoctor } from './doctor-command.js';
import { maintainCommand } from './maintain-command.js';
import { replayCommand } from './replay-command.js';
import { OrchestratorError } from './orchestrator-error.js';
import { planCommand } from './plan-command.js';
import type { BuildSummary } from './build-cpg.js';
import { ExitCode } from './exit-code.js';
import { formatRows } from './format-rows.js';
import type { RowFormat } from './format-rows.js';
import { formatPlanReport } from './plan-report.js';
import { formatDuration, lineProgress, silentProgress } from './progress-reporter.js';

/** Streams the CLI writes to; tests pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

const BUSY_CODES = new Set(['store/Locked', 'cpg-query/Locked']);
const BAD_INPUT_CODES = new Set(['orchestrator/NoRuns', 'orchestrator/RunNotFound', 'orchestrator/NoStore', 'orchestrator/InvalidConfiguration', 'orchestrator/NotADirectory', 'orchestrator/NoPythonFiles', 'orchestrator/NotAGitRepository', 'orchestrator/UnknownGitRef', 'cpg-query/NotFound', 'cpg-query/NotACpg', 'repo-scan/InvalidOptions']);

function exitCodeFor(error: AnatomyError): ExitCode {
  if (BUSY_CODES.has(error.code)) return ExitCode.Busy;
  if (BAD_INPUT_CODES.has(error.code)) return ExitCode.BadInput;
  return ExitCode.Failed;
}

function reportError(error: unknown, io: CliIo): ExitCode {
  if (error instanceof AnatomyError) {
    io.stderr.write(`anatomy: ${error.message}\n`);
    if (error.hint !== undefined) io.stderr.write(`  hint: ${error.hint}\n`);
    io.stderr.write(`  (${error.code})\n`);
    return exitCodeFor(error);
  }
  io.stderr.write(`anatomy: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  io.stderr.write('  this is a bug in Anatomy; please report it with the command you ran\n');
  return ExitCode.Internal;
}

function invalidConfiguration(issues: readonly ValidationIssue[]): AnatomyError {
  return OrchestratorError.create('InvalidConfiguration', `invalid configuration:\n${formatIssues(issues)}`, {
    details: { issues },
    hint: 'fix each line above (anatomy.config.json, [tool.anatomy] in pyproject.toml, ANATOMY_* variables or flags)',
  });
}

function printBuildSummary(summary: BuildSummary, io: CliIo): void {
  const out = io.stdout;
  out.write(`CPG written to ${summary.storePath}\n`);
  out.write(`  files: ${summary.files}   scan diagnostics: ${summary.scanDiagnostics}\n`);
  const b = summary.build;
  out.write(
    b.mode === 'full'
      ? `  build: full (${b.reason}), ${b.extracted} files extracted\n`
      : `  build: incremental, ${b.added} added, ${b.changed} changed, ${b.deleted} deleted, ${b.unchanged} unchanged; ${b.extracted} files extracted, ${b.evidenceRowsDeleted} evidence rows removed\n`,
  );
  if (b.mode === 'incremental') out.write(`  views: ${b.views.unchanged} unchanged, ${b.views.files} recomputed for the changed files only, ${b.views.full} recomputed whole\n`);
  if (b.since !== undefined) out.write(`  since ${b.since.ref}: git reports ${b.since.changedPaths} changed paths; ${b.since.filesRead} files read\n`);
  for (const x of summary.extractors) {
    const detail =
      x.status === 'ran'
        ? Object.entries(x.rows)
            .map(([ds, n]) => `${ds.replace(/^evidence\./, '')} ${n}`)
            .join(', ') || 'no rows'
        : `${x.status}${x.reason === undefined ? '' : ` — ${x.reason}`}${x.hint === undefined ? '' : ` (${x.hint})`}`;
    out.write(`  ${x.extractor} ${x.version}: ${detail}\n`);
  }
  out.write(`  nodes: ${Object.entries(summary.nodesByKind).map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
  out.write(`  views (in schedule order, inputs from DuckDB plan lineage, kept as the compiled policy says):\n`);
  for (const task of summary.tasks) {
    out.write(`    ${task.name} ← ${task.inputs.join(', ')}  (${task.cachePolicy}${task.materializedAs === 'table' ? `, ${task.rows} rows` : ''})\n`);
  }
  if (summary.maintenance.length > 0) {
    out.write(`  maintenance: ${summary.maintenance.map((r) => `${r.decision.action} ${r.status}`).join(', ')}\n`);
  }
  out.write(`  time: ${summary.stages.map((s) => `${s.stage} ${formatDuration(s.durationMs)}`).join(', ')}\n`);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;
}

/**
 * Runs the `anatomy` command line and resolves to its exit code instead of
 * exiting, so it can be embedded and tested.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = new Command('anatomy')
    .description('Build a code property graph of a Python repository into DuckDB, and query it.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run `anatomy --help` for usage)');

  program
    .command('build')
    .description('scan the Python files of a directory and write its CPG to <dir>/.anatomy/anatomy.duckdb')
    .argument('<dir>', 'directory holding the Python sources')
    .option('--store <path>', 'DuckDB file to write instead of <dir>/.anatomy/anatomy.duckdb')
    .option('--include <glob...>', 'only scan files matching these globs (default **/*.py)')
    .option('--exclude <glob...>', 'skip files and folders matching these globs')
    .option('--all-evidence', 'extract every evidence table, not only those the CPG program reads')
    .option('--scip', 'also run scip-python on the directory (needs python3 and pip)')
    .option('--scip-index <file>', 'read an existing SCIP index instead of running scip-python')
    .option('--wait [seconds]', 'wait for another build on the same store to finish (default 600 s)')
    .option('--no-wait', 'fail at once when another build holds the store (the default)')
    .addOption(new Option('--maintenance <mode>', 'store maintenance after the build (default run)').choices(['run', 'dry-run', 'off']))
    .option('--full', 'rebuild everything even when the store holds a build it could update file by file')
    .addOption(new Option('--since <git-ref>', 'only read files git reports changed since this ref (and untracked ones); the rest keep their stored records').conflicts('full'))
    .option('--json', 'print the build summary as JSON on stdout')
    .action(
      async (
        dir: string,
        opts: {
          store?: string;
          include?: string[];
          exclude?: string[];
          allEvidence?: boolean;
          scip?: boolean;
          scipIndex?: string;
          wait?: boolean | string;
          maintenance?: 'run' | 'dry-run' | 'off';
          full?: boolean;
          since?: string;
          json?: boolean;
        },
      ) => {
      // Only what the user typed goes in as flags, so the configuration file and environment fill the rest.
      const waitSeconds = opts.wait === true ? 600 : opts.wait === false ? 0 : typeof opts.wait === 'string' ? Number(opts.wait) : undefined;
      const flags: AnatomyConfigInput = {
        ...(opts.store ? { store: opts.store } : {}),
        ...(opts.include ? { include: opts.include } : {}),
        ...(opts.exclude ? { exclude: opts.exclude } : {}),
        ...(opts.allEvidence === true ? { allEvidence: true } : {}),
        ...(opts.scipIndex ? { scip: { index: opts.scipIndex } } : opts.scip === true ? { scip: 'run' as const } : {}),
        ...(waitSeconds === undefined ? {} : { wait: waitSeconds }),
        ...(opts.maintenance === undefined ? {} : { maintenance: opts.maintenance }),
        ...(opts.json === true ? { output: { json: true } } : {}),
      };
      const loaded = loadConfig({ root: dir, env: process.env, flags });
      if (!loaded.ok) throw invalidConfiguration(loaded.issues);
      const json = loaded.config.output.json;
      const progress = json ? silentProgress() : lineProgress(io.stderr);
      // --full and --since are about this one run, never settings to keep in a configuration file.
      const summary = await buildCpg({ ...buildOptionsFromConfig(dir, loaded.config), ...(opts.full === true ? { full: true } : {}), ...(opts.since === undefined ? {} : { since: opts.since }) }, progress);
      if (json) io.stdout.write(`${JSON.stringify(summary, jsonReplacer, 2)}\n`);
      else printBuildSummary(summary, io);
      },
    );

  program
    .command('plan')
    .description('show the compiled views, their inputs from DuckDB plan lineage, the schedule and every policy decision')
    .argument('<dir>', 'directory holding the Python sources (its store is used for statistics when it was built)')
    .option('--store <path>', 'DuckDB file to read statistics from instead of <dir>/.anatomy/anatomy.duckdb')
    .option('--json', 'print the plan as one JSON object')
    .action(async (dir: string, opts: { store?: string; json?: boolean }) => {
      const report = await planCommand({ root: dir, ...(opts.store ? { storePath: opts.store } : {}) });
      io.stdout.write(opts.json === true ? `${JSON.stringify(report, jsonReplacer, 2)}\n` : `${formatPlanReport(report)}\n`);
    });

  program
    .command('replay')
    .description('re-run the recorded execution package against the recorded evidence and compare every output table')
    .argument('<dir>', 'a built directory')
    .option('--run <id>', 'the run to replay (default: the latest)')
    .option('--store <path>', 'the store file, when it is not <dir>/.anatomy/anatomy.duckdb')
    .option('--json', 'print the comparison as JSON')
    .action(async (dir: string, opts: { run?: string; store?: string; json?: boolean }) => {
      const result = await replayCommand({ root: dir, ...(opts.run ? { runId: opts.run } : {}), ...(opts.store ? { storePath: opts.store } : {}) });
      if (opts.json === true) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        io.stdout.write(`replay of run ${result.runId}: ${result.ok ? 'every output table matches' : 'outputs differ'}\n`);
        for (const t of result.tables) io.stdout.write(`  ${t.matches ? '✓' : '✗'} ${t.table}${t.matches ? '' : ` (recorded ${t.expected ?? 'nothing'}, now ${t.actual})`}\n`);
      }
      if (!result.ok) {
        io.stderr.write(`anatomy: replay differs in ${result.tables.filter((t) => !t.matches).map((t) => t.table).join(', ')}\n`);
        exitCode = ExitCode.Failed;
      }
    });

  program
    .command('maintain')
    .description('decide store maintenance from the last build\'s measured writes, and run it (or only show it)')
    .argument('<dir>', 'a built directory')
    .option('--dry-run', 'show the decisions and their causes without acting')
    .option('--store <path>', 'the store file, when it is not <dir>/.anatomy/anatomy.duckdb')
    .option('--json', 'print the decisions and records as JSON')
    .action(async (dir: string, opts: { dryRun?: boolean; store?: string; json?: boolean }) => {
      const result = await maintainCommand({ root: dir, dryRun: opts.dryRun === true, ...(opts.store ? { storePath: opts.store } : {}) });
      if (opts.json === true) {
        io.stdout.write(`${JSON.stringify(result, jsonReplacer, 2)}\n`);
        return;
      }
      io.stdout.write(`maintenance from run ${result.runId}: ${result.decisions.length === 0 ? 'nothing to do' : `${result.decisions.length} decision(s)`}\n`);
      for (const r of result.records) {
        io.stdout.write(`  ${r.decision.action} ${r.status} — ${r.decision.rationale}\n`);
      }
    });

  program
    .command('doctor')
    .description('check node, python3, pip, scip-python, the parsers, DuckDB and the store, and say how to fix what is missing')
    .argument('[dir]', 'a built directory whose store to check as well')
    .option('--store <path>', 'check this store file')
    .option('--python <executable>', 'the python3 to check instead of the one on PATH')
    .option('--json', 'print the checks as JSON')
    .action(async (dir: string | undefined, opts: { store?: string; python?: string; json?: boolean }) => {
      const report = await doctor({ ...(dir ? { root: dir } : {}), ...(opts.store ? { storePath: opts.store } : {}), ...(opts.python ? { python3: opts.python } : {}) });
      io.stdout.write(opts.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${formatDoctor(report)}\n`);
      if (!report.ok) exitCode = ExitCode.Failed;
    });

  program
    .command('query')
    .description('run a read-only SQL query against the CPG of a directory (or a store file)')
    .argument('<dir>', 'directory that was built, or its .duckdb store file')
    .argument('<sql>', 'the SQL query, e.g. "SELECT node_kind, count(*) FROM cpg.nodes GROUP BY ALL"')
    .addOption(new Option('--format <format>', 'output format (default table)').choices(['table', 'csv', 'json']))
    .action(async (dir: string, sql: string, opts: { format?: RowFormat }) => {
      const loaded = loadConfig({ root: existsSync(dir) && statSync(dir).isDirectory() ? dir : dirname(dir), env: process.env, flags: opts.format ? { output: { format: opts.format } } : {} });
      if (!loaded.ok) throw invalidConfiguration(loaded.issues);
      const cpg = await openCpg(dir);
      try {
        io.stdout.write(formatRows(await cpg.sql(sql), loaded.config.output.format));
      } finally {
        await cpg.close();
      }
    });

  program
    .command('export')
    .description('export the CPG tables (nodes, edges, props) of a built directory')
    .argument('<dir>', 'directory that was built, or its .duckdb store file')
    .addOption(new Option('--format <format>', 'export format').choices(['parquet', 'arrow', 'graphml', 'neo4j']).makeOptionMandatory())
    .requiredOption('--out <path>', 'output directory (a .graphml file for graphml)')
    .option('--no-partition', 'parquet: do not hive-partition nodes and edges by kind')
    .option('--json', 'print the export summary as JSON')
    .action(async (dir: string, opts: { format: 'parquet' | 'arrow' | 'graphml' | 'neo4j'; out: string; partition: boolean; json?: boolean }) => {
      const cpg = await openCpg(dir);
      let summary: ExportSummary;
      try {
        switch (opts.format) {
          case 'parquet':
            summary = await exportParquet(cpg, opts.out, { partitionBy: opts.partition });
            break;
          case 'arrow':
            summary = await exportArrow(cpg, opts.out);
            break;
          case 'graphml':
            summary = await exportGraphML(cpg, opts.out);
            break;
          case 'neo4j':
            summary = await exportNeo4jCsv(cpg, opts.out);
            break;
        }
      } finally {
        await cpg.close();
      }
      if (opts.json === true) {
        io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      io.stdout.write(`${opts.format} export written to ${summary.target}\n`);
      for (const t of summary.tables) io.stdout.write(`  ${t.table}: ${t.rows} rows in ${t.files.length} file${t.files.length === 1 ? '' : 's'}\n`);
      for (const note of summary.notes) io.stdout.write(`  note: ${note}\n`);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    } else {
      exitCode = reportError(error, io);
    }
  }
  return exitCode;
}
