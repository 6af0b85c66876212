import { z } from 'zod';

/** What a DEF node defines: its `def_kind` property in `cpg.props`. */
export const DefKindSchema = z.enum(['function', 'async_function', 'class']);
export type DefKind = z.infer<typeof DefKindSchema>;
