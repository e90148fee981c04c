# hacon: console, wizards and failover tests for a Pacemaker/Corosync/DRBD
# cluster.  `make` builds, `make check` tests, `make demo` shows it working.
#
# Everything is found by wildcard so that a new module, view, test or
# benchmark needs no edit here:
#   core/*.c core/steps/*.c  -> build/libhacon.a   (no curses, no exit())
#   tui/*.c                  -> build/hacon
#   tests/unit/test_*.c      -> build/tests/test_*  (cmocka, TAP output)
#   tests/fuzz/fuzz_*.c      -> build/fuzz/fuzz_*   (make fuzz, clang)
#   tests/*/t-*.sh           -> run by tests/run.sh in make check
#   tests/bench/bench-*.sh   -> run by make bench
#   man/*.[1-8]              -> installed by make install
#   debian/                  -> make deb: hacon_VERSION_ARCH.deb

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
OCFROOT  ?= /usr/lib/ocf
COMPDIR  ?= $(PREFIX)/share/bash-completion/completions
DESTDIR  ?=
B        := build

CC       ?= cc
CFLAGS   ?= -O2 -g
PKG_CORE := pacemaker pacemaker-cib pacemaker-pe_status pacemaker-fencing \
            libcmap libcfg \
            libquorum libvotequorum glib-2.0 libxml-2.0 libpacemaker
PKG_TUI  := $(PKG_CORE) ncursesw readline

# System headers through -isystem, so that -Werror judges our code only.
pc_cflags = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(1) 2>/dev/null))
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
        -Wno-unused-parameter
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
ifneq ($(SANITIZE),)
SAN := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
endif

HC_CFLAGS := -std=gnu11 $(WARN) $(SAN) -Icore -I$(B)/gen -D_GNU_SOURCE \
             $(call pc_cflags,$(PKG_TUI)) $(CPPFLAGS) $(CFLAGS)
HC_LDFLAGS := $(SAN) $(LDFLAGS)

