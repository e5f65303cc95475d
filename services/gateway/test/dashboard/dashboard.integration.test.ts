import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { gatewayWithFixture, http, KEYS, startGateway } from '../support/gateway.js';

/**
 * The dashboard in a real headless Chromium: the page lists the running services, asks for the
 * key the services need (and keeps it for the tab), calls a tool through the form built from its
 * inputSchema, and shows calls and business events live.
 */
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  // The slowest step on a fresh machine: it may install Debian's chromium first.
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.[Symbol.asyncDispose]();
});

const setting = gatewayWithFixture();
const { url, prefix, alpha } = setting;

describe('the debug dashboard', () => {
  it('asks for the key, lists the services, calls a tool from the form and shows it in the feed', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(setting.gw.base);

    // The services need a key and the gateway has none of its own: the page asks.
    const dialog = page.locator('#key-dialog');
    await dialog.waitFor({ state: 'visible' });
    await page.fill('#key-input', KEYS.reader);
    await page.click('#key-save');
    expect(await page.evaluate(() => sessionStorage.getItem('neurhomia.gateway.apiKey'))).toBe(KEYS.reader);

    const row = page.locator(`#services tbody tr[data-service="${alpha}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toContain('up');
    expect(await row.locator('td').nth(2).textContent()).toBe('1.2.3');
    expect(await row.locator('td.heartbeat').textContent()).toMatch(/s ago \(every 1 s\)/);
    expect(await row.locator('td.tools button').allTextContents()).toEqual(
      expect.arrayContaining(['echo', 'reset', 'slow', 'ring']),
    );

    // The form is built from echo's inputSchema: one required text field, "message".
    await row.locator('td.tools button', { hasText: /^echo$/ }).click();
    const field = page.locator('#tool-arguments input[name="message"]');
    expect(await field.getAttribute('required')).not.toBeNull();
    await field.fill('hello from chromium');
    await page.click('#call-submit');
    const result = page.locator('#call-result');
    await page.locator('#call-result', { hasText: 'HTTP 200' }).waitFor();
    const shown = JSON.parse((await result.textContent())!.replace(/^HTTP 200\n/, '')) as Record<
      string,
      unknown
    >;
    expect(shown).toMatchObject({
      name: `${alpha}__echo`,
      structuredContent: { message: 'hello from chromium' },
    });

    // The call appears in the live feed, with its result (the viewer made it).
    const callEntry = page.locator('#feed li[data-kind="call"]', { hasText: `${alpha}/echo` });
    await callEntry.first().waitFor();
    expect(await callEntry.first().textContent()).toContain('hello from chromium');

    // A business event published by a service appears in the feed as it happens.
    await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      body: { name: `${alpha}__ring`, arguments: { door: 'front' } },
    });
    const eventEntry = page.locator('#feed li[data-kind="event"]', { hasText: `${alpha}/doorbell` });
    await eventEntry.first().waitFor();
    expect(await eventEntry.first().textContent()).toContain('"door":"front"');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('needs no key when the gateway has one of its own (GATEWAY_API_KEY)', async () => {
    await using keyed = await startGateway(url, {
      GATEWAY_SERVICES: `${prefix}-*`,
      GATEWAY_API_KEY: KEYS.reader,
    });
    const page = await browser.newPage();
    await page.goto(keyed.base);
    await page.locator(`#services tbody tr[data-service="${alpha}"]`).waitFor();
    expect(await page.locator('#key-dialog').isVisible()).toBe(false);
    expect(await page.locator('#key-status').textContent()).toContain('the gateway’s');
    await page.close();
  });
});
