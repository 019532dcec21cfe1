#!/bin/sh
# The slider's refit with moved parameters held is a CONDITIONAL fit: it is shown in the Slider
# only, labelled with what was held, and the global best fit (top line, Overview, Parameters)
# stays; `r` returns the sliders to the global best fit. A refit that releases the moved
# parameters moves every slider to its result.
. tests/tui/lib.sh
start "$HF" tui "$DEMO"
wait_for 'fit: ok'
pane() { screen | LC_ALL=C.UTF-8 sed -E 's/^.{53}//' | sed -n 3,35p; } # the stack
top() { screen | sed -n 1p | sed 's/.*fit: ok/fit: ok/'; }
top0=$(top)
keys 1
wait_for 'Most pulled'
over0=$(screen | sed -n 2,30p)
keys 3
wait_for "┌ Parameters"; wait_for "jet_energy_resolution"
pars0=$(screen | grep -F 'jet_energy_resolution' | head -1)
keys 5
wait_for '· slider'
keys / j e t _ e n e r g y _ r e s Enter
wait_for '▸ jet_energy_resolution'
stack0=$(pane)
keys S-Right S-Right
wait_for '1 moved'
keys h
wait_for 'refit holds them'
keys f
wait_for 'conditional fit: jet_energy_resolution held at'
# the value held is the slider's, and the slider shows the conditional fit's other values
held=$(screen | sed -n 's/.*conditional fit: jet_energy_resolution held at \([-0-9.e]*\).*/\1/p' |
    head -1)
shown=$(screen | sed -n 's/.*▸ jet_energy_resolution *\([-0-9.e]*\) .*/\1/p' | head -1)
[ -n "$held" ] && [ "$held" = "$shown" ] || fail "held value '$held' is not the slider's '$shown'"
[ "$(top)" = "$top0" ] || fail "the top line changed: '$(top)' (was '$top0')"
keys 1
wait_for 'Slider       conditional fit: jet_energy_resolution held at'
# the Overview adds the conditional fit on its own lines; every other line stays
[ "$(screen | grep -v -e '^│Slider ' -e 'conditional; not the best fit' | sed -n 2,30p)" = \
    "$over0" ] || fail "the Overview's global fit changed"
keys 3
wait_for "┌ Parameters"; wait_for "jet_energy_resolution"
[ "$(screen | grep -F 'jet_energy_resolution' | head -1)" = "$pars0" ] ||
    fail "the Parameters row changed"
keys 5
wait_for 'conditional fit: jet_energy_resolution held at'
# an export of the Slider's stack says what it shows: the conditional fit, not "post-fit"
keys e
wait_for 'export to:'
screen | grep -qF '_conditional.png' || fail "the export name does not say conditional"
keys Escape
wait_gone 'export to:'
keys r
wait_for '0 moved'
wait_for 'global best fit'
screen | grep -qF 'conditional fit: jet_energy_resolution' && fail "r left the conditional fit"
if [ "$(pane)" != "$stack0" ]; then
    printf '%s\n' "$stack0" >"$TMPD/before"
    pane | diff "$TMPD/before" - || true
    fail "r did not return to the best fit"
fi
# released: the refit moves the moved slider to its result
keys h
wait_for 'refit releases them'
keys S-Right S-Right S-Right
wait_for '1 moved'
keys f
wait_for '0 moved'
wait_for 'fit: ok'
screen | grep -qF 'conditional fit' && fail "a released refit was labelled conditional"
moved=$(screen | sed -n 's/.*▸ jet_energy_resolution *\([-0-9.e]*\) .*/\1/p' | head -1)
[ "$moved" != "$shown" ] || fail "the released refit left the slider at $moved"
keys q
wait_for 'EXIT 0'
