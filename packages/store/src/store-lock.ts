import { formatIssues, validate } from '@anatomy/contracts';
import { z } from 'zod';
import { StoreError } from './store-error.js';

/** Who holds a store file that could not be locked. */
export const LockHolderSchema = z.enum(['writer', 'reader', 'unknown']);
export type LockHolder = z.infer<typeof LockHolderSchema>;

/** What a waiting `openStore` reports each time it finds the store still locked. */
export interface LockWaitInfo {
  readonly path: string;
  /** Whether the caller asked for a read-only store. */
  readonly readOnly: boolean;
  /** Process id of the holder, as DuckDB names it; null when DuckDB does not say. */
  readonly holderPid: number | null;
  readonly holder: LockHolder;
  /** 1 for the first failed attempt, then one more per poll. */
  readonly attempt: number;
  readonly waitedMs: number;
  readonly timeoutMs: number;
  /** A sentence for people, e.g. for a progress line. */
  readonly message: string;
}

/** How `openStore` waits for another process to release the store. */
export interface LockWait {
  /** Give up, with `store/Locked`, once this long has passed. */
  readonly timeoutMs: number;
  /** Time between attempts; 250 ms when absent. */
  readonly pollMs?: number;
  /** Called after every failed attempt, before the pause. */
  readonly onWait?: (info: LockWaitInfo) => void;
}

const LockWaitSchema = z.object({
  timeoutMs: z.number().finite().nonnegative(),
  pollMs: z.number().finite().positive().optional(),
  onWait: z.custom<(info: LockWaitInfo) => void>((v) => typeof v === 'function', 'must be a function').optional(),
});

/** The poll interval when a wait gives none: short enough to follow a build closely, long enough to stay idle. */
export const DEFAULT_LOCK_POLL_MS = 250;

/** Checks a wait policy, listing every problem in one `store/InvalidOptions`. */
export function checkLockWait(wait: LockWait): LockWait {
  const checked = validate(LockWaitSchema, wait);
  if (!checked.ok) {
    throw StoreError.create('InvalidOptions', `the wait options are invalid:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: 'pass { timeoutMs: <ms ≥ 0>, pollMs?: <ms > 0>, onWait?: (info) => … }',
    });
  }
  return wait;
}

/** The holder DuckDB names in a lock error, when the error is one. */
export interface LockConflict {
  readonly holderPid: number | null;
  readonly holder: LockHolder;
}

/**
 * Recognises DuckDB's refusal to lock a database file held by another
 * process. DuckDB adds that read-only access would work when the holder is
 * itself a reader, which tells writers from readers.
 */
export function lockConflict(error: unknown): LockConflict | null {
  if (!(error instanceof Error) || !/could not set lock on file|conflicting lock/i.test(error.message)) return null;
  const pid = /\(PID (\d+)\)/.exec(error.message)?.[1];
  const holder: LockHolder = /read-only mode/i.test(error.message) ? 'reader' : pid === undefined ? 'unknown' : 'writer';
  return { holderPid: pid === undefined ? null : Number(pid), holder };
}

function holderPhrase(conflict: LockConflict): string {
  const who = conflict.holder === 'reader' ? 'a reader' : conflict.holder === 'writer' ? 'a writer' : 'another process';
  return conflict.holderPid === null ? who : `${who} (pid ${conflict.holderPid})`;
}

/** The sentence a waiting open reports. */
export function waitMessage(path: string, conflict: LockConflict, waitedMs: number, timeoutMs: number): string {
  return `waiting for ${holderPhrase(conflict)} to release ${path} (${(waitedMs / 1000).toFixed(1)} s of ${(timeoutMs / 1000).toFixed(1)} s)`;
}

/**
 * The `store/Locked` error for a store another process holds, with a hint
 * suited to the caller: writers learn about `--wait`/`--no-wait`, readers
 * that the file frees when the build ends.
 */
export function lockedError(path: string, readOnly: boolean, conflict: LockConflict, waitedMs: number | null, cause: unknown): Error {
  const holder = holderPhrase(conflict);
  const waited = waitedMs === null ? '' : ` after waiting ${(waitedMs / 1000).toFixed(1)} s`;
  const message = `the store ${path} is locked by ${holder}${waited}`;
  let hint: string;
  if (readOnly) {
    hint =
      waitedMs === null
        ? 'an anatomy build is writing it; retry after the build finishes, or pass --wait to wait for it'
        : 'the build is still writing it; retry after it finishes, or wait longer (--wait <seconds>)';
  } else if (conflict.holder === 'reader') {
    hint =
      waitedMs === null
        ? 'a query has it open read-only; pass --wait to wait until it closes, or --no-wait to fail at once like now'
        : 'the reader is still open; close it, or wait longer (--wait <seconds>)';
  } else {
    hint =
      waitedMs === null
        ? 'another anatomy command is writing it; pass --wait to wait for it to finish, or --no-wait to fail at once like now'
        : 'the other writer is still running; wait longer (--wait <seconds>), stop it, or point --store at another file';
  }
  return StoreError.create('Locked', message, {
    cause,
    hint,
    details: { path, readOnly, holder: conflict.holder, holderPid: conflict.holderPid, waitedMs },
  });
}
