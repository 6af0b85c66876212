import { DAG_BOX, layoutDag } from './dag-layout.js';
import { htmlText } from './html-text.js';
import { formatDuration } from './progress-reporter.js';
import type { KindCount, ReportData } from './report-data.js';

/** One bar of a chart: its label, the value its length shows and the text beside it. */
interface Bar {
  readonly label: string;
  readonly value: number;
  readonly text: string;
}

const CHART = Object.freeze({ width: 720, labelWidth: 260, barWidth: 340, row: 22 });
const TOP_N = 15;

function bytesText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A horizontal bar chart as inline SVG. Each bar is a `<g class="bar">`
 * carrying its label and value as data attributes, so the numbers can be
 * read back from the rendered page.
 */
function barChart(id: string, title: string, bars: readonly Bar[], empty: string): string {
  if (bars.length === 0) return `<figure class="chart" id="${id}"><figcaption>${htmlText(title)}</figcaption><p class="empty">${htmlText(empty)}</p></figure>`;
  const max = Math.max(...bars.map((b) => b.value), 0);
  const height = bars.length * CHART.row + 4;
  const rows = bars.map((b, i) => {
    const y = i * CHART.row + 2;
    const length = max === 0 ? 0 : Math.max(1, Math.round((b.value / max) * CHART.barWidth));
    return (
      `<g class="bar" data-label="${htmlText(b.label)}" data-value="${b.value}">` +
      `<title>${htmlText(b.label)}: ${htmlText(b.text)}</title>` +
      `<text class="bar-label" x="${CHART.labelWidth - 8}" y="${y + 15}" text-anchor="end">${htmlText(truncate(b.label, 38))}</text>` +
      `<rect x="${CHART.labelWidth}" y="${y + 3}" width="${length}" height="${CHART.row - 6}" rx="2"/>` +
      `<text class="bar-value" x="${CHART.labelWidth + length + 6}" y="${y + 15}">${htmlText(b.text)}</text></g>`
    );
  });
  return (
    `<figure class="chart" id="${id}"><figcaption>${htmlText(title)}</figcaption>` +
    `<svg role="img" aria-label="${htmlText(title)}" width="${CHART.width}" height="${height}" viewBox="0 0 ${CHART.width} ${height}">${rows.join('')}</svg></figure>`
  );
}

/** The critical path's estimated cost and, when the run timed its views, what they took. */
function criticalTime(data: ReportData): string {
  const durations = data.criticalPath.tasks.map((t) => data.views.find((v) => v.name === t)?.durationMs ?? null);
  const measured = durations.every((d) => d !== null) ? `, measured ${formatDuration(durations.reduce((a: number, d) => a + (d ?? 0), 0))}` : '';
  return `estimated ${formatDuration(data.criticalPath.cost)}${measured}`;
}

function kindBars(counts: readonly KindCount[]): Bar[] {
  return counts.map((k) => ({ label: k.kind, value: k.count, text: String(k.count) }));
}

