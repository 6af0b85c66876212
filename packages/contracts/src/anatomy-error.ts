/**
 * The tagged error base of Anatomy. Each package owns one family: a `_tag`
 * (e.g. `SchedulerError`) and codes namespaced by package
 * (`scheduler/CycleDetected`). Tests match on `code`, never on messages.
 * `hint` tells the user the way out.
 */
export class AnatomyError<Code extends string = string> extends Error {
  readonly _tag: string;
  readonly code: Code;
  readonly details: Readonly<Record<string, unknown>>;
  readonly hint: string | undefined;

  constructor(init: {
    readonly tag: string;
    readonly code: Code;
    readonly message: string;
    readonly details?: Readonly<Record<string, unknown>>;
    readonly hint?: string;
    readonly cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this._tag = init.tag;
    this.name = init.tag;
    this.code = init.code;
    this.details = Object.freeze({ ...init.details });
    this.hint = init.hint;
  }
}

/** Options for one error of a family. */
export interface ErrorOptions {
  readonly details?: Readonly<Record<string, unknown>>;
  readonly hint?: string;
  readonly cause?: unknown;
}

/** A package's error family, made by {@link errorFamily}. */
export interface ErrorFamily<Pkg extends string, Reason extends string> {
  readonly tag: string;
  readonly codes: readonly `${Pkg}/${Reason}`[];
  create(reason: Reason, message: string, options?: ErrorOptions): AnatomyError<`${Pkg}/${Reason}`>;
  is(error: unknown, reason?: Reason): error is AnatomyError<`${Pkg}/${Reason}`>;
}

/**
 * Declares the error family of a package.
 *
 * @example
 * const SchedulerError = errorFamily('scheduler', 'SchedulerError', ['CycleDetected'] as const);
 * throw SchedulerError.create('CycleDetected', 'a → b → a', { hint: 'remove one of the views' });
 */
export function errorFamily<Pkg extends string, Reason extends string>(
  pkg: Pkg,
  tag: string,
  reasons: readonly Reason[],
): ErrorFamily<Pkg, Reason> {
  const codes = reasons.map((r) => `${pkg}/${r}` as const);
  return Object.freeze({
    tag,
    codes,
    create(reason: Reason, message: string, options: ErrorOptions = {}): AnatomyError<`${Pkg}/${Reason}`> {
      return new AnatomyError({ tag, code: `${pkg}/${reason}` as const, message, ...options });
    },
    is(error: unknown, reason?: Reason): error is AnatomyError<`${Pkg}/${Reason}`> {
      if (!(error instanceof AnatomyError) || error._tag !== tag) return false;
      return reason === undefined || error.code === `${pkg}/${reason}`;
    },
  });
}
