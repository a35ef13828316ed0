/**
 * The drift report page in a real headless Chromium (Debian's, driven by playwright-core),
 * served by the admin server from a real drift evaluator that runs on its schedule over a
 * simulated stream in which one feature has drifted.
 */
import { access, constants } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { driftPageView, type DriftEvaluator } from '../../src/drift/index.js';
import {
  driftPageRoutes,
  type DriftPageView,
  type DriftPageViewSource,
} from '../../src/drift/page/index.js';
import {
  createAdminServer,
  type AdminServer,
  createLogger,
} from '../../src/observability/index.js';
import {
  createSimulatedStream,
  createTestEvaluator,
  simulatedProfile,
  TEST_IDENTITY,
} from '../harness/drift-simulation.js';
import { manualClock } from '../harness/manual-clock.js';
import { waitFor } from '../harness/wait-for.js';

const CHROMIUM = '/usr/bin/chromium';
const DRIFTED = 'f02';
const START_MS = 10_000;

async function startAdmin(
  driftView: DriftPageViewSource | undefined,
): Promise<{ admin: AdminServer; base: string }> {
  const admin = createAdminServer({
    host: '127.0.0.1',
    port: 0,
    logger: createLogger({ level: 'silent' }),
    metrics: () => Promise.resolve(''),
    readiness: () => ({ ready: true, checks: [] }),
    routes: driftPageRoutes(driftView),
  });
  const { port } = await admin.start();
  return { admin, base: `http://127.0.0.1:${port}` };
}

