// A mentee ranks the mentors matching may give them, on a small phone, without JavaScript
// on the page. Needs a running `tandem demo` at TANDEM_BASE_URL (see pages.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = process.env.TANDEM_BASE_URL ?? 'http://127.0.0.1:8080';
const PASSWORD = 'tandem-demo-2026';
const SHOTS = process.env.TANDEM_SCREENSHOTS;
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => { await browser?.close(); });

test('a demo mentee ranks mentors, saves, and sees the saved ranking', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${BASE}/`);
  await page.getByLabel('Username').fill('mentee.surgeon.debremarkos@demo.tandem');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${BASE}/`);
  // The account remembers its language, and another test may have left it in French.
  const english = page.getByRole('button', { name: 'English' });
  if (await english.count()) {
    await english.click();
    await page.waitForURL(`${BASE}/`);
  }

  await page.getByRole('link', { name: 'My matching preferences' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: /^My matching preferences in Safe Surgery/ }).waitFor());
  // The three surgeon mentors, each with why they fit; no mentor of another cadre.
  for (const name of ['Yohannes Alemu', 'Gemechu Tolosa', 'Abebe Tadesse']) {
    await assert.doesNotReject(page.getByRole('heading', { name }).waitFor());
  }
  assert.equal(await page.getByRole('combobox').count(), 3);
  await assert.doesNotReject(page.getByText('Same working hours').first().waitFor());
  await assert.doesNotReject(page.getByText(/km away$/).first().waitFor());

  await page.getByLabel('Your rank for Abebe Tadesse').selectOption({ label: '1st choice' });
  await page.getByLabel('Your rank for Yohannes Alemu').selectOption({ label: '2nd choice' });
  await page.getByLabel('Your rank for Gemechu Tolosa').selectOption({ label: 'Not ranked' });
  await page.getByRole('button', { name: 'Save my ranking' }).click();

  await assert.doesNotReject(page.getByRole('status').filter({ hasText: 'Your ranking is saved.' }).waitFor());
  const saved = await page.locator('#saved-ranking li').allTextContents();
  assert.deepEqual(saved, ['Abebe Tadesse', 'Yohannes Alemu']);
  assert.equal(await page.getByLabel('Your rank for Abebe Tadesse').inputValue(), '1');
  assert.equal(await page.getByLabel('Your rank for Gemechu Tolosa').inputValue(), '');

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/preferences.png`, fullPage: true });

  // The same page in French.
  await page.getByRole('button', { name: 'Français' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Votre classement' }).waitFor());
  assert.equal(await page.getByLabel('Votre rang pour Abebe Tadesse').locator('option:checked').textContent(), '1er choix');
  await page.getByRole('button', { name: 'English' }).click();
  await context.close();
});
