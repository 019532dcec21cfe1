#!/bin/sh
# `e` exports the current view through Cairo: a PNG of the stack, a PDF of the pulls.
. tests/tui/lib.sh
start "$HF" tui "$DEMO"
wait_for 'fit: ok'
keys e
wait_for 'export to: '
keys C-u
keys -l 'stack.png'
keys Enter
wait_for 'wrote stack.png'
[ -s "$TMPD/stack.png" ] || fail "stack.png missing"
[ "$(head -c 4 "$TMPD/stack.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ] || fail "not a PNG"
[ "$(wc -c <"$TMPD/stack.png")" -gt 2000 ] || fail "PNG suspiciously small"
keys 3
wait_for 'Parameters '
keys e C-u
keys -l 'pulls.pdf'
keys Enter
wait_for 'wrote pulls.pdf'
[ "$(head -c 5 "$TMPD/pulls.pdf")" = '%PDF-' ] || fail "not a PDF"
# an unknown extension is an error in the status line, nothing is written
keys e C-u
keys -l 'x.txt'
keys Enter
wait_for 'needs a .png, .pdf or .svg'
[ ! -e "$TMPD/x.txt" ] || fail "x.txt written"
keys q
wait_for 'EXIT 0'
