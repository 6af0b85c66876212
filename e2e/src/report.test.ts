import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anatomy, fixtureCopy } from './anatomy-cli.js';
import { CHROMIUM, startChromium } from './headless-chromium.js';
import type { HeadlessChromium } from './headless-chromium.js';

interface Plan {
  tasks: { name: string }[];
}

describe('anatomy report, rendered in headless Chromium', () => {
  let project: string;
  let out: string;
  let plan: Plan;
  let criticalPath: string[];
  let byKind: { node_kind: string; n: number }[];
  let browser: HeadlessChromium;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    project = fixtureCopy('shop');
    // A file name that is markup, and a file no parser can read, so escaping and diagnostics show.
    writeFileSync(join(project, 'shop', '<em>odd&amp.py'), 'def odd():\n    return 1\n');
    writeFileSync(join(project, 'broken.py'), 'def broken(:\n    pass\n');
    const build = anatomy('build', project);
    expect(build.status).toBe(0);
    // The build's own critical path, as its progress line says; `anatomy plan` would replan with the new statistics.
    criticalPath = /critical path ([^\n]+?) \(\d/.exec(build.stderr)?.[1]?.split(' → ') ?? [];
    expect(criticalPath.length).toBeGreaterThan(1);
    plan = JSON.parse(anatomy('plan', project, '--json').stdout) as Plan;
    byKind = JSON.parse(anatomy('query', project, 'SELECT node_kind, count(*) AS n FROM cpg.nodes GROUP BY ALL ORDER BY 1', '--format', 'json').stdout) as typeof byKind;
    out = join(project, 'report.html');
    const run = anatomy('report', project, '--out', out);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`written to ${out}`);

    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`).toBe(true);
    browser = await startChromium();
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
    // A full build and `anatomy plan` each plan every view (several seconds each on an idle machine, far
    // more while CI runs other suites beside this one), then the report and Chromium.
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(project, { recursive: true, force: true });
  });

  it('loads with no console error and no request but the page itself', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(out).href]);
  });

  it('draws one DAG box per planned view and marks the critical path', async () => {
    expect(await page.locator('#pipeline-dag .dag-node.view').count()).toBe(plan.tasks.length);
    const names = await page.locator('#pipeline-dag .dag-node.view').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-name')));
    expect(names.sort()).toEqual(plan.tasks.map((t) => t.name).sort());
    const critical = await page.locator('#pipeline-dag .dag-node.critical').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-name')));
    expect(critical.sort()).toEqual([...criticalPath].sort());
    expect(await page.locator('#pipeline-dag .dag-edge.critical').count()).toBe(criticalPath.length - 1);
    // The marking is visible: a critical box is drawn in another colour, with a thicker line, than the rest.
    const stroke = (selector: string): Promise<string> => page.locator(selector).first().evaluate((rect) => `${getComputedStyle(rect).stroke} ${getComputedStyle(rect).strokeWidth}`);
    expect(await stroke('#pipeline-dag .dag-node.critical rect')).not.toBe(await stroke('#pipeline-dag .dag-node.view:not(.critical) rect'));
    expect(await page.locator('#critical-path').textContent()).toContain(criticalPath.join(' → '));
  });

  it('has a bar with the right count for every node kind in cpg.nodes', async () => {
    const bars = await page.locator('#chart-nodes .bar').evaluateAll((gs) =>
      gs.map((g) => ({ kind: g.getAttribute('data-label'), value: Number(g.getAttribute('data-value')), text: g.querySelector('.bar-value')?.textContent, width: Number(g.querySelector('rect')?.getBoundingClientRect().width) })),
    );
    expect(Object.fromEntries(bars.map((b) => [b.kind, b.value]))).toEqual(Object.fromEntries(byKind.map((k) => [k.node_kind, k.n])));
    for (const bar of bars) {
      expect(bar.text).toBe(String(bar.value));
      expect(bar.width).toBeGreaterThan(0);
    }
    const total = byKind.reduce((sum, k) => sum + k.n, 0);
    expect(await page.locator('#card-nodes b').textContent()).toBe(String(total));
  });

  it('ranks files by diagnostics and shows a markup file name as text', async () => {
    const first = page.locator('#chart-diagnostics .bar').first();
    expect(await first.getAttribute('data-label')).toBe('broken.py');
    expect(Number(await first.getAttribute('data-value'))).toBeGreaterThan(0);
    expect(await page.locator('#chart-largest-files .bar[data-label="shop/<em>odd&amp.py"]').count()).toBe(1);
    expect(await page.getByText('shop/<em>odd&amp.py').count()).toBeGreaterThan(0);
    expect(await page.locator('em').count()).toBe(0);
  });

  it('lists the decisions and the stages, and its script works', async () => {
    const decisions = await page.locator('#decisions tbody tr').count();
    expect(decisions).toBeGreaterThan(0);
    const stages = await page.locator('#chart-stages .bar').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')));
    expect(stages).toEqual(expect.arrayContaining(['scan', 'extract', 'plan views', 'execute']));
    await page.locator('#decision-filter').fill('cache-policy');
    const visible = await page.locator('#decisions tbody tr:visible').count();
    expect(visible).toBeGreaterThan(0);
    expect(visible).toBeLessThan(decisions);
    await page.locator(`#pipeline-dag .dag-node[data-name="${criticalPath[0]}"]`).click();
    expect(await page.locator('#pipeline-dag .dag-edge.lit').count()).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
  });

  it('writes the same page for the same run', () => {
    const again = join(project, 'again.html');
    expect(anatomy('report', project, '--out', again).status).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('exits 66 with a hint when nothing was built', () => {
    const fresh = fixtureCopy('shop');
    try {
      const run = anatomy('report', fresh);
      expect(run.status).toBe(66);
      expect(run.stderr).toMatch(/no run bundles[\s\S]*hint: run `anatomy build`/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
