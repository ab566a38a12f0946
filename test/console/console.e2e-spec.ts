import { rm } from 'node:fs/promises';
import type { MqttClient } from 'mqtt';
import request from 'supertest';
import { forecastStore, publishForecast } from '../cloudcasting/forecast-fixture.js';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, truncateAll } from '../helpers/db.js';
import { flushRedis } from '../helpers/redis.js';
import { createUser, signedIn, TestUser } from '../helpers/users.js';
import { publisher, runId, sensorsEnv } from '../sensors/sensors-helpers.js';
import { Browser, openBrowser, screenshot, waitForPaint } from './browser.js';

/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the built app and the
 * real services: sign in, live sensors over MQTT and Socket.IO, forecast tiles and their animation, species on the
 * map, a CSV upload followed to review, the scans page. Each page leaves a screenshot in test-output/screenshots.
 */
let app: AppProcess;
let root: string;
let browser: Browser;
let mqtt: MqttClient;
let admin: TestUser;

const page = () => browser.page;

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  const forecast = await forecastStore();
  root = forecast.root;
  app = await startApp({ ...forecast.env, ...sensorsEnv('console') });
  admin = await createUser({ role: 'admin', groups: ['uploader', 'editor'] });
  const adminToken = (await signedIn(app.url, { role: 'admin' })).token;
  await publishForecast(app.url, adminToken);
  mqtt = await publisher();
  browser = await openBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await mqtt?.endAsync();
  await app?.stop();
  await closeDb();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the web console', () => {
  it('is served at / and leaves API 404s as JSON', async () => {
    const index = await request(app.url).get('/').expect(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    expect(script).toBeDefined();
    const asset = await request(app.url)
      .get(script as string)
      .expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await request(app.url).get('/api/v1/no-such-route').expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, code: expect.any(String) });
    // Outside the API too: a JSON 404, not Express's HTML page.
    const stray = await request(app.url).get('/no-such-page').expect(404);
    expect(stray.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', requestId: expect.any(String) });
    // Only the app's own scripts run; the browser steps below fail on any CSP violation (console errors).
    const csp = index.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('signs in with the login form and shows the menus of the role', async () => {
    await page().goto(app.url);
    await page().waitForSelector('#login-form', { timeout: 10_000 });
    await screenshot(page(), 'login');
    await page().fill('input[name=login]', admin.email);
    await page().fill('input[name=password]', 'wrong password');
    await page().click('#login-form button[type=submit]');
    await page().waitForSelector('#login-error:not(:empty)', { timeout: 10_000 });
    await page().fill('input[name=password]', admin.password);
    await page().click('#login-form button[type=submit]');
    await page().waitForSelector('#who-name', { timeout: 10_000 });
    expect(await page().textContent('#who-name')).toContain('(admin)');
    const menu = await page().$$eval('#menu a', (links) => links.map((a) => a.getAttribute('data-page')));
    expect(menu).toEqual(['sensors', 'forecast', 'species', 'jobs', 'scans']);
    // The session is the HttpOnly cookie: scripts cannot read it.
    expect(await page().evaluate('document.cookie')).not.toContain('access_token');
  });

  it('shows a reading published over MQTT on the live chart within 2 s', async () => {
    await page().goto(`${app.url}/#/sensors`);
    await page().waitForSelector('#live-state.ok', { timeout: 15_000 });
    const sensor = `${runId}-console-temp`;
    const publish = (value: number) =>
      mqtt.publishAsync(
        `sensors/temperature/${sensor}`,
        JSON.stringify({ value, unit: '°C', ts: Date.now() }),
        {
          qos: 1,
        },
      );
    await publish(21.5);
    const card = `[data-sensor="${sensor}"]`;
    await page().waitForSelector(`${card}[data-last="21.5"]`, { timeout: 2_000 });
    await publish(22.25);
    await page().waitForSelector(`${card}[data-last="22.25"][data-points="2"]`, { timeout: 2_000 });
    expect(await page().textContent(`${card} .value`)).toContain('22.25 °C');
    await waitForPaint(page(), `${card} canvas`, 50, 5_000);
    // Far above the temperature thresholds: the server's alert arrives too.
    await publish(95);
    await page().waitForSelector(`#alerts .alert:has-text("${sensor}")`, { timeout: 5_000 });
    await page().waitForSelector(`${card}.anomaly`, { timeout: 5_000 });
    expect(await page().$('#thresholds')).not.toBeNull();
    await screenshot(page(), 'sensors');
  });

  it('paints forecast tiles on the map and animates the steps', async () => {
    await page().click('#menu a[data-page=forecast]');
    await page().waitForSelector('#forecast-map', { timeout: 10_000 });
    const painted = await waitForPaint(page(), '.forecast-layer canvas', 1000);
    expect(painted).toBeGreaterThan(1000);
    await waitForPaint(page(), '.basemap-layer canvas', 1000);
    expect(await page().getAttribute('#step-label', 'data-step')).toBe('0');
    expect(await page().textContent('#legend-max')).not.toBe('');
    await page().click('#play');
    await page().waitForSelector('#step-label:not([data-step="0"])', { timeout: 10_000 });
    await page().click('#play');
    // A click on the map gives the point series of the channel (12 steps).
    const map = await page().$('#forecast-map');
    const box = await map?.boundingBox();
    if (!box) throw new Error('no map');
    await page().mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page().waitForSelector('#point-table tbody tr:nth-child(12)', { timeout: 10_000 });
    await screenshot(page(), 'forecast');
    expect(browser.problems.filter((p) => p.includes('/tiles/'))).toEqual([]);
  });

  it('records a sighting with the form and shows it among the species markers', async () => {
    await page().click('#menu a[data-page=species]');
    await page().waitForSelector('#sighting-form', { timeout: 10_000 });
    await page().fill('#sighting-form input[name=species]', 'Mola mola');
    await page().fill('#sighting-form input[name=common]', 'Ocean sunfish');
    await page().fill('#sighting-form input[name=place]', 'Plymouth Sound');
    await page().click('#sighting-form button[type=submit]');
    await page().waitForSelector('#sighting-status:text("Recorded")', { timeout: 10_000 });
    await page().waitForSelector('#species-map:not([data-features="0"])', { timeout: 10_000 });
    await waitForPaint(page(), '.species-layer canvas', 20);
    expect(await page().textContent('#species-results')).toContain('Mola mola');
    await screenshot(page(), 'species');
  });

  it('uploads a CSV, follows its progress and shows its issues for review', async () => {
    await page().click('#menu a[data-page=jobs]');
    await page().waitForSelector('#upload-form', { timeout: 10_000 });
    await page().selectOption('#job-kind', 'contacts');
    const csv = [
      'email,first_name,last_name,company',
      'ok@example.org,Ok,Row,Acme',
      'not-an-email,Bad,Email,Acme',
    ];
    await page().setInputFiles('#job-file', {
      name: `contacts-${runId}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv.join('\n')),
    });
    await page().click('#upload-form button[type=submit]');
    await page().waitForSelector('.job-status:text("NEEDS_REVIEW")', { timeout: 20_000 });
    await page().waitForSelector('#issues tbody tr', { timeout: 10_000 });
    expect(await page().textContent('#issues')).toContain('not-an-email');
    await screenshot(page(), 'jobs');
  });

  it('shows accounts, scans, findings and waste on the scans page', async () => {
    await page().click('#menu a[data-page=scans]');
    await page().waitForSelector('#waste p', { timeout: 10_000 });
    expect(await page().textContent('#waste')).toContain('Monthly waste $0.00');
    await screenshot(page(), 'scans');
    expect(browser.problems.filter((p) => !p.includes('favicon'))).toEqual([]);
  });

  it('hides the jobs menu from a user outside the uploader group', async () => {
    const plain = await createUser();
    const other = await browser.context.browser()?.newContext();
    const fresh = other ? await other.newPage() : await browser.context.newPage();
    await browser.context.clearCookies();
    await fresh.goto(app.url);
    await fresh.fill('input[name=login]', plain.username);
    await fresh.fill('input[name=password]', plain.password);
    await fresh.click('#login-form button[type=submit]');
    await fresh.waitForSelector('#who-name', { timeout: 10_000 });
    const menu = await fresh.$$eval('#menu a', (links) => links.map((a) => a.getAttribute('data-page')));
    expect(menu).toEqual(['sensors', 'forecast', 'species', 'scans']);
    await fresh.close();
  });
});
