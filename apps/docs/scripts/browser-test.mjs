// Browser tests of the built site (`pnpm docs:test`): `vitepress preview` serves .vitepress/dist,
// Debian's chromium (driven by playwright-core) opens every page and works the live demos.
//
// - every page answers 200, renders its title, and logs no console error or page error;
// - the cross-correlation stepper shows corr2d's numbers, window by window, also after editing and
//   painting cells, and the padding/stride/dilation stepper agrees with conv2d and pad;
// - the learn-the-kernel demo brings the loss below 1e-3 within its steps, the kernel near [1, -1];
// - the digit demo classifies a drawn vertical stroke as a 1, and the held-out sample digits.
// Screenshots go to screenshots/ (git-ignored). Ends with `docs:test: N passed, N failed`.
//
// Env: PORT (default 4173), CHROMIUM_PATH (default /usr/bin/chromium), SHOT_DIR (screenshots).
/* global window, document, location, getComputedStyle -- in the callbacks that page.evaluate runs in the browser */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { array, conv2d, corr2d, pad } from '@torchlet/ndarray';
import { chromium } from 'playwright-core';

const docs = fileURLToPath(new URL('..', import.meta.url));
const dist = join(docs, '.vitepress/dist');
const port = Number(process.env.PORT ?? 4173);
const base = `http://127.0.0.1:${port}`;
const shots = process.env.SHOT_DIR ?? join(docs, 'screenshots');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(join(dist, 'index.html'))) {
  console.error('docs:test: no built site in .vitepress/dist — run `pnpm docs:build` first');
  process.exit(1);
}
if (!existsSync(executablePath)) {
  console.error(`docs:test: no browser at ${executablePath} — apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.exit(1);
}
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });

// ---------------------------------------------------------------- a tiny test runner

const results = [];
async function check(name, fn) {
  const t0 = performance.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${Math.round(performance.now() - t0)} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`  ✗ ${name}\n      ${String(e?.stack ?? e).split('\n').slice(0, 4).join('\n      ')}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  assert(a === b, `${what}: expected ${b}, got ${a}`);
}

// ---------------------------------------------------------------- server and browser

function htmlPages(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'assets' ? [] : htmlPages(path);
    if (!e.name.endsWith('.html') || e.name === '404.html') return [];
    const route = `/${relative(dist, path)}`.replace(/index\.html$/, '').replace(/\.html$/, '');
    return [route];
  });
}

