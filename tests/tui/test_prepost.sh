#!/bin/sh
# `p` switches the stack from pre-fit to post-fit once the background fit has converged.
. tests/tui/lib.sh
start "$HF" tui "$DEMO"
wait_for '· pre-fit'
wait_for 'fit: ok'
screen | sed -n 2p | grep -qF 'pre-fit' || fail "title before p is not pre-fit"
keys p
wait_for '· post-fit'
screen | sed -n 2p | grep -qF 'post-fit' || fail "title after p is not post-fit"
screen | sed -n 2p | grep -qF 'pre-fit' && fail "title still says pre-fit"
keys p
wait_for '· pre-fit'
# the list's model column follows the mode
keys p
wait_for 'post '
keys q
wait_for 'EXIT 0'
