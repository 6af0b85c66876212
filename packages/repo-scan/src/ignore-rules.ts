import ignore from 'ignore';
import type { Ignore } from 'ignore';

/** The rules of one ignore file and the directory its patterns are relative to. */
interface IgnoreLayer {
  /** Repository-relative directory ('' for the root). */
  readonly base: string;
  readonly rules: Ignore;
}

/**
 * The ignore files in force for one directory, outermost first:
 * `.git/info/exclude`, then the `.gitignore` of the root and of every
 * directory down to this one. As in git, the deepest file with a matching
 * pattern decides (its last matching pattern wins, `!` re-includes), and a
 * path inside an ignored directory is never reached, so it cannot be
 * re-included. Matching is case-sensitive, as git's is by default on Linux.
 * Immutable: {@link with} returns a new stack.
 */
export class IgnoreRules {
  static readonly none: IgnoreRules = new IgnoreRules([]);

  readonly #layers: readonly IgnoreLayer[];

  private constructor(layers: readonly IgnoreLayer[]) {
    this.#layers = layers;
  }

  /** Adds the patterns of an ignore file found in directory `base`. */
  with(base: string, patterns: string): IgnoreRules {
    return new IgnoreRules([...this.#layers, { base, rules: ignore({ ignorecase: false }).add(patterns) }]);
  }

  /** True when git would ignore this repository-relative path. */
  ignores(path: string, isDirectory: boolean): boolean {
    for (let i = this.#layers.length - 1; i >= 0; i--) {
      const layer = this.#layers[i] as IgnoreLayer;
      const relative = layer.base === '' ? path : path.slice(layer.base.length + 1);
      const verdict = layer.rules.test(isDirectory ? `${relative}/` : relative);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  }
}
