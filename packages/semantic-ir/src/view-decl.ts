import { z } from 'zod';
import { DeriveSchema } from './derive.js';
import { DiagnosticSchema } from './diagnostic.js';
import { NormalizeSchema } from './normalize.js';
import { ProjectSchema } from './project.js';
import { RelateSchema } from './relate.js';
import { UnionSchema } from './union.js';

/** Any view declaration of a semantic program, discriminated by `kind`. */
export const ViewDeclSchema = z.discriminatedUnion('kind', [
  NormalizeSchema,
  DeriveSchema,
  RelateSchema,
  UnionSchema,
  ProjectSchema,
  DiagnosticSchema,
]);
export type ViewDecl = z.infer<typeof ViewDeclSchema>;

/** The six view kinds. */
export type ViewKind = ViewDecl['kind'];

/** The declaration type of one kind. */
export type ViewOfKind<K extends ViewKind> = Extract<ViewDecl, { readonly kind: K }>;

/** Every view kind, in the order the architecture lists them. */
export const VIEW_KINDS: readonly ViewKind[] = Object.freeze(['normalize', 'derive', 'relate', 'union', 'project', 'diagnostic']);
