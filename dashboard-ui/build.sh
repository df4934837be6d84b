#!/usr/bin/env bash
# Builds the dashboard into dashboard-ui/dist/: a size-optimised wasm build, split by route
# (wasm-split-cli: every `lazy!` page of src/app/mod.rs and the code only it uses goes into
# its own module, code shared by several such pages into shared chunks), wasm-bindgen
# (--target web) on the main module, wasm-opt -Oz on every module, content-hashed file names,
# and index.html pointing at them. Prints the gzip size of the first load and what each lazily
# loaded page adds.
#   dashboard-ui/build.sh            release build (what nginx serves) into dist/
#   dashboard-ui/build.sh --dogfood  the same with cargo feature `dogfood` into dist-dogfood/
# Build directories: dashboard-cargo/ and dashboard-build/ in ${CARGO_TARGET_DIR:-target}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/env.sh"
cd "$ROOT"
target=${CARGO_TARGET_DIR:-$ROOT/target}
command -v wasm-split-cli >/dev/null || { echo "build.sh: wasm-split-cli missing: run scripts/bootstrap" >&2; exit 1; }

features=() out=dist
if [ "${1:-}" = "--dogfood" ]; then features=(--features dogfood) out=dist-dogfood; fi
wasm_dir=$(scripts/cargo-wasm-size "$target/dashboard-cargo" -p dashboard-ui "${features[@]}")

work=$target/dashboard-build/$out
rm -rf "$work" && mkdir -p "$work/opt"
# main.wasm + split_<group>_<n>.wasm per group of lazy_modules! + chunk_<n>.wasm shared by groups
# + __wasm_split.js, the loader the main module imports them through.
if ! wasm-split-cli "$wasm_dir/dashboard_ui.wasm" "$work/split" >"$work/split.log" 2>&1; then
  cat "$work/split.log" >&2; exit 1
fi
grep -v 'Overlong segment' "$work/split.log" >&2 || true
link=$work/split/__wasm_split.js
wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir "$work" --out-name dashboard \
  "$work/split/main.wasm" 2>&1 | grep -v target_features || true
# -ocimfs 10: as the SDK's build (scripts/build-sdk-web): one-caller functions stay out of line
# unless tiny, which compresses better (main module −17.6 KB gzip); then similar functions side
# by side (wasm-opt-ordered.mjs, wasm-opt-many.mjs: main module −11.6 KB gzip). The main module,
# and the modules the loader fetches (by file stem; the same optimisation) in two
# wasm-opt-many.mjs processes, are optimised at once: each job is one thread.
node scripts/wasm-opt-ordered.mjs "$work/dashboard_bg.wasm" "$work/dashboard_bg.opt.wasm" \
  -Oz -ocimfs 10 --strip-debug --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue &
pids=($!)
mapfile -t modules < <(grep -o 'new URL("\./[A-Za-z0-9_]*\.wasm"' "$link" | sed 's|.*"\./||; s|\.wasm"||' | sort -u)
for part in 0 1; do
  names=()
  for i in "${!modules[@]}"; do if (( i % 2 == part )); then names+=("${modules[$i]}"); fi; done
  if [ ${#names[@]} -eq 0 ]; then continue; fi
  node scripts/wasm-opt-many.mjs "$work/split" "$work/opt" "${names[@]}" 2>&1 | { grep -v 'unknown name subsection' || true; } &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done

dist=$here/$out
rm -rf "$dist" && mkdir -p "$dist"
hash_of() { sha256sum "$@" | cut -c1-12; }
hashed() { # file stem ext → copies file to dist/stem-<hash>.ext and prints the name
  local name; name="$2-$(hash_of "$1").$3"
  cp "$1" "$dist/$name"; echo "$name"
}
# Lazily loaded modules: split_<group>_<n> → <group>-<hash>.wasm, chunk_<n> → shared-<hash>.wasm
# (names of letters and '_' only, which nginx's cache rule for hashed assets expects).
declare -A module_file
for m in "${modules[@]}"; do
  case $m in
    split_*) stem=$(sed -E 's/^split_//; s/_[0-9]+$//; s/[^A-Za-z_]/_/g' <<<"$m") ;;
    *) stem=shared ;;
  esac
  module_file[$m]=$(hashed "$work/opt/$m.wasm" "$stem" wasm)
  sed -i "s|\"\./$m\.wasm\"|\"./${module_file[$m]}\"|" "$link"
