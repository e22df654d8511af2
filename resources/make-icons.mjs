// Generates every installer icon from one source image, resources/icon.png (512×512 RGBA):
//   resources/icon.icns          macOS (ic07–ic10 and retina variants, PNG-encoded)
//   resources/icon.ico           Windows (16–256; BMP below 256 as the NSIS installer expects)
//   resources/icons/<N>x<N>.png  Linux PNG set (16…512), the folder electron-builder's linux.icon names
// Usage: `node resources/make-icons.mjs [outputDir]` (default: resources/). Deterministic, so the
// tests regenerate into a temporary folder and compare with what is committed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import png2icons from 'png2icons';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? here);
const source = readFileSync(join(here, 'icon.png'));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png) {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The PNG images inside an .ico written with PNG entries (ICONDIR, then 16-byte ICONDIRENTRYs). */
function pngsInIco(ico) {
  const count = ico.readUInt16LE(4);
  const images = [];
  for (let i = 0; i < count; i++) {
    const entry = 6 + i * 16;
    const size = ico.readUInt32LE(entry + 8);
    const offset = ico.readUInt32LE(entry + 12);
    images.push(ico.subarray(offset, offset + size));
  }
  return images;
}

const { width, height } = pngSize(source);
if (width !== height || width < 512) throw new Error(`resources/icon.png must be square and at least 512×512 (it is ${width}×${height})`);

const icns = png2icons.createICNS(source, png2icons.BICUBIC2, 0);
const ico = png2icons.createICO(source, png2icons.BICUBIC2, 0, false, true);
const pngIco = png2icons.createICO(source, png2icons.BICUBIC2, 0, true, false);
if (!icns || !ico || !pngIco) throw new Error('png2icons could not convert resources/icon.png');

mkdirSync(join(out, 'icons'), { recursive: true });
writeFileSync(join(out, 'icon.icns'), icns);
writeFileSync(join(out, 'icon.ico'), ico);
const written = ['icon.icns', 'icon.ico'];
for (const png of [...pngsInIco(pngIco), source]) {
  const size = pngSize(png);
  const name = `icons/${size.width}x${size.height}.png`;
  writeFileSync(join(out, name), png);
  written.push(name);
}
console.log(`Wrote ${written.join(', ')} to ${out}`);
