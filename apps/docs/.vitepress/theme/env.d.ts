// Single-file components, for tools that read TypeScript without Vue (eslint's type information);
// vue-tsc (`pnpm typecheck`) checks the components themselves.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}

// the theme's stylesheet, imported for its side effect (Vite bundles it)
declare module '*.css';
