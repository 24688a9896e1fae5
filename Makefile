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
#   make help          this list

KVER	?= $(shell $(CURDIR)/tools/kver 2> /dev/null)
KDIR	?= /usr/src/linux-headers-$(KVER)
BUILD	?= $(CURDIR)/build
W	?= 1

export KVER KDIR BUILD

.PHONY: all modules kdir clean check check-debug demo unit selftests vm-test \
	canary help bench bench-rs

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

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tools/testing/canary clean
	rm -rf $(BUILD)

help:
	@sed -n '3,12p' Makefile | sed 's/^# \{0,1\}//'
