/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <asm/fpu/api.h>: a process owns its
 * vector registers, so the kernel's FPU section is nothing.
 */
#ifndef _PGM_UNIT_ASM_FPU_API_H
#define _PGM_UNIT_ASM_FPU_API_H

static inline void kernel_fpu_begin(void)
{
}

static inline void kernel_fpu_end(void)
{
}

#endif /* _PGM_UNIT_ASM_FPU_API_H */
