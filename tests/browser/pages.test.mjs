// tandem's pages as a person on a small phone uses them, in real headless Chromium.
// Needs a running `tandem demo` at TANDEM_BASE_URL (the .ci/run script starts one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = process.env.TANDEM_BASE_URL ?? 'http://127.0.0.1:8080';
const PASSWORD = 'tandem-demo-2026';
const SHOTS = process.env.TANDEM_SCREENSHOTS; // a folder, to look at the pages by eye
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => { await browser?.close(); });

async function phone() {
  // A small Android phone.
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, locale: 'en-GB' });
  return context.newPage();
}

async function signIn(page, username) {
  await page.goto(`${BASE}/`);
  assert.match(page.url(), /\/login\?next=/);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${BASE}/`);
}

async function fitsTheScreen(page) {
  const [overflow, culprits] = await page.evaluate(() => [
    document.documentElement.scrollWidth - window.innerWidth,
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .map((e) => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 30)}"`)
      .slice(0, 5),
  ]);
  assert.ok(overflow <= 0, `${page.url()} is ${overflow}px wider than the screen: ${culprits.join(', ')}`);
}

// No word of `locator`'s text is split over two lines (a sentence wraps between words; only
// a word wider than the box may break).
async function wordsStayWhole(locator) {
  const split = await locator.evaluate((box) => {
    const broken = [];
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1 && range.getBoundingClientRect().width < box.clientWidth) broken.push(match[0]);
      }
    }
    return broken;
  });
  assert.deepEqual(split, [], `words split over two lines: ${split.join(', ')}`);
}

test('a manager signs in on a phone and finds the people of their program', async () => {
  const page = await phone();
  await signIn(page, 'manager@demo.tandem');
  await page.getByRole('link', { name: 'Safe Surgery Ethiopia Mentorship' }).click();
  await page.getByRole('link', { name: 'People' }).click();
  await assert.doesNotReject(page.getByRole('table').waitFor());
  const rows = await page.getByRole('row').count();
  assert.ok(rows > 40, `expected the program's people, saw ${rows - 1}`);
  await fitsTheScreen(page);
  await page.getByLabel('Search by name').fill('Yohannes');
  await page.getByLabel('Search by name').press('Enter');
  await page.getByRole('link', { name: 'Yohannes Alemu' }).click();
  await assert.doesNotReject(page.getByText('Africa/Addis_Ababa').waitFor());
  await fitsTheScreen(page);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/profile.png`, fullPage: true });
  await page.context().close();
});

test('a bad field in the person form is named and the input kept', async () => {
  const page = await phone();
  await signIn(page, 'manager@demo.tandem');
  await page.goto(`${BASE}/people/new`);
  await page.getByLabel('Name', { exact: true }).fill('Liya Bekele');
  await page.getByLabel('Time zone').fill('Addis Ababa');
  await page.getByRole('button', { name: 'Save' }).click();
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'time_zone' }).waitFor());
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Liya Bekele');
  await fitsTheScreen(page);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/form-error.png`, fullPage: true });
  await page.context().close();
});

