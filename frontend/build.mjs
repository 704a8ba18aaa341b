// Builds the front-end assets into innomarket/static/build/ (git-ignored; `npm ci && npm run build`).
// Everything the pages load comes from here: no CDN, so the site works on a closed intranet.
import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "innomarket", "static", "build");

const bundles = {
  "corridor-map": "frontend/src/map.js",
  charts: "frontend/src/charts.js",
};

await mkdir(outDir, { recursive: true });

await esbuild.build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(Object.entries(bundles).map(([name, src]) => [name, path.join(root, src)])),
  outdir: outDir,
  bundle: true,
  minify: true,
  treeShaking: true,
  format: "iife",
  target: ["es2019"],
  legalComments: "eof",
  // ECharts checks process.env.NODE_ENV to drop its development warnings.
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});

const copies = [["node_modules/htmx.org/dist/htmx.min.js", "htmx.min.js"]];
for (const [from, to] of copies) {
  await copyFile(path.join(root, from), path.join(outDir, to));
}

const outputs = [...Object.keys(bundles).map((name) => `${name}.js`), ...copies.map(([, to]) => to)];
console.log("innomarket/static/build/");
for (const name of outputs) {
  const file = path.join(outDir, name);
  const { size } = await stat(file);
  const gz = gzipSync(await readFile(file)).length;
  console.log(`  ${name.padEnd(20)} ${(size / 1024).toFixed(1).padStart(7)} KiB  (gzip ${(gz / 1024).toFixed(1)} KiB)`);
}
