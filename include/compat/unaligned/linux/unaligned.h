/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out of tree only: kernels before 6.12 have the unaligned access helpers
 * at <asm/unaligned.h>. Kbuild.include puts this directory on the include
 * path only when the kernel has no <linux/unaligned.h>.
 */
#ifndef _PGM_COMPAT_LINUX_UNALIGNED_H
#define _PGM_COMPAT_LINUX_UNALIGNED_H

#include <asm/unaligned.h>

#endif
