#!/usr/bin/env bash
# Fetches the ECharts script that the HTML report inlines (a build input, not
# committed): npm's echarts@5.4.3, the version go-echarts v2.6.7's options are
# written for. The extracted dist/echarts.min.js is checked against the sha256
# committed beside this script and installed as echarts.min.js.
#
#   bash charts/assets/fetch.sh        (what `make assets` runs)
#
# Needs npm (it talks only to the npm registry), tar and sha256sum.
set -euo pipefail

VERSION=5.4.3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/echarts.min.js"
want="$(awk '{print $1; exit}' "$here/echarts.min.js.sha256")"

sum() { sha256sum "$1" | awk '{print $1}'; }

if [[ -f "$dest" ]] && [[ "$(sum "$dest")" == "$want" ]]; then
  echo "charts/assets: echarts.min.js ($VERSION) already present and verified"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "charts/assets: fetching echarts@$VERSION with npm pack" >&2
(cd "$tmp" && npm pack --silent "echarts@$VERSION" >/dev/null)
tgz="$tmp/echarts-$VERSION.tgz"
[[ -f "$tgz" ]] || { echo "charts/assets: npm pack did not produce $tgz" >&2; exit 1; }

tar -xzf "$tgz" -C "$tmp" package/dist/echarts.min.js
got="$(sum "$tmp/package/dist/echarts.min.js")"
if [[ "$got" != "$want" ]]; then
  echo "charts/assets: sha256 mismatch for echarts@$VERSION dist/echarts.min.js" >&2
  echo "  want $want" >&2
  echo "  got  $got" >&2
  exit 1
fi
# The script is inlined into a <script> element: refuse anything that could
# end it early or switch the HTML parser's script state.
if grep -qiE '</script|<!--' "$tmp/package/dist/echarts.min.js"; then
  echo "charts/assets: echarts.min.js contains </script or <!--; refusing to inline it" >&2
  exit 1
fi

install -m 0644 "$tmp/package/dist/echarts.min.js" "$dest.tmp"
mv -f "$dest.tmp" "$dest"
echo "charts/assets: installed echarts.min.js ($VERSION, sha256 $want)"