function table(id: string, header: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return `<p class="empty" id="${id}">${htmlText(empty)}</p>`;
  const head = header.map((h) => `<th>${htmlText(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function pipelineSvg(data: ReportData): string {
  const layout = layoutDag(data.views, data.criticalPath.tasks);
  const views = new Map(data.views.map((v) => [v.name, v]));
  const { width: w, height: h } = DAG_BOX;
  const edges = layout.edges
    .map((e) => `<path class="dag-edge${e.critical ? ' critical' : ''}" data-from="${htmlText(e.from)}" data-to="${htmlText(e.to)}" d="${e.path}"/>`)
    .join('\n');
  const nodes = layout.nodes
    .map((n) => {
      const view = views.get(n.id);
      const detail =
        view === undefined
          ? 'source'
          : `${view.durationMs === null ? 'not timed' : formatDuration(view.durationMs)} · ${view.cachePolicy}${view.rows === null ? '' : ` · ${view.rows} rows`}`;
      const tip =
        view === undefined
          ? n.id
          : `${n.id} (${view.kind})\nreads: ${view.inputs.join(', ')}\nestimated ${formatDuration(view.estimatedCostMs)}, measured ${view.durationMs === null ? 'nothing' : formatDuration(view.durationMs)}`;
      return (
        `<g class="dag-node ${n.kind}${n.critical ? ' critical' : ''}" data-name="${htmlText(n.id)}" transform="translate(${n.x} ${n.y})">` +
        `<title>${htmlText(tip)}</title><rect width="${w}" height="${h}" rx="4"/>` +
        `<text class="dag-name" x="8" y="15">${htmlText(truncate(n.id, 34))}</text>` +
        `<text class="dag-detail" x="8" y="29">${htmlText(truncate(detail, 44))}</text></g>`
      );
    })
    .join('\n');
  return `<svg id="pipeline-dag" role="img" aria-label="pipeline DAG" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">\n<g class="edges">${edges}</g>\n<g class="nodes">${nodes}</g>\n</svg>`;
}

const STYLE = `
:root { --fg: #1d2330; --muted: #5b6474; --line: #d5dae3; --bar: #4a78c2; --critical: #d2452d; --bg-alt: #f4f6fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0 0 16px; } code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; } .card { background: var(--bg-alt); border-radius: 6px; padding: 10px 16px; min-width: 120px; }
.card b { display: block; font-size: 20px; } .card span { color: var(--muted); }
.charts { display: flex; flex-wrap: wrap; gap: 24px; } figure.chart { margin: 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
.bar rect { fill: var(--bar); } .bar-label, .bar-value { font-size: 12px; fill: var(--fg); }
.dag-wrap { overflow: auto; border: 1px solid var(--line); border-radius: 6px; max-height: 80vh; }
.dag-edge { fill: none; stroke: #a9b2c2; stroke-width: 1; } .dag-edge.critical { stroke: var(--critical); stroke-width: 2.5; }
.dag-node rect { fill: #fff; stroke: #8a94a6; } .dag-node.source rect { fill: var(--bg-alt); stroke-dasharray: 4 3; }
.dag-node.critical rect { stroke: var(--critical); stroke-width: 2.5; } .dag-name { font-size: 12px; font-weight: 600; } .dag-detail { font-size: 10px; fill: var(--muted); }
.dag-node.lit rect { fill: #fff4d6; } .dag-edge.lit { stroke: #c98a00; stroke-width: 2; }
.legend span { margin-right: 16px; } .legend .crit { color: var(--critical); font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 13px; } th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-alt); } td { overflow-wrap: anywhere; } .num { display: block; text-align: right; font-variant-numeric: tabular-nums; } .empty { color: var(--muted); }
ul.notes li { color: var(--muted); } input[type=search] { margin: 4px 0 8px; padding: 4px 8px; width: 320px; }
`;

/*
 * The page's only script: filtering the decisions table, and lighting up a
 * view's inputs and readers when it is clicked. It reads nothing but the page.
 */
const SCRIPT = `
(function () {
  var filter = document.getElementById('decision-filter');
  var table = document.getElementById('decisions');
  if (filter && table) {
    filter.addEventListener('input', function () {
      var q = filter.value.toLowerCase();
      table.querySelectorAll('tbody tr').forEach(function (tr) { tr.hidden = q !== '' && tr.textContent.toLowerCase().indexOf(q) < 0; });
    });
  }
  var svg = document.getElementById('pipeline-dag');
  if (svg) {
    svg.addEventListener('click', function (event) {
      var node = event.target.closest ? event.target.closest('.dag-node') : null;
      svg.querySelectorAll('.lit').forEach(function (el) { el.classList.remove('lit'); });
      if (!node) return;
      var name = node.getAttribute('data-name');
      node.classList.add('lit');
      svg.querySelectorAll('.dag-edge').forEach(function (edge) {
        var from = edge.getAttribute('data-from'), to = edge.getAttribute('data-to');
        if (from !== name && to !== name) return;
        edge.classList.add('lit');
        var other = from === name ? to : from;
        svg.querySelectorAll('.dag-node').forEach(function (n) { if (n.getAttribute('data-name') === other) n.classList.add('lit'); });
      });
    });
  }
})();
`;

/**
 * Renders the report of a run as one self-contained HTML page: styles,
 * script and charts (inline SVG) are all in the file and a Content Security
 * Policy forbids any fetch, so it opens offline and from anywhere. Every
 * string from the data is escaped; nothing depends on the time of
 * rendering, so the same data gives the same bytes.
 *
 * @example
 * writeFileSync('report.html', renderReportHtml(await collectReportData({ root: 'path/to/project' })));
 */
export function renderReportHtml(data: ReportData): string {
  const totalMs = data.stages.reduce((a, s) => a + s.durationMs, 0);
  const nodes = data.nodesByKind.reduce((a, k) => a + k.count, 0);
  const edges = data.edgesByKind.reduce((a, k) => a + k.count, 0);
  const diagnostics = data.filesByDiagnostics.reduce((a, f) => a + f.diagnostics, 0);
  const timed = data.views.filter((v) => v.durationMs !== null);
  const slowestViews = [...timed]
    .sort((a, b) => (b.durationMs ?? 0) - (a.durationMs ?? 0) || (a.name < b.name ? -1 : 1))
    .slice(0, TOP_N)
    .map((v) => ({ label: v.name, value: v.durationMs ?? 0, text: formatDuration(v.durationMs ?? 0) }));
  const withDiagnostics = data.filesByDiagnostics.filter((f) => f.diagnostics > 0).slice(0, TOP_N);
  const cleanFiles = data.filesByDiagnostics.filter((f) => f.diagnostics === 0).length;
  const largest = data.filesByDiagnostics
    .filter((f): f is typeof f & { bytes: number } => f.bytes !== null)
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))
    .slice(0, TOP_N)
    .map((f) => ({ label: f.path, value: f.bytes, text: bytesText(f.bytes) }));
  const slowestFiles = data.slowestFiles.slice(0, TOP_N).map((f) => ({
    label: f.path,
    value: f.durationMs,
    text: `${formatDuration(f.durationMs)} (${Object.entries(f.extractors)
      .map(([x, t]) => `${x} ${formatDuration(t)}`)
      .join(', ')})`,
  }));
  const card = (value: string, label: string, id: string): string => `<div class="card" id="${id}"><b>${htmlText(value)}</b><span>${htmlText(label)}</span></div>`;
  const num = (text: string): string => `<span class="num">${htmlText(text)}</span>`;

  const extractorRows = data.extractors.map((x) => {
    const rate =
      x.durationMs !== null && x.durationMs > 0 && x.files !== null && x.status === 'ran'
        ? `${(x.files / (x.durationMs / 1000)).toFixed(1)} files/s, ${bytesText((x.bytes ?? 0) / (x.durationMs / 1000))}/s`
        : '';
    return [
      htmlText(x.extractor),
      `<code>${htmlText(x.version)}</code>`,
      htmlText(x.status + (x.reason === null ? '' : ` — ${x.reason}`)),
      num(String(x.rows)),
      num(x.durationMs === null ? '' : formatDuration(x.durationMs)),
      htmlText(rate),
    ];
  });
  const viewRows = data.views.map((v, i) => [
    num(String(i + 1)),
    v.critical ? '<b class="crit" title="on the critical path">●</b>' : '',
    `<code>${htmlText(v.name)}</code>`,
    htmlText(v.kind),
    htmlText(v.cachePolicy),
    num(String(v.generation)),
    num(formatDuration(v.estimatedCostMs)),
    num(v.durationMs === null ? '' : formatDuration(v.durationMs)),
    num(v.rows === null ? '' : String(v.rows)),
    htmlText(v.inputs.join(', ')),
  ]);
  const decisionRows = data.decisions.map((d) => [
    num(d.confidence.toFixed(2)),
    `<code>${htmlText(d.subject)}</code>`,
    htmlText(d.decision),
    `<code title="${htmlText(d.value)}">${htmlText(truncate(d.value, 80))}</code>`,
    htmlText(d.rationale),
  ]);
  const maintenanceRows = data.maintenance.map((m) => [
    htmlText(m.action),
    `<code>${htmlText(m.target)}</code>`,
    htmlText(m.status),
    num(`${m.measured} ≥ ${m.threshold}`),
    num(m.confidence.toFixed(2)),
    htmlText(m.rationale),
    num(formatDuration(m.durationMs)),
  ]);

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Anatomy report — run ${htmlText(data.runId)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Anatomy build report</h1>
<p class="meta">run <code id="run-id">${htmlText(data.runId)}</code> of <code>${htmlText(data.root)}</code>, recorded ${htmlText(data.recordedAt)}<br>
store <code>${htmlText(data.storePath)}</code> · manifest <code>${htmlText(data.manifestFingerprint.slice(0, 12))}</code> · policy <code>${htmlText(data.policyFingerprint.slice(0, 12))}</code> · execution package <code>${htmlText(data.packageFingerprint.slice(0, 12))}</code></p>
<section class="cards" id="summary">
${card(String(data.files), 'files', 'card-files')}
${card(String(nodes), 'nodes', 'card-nodes')}
${card(String(edges), 'edges', 'card-edges')}
${card(String(diagnostics), 'diagnostics', 'card-diagnostics')}
${card(String(data.views.length), 'views', 'card-views')}
${card(data.stages.length === 0 ? 'not recorded' : formatDuration(totalMs), 'build time (stages)', 'card-time')}
</section>

<h2>Stages</h2>
<div class="charts">${barChart('chart-stages', 'time per stage', data.stages.map((s) => ({ label: s.stage, value: s.durationMs, text: formatDuration(s.durationMs) })), 'this run recorded no stage timings')}</div>

<h2>Pipeline</h2>
<p class="legend"><span>${data.views.length} views in ${new Set(data.views.map((v) => v.generation)).size} generations; edges are lineage from DuckDB's plans</span>
<span class="crit" id="critical-path">critical path (${htmlText(criticalTime(data))}): ${htmlText(data.criticalPath.tasks.join(' → '))}</span><span>dashed boxes: evidence tables · click a view to light up its inputs and readers</span></p>
<div class="dag-wrap">${pipelineSvg(data)}</div>
<h3>Views in schedule order</h3>
${table('views', ['#', 'cp', 'view', 'kind', 'kept as', 'gen', 'estimated', 'measured', 'rows', 'inputs'], viewRows, 'no views')}

<h2>CPG</h2>
<div class="charts">
${barChart('chart-nodes', 'nodes by kind', kindBars(data.nodesByKind), 'cpg.nodes is empty')}
${barChart('chart-edges', 'edges by kind', kindBars(data.edgesByKind), 'cpg.edges is empty or absent')}
${barChart('chart-diagnostics', `files by diagnostics (${cleanFiles} of ${data.filesByDiagnostics.length} files have none)`, withDiagnostics.map((f) => ({ label: f.path, value: f.diagnostics, text: String(f.diagnostics) })), `no file has a diagnostic (${data.filesByDiagnostics.length} files)`)}
${barChart('chart-slowest-files', 'slowest files (extraction time in the workers)', slowestFiles, 'this run recorded no per-file times')}
${barChart('chart-largest-files', 'largest files', largest, 'no files')}
${barChart('chart-slowest-views', 'slowest views', slowestViews, 'this run recorded no view timings')}
</div>

<h2>Extractors</h2>
${table('extractors', ['extractor', 'version', 'status', 'rows', 'time', 'rate'], extractorRows, 'no extractors ran')}

<h2>Decisions</h2>
<input type="search" id="decision-filter" placeholder="filter decisions" aria-label="filter decisions">
${table('decisions', ['confidence', 'subject', 'decision', 'value', 'rationale'], decisionRows, 'no decisions recorded')}

<h2>Maintenance</h2>
${table('maintenance', ['action', 'target', 'status', 'measured ≥ threshold', 'confidence', 'rationale', 'time'], maintenanceRows, 'no maintenance was called for after this run')}
${data.notes.length === 0 ? '' : `\n<h2>Notes</h2>\n<ul class="notes">${data.notes.map((n) => `<li>${htmlText(n)}</li>`).join('')}</ul>`}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
