#!/bin/sh
# bench/bench_cli.sh BIN - whole-command timings (figures/s, report time, TUI, density, patchsets).
# Each section prints "name: value unit"; sections are appended by the module that owns them.
BIN=${1:-build/hfscope}
now_ms() { date +%s%N | cut -b1-13; }
