#!/bin/sh
# NO_COLOR: every sample of a stack has its own fill pattern, the legend shows it, and the
# pattern is none of the uncertainty band's (light shade, ':'); Unicode and --ascii.
. tests/tui/lib.sh
samples=$("$HF" inspect "$DEMO" | awk '/^channel /{on=1; next} on && NF==0 {exit}
    on { for (i = 6; i <= NF; i++) { s = $i; sub(/\(.*/, "", s); print s } }' | sort -u)
[ -n "$samples" ] || fail "no samples from inspect"
check() { # MODE: the legend's glyph of each sample in the widest channel
    pat=$(printf '%s\n' "$samples" | paste -sd'|' -)
    glyphs=$(screen | LC_ALL=C.UTF-8 sed -nE "s/.*(.) ($pat) +│?\|? *$/\\1/p; s/.*(.) ($pat) +[│|]$/\\1/p" |
        sort -u)
    n=$(screen | grep -cE " ($pat) +[│|]$")
    [ "$n" -ge 5 ] || fail "$1: $n sample legend rows, expected 5"
    [ "$(printf '%s\n' "$glyphs" | sed '/^$/d' | wc -l)" -eq "$n" ] ||
        fail "$1: $n samples share patterns: $(printf '%s' "$glyphs" | tr '\n' ' ')"
    printf '%s\n' "$glyphs" | grep -qx -e '░' -e ':' && fail "$1: a sample drawn like the band"
    echo "$1: $(printf "%s" "$glyphs" | tr "\n" " ")"
    return 0
}
start "$HF" tui --no-fit "$DEMO"
wait_for 'j/k move'
keys 2 / S R _ h i g h Enter
wait_for 'SR_highMET · pre-fit'
check utf8
keys a
wait_for 'SR_highMET - pre-fit'
check ascii
keys q
wait_for 'EXIT 0'
