import { z } from 'zod';

/**
 * A node or edge kind as the contract spells kinds: upper-case words joined
 * by `_`. Row schemas accept any such name, not only the v1 kinds, because
 * later minor versions of the contract may add kinds.
 */
export const KindNameSchema = z.string().regex(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, 'a kind is upper-case words joined by _ (e.g. DEF, CALL_ARG)');
