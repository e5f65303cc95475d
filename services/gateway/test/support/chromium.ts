import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * A real Chromium: CHROMIUM_PATH, Debian's `chromium`, or the Chrome of GitHub's runners. On a
 * Debian machine without one (a fresh CI machine), Debian's package is installed first.
 */
export function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((path) => path && existsSync(path));
  if (found) return found;
  if (process.platform === 'linux' && existsSync('/usr/bin/apt-get') && process.getuid?.() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => execFileSync('apt-get', ['install', '-y', 'chromium'], { env, stdio: 'ignore' });
    try {
      install();
    } catch {
      // Stale package lists on a fresh machine: refresh them once.
      execFileSync('apt-get', ['update'], { env, stdio: 'ignore' });
      install();
    }
    if (existsSync(CANDIDATES[0]!)) return CANDIDATES[0]!;
  }
  throw new Error('no Chromium found: apt-get install chromium, or set CHROMIUM_PATH');
}

/** Headless Chromium with a fresh profile, closed (and its profile removed) on dispose. */
export async function launchChromium(): Promise<BrowserContext & AsyncDisposable> {
  const profile = mkdtempSync(join(tmpdir(), 'gateway-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const dispose = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return Object.assign(context, { [Symbol.asyncDispose]: dispose });
}