const server = spawn(join(docs, 'node_modules/.bin/vitepress'), ['preview', '--host', '127.0.0.1', '--port', String(port)], {
  cwd: docs,
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
const t0 = performance.now();
let context = null;
let profile = null;
try {
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('vitepress preview did not start within 30 s')), 30_000);
    const onData = (d) => {
      if (String(d).includes(String(port))) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', (d) => process.stderr.write(d));
    server.on('exit', (code) => reject(new Error(`vitepress preview exited with ${code}`)));
  });

  // a fresh profile (user-data-dir) for every run
  profile = mkdtempSync(join(tmpdir(), 'torchlet-docs-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });

  /** A page that records console errors, page errors and failed same-origin requests. */
  async function openPage() {
    const page = await context.newPage();
    page.problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') page.problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
    page.on('response', (res) => {
      if (res.url().startsWith(base) && res.status() >= 400) page.problems.push(`HTTP ${res.status()} ${res.url()}`);
    });
    return page;
  }

  async function visit(page, route) {
    const res = await page.goto(`${base}${route}`, { waitUntil: 'load' });
    assert(res?.ok(), `${route}: HTTP ${res?.status()}`);
    await page.waitForSelector('.VPContent', { timeout: 10_000 });
  }

  function noProblems(page, where) {
    assert(page.problems.length === 0, `${where}: ${page.problems.join('; ')}`);
  }

  /** Element screenshots: without VitePress's sticky top bar, which would cover the element's top. */
const HIDE_NAV = '.VPNav, .VPLocalNav { visibility: hidden !important; }';

// ---------------------------------------------------------------- helpers for the stepper

  /** The numbers of the output grid (data-value of each cell) of a stepper. */
  async function outputGrid(stepper) {
    return stepper.locator('[data-testid="output-grid"]').evaluate((grid) => {
      const cells = [...grid.querySelectorAll('[data-testid^="y-"]')];
      const rows = [];
      for (const c of cells) {
        const [, i, j] = c.dataset.testid.split('-').map(Number);
        (rows[i] ??= [])[j] = Number(c.dataset.value);
      }
      return rows;
    });
  }

  /** The padded input as drawn (ghost cells included), as numbers. */
  async function paddedGrid(stepper) {
    return stepper.locator('[data-testid="input-grid"]').evaluate((grid) => {
      const columns = getComputedStyle(grid).gridTemplateColumns.split(' ').length;
      const values = [...grid.children].map((c) => Number(c.dataset.value));
      return Array.from({ length: values.length / columns }, (_, i) => values.slice(i * columns, (i + 1) * columns));
    });
  }

  const fmt = (v) => String(Math.round(v * 1000) / 1000);
  const round3 = (grid) => grid.map((row) => row.map((v) => Math.round(v * 1000) / 1000));

  /** Steps through every window: the products line's sum must equal the output cell, and corr2d's value. */
  async function stepThrough(stepper, expected) {
    await stepper.locator('[data-testid="first"]').click();
    const windows = expected.length * expected[0].length;
    for (let w = 0; w < windows; w++) {
      const [i, j] = [Math.floor(w / expected[0].length), w % expected[0].length];
      const sum = (await stepper.locator('[data-testid="step-sum"]').textContent()).trim();
      const cell = (await stepper.locator(`[data-testid="y-${i}-${j}"]`).textContent()).trim();
      assertEqual(sum, fmt(expected[i][j]), `window ${w + 1} sum`);
      assertEqual(cell, fmt(expected[i][j]), `output cell [${i}, ${j}] after window ${w + 1}`);
      if (w + 1 < windows) await stepper.locator('[data-testid="next"]').click();
    }
    assert(await stepper.locator('[data-testid="next"]').isDisabled(), 'step ▶ is still enabled after the last window');
  }

  // ---------------------------------------------------------------- the tests

  const routes = htmlPages(dist).sort();
  console.log(`docs:test: ${routes.length} pages at ${base}, chromium ${context.browser()?.version() ?? ''}`);

  // Guide pages are loaded from their own HTML (server-rendered, then hydrated, as a visitor who
  // follows a link from elsewhere gets them); the generated API pages are reached the way a reader
  // browses them, by the client-side router from the API index — much faster, same checks.
  const apiRoutes = routes.filter((r) => r.startsWith('/api/') && r !== '/api/');
  const fullRoutes = routes.filter((r) => !apiRoutes.includes(r));

  await check(`${fullRoutes.length} guide pages load and render without console errors`, async () => {
    const page = await openPage();
    const failures = [];
    for (const route of fullRoutes) {
      page.problems = [];
      try {
        await visit(page, route);
        const title = await page.locator('.vp-doc h1, .VPHero .name').first().textContent({ timeout: 5_000 });
        if (!title?.trim()) failures.push(`${route}: no title`);
        if (await page.locator('.NotFound').count()) failures.push(`${route}: renders the 404 page`);
        if (page.problems.length) failures.push(`${route}: ${page.problems.join('; ')}`);
      } catch (e) {
        failures.push(`${route}: ${e.message.split('\n')[0]}`);
      }
    }
    await page.close();
    assert(failures.length === 0, failures.join('\n'));
  });

  await check(`${apiRoutes.length} API pages render without console errors`, async () => {
    const page = await openPage();
    await visit(page, '/api/');
    const failures = [];
    for (const route of apiRoutes) {
      page.problems = [];
      try {
        const before = await page.locator('.vp-doc h1').first().textContent();
        await page.evaluate((href) => {
          const a = document.createElement('a');
          a.href = href;
          document.body.append(a);
          a.click(); // VitePress's router takes the click: no page load
          a.remove();
        }, route);
        await page.waitForFunction(
          ([path, previous]) => decodeURI(location.pathname) === path && document.querySelector('.vp-doc h1')?.textContent !== previous,
          [route, before],
          { timeout: 10_000 },
        );
        if (await page.locator('.NotFound').count()) failures.push(`${route}: renders the 404 page`);
        if (page.problems.length) failures.push(`${route}: ${page.problems.join('; ')}`);
      } catch (e) {
        failures.push(`${route}: ${e.message.split('\n')[0]}`);
      }
    }
    await page.close();
    assert(failures.length === 0, failures.join('\n'));
  });

  await check('screenshots of the home, getting-started and performance pages', async () => {
    const page = await openPage();
    for (const [name, route] of [['home', '/'], ['getting-started', '/guide/'], ['performance', '/guide/performance']]) {
      await visit(page, route);
      await page.screenshot({ path: join(shots, `${name}.png`) });
    }
    noProblems(page, 'screenshots');
    await page.close();
  });

  await check("cross-correlation stepper: the textbook's numbers, window by window", async () => {
    const page = await openPage();
    await visit(page, '/guide/cross-correlation');
    const stepper = page.locator('[data-testid="stepper"]').first();
    await stepper.waitFor();
    const X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]];
    const K = [[0, 1], [2, 3]];
    const expected = corr2d(array(X), array(K)).toArray();
    assertEqual(expected, [[19, 25], [37, 43]], 'corr2d itself');
    assertEqual(await outputGrid(stepper), expected, 'output grid');
    await stepThrough(stepper, expected);
    assertEqual((await stepper.locator('[data-testid="products"]').textContent()).replace(/\s+/g, ' ').trim(), 'Y[1, 1] = 4·0 + 5·1 + 7·2 + 8·3 = 43', 'products of the last window');
    await stepper.locator('[data-testid="first"]').click();
    await stepper.locator('[data-testid="next"]').click();
    await stepper.screenshot({ path: join(shots, 'cross-correlation-stepper.png'), style: HIDE_NAV });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'cross-correlation-page.png') });
    noProblems(page, '/guide/cross-correlation');
    await page.close();
  });

  await check('cross-correlation stepper: editing and painting cells recomputes with corr2d', async () => {
    const page = await openPage();
    await visit(page, '/guide/cross-correlation');
    const stepper = page.locator('[data-testid="stepper"]').first();
    // type a value into X[0, 0] and K[1, 1]
    await stepper.locator('[data-testid="x-0-0"]').click();
    await stepper.locator('[data-testid="x-0-0"] input').fill('10');
    await stepper.locator('[data-testid="x-0-0"] input').press('Enter');
    await stepper.locator('[data-testid="k-1-1"]').click();
    await stepper.locator('[data-testid="k-1-1"] input').fill('-2.5');
    await stepper.locator('[data-testid="k-1-1"] input').press('Enter');
    let X = [[10, 1, 2], [3, 4, 5], [6, 7, 8]];
    const K = [[0, 1], [2, -2.5]];
    assertEqual(round3(await outputGrid(stepper)), round3(corr2d(array(X), array(K)).toArray()), 'after editing');
    // paint the bottom row of X with 1s by dragging
    await stepper.locator('[data-testid="paint"]').check();
    await stepper.locator('[data-testid="brush"]').fill('1');
    const from = await stepper.locator('[data-testid="x-2-0"]').boundingBox();
    const to = await stepper.locator('[data-testid="x-2-2"]').boundingBox();
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
    await page.mouse.up();
    X = [[10, 1, 2], [3, 4, 5], [1, 1, 1]];
    const expected = corr2d(array(X), array(K)).toArray();
    assertEqual(round3(await outputGrid(stepper)), round3(expected), 'after painting');
    await stepThrough(stepper, expected);
    noProblems(page, 'editing');
    await page.close();
  });

  await check('padding/stride/dilation stepper agrees with pad and conv2d in every mode', async () => {
    const page = await openPage();
    await visit(page, '/guide/padding-and-stride');
    const stepper = page.locator('[data-testid="stepper"]').first();
    await stepper.waitFor();
    const X = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]];
    const K = [[1, 0, -1], [1, 0, -1], [1, 0, -1]];
    const x = array(X).reshape(1, 1, 4, 4);
    const k = array(K).reshape(1, 1, 3, 3);
    // the page's initial settings first, for the screenshot
    assertEqual(await outputGrid(stepper), conv2d(x, k, null, { padding: 1, paddingMode: 'reflect', stride: 2 }).reshape(2, 2).toArray(), 'initial reflect/stride 2');
    await stepper.scrollIntoViewIfNeeded();
    await stepper.locator('[data-testid="next"]').click();
    await stepper.screenshot({ path: join(shots, 'padding-and-stride.png'), style: HIDE_NAV });
    let cases = 0;
    for (const mode of ['zeros', 'reflect', 'replicate', 'circular']) {
      await stepper.locator('[data-testid="mode"]').selectOption(mode);
      for (const [p, s, d] of [[1, 1, 1], [2, 2, 1], [1, 1, 2], [3, 2, 2], [0, 3, 1]]) {
        await stepper.locator('[data-testid="padding"]').fill(String(p));
        await stepper.locator('[data-testid="stride"]').fill(String(s));
        await stepper.locator('[data-testid="dilation"]').fill(String(d));
        const what = `${mode}, padding ${p}, stride ${s}, dilation ${d}`;
        let expected = null;
        let refused = null;
        try {
          expected = conv2d(x, k, null, { padding: p, paddingMode: mode, stride: s, dilation: d });
        } catch (e) {
          refused = e.message;
        }
        if (refused) {
          await stepper.locator('[data-testid="error"]').waitFor({ timeout: 2_000 });
          assertEqual((await stepper.locator('[data-testid="error"]').textContent()).trim(), refused, `${what}: the error shown`);
        } else {
          const [, , h, w] = expected.shape;
          assertEqual(await outputGrid(stepper), expected.reshape(h, w).toArray(), `${what}: output`);
          const padded = pad(array(X).reshape(1, 4, 4), [p, p, p, p], mode === 'zeros' ? 'constant' : mode).reshape(4 + 2 * p, 4 + 2 * p).toArray();
          assertEqual(await paddedGrid(stepper), padded, `${what}: padded input (ghost cells)`);
          const formula = (await stepper.locator('[data-testid="formula"]').textContent()).replace(/\s+/g, ' ');
          assert(formula.includes(`= ${h},`) && formula.trim().endsWith(`= ${w}`), `${what}: formula shows ${formula}`);
        }
        cases++;
      }
    }
    assert(cases === 20, `ran ${cases} cases`);
    noProblems(page, '/guide/padding-and-stride');
    await page.close();
  });

  await check('output-size calculator matches the formula', async () => {
    const page = await openPage();
    await visit(page, '/guide/padding-and-stride');
    const calc = page.locator('[data-testid="calculator"]');
    for (const [n, k, p, s, d] of [[28, 5, 2, 1, 1], [32, 3, 1, 2, 1], [7, 3, 0, 2, 2], [224, 7, 3, 2, 1]]) {
      await calc.locator('[data-testid="calc-n"]').fill(String(n));
      await calc.locator('[data-testid="calc-k"]').fill(String(k));
      await calc.locator('[data-testid="calc-p"]').fill(String(p));
      await calc.locator('[data-testid="calc-s"]').fill(String(s));
      await calc.locator('[data-testid="calc-d"]').fill(String(d));
      const shown = Number(await calc.locator('[data-testid="calc-out"]').textContent());
      assertEqual(shown, Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1, `H=${n} k=${k} p=${p} s=${s} d=${d}`);
    }
    noProblems(page, 'calculator');
    await page.close();
  });

  await check('learn-the-kernel demo: loss below 1e-3 within its steps, kernel near [1, -1]', async () => {
    const page = await openPage();
    await visit(page, '/guide/learning-a-kernel');
    const demo = page.locator('[data-testid="learner"]');
    await demo.waitFor();
    const steps = Number(await demo.locator('[data-testid="steps"]').inputValue());
    await demo.locator('[data-testid="train"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="train"]')?.textContent?.includes('again'), null, { timeout: 30_000 });
    const stepsRun = Number(await demo.locator('[data-testid="step"]').textContent());
    const loss = Number(await demo.locator('[data-testid="loss"]').textContent());
    const w0 = Number(await demo.locator('[data-testid="w0"]').textContent());
    const w1 = Number(await demo.locator('[data-testid="w1"]').textContent());
    assertEqual(stepsRun, steps, 'steps run');
    assert(loss < 1e-3, `final loss ${loss} is not below 1e-3 after ${steps} steps`);
    assert(Math.abs(w0 - 1) < 0.02 && Math.abs(w1 + 1) < 0.02, `kernel [${w0}, ${w1}] is not near [1, -1]`);
    const status = await demo.locator('[data-testid="status"]').textContent();
    assert(/below 1e-3 since step \d+/.test(status), `status: ${status}`);
    await demo.scrollIntoViewIfNeeded();
    await demo.screenshot({ path: join(shots, 'learning-a-kernel.png'), style: HIDE_NAV });
    // a learning rate of 0.1 diverges, and the demo says so
    await demo.locator('[data-testid="lr"]').selectOption('0.1');
    await demo.locator('[data-testid="train"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent?.includes('Diverged'), null, { timeout: 30_000 });
    noProblems(page, '/guide/learning-a-kernel');
    await page.close();
  });

  await check('digit demo: a drawn vertical stroke is a 1; held-out digits are classified', async () => {
    const page = await openPage();
    await visit(page, '/guide/lenet');
    const demo = page.locator('[data-testid="digits"]');
    await demo.locator('[data-testid="model-info"]').waitFor({ timeout: 20_000 });
    const pad = demo.locator('[data-testid="pad"]');
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    const x = box.x + box.width / 2;
    await page.mouse.move(x, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(x + 4, box.y + box.height - 40, { steps: 20 });
    await page.mouse.up();
    await demo.locator('[data-testid="prediction"]').waitFor({ timeout: 5_000 });
    assertEqual((await demo.locator('[data-testid="prediction"]').textContent()).trim(), '1', 'class of a vertical stroke');
    const mapVaries = await demo.locator('[data-testid="map-0"]').evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      return new Set(Array.from({ length: d.length / 4 }, (_, i) => d[4 * i])).size > 4;
    });
    assert(mapVaries, 'the first feature map is blank');
    await demo.screenshot({ path: join(shots, 'lenet-drawn-1.png'), style: HIDE_NAV });

    const samples = demo.locator('[data-testid^="sample-"]');
    const n = await samples.count();
    assert(n >= 10, `only ${n} sample digits`);
    let correct = 0;
    const wrong = [];
    for (let i = 0; i < n; i++) {
      const button = samples.nth(i);
      const label = await button.getAttribute('data-label');
      await button.click();
      const predicted = (await demo.locator('[data-testid="prediction"]').textContent()).trim();
      if (predicted === label) correct++;
      else wrong.push(`${label}→${predicted}`);
    }
    console.log(`      held-out sample digits: ${correct}/${n} right${wrong.length ? ` (wrong: ${wrong.join(', ')})` : ''}`);
    assert(correct >= 0.8 * n, `only ${correct} of ${n} held-out digits classified right`);
    await samples.nth(n - 1).click();
    await demo.screenshot({ path: join(shots, 'lenet-sample.png'), style: HIDE_NAV });
    noProblems(page, '/guide/lenet');
    await page.close();
  });

  await check('API reference page renders (Conv2d) and links across packages', async () => {
    const page = await openPage();
    await visit(page, '/api/@torchlet/nn/classes/Conv2d');
    const h1 = await page.locator('.vp-doc h1').textContent();
    assert(h1.includes('Conv2d'), `title ${h1}`);
    assert((await page.locator('.vp-doc a[href*="autograd/classes/Tensor"]').count()) > 0, 'no link from the page to Tensor of @torchlet/autograd');
    await page.screenshot({ path: join(shots, 'api-conv2d.png') });
    noProblems(page, 'api');
    await page.close();
  });
} finally {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  process.kill(-server.pid); // the preview server's own process group (started above)
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`docs:test: ${((performance.now() - t0) / 1000).toFixed(1)} s, screenshots in ${relative(process.cwd(), shots) || '.'}`);
console.log(`docs:test: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
