# tests/tui/lib.sh - shared setup for the tmux-driven TUI tests (sourced, not run by run.sh):
# a private tmux server at 120x40, polling with a deadline, and the pane kept after exit.
set -eu
command -v tmux >/dev/null 2>&1 || exit 77
HF=${HF:-build/hfscope}
case $HF in /*) ;; *) HF=$PWD/$HF ;; esac
ROOT=$PWD
DEMO=$ROOT/assets/demo/demo.json
[ -f "$DEMO" ] || DEMO=$ROOT/tests/reference/atlas_tutorial_fullexample/workspace.json
T="tmux -L hftui$$ -f /dev/null"
TMPD=$(mktemp -d)
cleanup() {
    $T kill-server 2>/dev/null || true
    rm -rf "$TMPD"
}
trap cleanup EXIT

# start CMD...: run CMD in a detached 120x40 pane (cwd TMPD, NO_COLOR=1 unless TUI_ENV says
# otherwise); after it ends the pane shows
# "EXIT <code>" and whether the terminal modes were restored (stty), then waits.
start() {
    printf '%s\n' "$*" >"$TMPD/cmd"
    $T new-session -d -x 120 -y 40 -c "$TMPD" \
        "env LC_ALL=C.UTF-8 ${TUI_ENV:-NO_COLOR=1} HFSCOPE_TEST=1 HFSCOPE_PALETTE= $*; echo \"EXIT \$?\"; \
         stty -a | tr ' ' '\\n' | grep -x -e echo -e icanon -e -echo -e -icanon | tr '\\n' ' '; \
         echo; sleep 60"
    $T set-option -g window-size manual >/dev/null
}

screen() { $T capture-pane -p; }

# wait_for STRING: poll the pane for a fixed string for 15 s (a loaded machine is slow); print the pane on failure.
wait_for() {
    i=0
    until screen | grep -qF -- "$1"; do
        i=$((i + 1))
        if [ "$i" -gt 300 ]; then
            echo "timed out waiting for: $1"
            screen
            exit 1
        fi
        sleep 0.05
    done
}

# wait_gone STRING: poll until the string is no longer on screen.
wait_gone() {
    i=0
    while screen | grep -qF -- "$1"; do
        i=$((i + 1))
        if [ "$i" -gt 300 ]; then
            echo "still on screen after 15 s: $1"
            screen
            exit 1
        fi
        sleep 0.05
    done
}

fail() {
    echo "FAIL: $*"
    screen
    exit 1
}

keys() { $T send-keys "$@"; }

# channel names of a workspace, from `hfscope inspect --json` (channel objects sit 3 tabs deep)
channels() {
    "$HF" inspect --json -q "$1" |
        awk '/^\t"[a-z_]+":/ { on = ($0 ~ /^\t"channels":/) }
             on && /^\t\t\t"name":/ { sub(/^\t\t\t"name":\t"/, ""); sub(/",$/, ""); print }'
}

# widest line of the pane, in columns
width() { screen | LC_ALL=C.UTF-8 wc -L; }

# the terminal modes after the program ended: echo and icanon must be on again
modes_ok() {
    wait_for 'EXIT '
    i=0
    until screen | grep -qw icanon && screen | grep -qw echo; do
        i=$((i + 1))
        [ "$i" -le 100 ] || fail "terminal modes not restored"
        sleep 0.05
    done
    screen | grep -qw -- -echo && fail "echo still off"
    screen | grep -qw -- -icanon && fail "icanon still off"
    return 0
}

# overlay TITLE: the centred overlay box whose top border starts with "┌ TITLE", cut out of the
# screen (GNU sed counts characters in a UTF-8 locale), for golden comparisons.
overlay() {
    screen >"$TMPD/screen.txt"
    top=$(grep -n -e "┌ $1" -e "+ $1" "$TMPD/screen.txt" | head -1 | cut -d: -f1)
    [ -n "$top" ] || fail "no overlay '$1'"
    line=$(sed -n "${top}p" "$TMPD/screen.txt")
    x=$(printf '%s' "$line" | LC_ALL=C.UTF-8 sed -E "s/[┌+] $1.*//" | LC_ALL=C.UTF-8 wc -m)
    w=$(printf '%s' "$line" | LC_ALL=C.UTF-8 sed -E "s/^.{$x}.//; s/([┐+]).*/\\1/" |
        LC_ALL=C.UTF-8 wc -m)
    w=$((w + 1))
    LC_ALL=C.UTF-8 sed -n "$top,\$p" "$TMPD/screen.txt" |
        LC_ALL=C.UTF-8 sed -E "s/^.{$x}(.{$w}).*/\\1/" |
        LC_ALL=C.UTF-8 awk 'NR > 1 && /^(└|\+)/ { print; exit } { print }'
}

# golden NAME: compare stdin with tests/tui/golden/NAME; UPDATE_GOLDEN=1 rewrites it instead.
golden() {
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cat >"$ROOT/tests/tui/golden/$1"
        echo "updated tests/tui/golden/$1"
        return 0
    fi
    cat >"$TMPD/$1.actual"
    diff -u "$ROOT/tests/tui/golden/$1" "$TMPD/$1.actual" || fail "golden $1 differs"
}
