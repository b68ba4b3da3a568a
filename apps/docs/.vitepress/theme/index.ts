import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import { defineAsyncComponent } from 'vue';
import './style.css';

// One component per live demo; each is loaded with its page (its own chunk, torchlet included).
export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('CorrelationStepper', defineAsyncComponent(() => import('./components/CorrelationStepper.vue')));
    app.component('OutputSizeCalculator', defineAsyncComponent(() => import('./components/OutputSizeCalculator.vue')));
    app.component('LearnKernel', defineAsyncComponent(() => import('./components/LearnKernel.vue')));
    app.component('DigitClassifier', defineAsyncComponent(() => import('./components/DigitClassifier.vue')));
  },
} satisfies Theme;
