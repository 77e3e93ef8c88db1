#!/bin/sh
# What the service serves itself, from npm (never a CDN): Swagger UI for /docs, and the console's
# sources (webapp/console/src) bundled with dmn-js by esbuild, with dmn-js's own stylesheets.
set -e
cd "$(dirname "$0")"
OUT=../static
rm -rf "$OUT/console"     # chunk names change with their content: no stale ones
mkdir -p "$OUT/swagger-ui" "$OUT/console/dmn-js"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
   node_modules/swagger-ui-dist/LICENSE "$OUT/swagger-ui/"
# The sources live with the console (webapp/console/src); their packages are installed here.
NODE_PATH="$PWD/node_modules" node_modules/.bin/esbuild ../console/src/console.js --bundle --splitting --format=esm --minify \
  --target=es2020 --outdir="$OUT/console" --log-level=warning
cp ../console/src/console.css "$OUT/console/"
cp -R node_modules/dmn-js/dist/assets/. "$OUT/console/dmn-js/"
cp node_modules/dmn-js/LICENSE "$OUT/console/dmn-js/"
