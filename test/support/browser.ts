/**
 * Real headless Chromium for dashboard tests: Debian's `chromium` (apt-get install chromium) driven by
 * playwright-core over CDP. No browser is ever downloaded: the system binary is used, with a fresh
 * profile per launch and no background networking.
 */

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The system browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the system browser is installed. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** What a page did while it loaded. */
export interface PageVisit {
  readonly page: Page;
  readonly consoleErrors: string[];
  /** Every request the page made except the page itself (file:// of the HTML). */
  readonly requests: string[];
  /** Milliseconds from navigation start to the load event. */
  readonly loadMs: number;
}

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export class HeadlessChromium {
  private constructor(
    private readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  static async launch(): Promise<HeadlessChromium> {
    const profile = mkdtempSync(path.join(os.tmpdir(), 'cdr-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
      viewport: { width: 1280, height: 900 },
    });
    return new HeadlessChromium(context, profile);
  }

  /** Opens a local HTML file, recording console errors, page errors and requests. */
  async open(file: string): Promise<PageVisit> {
    const page = await this.context.newPage();
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const url = `file://${path.resolve(file)}`;
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => {
      if (request.url() !== url) requests.push(request.url());
    });
    const started = performance.now();
    await page.goto(url, { waitUntil: 'load' });
    const loadMs = performance.now() - started;
    return { page, consoleErrors, requests, loadMs };
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}
