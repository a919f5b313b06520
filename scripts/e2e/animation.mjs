// Makes media/crash-and-recover.gif, the README's moving picture: the steps of the e2e scenario
// 02-crash-and-recover (breakpoint on the charge, crash before its outcome is persisted,
// recovery stopped on the same call with plan "reconcile", the slots and the timeline), from the
// screenshots an e2e run leaves in .e2e/screenshots/. Refreshed on request, like
// media/screenshot.png (test/e2e/README.md): npm run readme:animation after an e2e run.
// One palette for every frame, and each frame stores only the pixels that changed.
import gifenc from 'gifenc';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';

const { applyPalette, GIFEncoder, quantize } = gifenc;
const { PNG } = pngjs;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shots = process.env.DURABLE_E2E_SCREENSHOTS ?? join(root, '.e2e', 'screenshots');
const out = join(root, 'media', 'crash-and-recover.gif');
const WIDTH = 960;
const DELAY_MS = 1800;
const LAST_DELAY_MS = 4000;
/** Palette index that means "as in the previous frame". */
const UNCHANGED = 255;

/** Scales an RGBA image down to `width` by averaging each destination pixel's source area. */
function scaleDown({ width, height, data }, target) {
  const h = Math.round((height * target) / width);
  const outData = new Uint8Array(target * h * 4);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / h));
    for (let x = 0; x < target; x++) {
      const x0 = Math.floor((x * width) / target);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / target));
      const sum = [0, 0, 0];
      for (let sy = y0; sy < y1; sy++)
        for (let sx = x0; sx < x1; sx++)
          for (let c = 0; c < 3; c++) sum[c] += data[(sy * width + sx) * 4 + c];
      const n = (y1 - y0) * (x1 - x0);
      const at = (y * target + x) * 4;
      for (let c = 0; c < 3; c++) outData[at + c] = Math.round(sum[c] / n);
      outData[at + 3] = 255;
    }
  }
  return { width: target, height: h, data: outData };
}

const names = readdirSync(shots)
  .filter((f) => /^02-crash-and-recover-\d+-.*\.png$/.test(f))
  .sort();
if (names.length < 2) {
  console.error(
    `no crash-and-recover screenshots in ${shots}: run DURABLE_E2E_GREP='^none$' DURABLE_E2E_UI=crash-and-recover npm run test:e2e first`,
  );
  process.exit(2);
}
const frames = names.map((n) => scaleDown(PNG.sync.read(readFileSync(join(shots, n))), WIDTH));
const { width, height } = frames[0];
if (frames.some((f) => f.width !== width || f.height !== height))
  throw new Error('the screenshots are not all the same size');

// One palette from all frames (255 colours; the last index is "unchanged").
const all = new Uint8Array(frames.length * width * height * 4);
frames.forEach((f, i) => all.set(f.data, i * width * height * 4));
const palette = quantize(all, 255, { format: 'rgb565' });
while (palette.length < 256) palette.push([0, 0, 0]);

const gif = GIFEncoder();
let previous;
frames.forEach((frame, i) => {
  const index = applyPalette(frame.data, palette.slice(0, 255), 'rgb565');
  const stored = previous ? index.map((v, p) => (v === previous[p] ? UNCHANGED : v)) : index;
  gif.writeFrame(stored, width, height, {
    palette: i === 0 ? palette : undefined,
    delay: i === frames.length - 1 ? LAST_DELAY_MS : DELAY_MS,
    transparent: i > 0,
    transparentIndex: UNCHANGED,
    dispose: 1,
    repeat: 0,
  });
  previous = index;
});
gif.finish();
writeFileSync(out, gif.bytes());
console.log(
  `${out}: ${frames.length} frames (${names.join(', ')}), ${width}x${height}, ${(gif.bytes().length / 1024).toFixed(0)} KB`,
);
