# Sourced by test stages: start_node_server SCRIPT [ARGS...] runs a Node server that prints its
# port on stdout's first line (tests/support/receiver.mjs, tests/support/http-fixture.mjs), in
# the background, and waits for that line. Sets SERVER_PID and SERVER_PORT; the servers are
# killed when the stage's shell exits.
start_node_server() {
  local out
  out=$(mktemp)
  node "$@" >"$out" &
  SERVER_PID=$!
  NODE_SERVER_PIDS="${NODE_SERVER_PIDS:-} $SERVER_PID"
  trap 'kill $NODE_SERVER_PIDS 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    [ -s "$out" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  SERVER_PORT=$(head -1 "$out")
  rm -f "$out"
  [ -n "$SERVER_PORT" ] || { echo "$1 did not start" >&2; return 1; }
}
