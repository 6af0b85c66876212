import { PassThrough } from 'node:stream';
import { main } from './cli.js';

/** What one in-process run of the CLI printed and returned. */
export interface InProcessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `anatomy` CLI in this process with captured stdout and stderr, as the tests of the commands need. */
export async function runCliInProcess(...argv: string[]): Promise<InProcessRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
