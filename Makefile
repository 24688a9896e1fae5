# SPDX-License-Identifier: GPL-2.0
#
# PGM (RFC 3208) reliable multicast as a Linux kernel module.
#
#   make               build net/pgm/pgm.ko against the installed Debian headers
#   make check         everything CI runs: style, build, unit tests, VM selftests
#   make check-debug   the selftests on a KASAN/lockdep/kmemleak/UBSAN kernel
#   make demo          a multicast file transfer through the module in a VM
#   make vm-test T=x   one selftest (x = script or program name) in the VM
#   make bench         PGM vs plain UDP multicast and the NAK scale, in the VM
#   make bench-rs      the Reed-Solomon codec against ISA-L, on the host
#   make check-fresh   make demo and the install test in a fresh Debian root
#   make install       headers, tools and the boot-time load snippet
#                      (PREFIX=/usr/local, DESTDIR); make uninstall
#   make dkms-install  pgm.ko for every installed kernel, kept by DKMS
#                      across kernel upgrades; make dkms-remove
#   make help          this list

# KVER: a kernel release (uname -r form). Unset, `make` builds for the
# default lane's kernel (tools/kver) and `make check` tests every supported
# series (tools/kver --series); set, only that kernel. Both are looked up
# when a recipe runs, after tools/testing/deps may have installed them.
KVER	?=
kver	= $(or $(KVER),$(shell $(CURDIR)/tools/kver 2> /dev/null))
KDIR	?= /usr/src/linux-headers-$(kver)
BUILD	?= $(CURDIR)/build
W	?= 1
PREFIX	?= /usr/local
DESTDIR	?=
# The DKMS version: the number of commits, so that it grows with the tree.
PGM_VERSION ?= 0.1.$(or $(shell git -C $(CURDIR) rev-list --count HEAD 2> /dev/null),0)

export KVER BUILD

.PHONY: all modules kdir clean check check-debug check-fresh demo unit \
	selftests vm-test canary help bench bench-rs install uninstall \
	dkms-install dkms-remove

all: modules

modules: kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=$(W) modules

kdir:
	@test -d "$(KDIR)" || { echo "No kernel headers at '$(KDIR)': install linux-headers-amd64 and linux-image-amd64 (make check installs them)"; exit 1; }

# The throwaway module that proves the runner and the debug checkers catch
# kernel reports (never loaded outside those tests).
canary: kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tools/testing/canary W=$(W) modules

unit:
	$(MAKE) -C tools/testing/unit BUILD=$(BUILD)/unit run

selftests:
	@tools/testing/ksft build

vm-test: modules selftests
	@tools/testing/ksft vm $(T)

check:
	@tools/testing/check

bench:
	@tools/testing/deps vm
	@tools/testing/bench/pgm-bench $(BENCH_ARGS)

bench-rs:
	$(MAKE) -C tools/testing/bench BUILD=$(BUILD)/bench run

check-debug:
	@tools/testing/check-debug

demo:
	@tools/demo/demo

check-fresh:
	@tools/testing/check-fresh

# What a user program and an administrator need beside the module: the
# uapi header as <linux/pgm.h>, the Windows-compatible <wsrm.h>, pgmperf,
# and a modules-load.d entry that loads the module at boot.
INSTALL_FILES := include/linux/pgm.h include/wsrm.h bin/pgmperf \
	lib/modules-load.d/pgm.conf

install:
	$(MAKE) -C tools/pgmperf BUILD=$(BUILD)
	install -D -m 0644 include/uapi/linux/pgm.h $(DESTDIR)$(PREFIX)/include/linux/pgm.h
	install -D -m 0644 tools/include/wsrm.h $(DESTDIR)$(PREFIX)/include/wsrm.h
	install -D -m 0755 $(BUILD)/pgmperf/pgmperf $(DESTDIR)$(PREFIX)/bin/pgmperf
	install -D -m 0644 tools/install/modules-load.conf \
		$(DESTDIR)$(PREFIX)/lib/modules-load.d/pgm.conf

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALL_FILES))

dkms-install:
	@tools/install/dkms install $(PGM_VERSION)

dkms-remove:
	@tools/install/dkms remove

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tools/testing/canary clean
	rm -rf $(BUILD)

help:
	@sed -n '3,17p' Makefile | sed 's/^# \{0,1\}//'
