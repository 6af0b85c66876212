import { closeSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves a finished file over another in one step: a reader, or a process
 * killed at any moment, sees either the old file or the new one, never a
 * mix. The new file is flushed first and the directory after the rename, so
 * the swap also survives a power loss.
 */
export function replaceFileAtomically(from: string, to: string): void {
  fsyncPath(from);
  renameSync(from, to);
  try {
    fsyncPath(dirname(to));
  } catch {
    // Some platforms cannot open a directory for syncing; the rename itself is still atomic.
  }
}
