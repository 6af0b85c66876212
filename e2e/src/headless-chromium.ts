import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

/** Debian's Chromium; CI installs it (`.ci/run`), and a missing one fails the test rather than skipping it. */
export const CHROMIUM = '/usr/bin/chromium';

/** A headless Chromium with a fresh profile, and a way to close it and remove the profile. */
export interface HeadlessChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts the system Chromium headless with a fresh user-data-dir and the
 * flags that keep it from reaching the network on its own (updates,
 * background fetches), so every request a page makes is the page's doing.
 */
export async function startChromium(): Promise<HeadlessChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'anatomy-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