describe('the drift report page in headless Chromium, during a drift run', () => {
  const profile = simulatedProfile({ numericFeatures: 5, referenceEvents: 20_000, seed: 2 });
  // f02 departs by 1σ from 9 s on: every fast window (1 s) evaluated from 10 s holds only drift.
  const source = createSimulatedStream({
    profile,
    seed: 31,
    shiftAt: (startMs) => (startMs >= START_MS - 1000 ? { mean: { [DRIFTED]: 1 } } : {}),
  });
  const time = manualClock(START_MS);
  let evaluator: DriftEvaluator;
  let admin: AdminServer;
  let base: string;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  /** Console errors (a blocked load, a refused style) and uncaught page errors. */
  const errors: string[] = [];

  beforeAll(async () => {
    await access(CHROMIUM, constants.X_OK).catch((error: unknown) => {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (scripts/bootstrap.sh does)`,
        { cause: error },
      );
    });
    ({ evaluator } = createTestEvaluator({ profile, source, clock: time.clock }));
    ({ admin, base } = await startAdmin(async (scope) =>
      driftPageView({ identity: TEST_IDENTITY, snapshot: evaluator.latest() }, scope),
    ));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    evaluator.start();
  });

  afterAll(async () => {
    await browser?.close();
    await evaluator?.stop();
    await admin?.stop();
  });

  it('says there is no evaluation yet before the first round', async () => {
    const response = await page.goto(`${base}/drift`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('main').innerText()).resolves.toMatch(/no evaluation yet/i);
    await expect(page.locator('article.subject').count()).resolves.toBe(0);
    await expect(page.locator('h1').innerText()).resolves.toBe('Drift report · sim@1');
  });

  it('lists the drifted feature first, firing, with both histograms drawn', async () => {
    // Four rounds (10.25 s to 11 s): f02 breaches in each and fires at the third.
    await time.advanceTo(START_MS + 1000);
    // The round of 11 s also evaluates the slow window; let it finish before reading the page.
    await waitFor(
      async () => evaluator.latest().slow?.window.toMs === START_MS + 1000,
      'the round of 11 s',
    );
    expect(evaluator.latest().fast?.window.toMs).toBe(START_MS + 1000);

    const response = await page.goto(`${base}/drift`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    const sections = [];
    for (const article of await page.locator('article.subject').all()) {
      sections.push({
        subject: await article.getAttribute('data-subject'),
        state: await article.locator('h2 .badge.state').innerText(),
        level: await article.locator('h2 .badge.level').innerText(),
        psi: await article.locator('.statistics tr').first().locator('td').innerText(),
      });
    }
    expect(sections).toHaveLength(7); // f00..f04, channel, __score__
    expect(sections[0]).toMatchObject({ subject: DRIFTED, state: 'firing', level: 'critical' });
    expect(sections.slice(1).every((section) => section.state !== 'firing')).toBe(true);

    const drifted = page.locator('article.subject').first();
    await expect(drifted.locator('h2').isVisible()).resolves.toBe(true);
    const charts = drifted.locator('svg');
    await expect(charts.count()).resolves.toBe(2);
    for (const chart of await charts.all()) {
      // Laid out at its size, with ten decile bars of which some have height.
      await expect(chart.boundingBox()).resolves.toMatchObject({ width: 300, height: 100 });
      const heights = [];
      for (const bar of await chart.locator('rect').all()) {
        heights.push((await bar.boundingBox())?.height ?? 0);
      }
      expect(heights).toHaveLength(10);
      expect(heights.filter((height) => height > 1).length).toBeGreaterThan(5);
    }
    await expect(page.locator('.alerts tbody tr').first().innerText()).resolves.toMatch(
      new RegExp(`^${DRIFTED}\\s+fast\\s+drift\\s+firing\\s+critical`),
    );

    // The same data as JSON: same subjects in the same order, same states and numbers.
    const json = (await (await fetch(`${base}/drift.json`)).json()) as DriftPageView;
    const subjects = json.evaluation?.subjects ?? [];
    expect(subjects.map((s) => s.name)).toEqual(sections.map((s) => s.subject));
    expect(subjects.map((s) => s.state.toLowerCase())).toEqual(sections.map((s) => s.state));
    expect(subjects.map((s) => String(Number(s.statistics.psi?.toPrecision(3))))).toEqual(
      sections.map((s) => s.psi),
    );
    expect(subjects[0]).toMatchObject({ name: DRIFTED, state: 'FIRING', level: 'critical' });
    expect(json.alerts[0]).toMatchObject({ subject: DRIFTED, scope: 'fast', state: 'FIRING' });
    expect(json.evaluation).toMatchObject({
      evaluatedAt: new Date(START_MS + 1000).toISOString(),
      samples: { reference: 20_000, current: 1200 },
    });
  });

  it('takes an alert link to the subject, in the scope it names', async () => {
    await page.goto(`${base}/drift?scope=slow#${DRIFTED}`);
    await expect(page.locator(':target').getAttribute('id')).resolves.toBe(DRIFTED);
    await expect(page.locator('[aria-current="page"]').innerText()).resolves.toBe('slow');
    await expect(page.locator('.facts').innerText()).resolves.toMatch(/covers\s+4 s:/);
  });

  it('made no request beyond the page itself, and nothing was refused or failed', () => {
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const url of requests) expect(url).toMatch(new RegExp(`^${base}/drift(\\?scope=\\w+)?$`));
    // An external asset would be refused by the page's Content-Security-Policy, with an error.
    expect(errors).toEqual([]);
  });
});

describe('/drift without a running drift side stream', () => {
  let admin: AdminServer | undefined;
  afterEach(async () => {
    await admin?.stop();
    admin = undefined;
  });

  it('answers 404 saying why, when the process does not run drift', async () => {
    let base: string;
    ({ admin, base } = await startAdmin(undefined));
    for (const path of ['/drift', '/drift.json']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(404);
      await expect(response.text()).resolves.toMatch(/does not run the drift side stream/);
    }
  });

  it('answers 503 while drift starts, and 400 for an unknown scope', async () => {
    let base: string;
    ({ admin, base } = await startAdmin(() => Promise.resolve(undefined)));
    const starting = await fetch(`${base}/drift.json`);
    expect(starting.status).toBe(503);
    await expect(starting.text()).resolves.toMatch(/starting/);
    const unknown = await fetch(`${base}/drift?scope=hourly`);
    expect(unknown.status).toBe(400);
    await expect(unknown.text()).resolves.toBe('unknown scope "hourly": use fast or slow\n');
  });
});