done
# The glue imports the loader and the loader imports the glue: both are named by the hash of
# the pair (before either name is written into the other).
pair=$(cat "$work/dashboard.js" "$link" | hash_of -)
js=dashboard-$pair.js split_js=dashboard_split-$pair.js
sed "s|from \"\./__wasm_split\.js\"|from \"./$split_js\"|" "$work/dashboard.js" > "$dist/$js"
sed "s|from \"\./main\.js\"|from \"./$js\"|" "$link" > "$dist/$split_js"
wasm=$(hashed "$work/dashboard_bg.opt.wasm" dashboard_bg wasm)
css=$(hashed "$here/web/style.css" style css)
sed -e "s|__WASM__|$wasm|g" -e "s|__JS__|$js|g" "$here/web/boot.js" > "$work/boot.js"
boot=$(hashed "$work/boot.js" boot js)
sed -e "s|__WASM__|$wasm|g" -e "s|__JS__|$js|g" -e "s|__SPLIT_JS__|$split_js|g" -e "s|__CSS__|$css|g" \
  -e "s|__BOOT__|$boot|g" "$here/web/index.html" > "$dist/index.html"
# JS snippets of linked crates (sdk-wasm's, with the `dogfood` feature): the glue imports them.
snippets=()
if [ -d "$work/snippets" ]; then
  cp -r "$work/snippets" "$dist/"
  while IFS= read -r f; do snippets+=("${f#"$dist"/}"); done < <(find "$dist/snippets" -type f | sort)
fi

gz() { gzip -9 -c "$dist/$1" | wc -c; }
# First load of /services (or any first-load page) = index.html + boot + glue + loader (+ snippets)
# + main wasm + CSS, as gzip (-9) transfers them.
total=0
: > "$dist/SIZES.txt"
for f in index.html "$boot" "$js" "$split_js" "$wasm" "$css" "${snippets[@]}"; do
  raw=$(stat -c %s "$dist/$f"); g=$(gz "$f"); total=$((total + g))
  printf '%-40s %8d bytes, gzip %7d\n' "$f" "$raw" "$g" | tee -a "$dist/SIZES.txt"
done
echo "first load (/services), gzip total: $total bytes ($((total / 1024)) KiB)" | tee -a "$dist/SIZES.txt"

# What opening each lazy page adds, straight after the first load: its module and the shared
# chunks it depends on (the loader's `makeLoad(url, [deps])` line for the page).
echo "lazily loaded pages, extra gzip on first visit (the module + shared chunks it needs), routes:" | tee -a "$dist/SIZES.txt"
# The loader on one line: each `makeLoad` spans several.
loader=$(tr '\n' ' ' < "$dist/$split_js")
declare -A chunk_of_var
while IFS=' ' read -r var file; do chunk_of_var[$var]=$file; done < <(
  grep -oE 'const __chunk_[0-9]+ = makeLoad\([^"]*"\./[^"]+"' <<<"$loader" |
    sed -E 's|^const (__chunk_[0-9]+) .*"\./([^"]+)"$|\1 \2|')
routes_of() { # module (a group of lazy_modules!) → its routes in src/app/mod.rs
  sed -nE 's/.*path!\("([^"]*)"\) view=lazy!\(([A-Za-z0-9_]+) in ([A-Za-z0-9_]+)(, bare)?\).*/\1 \2 \3/p' "$here/src/app/mod.rs" |
    while read -r route page group; do
      [ "$group" = "$1" ] && printf '%s ' "$route"
    done
}
lazy_total=0
while IFS=' ' read -r file deps; do
  page=${file%-*}; bytes=$(gz "$file"); n=0
  for var in $deps; do bytes=$((bytes + $(gz "${chunk_of_var[$var]}"))); n=$((n + 1)); done
  printf '  %-28s +%7d bytes (%d shared chunks)  %s\n' "$page" "$bytes" "$n" "$(routes_of "$page")" | tee -a "$dist/SIZES.txt"
done < <(grep -oE 'export const __wasm_split_load_[A-Za-z0-9_]+ = wrapAsyncCb\(makeLoad\([^"]*"\./[^"]+"[^[]*\[[^]]*\]' <<<"$loader" |
  sed -E 's|^[^"]*"\./([^"]+)"[^[]*\[([^]]*)\]$|\1 \2|' | tr -d ',' | sort)
for m in "${modules[@]}"; do lazy_total=$((lazy_total + $(gz "${module_file[$m]}"))); done
echo "lazily loaded modules: ${#modules[@]} files, gzip total $lazy_total bytes" | tee -a "$dist/SIZES.txt"
