#!/bin/sh
# `hfscope view` (the explorer's stack plot as text) against goldens made before it drew through
# the stack builder directly: pre-fit, post-fit, log y, ASCII, two widths (regenerate:
# make check-tui UPDATE_GOLDEN=1).
. tests/tui/lib.sh
cp "$DEMO" "$TMPD/demo.json"
c=$(channels "$DEMO" | tail -1)
v() { (cd "$TMPD" && LC_ALL=C.UTF-8 "$HF" view demo.json -q --color never "$@"); }
v --channel "$c" --width 80 | golden view_pre_80.txt
v --channel "$c" --width 120 --postfit | golden view_post_120.txt
v --width 100 --postfit --logy | golden view_post_logy_100.txt
v --channel "$c" --width 60 --ascii | golden view_pre_ascii_60.txt
v --channel "$c" --width 70 -o "$TMPD/view.txt" && golden view_file_70.txt <"$TMPD/view.txt"
