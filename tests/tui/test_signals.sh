#!/bin/sh
# SIGINT and SIGTERM end the explorer with the shell's status for a killed job (128 + signal:
# 130 and 143), after restoring the terminal (echo and canonical mode back on, the screen
# gone). The signal is sent to the process itself (raw mode: Ctrl-C in the pane is a key).
. tests/tui/lib.sh
n=0
for pair in INT:130 TERM:143; do
    sig=${pair%:*} want=${pair#*:}
    n=$((n + 1))
    [ $n -gt 1 ] && { $T kill-server 2>/dev/null || true; T="tmux -L hftui$$-$n -f /dev/null"; }
    rm -f "$TMPD/pid"
    # sh -c records its pid, then exec makes that the explorer's
    start sh -c "'echo \$\$ >$TMPD/pid; exec $HF tui --no-fit $DEMO'"
    wait_for 'j/k move'
    [ -s "$TMPD/pid" ] || fail "no pid file"
    kill -$sig "$(cat "$TMPD/pid")"
    wait_for 'EXIT '
    screen | grep -qx "EXIT $want" || fail "SIG$sig: expected EXIT $want"
    modes_ok
    screen | grep -qF 'j/k move' && fail "SIG$sig: the TUI screen is still shown"
done
# the same from another view with a running experiment (the density lab's thread)
$T kill-server 2>/dev/null || true
T="tmux -L hftui$$-3 -f /dev/null"
start sh -c "'echo \$\$ >$TMPD/pid; exec $HF tui --no-fit $DEMO'"
wait_for 'j/k move'
keys 6
wait_for 'Density lab'
kill -TERM "$(cat "$TMPD/pid")"
wait_for 'EXIT '
screen | grep -qx 'EXIT 143' || fail "SIGTERM in the density lab: expected EXIT 143"
modes_ok