CORE_SRC := $(sort $(wildcard core/*.c core/steps/*.c))
TUI_SRC  := $(sort $(wildcard tui/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(B)/%.o)
TUI_OBJ  := $(TUI_SRC:%.c=$(B)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
MANPAGES := $(sort $(wildcard man/*.[1-8]))
AGENTS   := $(sort $(wildcard agents/*))
# Pages generated at build time: each agent's, ocf_hacon_NAME(7), from its
# own meta-data.
GEN_MAN  := $(if $(wildcard man/ocf-agent.xsl),$(AGENTS:agents/%=$(B)/man/ocf_hacon_%.7))

# The version is kept in one place: the first line of debian/changelog,
# "hacon (VERSION) ...", which is also the package's.
VERSION  := $(shell awk 'NR == 1 { gsub(/[()]/, "", $$2); print $$2; exit }' \
                debian/changelog)
DEB_ARCH := $(shell dpkg --print-architecture 2> /dev/null || echo amd64)
DEB      := hacon_$(VERSION)_$(DEB_ARCH).deb

# Debian packages: to build, to test, and for the VM tests.
DEPS_BUILD := build-essential pkg-config pacemaker-dev libcmap-dev libcfg-dev \
	libquorum-dev libvotequorum-dev libcorosync-common-dev libglib2.0-dev \
	libncurses-dev libreadline-dev libcmocka-dev libxml2-dev libxml2-utils \
	xsltproc time debhelper dpkg-dev fakeroot lintian
DEPS_RUN := pacemaker pacemaker-cli-utils corosync crmsh resource-agents \
	isc-dhcp-server kea-dhcp4-server dhcpd-pools tmux openssh-server openssh-client busybox \
	iproute2 kmod e2fsprogs util-linux procps psmisc python3 man-db \
	shellcheck clang drbd-utils strace groff-base bash-completion dpkg-repack \
	sbd fence-agents corosync-qdevice corosync-qnetd openipmi ipmitool
DEPS_VM := qemu-system-x86 qemu-utils vde2 linux-image-amd64 cpio
DEPS := $(DEPS_BUILD) $(DEPS_RUN) $(DEPS_VM)

NPROC := $(shell nproc 2> /dev/null || echo 2)

.PHONY: all check deps install clean bench fuzz demo demo-down deb unit-check
all: $(B)/hacon $(B)/libhacon.a $(UNIT_BIN) man-gen

# The version and the checksums of the agents this hacon ships, for
# `hacon --version` and the setup's check that both nodes run the same.
$(B)/gen/hc_version.h: debian/changelog $(AGENTS)
	@mkdir -p $(@D)
	@test -n "$(VERSION)" || { echo "no version in debian/changelog" >&2; exit 1; }
	@{ printf '#define HC_VERSION "%s"\n' '$(VERSION)'; \
	  printf '#define HC_AGENT_SUMS'; \
	  for a in $(AGENTS); do \
	    printf ' \\\n    { "%s", "%s" },' "$${a##*/}" \
	        "$$(sha256sum < $$a | cut -d' ' -f1)"; done; \
	  printf '\n'; } > $@.tmp && mv $@.tmp $@
$(B)/core/version.o $(B)/fuzz/obj/core/version.o: $(B)/gen/hc_version.h

$(B)/%.o: %.c $(wildcard core/*.h core/steps/*.h tui/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(HC_CFLAGS) -c -o $@ $<

$(B)/libhacon.a: $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(B)/hacon: $(TUI_OBJ) $(B)/libhacon.a
	$(CC) $(HC_LDFLAGS) -o $@ $(TUI_OBJ) $(B)/libhacon.a \
	    $(call pc_libs,$(PKG_TUI)) -lm

$(B)/tests/%: tests/unit/%.c $(B)/libhacon.a
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) $(HC_CFLAGS) $(HC_LDFLAGS) -o $@ $< $(B)/libhacon.a \
	    $(call pc_libs,$(PKG_CORE) cmocka) -lm

.PHONY: man-gen
man-gen: $(GEN_MAN)
$(B)/man/ocf_hacon_%.7: agents/% man/ocf-agent.xsl
	@mkdir -p $(@D)
	OCF_ROOT=$(OCFROOT) sh agents/$* meta-data > $(B)/man/$*.xml
	xsltproc --novalid --nonet -o $@.tmp man/ocf-agent.xsl $(B)/man/$*.xml
	mv $@.tmp $@

# Tests: every suite prints TAP; tests/run.sh counts and prints
# "N passed, N failed, N skipped".  T=pattern runs a subset.
check: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@tests/run.sh $(T)

# libFuzzer targets; `make check` replays their corpora under ASan/UBSan.
# The core is compiled once with the sanitizers, then linked into each
# target.
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Icore -I$(B)/gen -D_GNU_SOURCE \
	       $(call pc_cflags,$(PKG_CORE))
FUZZ_OBJ := $(CORE_SRC:%.c=$(B)/fuzz/obj/%.o)
fuzz: $(FUZZ_BIN)
.SECONDARY: $(FUZZ_OBJ)
$(B)/fuzz/obj/%.o: %.c $(wildcard core/*.h core/steps/*.h)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	@clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
	    -c -o $@ $<
$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	@echo "  FUZZLD  $@"
	@clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	    $(FUZZ_OBJ) $(call pc_libs,$(PKG_CORE)) -lm

# `hacon drbd` alone, linked statically (GLib and libc only) so that the
# drbdvm test VMs run the project's own DRBD code in their busybox initramfs.
DRBDVM_SRC := tests/drbdvm/hacon-drbd-main.c tui/cmd_drbd.c tui/commands.c \
	core/args.c core/drbd.c core/drbd_proc.c core/drbd_events2.c \
	core/drbd_follow.c core/drbd_json.c core/json.c \
	core/gen_drbd.c core/util.c core/exec.c core/exec_ssh.c
$(B)/drbdvm/hacon-drbd: $(DRBDVM_SRC) $(wildcard core/*.h tui/*.h)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O2 -static -Icore -Itui -D_GNU_SOURCE \
	    $(call pc_cflags,glib-2.0 libxml-2.0) -o $@ $(DRBDVM_SRC) \
	    $(shell pkg-config --static --libs glib-2.0) 2>&1 | \
	    grep -v -e 'statically linked applications' -e ': in function' >&2; \
	    test -x $@

bench: deps all
	@tests/bench/run.sh

# VM=1: the tutorial in three qemu VMs (tests/vmcluster), hacon over ssh.
demo: deps all
	$(if $(VM),tests/vmcluster/demo.sh $(if $(BARE),--bare,),tests/cluster/demo.sh $(if $(FINAL),--final,) $(if $(KEA),--kea,) $(if $(FENCE),--fence,) $(if $(QDEVICE),--qdevice,))

demo-down:
	$(if $(VM),VMC_DIR=$(CURDIR)/build/vmcluster/demo tests/vmcluster/vmc down,tests/cluster/hc-cluster down)

# Installs what is missing, quietly; does nothing when all is there.
deps:
	@missing=$$(for p in $(DEPS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	        grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" != 0 ]; then \
	        echo "hacon: missing packages (run as root, or install):" $$missing >&2; \
	        exit 1; fi; \
	    echo "hacon: installing" $$missing; \
	    apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

install: $(B)/hacon man-gen
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(OCFROOT)/resource.d/hacon
	install -m 755 $(B)/hacon $(DESTDIR)$(BINDIR)/hacon
	for m in $(MANPAGES) $(GEN_MAN); do \
	    s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	for a in $(AGENTS); do \
	    install -m 755 $$a $(DESTDIR)$(OCFROOT)/resource.d/hacon/; done
	install -d $(DESTDIR)$(COMPDIR)
	install -m 644 completion/hacon $(DESTDIR)$(COMPDIR)/hacon

# The unit tests alone (no root, no cluster): the package build runs them.
unit-check: $(UNIT_BIN)
	@HACON_TOP=$(CURDIR) tests/run.sh build/tests/

# The Debian package, built with debhelper (debian/) from a copy of the
# tree without its build outputs, test state and logs, so that nothing
# here is cleaned or changed.  The .deb lands here, for
# `apt install ./hacon_*.deb`; the .changes and the rest in build/deb/.
# lintian must find no error and no warning (DEB_LINTIAN=no: not run, for
# the VM suite's own build of the package it boots; tests/deb/t-deb runs
# lintian on its build).
DEB_LINTIAN ?= yes
deb:
	rm -rf $(B)/deb && mkdir -p $(B)/deb/hacon-$(VERSION)
	tar -c --exclude-vcs --exclude=./build --exclude=./tests/log \
	    --exclude='./tests/*/state' --exclude='./hacon_*' \
	    --exclude='*.o' --exclude='*.a' . | \
	    tar -x -C $(B)/deb/hacon-$(VERSION)
	cd $(B)/deb/hacon-$(VERSION) && \
	    DEB_BUILD_OPTIONS="parallel=$(NPROC) $(DEB_BUILD_OPTIONS)" \
	    dpkg-buildpackage -b -us -uc > ../build.log 2>&1 \
	    || { tail -n 30 ../build.log >&2; exit 1; }
	$(if $(filter no,$(DEB_LINTIAN)),,lintian --fail-on error,warning --info $(B)/deb/hacon_$(VERSION)_$(DEB_ARCH).changes)
	rm -f hacon_*_$(DEB_ARCH).deb
	cp $(B)/deb/$(DEB) .
	@echo "built $(DEB)"

clean:
	rm -rf $(B) tests/log hacon_*_$(DEB_ARCH).deb
