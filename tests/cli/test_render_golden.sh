#!/bin/sh
# tests/cli/test_render_golden.sh - the terminal-backend golden figures (tests/render/golden.sh).
cd "$(dirname "$0")/../.." || exit 1
exec sh tests/render/golden.sh "${HF:-build/hfscope}"
