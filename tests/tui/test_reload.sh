#!/bin/sh
# R reloads the workspace from disk: a broken file keeps the old model and says why in the status
# line; a fixed file is loaded again (new channel names appear) and refitted.
. tests/tui/lib.sh
cp "$DEMO" "$TMPD/ws.json"
first=$(channels "$DEMO" | head -1)
start "$HF" tui ws.json
wait_for "$first"
wait_for 'fit: ok'
printf '{"channels": [' >"$TMPD/ws.json"
keys R
wait_for 'reload failed: hfscope: error: ws.json'
screen | grep -qF "$first" || fail "the old model should stay after a failed reload"
sed "s/\"$first\"/\"${first}_renamed\"/g" "$DEMO" >"$TMPD/ws.json"
keys R
wait_for "${first}_renamed"
wait_for 'fit: ok'
keys 7
wait_for 'reloaded'
keys q
wait_for 'EXIT 0'
modes_ok
