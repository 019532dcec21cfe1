#!/bin/sh
# Without a terminal, `hfscope WS` prints the overview instead of opening the screen.
set -eu
HF=${HF:-build/hfscope}
DEMO=assets/demo/demo.json
[ -f "$DEMO" ] || DEMO=tests/reference/atlas_tutorial_fullexample/workspace.json
out=$(timeout 60 "$HF" "$DEMO" </dev/null 2>/dev/null)
printf '%s\n' "$out" | grep -q '^Workspace ' || { echo "no overview: $out"; exit 1; }
printf '%s\n' "$out" | grep -q '^Fit  *converged' || { echo "no fit line"; exit 1; }
printf '%s\n' "$out" | grep -q 'Worst-fitting channels' || exit 1
# stdout a pipe but stdin a terminal-less file too: still no screen escape sequences
printf '%s' "$out" | grep -q "$(printf '\033')" && { echo "escape sequences in the overview"; exit 1; }
exit 0
