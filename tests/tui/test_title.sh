#!/bin/sh
# The top line keeps the workspace file's name (whole when it fits, else head…tail) and every
# view's tab number at 120, 80 and 60 columns; other parts give way first.
. tests/tui/lib.sh
name=atlas_sbottom_SRA_full_workspace.json
cp "$DEMO" "$TMPD/$name"
start "$HF" tui "$name"
wait_for 'fit: ok'
check() { # COLS LINES: resize, then check the top line
    $T resize-window -x "$1" -y "$2"
    i=0
    until [ "$(width)" -le "$1" ] && [ "$(screen | sed -n '$=')" -le "$2" ]; do
        i=$((i + 1)); [ $i -le 100 ] || fail "no resize to $1x$2"; sleep 0.05
    done
    sleep 0.2
    top=$(screen | sed -n 1p)
    printf '%s\n' "$top" | grep -qE "^ ($name|atlas_[a-zA-Z_]*…[a-z_]*\\.json) " ||
        fail "$1x$2: no file name at the start of '$top'"
    for v in 1 2 3 4 5 6 7 8 9; do
        printf '%s\n' "$top" | grep -qE " $v( [A-Z][a-z]+)? " || fail "$1x$2: tab $v missing: '$top'"
    done
    printf '%s\n' "$top" | grep -qF 'fit' || fail "$1x$2: no fit state: '$top'"
}
check 120 40
printf '%s\n' "$top" | grep -qF "$name · 8 ch" || fail "120x40: the whole name and counts fit"
check 80 24
check 60 20
check 160 40
printf '%s\n' "$top" | grep -qF '1 Overview' || fail "160x40: full tab names"
keys q
wait_for 'EXIT 0'
