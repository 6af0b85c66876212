import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { AnatomyError, formatIssues } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
// The depth limit alone, from an entry point of its own: the rest of the read side loads when a read command runs.
import { MAX_TRAVERSAL_DEPTH } from '@anatomy/cpg-query/traversal-options';
import type { ExportSummary } from '@anatomy/cpg-query';
import { DEFAULT_STORAGE_VERSION } from '@anatomy/store/storage-version';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { buildOptionsFromConfig, loadConfig } from './anatomy-config.js';
import type { AnatomyConfigInput } from './anatomy-config.js';
import { OrchestratorError } from './orchestrator-error.js';
import type { BuildSummary } from './build-cpg.js';
import { ExitCode } from './exit-code.js';
import { formatRows } from './format-rows.js';
import { DEFAULT_FULL_BUILD_MEMORY_LIMIT } from './memory-cap.js';
import type { GraphQuestion } from './graph-questions.js';
import type { RowFormat } from './format-rows.js';
import { barProgress, formatDuration, lineProgress, silentProgress } from './progress-reporter.js';
import type { ProgressReporter } from './progress-reporter.js';

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
  out.write(`  files: ${summary.files}\n`);
  const b = summary.build;
  out.write(
    b.mode === 'full'
      ? `  build: full (${b.reason}), ${b.extracted} files extracted\n`
      : `  build: incremental, ${b.added} added, ${b.changed} changed, ${b.deleted} deleted, ${b.unchanged} unchanged; ${b.filesRead} files read, ${b.extracted} extracted, ${b.evidenceRowsDeleted} evidence rows removed\n`,
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
  out.write(`  edges: ${Object.entries(summary.edgesByKind).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}\n`);
  out.write(`  diagnostics: ${summary.scanDiagnostics + (summary.nodesByKind['DIAGNOSTIC'] ?? 0)} (scan ${summary.scanDiagnostics}, parsers ${summary.nodesByKind['DIAGNOSTIC'] ?? 0})\n`);
  out.write(`  views (in schedule order, inputs from DuckDB plan lineage, kept as the compiled policy says):\n`);
  for (const task of summary.tasks) {
    out.write(`    ${task.name} ← ${task.inputs.join(', ')}  (${task.cachePolicy}${task.materializedAs === 'table' ? `, ${task.rows} rows` : ''})\n`);
  }
  if (summary.maintenance.length > 0) {
    out.write(`  maintenance: ${summary.maintenance.map((r) => `${r.decision.action} ${r.status}`).join(', ')}\n`);
  }
  if (summary.memory.extraction !== undefined) out.write(`  memory: ${summary.memory.extraction.reason}\n`);
  for (const note of [...summary.memory.leaner, ...summary.memory.raised]) out.write(`  memory: ${note.view}: ${note.reason}\n`);
  out.write(`  time: ${summary.stages.map((s) => `${s.stage} ${formatDuration(s.durationMs)}`).join(', ')}\n`);
}

/** Bars on a terminal; plain lines for pipes, files, CI logs and dumb terminals. */
function progressFor(stream: NodeJS.WritableStream): ProgressReporter {
  return isTerminal(stream) ? barProgress(stream) : lineProgress(stream);
}

/** A terminal that can redraw lines: a TTY, and not one that calls itself dumb. */
function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true && process.env['TERM'] !== 'dumb';
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;
}

function parseDepth(value: string): number {
  const depth = Number(value);
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_TRAVERSAL_DEPTH) {
    throw new InvalidArgumentError(`the depth is a whole number from 1 to ${MAX_TRAVERSAL_DEPTH}`);
  }
  return depth;
}

/** The row format of a read command: the flag, else the directory's configuration, else a table. */
function rowFormatFor(dir: string, format: RowFormat | undefined): RowFormat {
  const loaded = loadConfig({ root: existsSync(dir) && statSync(dir).isDirectory() ? dir : dirname(dir), env: process.env, flags: format ? { output: { format } } : {} });
  if (!loaded.ok) throw invalidConfiguration(loaded.issues);
  return loaded.config.output.format;
}

