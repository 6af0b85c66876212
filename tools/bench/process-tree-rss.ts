import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size of one process in bytes, from /proc (0 when it is gone). */
function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Pids of every descendant of `root` (children of children included). */
function descendants(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the parent pid is the 4th field, after the parenthesised command name
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    for (const child of parents.get(pid) ?? []) {
      out.push(child);
      stack.push(child);
    }
  }
  return out;
}

/**
 * Samples the summed RSS of a process (this one unless `root` names another)
 * and all its descendants (worker processes such as python3 included) and
 * keeps the peak. Worker threads share the process's RSS, so they are
 * counted once.
 */
export class ProcessTreeRss {
  #peak = 0;
  readonly #timer: NodeJS.Timeout;
  readonly #root: number;

  constructor(everyMs = 50, root: number = process.pid) {
    this.#root = root;
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
  }

  /** Takes one sample now. */
  sample(): void {
    const total = [this.#root, ...descendants(this.#root)].reduce((sum, pid) => sum + rssOf(pid), 0);
    if (total > this.#peak) this.#peak = total;
  }

  /** Stops sampling and returns the peak in bytes. */
  stop(): number {
    this.sample();
    clearInterval(this.#timer);
    return this.#peak;
  }
}
