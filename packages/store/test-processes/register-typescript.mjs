// Loaded with `node --import` so that the hooks apply to the child's own imports.
import { register } from 'node:module';

register('./typescript-hooks.mjs', import.meta.url);
