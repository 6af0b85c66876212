import { describe, expect, it } from 'vitest';
import { renderProgressFrame } from './progress-frame.js';

describe('renderProgressFrame', () => {
  it('shows the stage with its elapsed time and a bar per counter with count and rates', () => {
    const frame = renderProgressFrame(
      {
        stage: 'extract',
        stageStartedMs: 1000,
        counters: [
          { label: 'tree-sitter', done: 50, total: 100, unit: 'files', bytesTotal: 4_000_000, startedMs: 1000 },
          { label: 'python', done: 100, total: 100, unit: 'files', startedMs: 2000 },
        ],
      },
      3000,
      80,
    );
    expect(frame).toEqual([
      '» extract 2.0 s',
      `  tree-sitter  [${'█'.repeat(12)}${'░'.repeat(12)}]  50/100 files  25.0 files/s  1.00 MB/s`,
      `  python       [${'█'.repeat(24)}]  100/100 files  100.0 files/s`,
    ]);
  });

  it('shows no rate before any time has passed, and a full bar for an empty counter', () => {
    const frame = renderProgressFrame({ stage: 'execute', stageStartedMs: 0, counters: [{ label: 'execute', done: 0, total: 0, unit: 'views', startedMs: 5 }] }, 5, 60);
    expect(frame[0]).toBe('» execute 5 ms');
    expect(frame[1]).toMatch(/^ {2}execute {2}\[█+\] {2}0\/0 views$/);
  });

  it('narrows the bar to the width, down to ten cells', () => {
    const state = { stage: 'scan', stageStartedMs: 0, counters: [{ label: 'scan', done: 1, total: 4, unit: 'files', startedMs: 0 }] };
    const wide = renderProgressFrame(state, 1000, 120)[1] ?? '';
    const narrow = renderProgressFrame(state, 1000, 20)[1] ?? '';
    expect(wide.match(/[█░]/g)).toHaveLength(30);
    expect(narrow.match(/[█░]/g)).toHaveLength(10);
  });
});

describe('renderProgressFrame rates', () => {
  it('switches to kB/s below 0.1 MB/s', () => {
    const frame = renderProgressFrame({ stage: 'extract', stageStartedMs: 0, counters: [{ label: 'python', done: 5, total: 5, unit: 'files', bytesTotal: 2500, startedMs: 0 }] }, 1000, 80);
    expect(frame[1]).toMatch(/ {2}5\/5 files {2}5\.0 files\/s {2}2\.5 kB\/s$/);
  });
});
