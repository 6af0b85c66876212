#!/usr/bin/env node
// Entry point of the `anatomy` command. The CLI itself is compiled to dist/;
// in a fresh workspace clone it has to be built once first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error(
    'anatomy: the CLI is not built yet (missing packages/orchestrator/dist/cli.js).\n' +
      'Build it from the workspace root with: npx nx run @anatomy/orchestrator:build',
  );
  process.exit(70);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
