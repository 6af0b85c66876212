import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * A python3 that starts a second python3 holding `mib` MiB (written, so resident) and waits:
 * the memory sits in a grandchild of this process.
 */
export async function memoryHolder(mib: number): Promise<ChildProcess> {
  const inner = `import sys\nheld = b'x' * (${mib} * 2 ** 20)\nprint('ready', flush=True)\nsys.stdin.read()`;
  const outer = `import subprocess, sys\np = subprocess.Popen([sys.executable, '-c', ${JSON.stringify(inner)}], stdin=subprocess.PIPE, stdout=sys.stdout)\np.wait()`;
  const child = spawn('python3', ['-c', outer], { stdio: ['pipe', 'pipe', 'inherit'] });
  let text = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('ready')) resolve();
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the python3 meant to hold ${mib} MiB exited (${code}) before it did`)));
  });
  return child;
}

/** Stops a {@link memoryHolder}: its grandchild ends with it. */
export async function endHolder(child: ChildProcess): Promise<void> {
  // Already ended, by itself or by a signal: its exit event has gone by.
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  // The grandchild reads a pipe from its parent: with the parent gone it reads its end and exits.
  child.kill('SIGKILL');
  await exited;
}