/** The typed graph questions, one command each: what they take and what they print. */
const QUESTIONS: readonly {
  readonly command: string;
  readonly args: readonly [string, string][];
  readonly description: string;
  readonly depth: boolean;
  readonly title: string;
  readonly question: (args: readonly string[], depth: number) => GraphQuestion;
}[] = [
  {
    command: 'defs',
    args: [['<name>', 'a name (main), qualified name (Catalog.add), full name (shop.catalog.Catalog.add) or path:name']],
    description: 'list the definitions a name means, with kind, location and node id',
    depth: false,
    title: 'definitions of',
    question: ([name]) => ({ kind: 'defs', name: name ?? '' }),
  },
  {
    command: 'refs',
    args: [['<definition>', 'the definition (name, qualified name, full name, path:name or node id)']],
    description: 'list the references that resolve to a definition, directly or through an import',
    depth: false,
    title: 'references to',
    question: ([definition]) => ({ kind: 'refs', definition: definition ?? '' }),
  },
  {
    command: 'callers',
    args: [['<definition>', 'the definition called (name, qualified name, full name, path:name or node id)']],
    description: 'list the definitions (and modules) that call a definition, transitively up to --depth',
    depth: true,
    title: 'callers of',
    question: ([definition], depth) => ({ kind: 'callers', definition: definition ?? '', depth }),
  },
  {
    command: 'callees',
    args: [['<definition>', 'the calling definition or module (name, qualified name, full name, path:name or node id)']],
    description: 'list the definitions a definition or module calls, transitively up to --depth',
    depth: true,
    title: 'callees of',
    question: ([definition], depth) => ({ kind: 'callees', definition: definition ?? '', depth }),
  },
  {
    command: 'imports',
    args: [['<module>', 'the dotted module name, e.g. shop.catalog']],
    description: 'list the repository modules a module imports, with the import statements',
    depth: false,
    title: 'imports of',
    question: ([module]) => ({ kind: 'imports', module: module ?? '' }),
  },
  {
    command: 'importers',
    args: [['<module>', 'the dotted module name, e.g. shop.catalog']],
    description: 'list the modules that import a module (or one of its definitions)',
    depth: false,
    title: 'importers of',
    question: ([module]) => ({ kind: 'importers', module: module ?? '' }),
  },
  {
    command: 'path',
    args: [
      ['<from>', 'the definition the calls start from'],
      ['<to>', 'the definition they reach'],
    ],
    description: 'show a shortest call chain from one definition to another (exit 1 when there is none)',
    depth: false,
    title: 'call path',
    question: ([from, to]) => ({ kind: 'path', from: from ?? '', to: to ?? '' }),
  },
];

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
    .option('--scip-memory <size>', "scip-python's JavaScript heap, such as 8GB (default Node's own, about 4 GB)")
    .option('--wait [seconds]', 'wait for another build on the same store to finish (default 600 s)')
    .option('--no-wait', 'fail at once when another build holds the store (the default)')
    .addOption(new Option('--maintenance <mode>', 'store maintenance after the build (default run)').choices(['run', 'dry-run', 'off']))
    .option('--memory-limit <size>', `DuckDB's memory cap, such as 3GB or 512MiB (default ${DEFAULT_FULL_BUILD_MEMORY_LIMIT} for a full build, DuckDB's own for an incremental one)`)
    .option('--storage-version <version>', `DuckDB storage format of a new store file, such as v1.0.0 for older DuckDB clients (default ${DEFAULT_STORAGE_VERSION})`)
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
          scipMemory?: string;
          wait?: boolean | string;
          maintenance?: 'run' | 'dry-run' | 'off';
          memoryLimit?: string;
          storageVersion?: string;
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
        ...(opts.scipMemory === undefined ? {} : { scipMemory: opts.scipMemory }),
        ...(waitSeconds === undefined ? {} : { wait: waitSeconds }),
        ...(opts.maintenance === undefined ? {} : { maintenance: opts.maintenance }),
        ...(opts.memoryLimit === undefined ? {} : { memoryLimit: opts.memoryLimit }),
        ...(opts.storageVersion === undefined ? {} : { storageVersion: opts.storageVersion }),
        ...(opts.json === true ? { output: { json: true } } : {}),
      };
      const loaded = loadConfig({ root: dir, env: process.env, flags });
      if (!loaded.ok) throw invalidConfiguration(loaded.issues);
      const json = loaded.config.output.json;
      const progress = json ? silentProgress() : progressFor(io.stderr);
      // --full and --since are about this one run, never settings to keep in a configuration file.
      const { buildCpg } = await import('./build-cpg.js');
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
      const [{ planCommand }, { formatPlanReport }] = await Promise.all([import('./plan-command.js'), import('./plan-report.js')]);
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
      const { replayCommand } = await import('./replay-command.js');
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
    .command('report')
    .description('write a self-contained HTML page about the last build: pipeline DAG with timings and critical path, CPG charts, decisions, maintenance')
    .argument('<dir>', 'a built directory')
    .option('--out <file>', 'the HTML file to write (default <dir>/.anatomy/report.html)')
    .option('--run <id>', 'the run to report on (default: the latest)')
    .option('--store <path>', 'the store file, when it is not <dir>/.anatomy/anatomy.duckdb')
    .option('--json', 'also print the data shown on the page as JSON')
    .action(async (dir: string, opts: { out?: string; run?: string; store?: string; json?: boolean }) => {
      const { reportCommand } = await import('./report-command.js');
      const { out, data } = await reportCommand({
        root: dir,
        ...(opts.out ? { out: opts.out } : {}),
        ...(opts.run ? { runId: opts.run } : {}),
        ...(opts.store ? { storePath: opts.store } : {}),
      });
      if (opts.json === true) {
        io.stdout.write(`${JSON.stringify({ out, ...data }, null, 2)}\n`);
        return;
      }
      const nodes = data.nodesByKind.reduce((a, k) => a + k.count, 0);
      const edges = data.edgesByKind.reduce((a, k) => a + k.count, 0);
      io.stdout.write(`report of run ${data.runId} written to ${out}\n`);
      io.stdout.write(`  ${data.views.length} views (critical path ${data.criticalPath.tasks.length}), ${data.files} files, ${nodes} nodes, ${edges} edges, ${data.decisions.length} decisions\n`);
    });

  program
    .command('maintain')
    .description('decide store maintenance from the last build\'s measured writes, and run it (or only show it)')
    .argument('<dir>', 'a built directory')
    .option('--dry-run', 'show the decisions and their causes without acting')
    .option('--store <path>', 'the store file, when it is not <dir>/.anatomy/anatomy.duckdb')
    .option('--json', 'print the decisions and records as JSON')
    .action(async (dir: string, opts: { dryRun?: boolean; store?: string; json?: boolean }) => {
      const { maintainCommand } = await import('./maintain-command.js');
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
      const { doctor, formatDoctor } = await import('./doctor-command.js');
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
      const format = rowFormatFor(dir, opts.format);
      const { openCpg } = await import('./read-side.js');
      const cpg = await openCpg(dir);
      try {
        io.stdout.write(formatRows(await cpg.sql(sql), format));
      } finally {
        await cpg.close();
      }
    });

  for (const spec of QUESTIONS) {
    const command = program
      .command(spec.command)
      .description(spec.description)
      .argument('<dir>', 'directory that was built, or its .duckdb store file');
    for (const [name, help] of spec.args) command.argument(name, help);
    if (spec.depth) command.addOption(new Option('--depth <n>', `follow calls this many levels (1 to ${MAX_TRAVERSAL_DEPTH}, default 1)`).argParser(parseDepth));
    command.addOption(new Option('--format <format>', 'output format (default table)').choices(['table', 'csv', 'json']));
    command.addHelpText(
      'after',
      `\nExit codes: 0 answered (an empty answer too), 1 unknown name (close matches on stderr), ambiguous name (candidates on stderr)${spec.command === 'path' ? ' or no call path' : ''}, 64 bad command line, 66 nothing built, 75 store busy.`,
    );
    command.action(async (dir: string, ...rest: unknown[]) => {
      const args = rest.slice(0, spec.args.length).map(String);
      const opts = (rest[spec.args.length] ?? {}) as { depth?: number; format?: RowFormat };
      const format = rowFormatFor(dir, opts.format);
      const { askCpg } = await import('./graph-questions.js');
      const answer = await askCpg(dir, spec.question(args, opts.depth ?? 1));
      if (format === 'table') io.stdout.write(`${spec.title} ${answer.subject}${spec.depth ? `, depth ≤ ${opts.depth ?? 1}` : ''}:\n`);
      io.stdout.write(formatRows(answer.rows, format));
      if (!answer.found) {
        io.stderr.write(`anatomy: no call path: ${answer.subject}\n`);
        exitCode = ExitCode.Failed;
      }
    });
  }

  program
    .command('export')
    .description('export the CPG tables (nodes, edges, props) of a built directory')
    .argument('<dir>', 'directory that was built, or its .duckdb store file')
    .addOption(new Option('--format <format>', 'export format').choices(['parquet', 'arrow', 'graphml', 'neo4j']).makeOptionMandatory())
    .requiredOption('--out <path>', 'output directory (a .graphml file for graphml)')
    .option('--no-partition', 'parquet: do not hive-partition nodes and edges by kind')
    .option('--json', 'print the export summary as JSON')
    .action(async (dir: string, opts: { format: 'parquet' | 'arrow' | 'graphml' | 'neo4j'; out: string; partition: boolean; json?: boolean }) => {
      const [{ exportArrow, exportGraphML, exportNeo4jCsv, exportParquet, openCpg }, { countingCpg, exportRowTotal }] = await Promise.all([
        import('./read-side.js'),
        import('./export-progress.js'),
      ]);
      const opened = await openCpg(dir);
      let summary: ExportSummary;
      // Bars on a terminal; elsewhere the summary on stdout is all, as for a pipe or CI log.
      const progress = opts.json !== true && isTerminal(io.stderr) ? barProgress(io.stderr) : silentProgress();
      const started = performance.now();
      try {
        const total = await exportRowTotal(opened, opts.format);
        let done = 0;
        progress.stage(`export ${opts.format}`);
        progress.count('rows', 0, total, 'rows');
        const cpg = countingCpg(opened, (rows) => progress.count('rows', (done += rows), total, 'rows'));
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
        progress.stageDone(`export ${opts.format}`, `${done} rows`, performance.now() - started);
      } finally {
        await opened.close();
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
