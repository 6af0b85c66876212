import { AnatomyError } from '@anatomy/contracts';
import { exportArrow, exportGraphML, exportNeo4jCsv, exportParquet, openCpg } from '@anatomy/cpg-query';
import type { ExportSummary } from '@anatomy/cpg-query';
import { Command, CommanderError, Option } from 'commander';
import { buildCpg } from './build-cpg.js';
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
const BAD_INPUT_CODES = new Set(['orchestrator/NotADirectory', 'orchestrator/NoPythonFiles', 'cpg-query/NotFound', 'cpg-query/NotACpg', 'repo-scan/InvalidOptions']);

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

function printBuildSummary(summary: BuildSummary, io: CliIo): void {
  const out = io.stdout;
  out.write(`CPG written to ${summary.storePath}\n`);
  out.write(`  files: ${summary.files}   scan diagnostics: ${summary.scanDiagnostics}\n`);
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
    .addOption(new Option('--maintenance <mode>', 'store maintenance after the build').choices(['run', 'dry-run', 'off']).default('run'))
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
          maintenance: 'run' | 'dry-run' | 'off';
          json?: boolean;
        },
      ) => {
      const progress = opts.json === true ? silentProgress() : lineProgress(io.stderr);
      const waitMs = opts.wait === true ? 600_000 : typeof opts.wait === 'string' ? Number(opts.wait) * 1000 : undefined;
      if (waitMs !== undefined && !(Number.isFinite(waitMs) && waitMs >= 0)) {
        throw new CommanderError(ExitCode.Usage, 'anatomy.wait', `--wait takes a number of seconds, not '${String(opts.wait)}'`);
      }
      const summary = await buildCpg(
        {
          root: dir,
          ...(opts.store ? { storePath: opts.store } : {}),
          ...(opts.include ? { include: opts.include } : {}),
          ...(opts.exclude ? { exclude: opts.exclude } : {}),
          ...(opts.allEvidence === true ? { allEvidence: true } : {}),
          ...(opts.scip === true ? { scip: true } : {}),
          ...(opts.scipIndex ? { scipIndex: opts.scipIndex } : {}),
          ...(waitMs === undefined ? {} : { waitMs }),
          maintenance: opts.maintenance,
        },
        progress,
      );
      if (opts.json === true) io.stdout.write(`${JSON.stringify(summary, jsonReplacer, 2)}\n`);
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
    .command('query')
    .description('run a read-only SQL query against the CPG of a directory (or a store file)')
    .argument('<dir>', 'directory that was built, or its .duckdb store file')
    .argument('<sql>', 'the SQL query, e.g. "SELECT node_kind, count(*) FROM cpg.nodes GROUP BY ALL"')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .action(async (dir: string, sql: string, opts: { format: RowFormat }) => {
      const cpg = await openCpg(dir);
      try {
        io.stdout.write(formatRows(await cpg.sql(sql), opts.format));
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
