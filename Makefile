# hfscope - one hand-written Makefile. Objects in build/, -MMD dependencies, pkg-config.
# Targets: all deps check asan bench demo install clean lint
# root installs into /usr/local, anyone else into ~/.local (no sudo needed; ~/.local/bin is on
# the PATH of most desktop shells).
PREFIX  ?= $(if $(filter 0,$(shell id -u)),/usr/local,$(HOME)/.local)
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/hfscope
CC      ?= cc
CFLAGS  ?= -O2 -g
BUILD   ?= build

PKGS      = libcjson gsl cairo ncursesw qhull_r zlib
TEST_PKGS = check
DEBS      = libncurses-dev libcairo2-dev libcjson-dev libgsl-dev libqhull-dev check pkg-config \
            tmux poppler-utils fonts-dejavu-core

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wwrite-strings -Wundef -Wpointer-arith -Wvla
PKG_CFLAGS := $(filter-out -D_XOPEN_SOURCE=%,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
# Cairo, ncurses, GSL and zlib are linked statically when their archives are there (Debian's -dev
# packages ship them): a process then maps 6 shared objects instead of 29, which takes about
# 1.5 ms off every command (docs/design.md, "Start-up"). STATIC=0 links them as shared objects;
# the sanitizer, fuzz, oom and valgrind builds do, as their suppressions name the libraries.
STATIC      ?= 1
STATIC_PKGS  = cairo ncursesw gsl zlib
SHARED_PKGS  = $(filter-out $(STATIC_PKGS),$(PKGS))
STATIC_OK   := $(if $(filter 1,$(STATIC)),$(filter /%,$(shell $(CC) -print-file-name=libcairo.a 2>/dev/null)))
ifneq ($(STATIC_OK),)
PKG_LIBS   := -Wl,-Bstatic $(filter-out -lm -pthread -lpthread -ldl,$(shell pkg-config --static --libs \
              $(STATIC_PKGS) 2>/dev/null)) -Wl,-Bdynamic $(shell pkg-config --libs $(SHARED_PKGS) \
              2>/dev/null) -ldl
else
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
endif
CHECK_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)
CPPFLAGS += -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -I. $(PKG_CFLAGS)
# FREE_AT_EXIT=1: commands free everything before exiting (app/cli.h, hf_cli_done), for valgrind
CPPFLAGS += $(if $(filter 1,$(FREE_AT_EXIT)),-DHF_FREE_AT_EXIT=1)
ALL_CFLAGS = -std=c11 $(WARN) $(if $(filter 1,$(WERROR)),-Werror) $(CPPFLAGS) $(CFLAGS) -pthread -MMD -MP
LDLIBS += $(PKG_LIBS) -lm -pthread

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CPPFLAGS += -DHF_VERSION='"$(VERSION)"'

