/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <asm/simd.h>: vector registers are
 * always usable.
 */
#ifndef _PGM_UNIT_ASM_SIMD_H
#define _PGM_UNIT_ASM_SIMD_H

#include <stdbool.h>

static inline bool may_use_simd(void)
{
	return true;
}

#endif /* _PGM_UNIT_ASM_SIMD_H */
