#!/usr/bin/env bash
# Builds the dashboard into dashboard-ui/dist/: a size-optimised wasm build,
# wasm-bindgen (--target web), wasm-opt -Oz, content-hashed file names, and
# index.html pointing at them. Prints the gzip size of the first load.
# DASHBOARD_CARGO_DIR overrides the cargo target dir (default target/dashboard-cargo).
#   dashboard-ui/build.sh            release build (what nginx serves) into dist/
#   dashboard-ui/build.sh --dogfood  the same with cargo feature `dogfood` into dist-dogfood/
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/env.sh"
cd "$ROOT"

features=() out=dist
if [ "${1:-}" = "--dogfood" ]; then features=(--features dogfood) out=dist-dogfood; fi
wasm_dir=$(scripts/cargo-wasm-size "${DASHBOARD_CARGO_DIR:-$ROOT/target/dashboard-cargo}" -p dashboard-ui "${features[@]}")

work=$ROOT/target/dashboard-build/$out
rm -rf "$work" && mkdir -p "$work"
wasm-bindgen --target web --no-typescript --out-dir "$work" --out-name dashboard \
  "$wasm_dir/dashboard_ui.wasm" 2>&1 | grep -v target_features || true
wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$work/dashboard_bg.wasm" -o "$work/dashboard_bg.opt.wasm"

dist=$here/$out
rm -rf "$dist" && mkdir -p "$dist"
hashed() { # file stem ext → copies file to dist/stem-<hash>.ext and prints the name
  local name; name="$2-$(sha256sum "$1" | cut -c1-12).$3"
  cp "$1" "$dist/$name"; echo "$name"
}
wasm=$(hashed "$work/dashboard_bg.opt.wasm" dashboard_bg wasm)
js=$(hashed "$work/dashboard.js" dashboard js)
css=$(hashed "$here/web/style.css" style css)
sed -e "s|__WASM__|$wasm|g" -e "s|__JS__|$js|g" "$here/web/boot.js" > "$work/boot.js"
boot=$(hashed "$work/boot.js" boot js)
sed -e "s|__WASM__|$wasm|g" -e "s|__JS__|$js|g" -e "s|__CSS__|$css|g" -e "s|__BOOT__|$boot|g" \
  "$here/web/index.html" > "$dist/index.html"
# JS snippets of linked crates (sdk-wasm's, with the `dogfood` feature): the glue imports them.
snippets=()
if [ -d "$work/snippets" ]; then
  cp -r "$work/snippets" "$dist/"
  while IFS= read -r f; do snippets+=("${f#"$dist"/}"); done < <(find "$dist/snippets" -type f | sort)
fi

# First load = index.html + JS glue (+ snippets) + wasm + CSS, as gzip (-9) transfers them.
total=0
: > "$dist/SIZES.txt"
for f in index.html "$boot" "$js" "$wasm" "$css" "${snippets[@]}"; do
  raw=$(stat -c %s "$dist/$f"); gz=$(gzip -9 -c "$dist/$f" | wc -c); total=$((total + gz))
  printf '%-40s %8d bytes, gzip %7d\n' "$f" "$raw" "$gz" | tee -a "$dist/SIZES.txt"
done
echo "first load, gzip total: $total bytes ($((total / 1024)) KiB)" | tee -a "$dist/SIZES.txt"