LIB_SRC  := $(sort $(wildcard core/*.c core/*/*.c render/*.c))
APP_SRC  := $(sort $(wildcard app/*.c app/tui/*.c))
TEST_SRC := $(sort $(wildcard tests/check_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
APP_OBJ  := $(APP_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)

.PHONY: fuzz _fuzz _fuzz_seeds valgrind _valgrind oom _oom
.PHONY: man sync-reference all deps check check-unit check-slow _check_slow check-cli check-tui check-slurm asan bench demo install clean lint _check _demo

all: $(BUILD)/hfscope

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/libhf.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/hfscope: $(APP_OBJ) $(BUILD)/libhf.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(APP_OBJ) $(BUILD)/libhf.a $(LDLIBS)

$(BUILD)/check_main: $(TEST_OBJ) $(BUILD)/libhf.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libhf.a $(CHECK_LIBS) $(LDLIBS)

$(BUILD)/hfbench: $(BUILD)/bench/bench.o $(BUILD)/libhf.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libhf.a $(LDLIBS)

# Install every missing Debian package (sudo when not root); silent when all are present.
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

# check and demo re-enter make after deps, so pkg-config is evaluated once it is installed.
check: deps
	@$(MAKE) --no-print-directory _check

_check: check-unit check-cli check-tui

# Test cases tagged "slow" (tcase_set_tags) run in check-slow, which CI runs as well.
check-unit: $(BUILD)/check_main
	CK_EXCLUDE_TAGS=slow CK_VERBOSITY=$${CK_VERBOSITY:-normal} CK_DEFAULT_TIMEOUT=120 $(BUILD)/check_main

check-slow: deps
	@$(MAKE) --no-print-directory _check_slow

_check_slow: $(BUILD)/check_main
	CK_INCLUDE_TAGS=slow CK_VERBOSITY=$${CK_VERBOSITY:-normal} CK_DEFAULT_TIMEOUT=300 $(BUILD)/check_main

# The unit suites of one room of core/ (or of render/): make check-model, check-json, ...
ROOM_SUITES_model   = linalg fit mask interp workspace reference
ROOM_SUITES_json    = patch tools
ROOM_SUITES_infer   = infer contour
ROOM_SUITES_diag    = syst diag
ROOM_SUITES_density = density density_boot
ROOM_SUITES_render  = cells render
ROOMS = model json infer diag density render
.PHONY: $(ROOMS:%=check-%)
$(ROOMS:%=check-%): check-%: $(BUILD)/check_main
	@for s in $(ROOM_SUITES_$*); do \
	  CK_RUN_SUITE=$$s CK_VERBOSITY=$${CK_VERBOSITY:-normal} CK_DEFAULT_TIMEOUT=300 $(BUILD)/check_main || exit 1; \
	done

check-cli: $(BUILD)/hfscope
	@sh tests/cli/run.sh $(BUILD)/hfscope

check-tui: $(BUILD)/hfscope
	@sh tests/tui/run.sh $(BUILD)/hfscope

# A real Slurm (slurm-wlm, munge; installed when missing) on 127.0.0.1: needs root and minutes,
# so not part of check. See tests/slurm/check_slurm.sh.
check-slurm: $(BUILD)/hfscope
	@sh tests/slurm/check_slurm.sh $(BUILD)/hfscope

asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan STATIC=0 \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" _asan

_asan: $(BUILD)/check_main $(BUILD)/hfscope
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LSAN_OPTIONS=suppressions=tests/lsan.supp \
	  CK_EXCLUDE_TAGS=slow CK_FORK=no CK_TIMEOUT_MULTIPLIER=10 $(BUILD)/check_main
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=tests/lsan.supp sh tests/cli/run.sh $(BUILD)/hfscope

bench: deps
	@$(MAKE) --no-print-directory _bench

_bench: $(BUILD)/hfscope $(BUILD)/hfbench
	@st=0; $(BUILD)/hfbench tests/reference || st=1; \
	sh bench/bench_cli.sh $(BUILD)/hfscope || st=1; exit $$st

demo: deps
	@$(MAKE) --no-print-directory _demo

_demo: $(BUILD)/hfscope
	$(BUILD)/hfscope assets/demo/demo.json

# The man page is generated from the command and option tables (hfscope --man); test_contract
# checks that docs/hfscope.1 is current.
man: $(BUILD)/hfscope
	$(BUILD)/hfscope --man > docs/hfscope.1.tmp && mv docs/hfscope.1.tmp docs/hfscope.1

install: $(BUILD)/hfscope
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(DATADIR)"
	install -m 755 $(BUILD)/hfscope "$(DESTDIR)$(BINDIR)/hfscope"
	install -m 644 docs/hfscope.1 "$(DESTDIR)$(MANDIR)/man1/hfscope.1"
	install -m 644 assets/palette.txt assets/demo/demo.json "$(DESTDIR)$(DATADIR)/"
	install -d "$(DESTDIR)$(PREFIX)/share/bash-completion/completions" \
	  "$(DESTDIR)$(PREFIX)/share/zsh/site-functions"
	install -m 644 assets/completion/hfscope.bash \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/hfscope"
	install -m 644 assets/completion/_hfscope "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_hfscope"
	@echo "installed $(DESTDIR)$(BINDIR)/hfscope"; case ":$$PATH:" in *":$(BINDIR):"*) ;; \
	  *) echo "note: $(BINDIR) is not on your PATH; add it: export PATH=\"$(BINDIR):\$$PATH\"";; esac

# libFuzzer harnesses (tests/fuzz/): clang from Debian, ASan and UBSan, FUZZ_SECONDS per target.
# The corpus grows in build/fuzz/corpus/T; seeds are tests/fuzz/seed_*, tests/bad, tests/bad_patch
# and the small reference workspaces. A crash leaves build/fuzz/crash-T-*: make it a tests/bad file.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = load patch patchset cli
FUZZ_SEEDS_load     = $(BUILD)/seed_load tests/bad
FUZZ_SEEDS_patch    = tests/fuzz/seed_patch tests/bad_patch
FUZZ_SEEDS_patchset = $(BUILD)/seed_patchset tests/bad_patch
FUZZ_SEEDS_cli      = tests/fuzz/seed_cli
# clang's libFuzzer runtime is in libclang-rt-dev, which clang only recommends: asked for by name.
fuzz: deps
	@command -v clang >/dev/null && ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
	  >/dev/null 2>&1 || { echo "make fuzz: installing clang libclang-rt-dev"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq clang libclang-rt-dev >/dev/null || exit 1; }
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang WERROR= STATIC=0 \
	  CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=fuzzer,address,undefined" _fuzz

_fuzz: $(FUZZ_TARGETS:%=_fuzz_run_%)

_fuzz_seeds:
	@mkdir -p $(BUILD)/seed_load $(BUILD)/seed_patchset
	@for f in $$(find tests/reference -name '*.json' -size -64k ! -name 'patchset*'); do \
	  cp "$$f" $(BUILD)/seed_load/$$(echo "$$f" | tr / _); done
	@for f in $$(find tests/reference -name 'patchset*.json' -size -256k); do \
	  cp "$$f" $(BUILD)/seed_patchset/$$(echo "$$f" | tr / _); done

# one target for FUZZ_SECONDS on its corpus and seeds; the first crash stops make. An input that
# takes over 60 s or 2 GB is a failure too (libFuzzer's timeout and rss limit).
_fuzz_run_%: $(BUILD)/fuzz_% _fuzz_seeds
	@mkdir -p $(BUILD)/corpus/$*
	@echo "fuzz $*: $(FUZZ_SECONDS) s"
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=tests/lsan.supp:print_suppressions=0 \
	  $(BUILD)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -close_fd_mask=3 \
	  -timeout=60 -rss_limit_mb=2048 \
	  -print_final_stats=1 -artifact_prefix=$(BUILD)/crash-$*- $(BUILD)/corpus/$* \
	  $(FUZZ_SEEDS_$*) 2>$(BUILD)/fuzz_$*.log || { tail -60 $(BUILD)/fuzz_$*.log; exit 1; }
	@grep -E 'DONE|files found' $(BUILD)/fuzz_$*.log
	@echo "fuzz $*: $$(sed -n 's/^stat::number_of_executed_units: *//p' $(BUILD)/fuzz_$*.log)" \
	  "executions, no crash"

# kept between runs (make would delete them as intermediates of _fuzz_run_%)
.PRECIOUS: $(BUILD)/fuzz_% $(BUILD)/tests/fuzz/fuzz_%.o
$(BUILD)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/app/cli.o $(BUILD)/libhf.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/app/cli.o $(BUILD)/libhf.a $(LDLIBS)

# Allocation-failure sweep (tests/oom/oom_sweep.c) under ASan and LeakSanitizer: load, compile,
# fit and one figure with the n-th allocation failing, for every n. OOM_WS picks the workspace.
OOM_WS ?= tests/reference/toy_2bin_2channel_coupledhistosys/workspace.json
oom: deps
	@$(MAKE) --no-print-directory BUILD=build/oom STATIC=0 \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" _oom

_oom: $(BUILD)/oom_sweep
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=tests/lsan.supp:print_suppressions=0 \
	  $(BUILD)/oom_sweep $(OOM_WS) $(BUILD)/oom.pdf

$(BUILD)/oom_sweep: $(BUILD)/tests/oom/oom_sweep.o $(BUILD)/libhf.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup \
	  -o $@ $< $(BUILD)/libhf.a $(LDLIBS)

# The CLI tests under valgrind (memcheck, leaks as errors; tests/valgrind.supp for the libraries'
# one-time allocations). Each run logs to build/valgrind/vg.PID.log; any non-empty log fails. A run
# under a file-size limit (test_patch's full disk, ulimit -f) goes without valgrind, which could not
# write its log; HF_ARGV0 is the path the program sees as argv[0] (valgrind's, not the wrapper's).
VALGRIND = valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
           --error-exitcode=99 --suppressions=$(CURDIR)/tests/valgrind.supp
valgrind:
	@$(MAKE) --no-print-directory BUILD=build/vg STATIC=0 FREE_AT_EXIT=1 _valgrind

_valgrind: $(BUILD)/hfscope
	@command -v valgrind >/dev/null || { echo "make valgrind: install valgrind"; exit 2; }
	@mkdir -p $(BUILD)/valgrind && rm -f $(BUILD)/valgrind/vg.*.log
	@printf '#!/bin/sh\n[ "$$(ulimit -f)" = unlimited ] || exec %s "$$@"\nexec %s --log-file=%s/vg.%%p.log %s "$$@"\n' \
	  "$(CURDIR)/$(BUILD)/hfscope" "$(VALGRIND)" "$(CURDIR)/$(BUILD)/valgrind" "$(CURDIR)/$(BUILD)/hfscope" \
	  >$(BUILD)/valgrind/hfscope
	@chmod +x $(BUILD)/valgrind/hfscope
	@HF_ARGV0="$(CURDIR)/$(BUILD)/hfscope" sh tests/cli/run.sh $(BUILD)/valgrind/hfscope; rc=$$?; \
	bad=$$(find $(BUILD)/valgrind -name 'vg.*.log' -size +0); \
	if [ -n "$$bad" ]; then echo "valgrind: errors in $$bad"; head -50 $$bad; exit 1; fi; exit $$rc

# clang-format over every C file of the project, clang-tidy (.clang-tidy) over core, render and app.
LINT_SRC = $(sort $(wildcard core/*.[ch] core/*/*.[ch] render/*.[ch] app/*.[ch] app/tui/*.[ch] \
             tests/*.[ch] bench/*.c))
lint:
	@for p in clang-format clang-tidy; do command -v $$p >/dev/null || { \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$p >/dev/null || exit 1; }; done
	clang-format --dry-run -Werror $(LINT_SRC)
	clang-tidy --quiet $(LIB_SRC) $(APP_SRC) -- $(CPPFLAGS) -std=c11 2>/dev/null | \
	  { ! grep -E 'warning:|error:'; }

# Refresh the in-tree copy of the pyhf reference set (tests/reference) from ../shared/reference.
sync-reference:
	@[ -d ../shared/reference ] || { echo "sync-reference: ../shared/reference not found"; exit 2; }
	rm -rf tests/reference.new && cp -r ../shared/reference tests/reference.new && chmod -R u+w tests/reference.new
	rm -rf tests/reference && mv tests/reference.new tests/reference

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
