/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <asm/cpufeature.h>: boot_cpu_has()
 * asks the compiler's CPU probe (cpuid, and for AVX whether the OS saves
 * the YMM state).
 */
#ifndef _PGM_UNIT_ASM_CPUFEATURE_H
#define _PGM_UNIT_ASM_CPUFEATURE_H

#define X86_FEATURE_SSSE3	"ssse3"
#define X86_FEATURE_AVX		"avx"
#define X86_FEATURE_AVX2	"avx2"

#define boot_cpu_has(feature)	__builtin_cpu_supports(feature)

#endif /* _PGM_UNIT_ASM_CPUFEATURE_H */
