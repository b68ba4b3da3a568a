// TypeDoc plugin for the API reference. TypeDoc reads every package's sources in one program
// (tsconfig.typedoc.json maps `@torchlet/*` to them), so a type used across packages links to the
// page of the package that declares it. This plugin
// - names each entry module after its package (`packages/nn/src/index.ts` → `@torchlet/nn`,
//   `packages/io/src/node.ts` → `@torchlet/io/node`) instead of its path;
// - lists on a class's page only the members it declares or overrides, with a link to its base
//   for the rest: otherwise every layer of @torchlet/nn repeats Module's forty methods.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Converter, ReflectionKind } from 'typedoc';

/** The name of the package holding `file`, with the entry's subpath when it is not `index`. */
function entryName(file) {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entry = basename(file).replace(/\.ts$/, '');
  return entry === 'index' ? name : `${name}/${entry}`;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      const file = module.sources?.[0]?.fullFileName;
      const name = file ? entryName(file) : null;
      if (name) module.name = name;
    }
  });
  // before the group and category plugins (priority 0 and below) sort the members into sections
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      const { project } = context;
      for (const owner of project.getReflectionsByKind(ReflectionKind.ClassOrInterface)) {
        for (const member of [...(owner.children ?? [])]) {
          if (member.inheritedFrom) project.removeReflection(member);
        }
      }
    },
    100,
  );
}