test('a mentee sees only themself and their mentor, and can switch to French', async () => {
  const page = await phone();
  await signIn(page, 'mentee.surgeon.debremarkos@demo.tandem');
  await page.getByRole('link', { name: 'Safe Surgery Ethiopia Mentorship' }).click();
  await page.getByRole('link', { name: 'People' }).click();
  const names = await page.locator('td a').allTextContents();
  assert.equal(names.length, 2, `saw ${names}`);
  assert.ok(names.includes('Yohannes Alemu'));
  await page.getByRole('button', { name: 'Français' }).click();
  await assert.doesNotReject(page.getByText('Personnes de Safe Surgery Ethiopia Mentorship').waitFor());
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/mentee-fr.png`, fullPage: true });
  await page.context().close();
});

test('a peer member finds the project board, a time that suits the group in their own time, and the participation chart', async () => {
  const page = await phone();
  await signIn(page, 'peer.member@demo.tandem');
  await page.getByRole('link', { name: 'UNIBEN Class of 2008 Research Collaborative' }).click();
  await page.getByRole('link', { name: 'Research projects' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Published' }).waitFor());
  await assert.doesNotReject(page.getByRole('link', { name: /^Research capacity and mentorship/ }).first().waitFor());
  await fitsTheScreen(page);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/research-board.png`, fullPage: true });

  await page.getByRole('link', { name: 'Scheduling' }).first().click();
  // The best slot lists every member with their own local time and zone.
  await assert.doesNotReject(page.getByText('Africa/Lagos').first().waitFor());
  await assert.doesNotReject(page.getByText('America/Los_Angeles').first().waitFor());
  const fairShare = page.getByRole('columnheader', { name: 'Fair share' });
  await assert.doesNotReject(fairShare.waitFor());
  await fitsTheScreen(page);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/scheduling.png`, fullPage: true });

  // A window that ends before it starts is refused, naming the line typed.
  await page.getByRole('textbox', { name: 'My weekly availability' }).fill('Tue 18:00-21:00 preferred\nWed 22:00-20:00 possible');
  await page.getByRole('button', { name: 'Save my availability' }).click();
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'availability line 2' }).waitFor());

  await page.goto(page.url().replace(/scheduling.*$/, 'participation'));
  await assert.doesNotReject(page.locator('svg.chart').waitFor());
  await fitsTheScreen(page);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/participation.png`, fullPage: true });
  await page.context().close();
});

test('a mentor records a coaching visit on a phone: the checklist is drawn from the XLSForm and a bad date is named', async () => {
  const page = await phone();
  await signIn(page, 'mentor.surgeon.amhara@demo.tandem');
  await page.getByRole('link', { name: 'Safe Surgery Ethiopia Mentorship' }).click();
  await page.getByRole('link', { name: 'Visits and sessions' }).click();
  await assert.doesNotReject(page.getByRole('table').waitFor());
  await fitsTheScreen(page);
  await page.getByRole('link', { name: 'Record a coaching visit' }).click();
  // A select_one question of the surgical checklist, drawn as radio buttons.
  const radios = await page.locator('input[type=radio][name="q.pulse_oximeter"]').count();
  assert.ok(radios >= 2, `pulse oximeter choices: ${radios}`);
  await fitsTheScreen(page);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/visit-form.png`, fullPage: true });
  await page.getByLabel('Facility').selectOption({ index: 1 });
  await page.getByLabel('First day').fill('2026-11-10');
  await page.getByLabel('Last day').fill('2026-11-09');
  // The browser would first insist on the checklist's required answers; switch its own
  // checks off to see the server's, which every client (and old phones) gets.
  await page.locator('form[action$="/visits"]').evaluate((form) => { form.noValidate = true; });
  await page.getByRole('button', { name: 'Save the visit' }).click();
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'The last day of the visit is before its first day' }).waitFor());
  assert.equal(await page.getByLabel('First day').inputValue(), '2026-11-10');
  await page.context().close();
});

test('a manager runs a facility coupling proposal on a phone, reads why, and approves it', async () => {
  const page = await phone();
  await signIn(page, 'manager@demo.tandem');
  await page.getByRole('link', { name: 'Safe Surgery Ethiopia Mentorship' }).click();
  await page.getByRole('link', { name: 'Matching', exact: true }).click();
  await page.getByRole('link', { name: 'Facility coupling and teams' }).click();
  // The demo approved its couplings when it loaded: each weak hospital with its region's
  // referral hospital.
  const current = page.getByRole('row').filter({ hasText: 'Motta General Hospital' });
  await assert.doesNotReject(current.first().waitFor());
  assert.match(await current.first().innerText(), /Debre Markos Referral Hospital/);
  await fitsTheScreen(page);

  // One weak hospital per strong one this time: each region's second weak hospital is left
  // out, and the proposal says why.
  await page.getByLabel(/Weak facilities per strong facility/).fill('1');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('button', { name: 'Run a coupling proposal' }).click();
  await page.waitForURL(/\/facility-matching\/proposals\/\d+$/);
  await assert.doesNotReject(page.getByRole('heading', { name: /Coupling proposal/ }).waitFor());
  await assert.doesNotReject(page.getByText(/is full\.$/).first().waitFor());
  const pairs = page.getByRole('row').filter({ hasText: 'km' });
  assert.ok(await pairs.count() >= 3, 'three couplings with their distance');
  await fitsTheScreen(page);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/facility-coupling.png`, fullPage: true });

  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/\/facility-matching\?done=coupling$/);
  assert.match(await page.getByRole('status').innerText(), /^Couplings approved/);
  await wordsStayWhole(page.getByRole('status'));
  const rows = page.locator('h2', { hasText: 'Approved couplings' }).locator('..').getByRole('row');
  assert.equal(await rows.count(), 1 + 3, 'the header and one weak hospital per region');
  await page.context().close();
});

