// Build dashboard/assets/plotly-dashboard-<version>.min.js: plotly.js's core with only the
// trace types in traces.json, minified into one classic script that sets window.Plotly
// (dcc.Graph then never fetches the full plotly.min.js). The options follow plotly.js's own
// esbuild-config.js (IIFE, global -> window, define.amd off, target es2016); its plugins are
// left out because these traces need none of them: glsl (WebGL traces only), inline CSS
// (maplibre's stylesheet, required only when a map trace registers: loaded as empty here)
// and the NODE_DEBUG environment (no `process.env` in these modules).
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const assets = join(here, '..', 'assets');
const { traces } = JSON.parse(readFileSync(join(here, 'traces.json'), 'utf8'));
const { version } = require('plotly.js/package.json');
const out = join(assets, `plotly-dashboard-${version}.min.js`);

// the version bump leaves no stale bundle behind (Dash would load both)
for (const name of readdirSync(assets)) {
    if (/^plotly-dashboard-.*\.min\.js$/.test(name)) rmSync(join(assets, name));
}

const entry = [
    "'use strict';",
    "var Plotly = require('plotly.js/lib/core');",
    'Plotly.register([',
    ...traces.map((name) => `    require('plotly.js/lib/${name}'),`),
    ']);',
    'window.Plotly = Plotly;',
].join('\n');

// the licence header of plotly.js's own dist files, with what this bundle holds
const banner = `/**
* plotly.js (lyg-data partial bundle) v${version}
* traces: ${traces.join(',')}
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* Built by dashboard/plotly_bundle/build.mjs (make plotly-bundle) with esbuild ${esbuild.version}
*/`;

await esbuild.build({
    stdin: { contents: entry, resolveDir: here, sourcefile: 'entry.js' },
    outfile: out,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2016',
    define: { global: 'window', 'define.amd': 'false' },
    alias: { regl: '@plotly/regl' },
    loader: { '.css': 'empty' },
    banner: { js: banner },
    legalComments: 'eof',
    logLevel: 'info',
});
