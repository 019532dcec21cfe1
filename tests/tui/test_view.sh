#!/bin/sh
# `hfscope view` prints the TUI's stack plot: width honoured, pre/post-fit titles, ASCII mode.
set -eu
HF=${HF:-build/hfscope}
DEMO=assets/demo/demo.json
[ -f "$DEMO" ] || DEMO=tests/reference/atlas_tutorial_fullexample/workspace.json
c=$("$HF" inspect --json -q "$DEMO" |
    awk '/^\t"[a-z_]+":/ { on = ($0 ~ /^\t"channels":/) }
         on && /^\t\t\t"name":/ { sub(/^\t\t\t"name":\t"/, ""); sub(/",$/, ""); print }' | tail -1)
out=$(LC_ALL=C.UTF-8 "$HF" view "$DEMO" --channel "$c" --width 80 -q)
printf '%s\n' "$out" | head -1 | grep -qF "$c · pre-fit" || { echo "bad title"; exit 1; }
w=$(printf '%s\n' "$out" | LC_ALL=C.UTF-8 wc -L)
[ "$w" -le 80 ] || { echo "width $w > 80"; exit 1; }
[ "$(printf '%s\n' "$out" | wc -l)" -ge 12 ] || exit 1
printf '%s\n' "$out" | grep -q '█' || { echo "no stack blocks"; exit 1; }
out=$(LC_ALL=C.UTF-8 "$HF" view "$DEMO" --channel "$c" --postfit --width 80 -q --ascii)
printf '%s\n' "$out" | head -1 | grep -qF "$c - post-fit" || { echo "bad post-fit title"; exit 1; }
printf '%s' "$out" | LC_ALL=C grep -q '[^ -~]' && { echo "non-ASCII output with --ascii"; exit 1; }
rc=0; "$HF" view "$DEMO" --channel no_such_channel -q >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { echo "unknown channel: exit $rc"; exit 1; }
exit 0
