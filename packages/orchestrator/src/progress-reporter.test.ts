import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { barProgress, lineProgress } from './progress-reporter.js';

/** The escape character that starts every ANSI control sequence. */
const ESC = String.fromCharCode(27);

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

describe('lineProgress', () => {
  it('writes plain lines only, one per stage, per finished stage and per completed counter', () => {
    const { stream, text } = capture();
    const progress = lineProgress(stream, 60_000);
    progress.stage('extract');
    progress.count('tree-sitter', 0, 3, 'files', 300);
    progress.count('tree-sitter', 1, 3, 'files', 300);
    progress.count('tree-sitter', 3, 3, 'files', 300);
    progress.stageDone('extract', '2 extractors', 1500);
    progress.stage('execute');
    progress.tick(2, 2);
    progress.info('a note');
    expect(text()).toBe(
      ['» extract', '  tree-sitter: 0/3 files', '  tree-sitter: 3/3 files', '✓ extract: 2 extractors (1.5 s)', '» execute', '  execute: 2/2', '  a note', ''].join('\n'),
    );
    expect(text()).not.toContain('\u001b');
  });
});

describe('barProgress', () => {
  it('redraws the bars in place and leaves finished stages as plain lines', () => {
    const { stream, text } = capture();
    let clock = 0;
    const progress = barProgress(stream, { now: () => clock, everyMs: 100, columns: 80 });
    progress.stage('extract');
    clock = 1000;
    progress.count('python', 5, 10, 'files', 1_000_000);
    clock = 1050; // within everyMs: not redrawn
    progress.count('python', 6, 10, 'files', 1_000_000);
    clock = 2000;
    progress.count('python', 10, 10, 'files', 1_000_000);
    progress.stageDone('extract', 'python 40 rows', 2000);
    const out = text();
    const frames = out.split(new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`));
    // The stage line alone, then stage + bar twice (5/10 and 10/10; 6/10 came too soon), then the final line.
    expect(frames).toEqual([
      '» extract 0 ms\n',
      `» extract 1.0 s\n  python  [${'█'.repeat(15)}${'░'.repeat(15)}]  5/10 files\n`,
      expect.stringMatching(/^» extract 2\.0 s\n {2}python {2}\[█{30}\] {2}10\/10 files {2}10\.0 files\/s {2}1\.00 MB\/s\n$/),
      '✓ extract: python 40 rows (2.0 s)\n',
    ]);
  });

  it('carries a counter still running into the next stage, its rate counted from its start, and drops finished ones', () => {
    const { stream, text } = capture();
    let clock = 0;
    const progress = barProgress(stream, { now: () => clock, everyMs: 100, columns: 80 });
    progress.stage('prepare store');
    progress.count('tree-sitter', 0, 4, 'files', 4000);
    progress.count('scan', 2, 2, 'files');
    clock = 1000;
    progress.stageDone('prepare store', 'ready', 1000);
    progress.stage('extract');
    clock = 2000;
    progress.count('tree-sitter', 4, 4, 'files', 4000);
    const last = text().split(new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`)).at(-1) ?? '';
    // Four files in the two seconds since the counter started, not since the stage did.
    expect(last).toMatch(/^» extract 1\.0 s\n {2}tree-sitter {2}\[█+\] {2}4\/4 files {2}2\.0 files\/s/);
    expect(last).not.toContain('scan');
  });

  it('keeps notes above the bars', () => {
    const { stream, text } = capture();
    const progress = barProgress(stream, { now: () => 0, columns: 80 });
    progress.stage('scan');
    progress.info('waiting for the store');
    expect(text()).toBe('» scan 0 ms\n\x1b[1F\x1b[J  waiting for the store\n» scan 0 ms\n');
  });
});
