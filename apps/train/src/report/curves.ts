/** `curves.svg`: training loss and train/test accuracy per epoch, as two small line charts. */

/** One epoch's figures. */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
}

function polyline(values: readonly number[], x0: number, y0: number, w: number, h: number, lo: number, hi: number, colour: string): string {
  const n = Math.max(values.length - 1, 1);
  const pts = values.map((v, i) => `${(x0 + (w * i) / n).toFixed(1)},${(y0 + h - (h * (v - lo)) / (hi - lo || 1)).toFixed(1)}`);
  return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.join(' ')}"/>`;
}

/** Renders the two charts side by side (loss left, accuracy right). */
export function curvesSvg(rows: readonly EpochMetrics[]): string {
  const W = 320;
  const H = 200;
  const pad = 36;
  const losses = rows.map((r) => r.trainLoss);
  const maxLoss = Math.max(...losses, 1e-9);
  const chart = (x: number, title: string, body: string, lo: string, hi: string): string =>
    `<g><rect x="${x}" y="20" width="${W - pad}" height="${H - 2 * pad}" fill="none" stroke="#999"/>` +
    `<text x="${x}" y="14" font-size="12">${title}</text>` +
    `<text x="${x - 4}" y="${H - 2 * pad + 20}" font-size="10" text-anchor="end">${lo}</text>` +
    `<text x="${x - 4}" y="28" font-size="10" text-anchor="end">${hi}</text>${body}</g>`;
  const inner = H - 2 * pad;
  const loss = chart(pad, 'training loss', polyline(losses, pad, 20, W - pad, inner, 0, maxLoss, '#d62728'), '0', maxLoss.toFixed(2));
  const acc = chart(
    W + pad,
    'accuracy (blue: train, green: test)',
    polyline(rows.map((r) => r.trainAccuracy), W + pad, 20, W - pad, inner, 0.8, 1, '#1f77b4') +
      polyline(rows.map((r) => r.testAccuracy), W + pad, 20, W - pad, inner, 0.8, 1, '#2ca02c'),
    '0.8',
    '1.0',
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W + pad}" height="${H - pad + 10}" font-family="sans-serif">${loss}${acc}</svg>\n`;
}

/** `metrics.csv`: one row per epoch. */
export function metricsCsv(rows: readonly EpochMetrics[]): string {
  return `epoch,train_loss,train_accuracy,test_accuracy,seconds\n${rows
    .map((r) => `${r.epoch},${r.trainLoss.toFixed(6)},${r.trainAccuracy.toFixed(6)},${r.testAccuracy.toFixed(6)},${r.seconds.toFixed(3)}`)
    .join('\n')}\n`;
}