test('a manager records a departure on a phone and reads the re-match, changes first', async () => {
  const page = await phone();
  await signIn(page, 'manager@demo.tandem');
  await page.getByRole('link', { name: 'Safe Surgery Ethiopia Mentorship' }).click();
  await page.getByRole('link', { name: 'Matching', exact: true }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'A mentor leaves' }).waitFor());
  // The narrow tables keep their words whole (status, reason, rule kind, Remove), in French too.
  for (const table of await page.locator('table').all()) await wordsStayWhole(table);
  await page.getByRole('button', { name: 'Français' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Un mentor part' }).waitFor());
  for (const table of await page.locator('table').all()) await wordsStayWhole(table);
  await page.getByRole('button', { name: 'English' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'A mentor leaves' }).waitFor());
  await fitsTheScreen(page);

  // An OR nurse mentor leaves (no other test needs her): her mentees are re-matched.
  await page.getByLabel('Mentor', { exact: true }).first().selectOption({ label: 'Mekdes Wolde' });
  await page.getByRole('button', { name: 'Record the departure and re-match' }).click();
  await page.waitForURL(/\/matching\/proposals\/\d+$/);
  await assert.doesNotReject(page.getByText('Mekdes Wolde left the program').waitFor());
  const headings = await page.locator('h2').allTextContents();
  const newPairs = headings.findIndex((h) => /new pairs?$/.test(h));
  const kept = headings.findIndex((h) => /kept as (it is|they are)$/.test(h));
  assert.ok(newPairs >= 0 && kept > newPairs, `changes before the kept pairs: ${headings}`);
  // The kept pairs are folded away until asked for.
  const keptTable = page.locator('details table');
  assert.equal(await keptTable.isVisible(), false);
  await page.locator('summary').click();
  assert.equal(await keptTable.isVisible(), true);
  // Each re-matched mentee has a back-up mentor.
  const firstNew = page.locator('table').first().getByRole('row').nth(1);
  assert.match(await firstNew.innerText(), /Back-up: /);
  await fitsTheScreen(page);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/rematch.png`, fullPage: true });

  // Back on the matching page (the proposal's link to its program): she held places on
  // approved facility teams, and it says so.
  await page.getByRole('link', { name: 'Safe Surgery Ethiopia Mentorship' }).first().click();
  await page.getByRole('link', { name: /re-form the teams/ }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Places left empty since the teams were approved' }).waitFor());
  assert.match(await page.getByRole('row').filter({ hasText: 'Mekdes Wolde' }).first().innerText(), /or_nurse/);
  await fitsTheScreen(page);
  // The proposals' reasons and the one-word cells (kind, status, cadre, km) keep their words
  // whole, in French too ("démonstration"). Long facility names may still break on a phone.
  const whole = async () => {
    await wordsStayWhole(page.locator('table').first());
    for (const cell of await page.locator('td.label').all()) await wordsStayWhole(cell);
  };
  await whole();
  await page.getByRole('button', { name: 'Français' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: "Places vacantes depuis l'approbation des équipes" }).waitFor());
  await whole();
  await fitsTheScreen(page);
  await page.getByRole('button', { name: 'English' }).click();
  await page.context().close();
});
