import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of one process in bytes from `/proc/<pid>/status`, or null when it cannot be read (gone, or no /proc). */
function residentBytes(pid: number): number | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kib = /^VmRSS:\s*(\d+)\s*kB/m.exec(status)?.[1];
  return kib === undefined ? null : Number(kib) * 1024;
}

/**
 * The children of a process, from the `children` file of each of its threads
 * (a child belongs to the thread that started it), or null when the kernel
 * keeps no such files.
 */
function childrenOf(pid: number): number[] | null {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const tid of threads) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch (error) {
      // A thread that ended meanwhile has no file left; a kernel without them has none at all.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && tid === String(pid)) return null;
      continue;
    }
    for (const word of text.split(' ')) if (word.trim() !== '') children.push(Number(word));
  }
  return children;
}

/**
 * The resident memory of a process (this one unless `root` names another)
 * and every process it started, and their children in turn, in bytes: what
 * the machine holds for a build at this moment. Threads share their
 * process's memory and count once. Null when the root has ended or where the
 * operating system does not show it (no `/proc`, or a kernel without the
 * `children` files).
 */
export function processTreeResidentBytes(root: number = process.pid): number | null {
  const own = residentBytes(root);
  if (own === null) return null;
  let total = own;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    const children = childrenOf(pid);
    // Only this process tells whether the kernel keeps the files: a child may just have ended.
    if (children === null && pid === root) return null;
    for (const child of children ?? []) {
      // A child that ended between the two reads holds nothing any more.
      total += residentBytes(child) ?? 0;
      stack.push(child);
    }
  }
  return total;
}

/** How a {@link ProcessTreeMemory} samples. */
export interface ProcessTreeMemoryOptions {
  /** Milliseconds between two samples (default 500). */
  readonly everyMs?: number;
  /** The process whose tree is sampled (default this one): a child's, to measure what it and its own children hold. */
  readonly root?: number;
}

/** What a sampled process tree held: its highest sample, and the last one in bytes (null when the last could not be read, its root having ended). */
export interface ProcessTreePeak {
  readonly peakBytes: number;
  readonly endBytes: number | null;
}

/**
 * Samples {@link processTreeResidentBytes} at an interval and keeps the
 * highest. Samples miss what rises and falls between two of them, so the
 * peak is a lower bound of the true one: a decision taken from it errs on the
 * side of less memory.
 *
 * @example
 * const sampler = ProcessTreeMemory.start();
 * await extract();
 * const held = sampler.stop(); // { peakBytes, endBytes }, or null where /proc cannot tell
 *
 * @example
 * // Another process's tree, more often: a child and the processes it starts.
 * const sampler = ProcessTreeMemory.start({ root: child.pid, everyMs: 50 });
 */
export class ProcessTreeMemory {
  #peak: number | null = null;
  readonly #root: number;
  readonly #timer: NodeJS.Timeout;

  private constructor(everyMs: number, root: number) {
    this.#root = root;
    this.#timer = setInterval(() => this.sample(), everyMs);
    // A sampler never keeps the process alive.
    this.#timer.unref();
  }

  /** Starts sampling now and every `everyMs` milliseconds. */
  static start(options: ProcessTreeMemoryOptions = {}): ProcessTreeMemory {
    const sampler = new ProcessTreeMemory(options.everyMs ?? 500, options.root ?? process.pid);
    sampler.sample();
    return sampler;
  }

  /** Takes one sample now and returns it (null where it cannot be read). */
  sample(): number | null {
    const now = processTreeResidentBytes(this.#root);
    if (now !== null && (this.#peak === null || now > this.#peak)) this.#peak = now;
    return now;
  }

  /** The highest sample so far in bytes, null when none could be read. */
  get peak(): number | null {
    return this.#peak;
  }

  /**
   * Stops sampling after one last sample; the highest sample and that last
   * one, or null when no sample at all could be read. A root that has ended
   * keeps the peak it reached, with no last sample.
   */
  stop(): ProcessTreePeak | null {
    const end = this.sample();
    clearInterval(this.#timer);
    return this.#peak === null ? null : { peakBytes: this.#peak, endBytes: end };
  }
}
