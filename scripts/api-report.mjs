#!/usr/bin/env node
// API reports: `node scripts/api-report.mjs` (`pnpm api-report`, which builds first) writes
// api/<package>.api.md for every published package: each entry point of its "exports" map, and
// every name it exports with its kind and type, read from the built .d.ts with the TypeScript
// compiler API. `--check` compares instead of writing and exits 1, listing what changed, when a
// committed report differs from a fresh one (the test in tests/reliability runs it), so that any
// change to the public surface shows up in review as a diff of api/*.api.md.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
const apiDir = join(root, 'api');

/** Published packages: packages/* that are not private, with their entry points' .d.ts. */
function packages() {
  const out = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.private) continue;
    const entries = [];
    for (const [sub, target] of Object.entries(pkg.exports ?? { '.': { types: pkg.types } })) {
      if (sub.endsWith('package.json')) continue;
      const types = typesOf(target);
      if (types) entries.push({ sub, types: join(root, 'packages', dir, types) });
    }
    out.push({ dir, name: pkg.name, entries });
  }
  return out;
}

/** The `types` file of an exports target (conditions nested any depth: node/default/types). */
function typesOf(target) {
  if (typeof target === 'string') return target.endsWith('.d.ts') ? target : null;
  if (target && typeof target === 'object') {
    if (typeof target.types === 'string') return target.types;
    for (const v of Object.values(target)) {
      const t = typesOf(v);
      if (t) return t;
    }
  }
  return null;
}

const F = ts.SymbolFlags;
const FORMAT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

/** A member's name; well-known symbols (`__@iterator@123`, an id that changes between runs) as `[Symbol.iterator]`. */
const memberName = (m) => m.name.replace(/^__@(\w+)@\d+$/, '[Symbol.$1]');

/** `import("./chunk-AbC123").Name` → `Name`: chunk file names change from build to build. */
const clean = (text) => text.replace(/import\("[^"]*"\)\./g, '').replace(/\s+/g, ' ');

function kindOf(symbol) {
  const f = symbol.flags;
  if (f & F.Class) return 'class';
  if (f & F.Function) return 'function';
  if (f & F.Enum) return 'enum';
  if (f & (F.ValueModule | F.NamespaceModule)) return 'namespace';
  if (f & F.Variable) {
    const decl = symbol.valueDeclaration;
    const list = decl && decl.parent;
    return list && ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const ? 'const' : 'let';
  }
  if (f & F.Interface) return 'interface';
  if (f & F.TypeAlias) return 'type';
  return 'unknown';
}

/** One line per export: `kind name: details` (details: signatures, a type, or members). */
function describe(checker, symbol, name, where, prefix = '') {
  const target = symbol.flags & F.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const kind = kindOf(target);
  const full = `${prefix}${name}`;
  const typeOf = () => checker.getTypeOfSymbolAtLocation(target, where);
  switch (kind) {
    case 'function': {
      return typeOf()
        .getCallSignatures()
        .map((s) => `function ${full}${clean(checker.signatureToString(s, where, FORMAT))}`);
    }
    case 'const':
    case 'let':
      return [`${kind} ${full}: ${clean(checker.typeToString(typeOf(), where, FORMAT))}`];
    case 'class': {
      const ctor = typeOf()
        .getConstructSignatures()
        .map((s) => clean(checker.signatureToString(s, where, FORMAT, ts.SignatureKind.Construct)));
      const instance = checker.getDeclaredTypeOfSymbol(target);
      const members = checker
        .getPropertiesOfType(instance)
        .filter((m) => !m.name.startsWith('#') && !(ts.getDeclarationModifierFlagsFromSymbol(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)))
        .map(memberName)
        .sort();
      const statics = checker
        .getPropertiesOfType(typeOf())
        .filter((m) => m.name !== 'prototype' && !(ts.getDeclarationModifierFlagsFromSymbol(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)))
        .map((m) => `static ${memberName(m)}`)
        .sort();
      return [`class ${full} { ${[...ctor, ...statics, ...members].join('; ')} }`];
    }
    case 'interface':
    case 'type': {
      const declared = checker.getDeclaredTypeOfSymbol(target);
      const props = kind === 'interface' ? checker.getPropertiesOfType(declared).map((m) => `${memberName(m)}${m.flags & F.Optional ? '?' : ''}`) : [];
      return [kind === 'interface' ? `interface ${full} { ${props.join('; ')} }` : `type ${full}`];
    }
    case 'namespace': {
      const members = checker.getExportsOfModule(target).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return [`namespace ${full} (${members.length} exports)`, ...members.flatMap((m) => describe(checker, m, m.name, where, `${full}.`))];
    }
    default:
      return [`${kind} ${full}`];
  }
}

/** One program over every entry point of every package: the standard library is parsed once. */
function createProgram(pkgs) {
  return ts.createProgram(
    pkgs.flatMap((p) => p.entries.map((e) => e.types)),
    {
      noEmit: true,
      skipLibCheck: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: [],
    },
  );
}

function report(pkg, program) {
  const checker = program.getTypeChecker();
  const lines = [
    `# ${pkg.name} — public API`,
    '',
    '<!-- Generated by scripts/api-report.mjs from the built .d.ts files. Do not edit: run `pnpm api-report`. -->',
    '',
    'Every name each entry point exports, with its kind and type. A change here is a change of the',
    "package's public surface: it needs a changeset (and a major/minor bump when something is removed or changed).",
  ];
  for (const entry of pkg.entries) {
    const file = program.getSourceFile(entry.types);
    if (!file) throw new Error(`api-report: ${relative(root, entry.types)} is missing; build first (pnpm turbo run build --filter=./packages/*)`);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    const exported = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
    exported.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const specifier = entry.sub === '.' ? pkg.name : `${pkg.name}/${entry.sub.replace(/^\.\//, '')}`;
    lines.push('', `## \`${specifier}\``, '', `${exported.length} exports.`, '', '```ts');
    for (const s of exported) lines.push(...describe(checker, s, s.name, file));
    lines.push('```');
  }
  return `${lines.join('\n')}\n`;
}

let stale = 0;
if (!check) mkdirSync(apiDir, { recursive: true });
const pkgs = packages();
for (const pkg of pkgs) {
  const missing = pkg.entries.filter((e) => !existsSync(e.types));
  if (missing.length) {
    console.error(`api-report: ${pkg.name}: ${missing.map((e) => relative(root, e.types)).join(', ')} missing; build first (pnpm turbo run build --filter=./packages/*)`);
    process.exit(2);
  }
}
const program = createProgram(pkgs);
for (const pkg of pkgs) {
  const text = report(pkg, program);
  const file = join(apiDir, `${pkg.dir}.api.md`);
  const rel = relative(root, file);
  if (!check) {
    writeFileSync(file, text);
    console.log(`api-report: wrote ${rel} (${text.split('\n').length} lines)`);
    continue;
  }
  const old = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (old === text) continue;
  stale++;
  if (old === null) {
    console.log(`api-report: ${rel} is missing`);
    continue;
  }
  const before = new Set(old.split('\n'));
  const after = new Set(text.split('\n'));
  console.log(`api-report: ${rel} differs from the built package:`);
  for (const l of old.split('\n')) if (!after.has(l)) console.log(`  - ${l}`);
  for (const l of text.split('\n')) if (!before.has(l)) console.log(`  + ${l}`);
}
if (check) {
  if (stale) {
    console.log(`api-report: ${stale} report(s) out of date: if the change is intended, run \`pnpm api-report\` and commit api/ (with a changeset)`);
    process.exit(1);
  }
  console.log('api-report: every api/*.api.md matches the built packages');
}
