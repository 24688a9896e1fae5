// SPDX-License-Identifier: GPL-2.0
/*
 * SSSE3 and AVX2 multiply-accumulate for the Reed-Solomon codec (rs.c).
 *
 * The product c * x in GF(2^8) is linear in x, so it splits into the
 * products of x's two nibbles, each a 16-entry table lookup: one PSHUFB
 * per nibble per 16 (SSSE3) or 32 (AVX2) bytes. The technique is the one
 * in lib/raid6 (recov_ssse3.c, recov_avx2.c).
 *
 * Like lib/raid6, the code is inline assembly between kernel_fpu_begin()
 * and kernel_fpu_end(), so the file needs no compiler flags: the kernel
 * builds with -mno-sse -mno-avx and has no <immintrin.h>. Unlike lib/raid6,
 * each asm statement is a whole loop that names every vector register it
 * touches as clobbered, so the same code is also correct in user space
 * (the host unit tests and benchmark), where the compiler uses the vector
 * registers itself and the FPU section maps to nothing.
 *
 * A pass computes up to four outputs in blocks of two registers each, the
 * sources inner and the sums kept in registers, so each source byte is
 * loaded once for four outputs; the tables come straight from
 * pgm_rs_gf_nibble. A length that is not a whole number of blocks ends
 * with one block overlapping the one before, which computes the same bytes
 * again. The FPU sections are bounded to RS_STRIP output bytes per pass.
 */

#ifdef __x86_64__

#include <linux/types.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/simd.h>

#include "rs.h"

#define RS_STRIP	2048	/* output bytes per FPU section */

/* 0x0f in every byte: the nibble mask. */
static const u8 rs_nibble_mask[32] = {
	0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
	0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
	0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
	0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
};

/* Everything a pass changes besides its outputs. A kernel build
 * (-mno-sse) may not name the vector registers, nor does it need to: the
 * compiler never allocates them there.
 */
#ifdef __SSE__
#define RS_CLOBBERS	"cc", "memory", "xmm0", "xmm1", "xmm2", "xmm3",	\
			"xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", \
			"xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"
#else
#define RS_CLOBBERS	"cc", "memory"
#endif

struct rs_pass {
	const u8 *tbl;		/* pgm_rs_gf_nibble */
	const u8 * const *src;	/* past the last source */
	long neg_nsrc;		/* sources are src[neg_nsrc .. -1] */
	const u8 *c[4];		/* past the end of each coefficient row */
	u8 *d[4];		/* outputs */
	unsigned long off;	/* first block */
	unsigned long end;	/* past the last block, > off */
};

/* SSSE3, 32-byte blocks. xmm15: nibble mask; xmm8/xmm9: low/high nibbles
 * of bytes 0-15 of the source, xmm10/xmm11 of bytes 16-31; the output row
 * with coefficients at %[c] + %[i] sums into xmm<a0> (bytes 0-15) and
 * xmm<a1>.
 */
#define SSSE3_LOAD							\
	"mov (%[src],%[i],8), %[s]\n\t"					\
	"movdqu (%[s],%[off]), %%xmm8\n\t"				\
	"movdqu 16(%[s],%[off]), %%xmm10\n\t"				\
	"movdqa %%xmm8, %%xmm9\n\t"					\
	"movdqa %%xmm10, %%xmm11\n\t"					\
	"psrlw $4, %%xmm9\n\t"						\
	"psrlw $4, %%xmm11\n\t"						\
	"pand %%xmm15, %%xmm8\n\t"					\
	"pand %%xmm15, %%xmm9\n\t"					\
	"pand %%xmm15, %%xmm10\n\t"					\
	"pand %%xmm15, %%xmm11\n\t"

#define SSSE3_ROW(c, a0, a1)						\
	"movzbl (%[" #c "],%[i]), %k[t]\n\t"				\
	"shl $5, %k[t]\n\t"						\
	"movdqu (%[tbl],%[t]), %%xmm12\n\t"				\
	"movdqa %%xmm12, %%xmm13\n\t"					\
	"pshufb %%xmm8, %%xmm12\n\t"					\
	"pshufb %%xmm10, %%xmm13\n\t"					\
	"pxor %%xmm12, %%xmm" #a0 "\n\t"				\
	"pxor %%xmm13, %%xmm" #a1 "\n\t"				\
	"movdqu 16(%[tbl],%[t]), %%xmm12\n\t"				\
	"movdqa %%xmm12, %%xmm13\n\t"					\
	"pshufb %%xmm9, %%xmm12\n\t"					\
	"pshufb %%xmm11, %%xmm13\n\t"					\
	"pxor %%xmm12, %%xmm" #a0 "\n\t"				\
	"pxor %%xmm13, %%xmm" #a1 "\n\t"

#define SSSE3_ZERO(a0, a1)						\
	"pxor %%xmm" #a0 ", %%xmm" #a0 "\n\t"				\
	"pxor %%xmm" #a1 ", %%xmm" #a1 "\n\t"

#define SSSE3_STORE(d, a0, a1)						\
	"mov %[" #d "], %[s]\n\t"					\
	"movdqu %%xmm" #a0 ", (%[s],%[off])\n\t"			\
	"movdqu %%xmm" #a1 ", 16(%[s],%[off])\n\t"

/* AVX2, 64-byte blocks: the same with ymm registers and three operands. */
#define AVX2_LOAD							\
	"mov (%[src],%[i],8), %[s]\n\t"					\
	"vmovdqu (%[s],%[off]), %%ymm8\n\t"				\
	"vmovdqu 32(%[s],%[off]), %%ymm10\n\t"				\
	"vpsrlw $4, %%ymm8, %%ymm9\n\t"					\
	"vpsrlw $4, %%ymm10, %%ymm11\n\t"				\
	"vpand %%ymm15, %%ymm8, %%ymm8\n\t"				\
	"vpand %%ymm15, %%ymm9, %%ymm9\n\t"				\
	"vpand %%ymm15, %%ymm10, %%ymm10\n\t"				\
	"vpand %%ymm15, %%ymm11, %%ymm11\n\t"

#define AVX2_ROW(c, a0, a1)						\
	"movzbl (%[" #c "],%[i]), %k[t]\n\t"				\
	"shl $5, %k[t]\n\t"						\
	"vbroadcasti128 (%[tbl],%[t]), %%ymm12\n\t"			\
	"vbroadcasti128 16(%[tbl],%[t]), %%ymm13\n\t"			\
	"vpshufb %%ymm8, %%ymm12, %%ymm14\n\t"				\
	"vpshufb %%ymm10, %%ymm12, %%ymm12\n\t"				\
	"vpxor %%ymm14, %%ymm" #a0 ", %%ymm" #a0 "\n\t"			\
	"vpxor %%ymm12, %%ymm" #a1 ", %%ymm" #a1 "\n\t"			\
	"vpshufb %%ymm9, %%ymm13, %%ymm14\n\t"				\
	"vpshufb %%ymm11, %%ymm13, %%ymm13\n\t"				\
	"vpxor %%ymm14, %%ymm" #a0 ", %%ymm" #a0 "\n\t"			\
	"vpxor %%ymm13, %%ymm" #a1 ", %%ymm" #a1 "\n\t"

#define AVX2_ZERO(a0, a1)						\
	"vpxor %%ymm" #a0 ", %%ymm" #a0 ", %%ymm" #a0 "\n\t"		\
	"vpxor %%ymm" #a1 ", %%ymm" #a1 ", %%ymm" #a1 "\n\t"

#define AVX2_STORE(d, a0, a1)						\
	"mov %[" #d "], %[s]\n\t"					\
	"vmovdqu %%ymm" #a0 ", (%[s],%[off])\n\t"			\
	"vmovdqu %%ymm" #a1 ", 32(%[s],%[off])\n\t"

static void rs_ssse3_pass1(const struct rs_pass *p)
{
	unsigned long off = p->off, i, s, t;

	asm volatile("movdqu %[nib], %%xmm15\n\t"
		     "1:\n\t"
		     SSSE3_ZERO(0, 1)
		     "mov %[nn], %[i]\n\t"
		     "2:\n\t"
		     SSSE3_LOAD
		     SSSE3_ROW(c0, 0, 1)
		     "inc %[i]\n\t"
		     "jnz 2b\n\t"
		     SSSE3_STORE(d0, 0, 1)
		     "add $32, %[off]\n\t"
		     "cmp %[end], %[off]\n\t"
		     "jb 1b\n\t"
		     : [off] "+r" (off), [i] "=&r" (i), [s] "=&r" (s),
		       [t] "=&r" (t)
		     : [tbl] "r" (p->tbl), [src] "r" (p->src),
		       [nn] "m" (p->neg_nsrc), [end] "m" (p->end),
		       [c0] "r" (p->c[0]), [d0] "m" (p->d[0]),
		       [nib] "m" (*(const u8 (*)[16])rs_nibble_mask)
		     : RS_CLOBBERS);
}

static void rs_ssse3_pass4(const struct rs_pass *p)
{
	unsigned long off = p->off, i, s, t;

	asm volatile("movdqu %[nib], %%xmm15\n\t"
		     "1:\n\t"
		     SSSE3_ZERO(0, 1)
		     SSSE3_ZERO(2, 3)
		     SSSE3_ZERO(4, 5)
		     SSSE3_ZERO(6, 7)
		     "mov %[nn], %[i]\n\t"
		     "2:\n\t"
		     SSSE3_LOAD
		     SSSE3_ROW(c0, 0, 1)
		     SSSE3_ROW(c1, 2, 3)
		     SSSE3_ROW(c2, 4, 5)
		     SSSE3_ROW(c3, 6, 7)
		     "inc %[i]\n\t"
		     "jnz 2b\n\t"
		     SSSE3_STORE(d0, 0, 1)
		     SSSE3_STORE(d1, 2, 3)
		     SSSE3_STORE(d2, 4, 5)
		     SSSE3_STORE(d3, 6, 7)
		     "add $32, %[off]\n\t"
		     "cmp %[end], %[off]\n\t"
		     "jb 1b\n\t"
		     : [off] "+r" (off), [i] "=&r" (i), [s] "=&r" (s),
		       [t] "=&r" (t)
		     : [tbl] "r" (p->tbl), [src] "r" (p->src),
		       [nn] "m" (p->neg_nsrc), [end] "m" (p->end),
		       [c0] "r" (p->c[0]), [c1] "r" (p->c[1]),
		       [c2] "r" (p->c[2]), [c3] "r" (p->c[3]),
		       [d0] "m" (p->d[0]), [d1] "m" (p->d[1]),
		       [d2] "m" (p->d[2]), [d3] "m" (p->d[3]),
		       [nib] "m" (*(const u8 (*)[16])rs_nibble_mask)
		     : RS_CLOBBERS);
}

static void rs_avx2_pass1(const struct rs_pass *p)
{
	unsigned long off = p->off, i, s, t;

	asm volatile("vmovdqu %[nib], %%ymm15\n\t"
		     "1:\n\t"
		     AVX2_ZERO(0, 1)
		     "mov %[nn], %[i]\n\t"
		     "2:\n\t"
		     AVX2_LOAD
		     AVX2_ROW(c0, 0, 1)
		     "inc %[i]\n\t"
		     "jnz 2b\n\t"
		     AVX2_STORE(d0, 0, 1)
		     "add $64, %[off]\n\t"
		     "cmp %[end], %[off]\n\t"
		     "jb 1b\n\t"
		     "vzeroupper\n\t"
		     : [off] "+r" (off), [i] "=&r" (i), [s] "=&r" (s),
		       [t] "=&r" (t)
		     : [tbl] "r" (p->tbl), [src] "r" (p->src),
		       [nn] "m" (p->neg_nsrc), [end] "m" (p->end),
		       [c0] "r" (p->c[0]), [d0] "m" (p->d[0]),
		       [nib] "m" (*(const u8 (*)[32])rs_nibble_mask)
		     : RS_CLOBBERS);
}

static void rs_avx2_pass4(const struct rs_pass *p)
{
	unsigned long off = p->off, i, s, t;

	asm volatile("vmovdqu %[nib], %%ymm15\n\t"
		     "1:\n\t"
		     AVX2_ZERO(0, 1)
		     AVX2_ZERO(2, 3)
		     AVX2_ZERO(4, 5)
		     AVX2_ZERO(6, 7)
		     "mov %[nn], %[i]\n\t"
		     "2:\n\t"
		     AVX2_LOAD
		     AVX2_ROW(c0, 0, 1)
		     AVX2_ROW(c1, 2, 3)
		     AVX2_ROW(c2, 4, 5)
		     AVX2_ROW(c3, 6, 7)
		     "inc %[i]\n\t"
		     "jnz 2b\n\t"
		     AVX2_STORE(d0, 0, 1)
		     AVX2_STORE(d1, 2, 3)
		     AVX2_STORE(d2, 4, 5)
		     AVX2_STORE(d3, 6, 7)
		     "add $64, %[off]\n\t"
		     "cmp %[end], %[off]\n\t"
		     "jb 1b\n\t"
		     "vzeroupper\n\t"
		     : [off] "+r" (off), [i] "=&r" (i), [s] "=&r" (s),
		       [t] "=&r" (t)
		     : [tbl] "r" (p->tbl), [src] "r" (p->src),
		       [nn] "m" (p->neg_nsrc), [end] "m" (p->end),
		       [c0] "r" (p->c[0]), [c1] "r" (p->c[1]),
		       [c2] "r" (p->c[2]), [c3] "r" (p->c[3]),
		       [d0] "m" (p->d[0]), [d1] "m" (p->d[1]),
		       [d2] "m" (p->d[2]), [d3] "m" (p->d[3]),
		       [nib] "m" (*(const u8 (*)[32])rs_nibble_mask)
		     : RS_CLOBBERS);
}

static void rs_pass(enum pgm_rs_impl impl, unsigned int rows,
		    const struct rs_pass *p)
{
	if (impl == PGM_RS_AVX2) {
		if (rows == 4)
			rs_avx2_pass4(p);
		else
			rs_avx2_pass1(p);
	} else {
		if (rows == 4)
			rs_ssse3_pass4(p);
		else
			rs_ssse3_pass1(p);
	}
}

/**
 * pgm_rs_x86_supported() - whether the CPU has a vector implementation
 * @impl: PGM_RS_SSSE3 or PGM_RS_AVX2
 *
 * Return: true if pgm_rs_x86_dot() can run @impl here.
 */
bool pgm_rs_x86_supported(enum pgm_rs_impl impl)
{
	switch (impl) {
	case PGM_RS_SSSE3:
		return boot_cpu_has(X86_FEATURE_SSSE3);
	case PGM_RS_AVX2:
		return boot_cpu_has(X86_FEATURE_AVX) &&
		       boot_cpu_has(X86_FEATURE_AVX2);
	default:
		return false;
	}
}

/**
 * pgm_rs_x86_dot() - dst[r] = sum of coef[r * nsrc + i] * src[i], vectorised
 * @impl: PGM_RS_SSSE3 or PGM_RS_AVX2, supported by this CPU
 * @coef: @rows rows of @nsrc coefficients
 * @rows: number of outputs
 * @src: @nsrc packets of @len bytes
 * @nsrc: number of sources, at least 1
 * @dst: out: @rows packets of @len bytes, not overlapping any source
 * @len: packet length
 *
 * Return: false, having done nothing, when the vector unit is not usable
 * in this context or @len is below 32 bytes: the caller then uses
 * pgm_rs_dot_scalar().
 */
bool pgm_rs_x86_dot(enum pgm_rs_impl impl, const u8 *coef, unsigned int rows,
		    const u8 * const *src, unsigned int nsrc, u8 * const *dst,
		    unsigned int len)
{
	unsigned int block, r, n, j, off, end, full;
	struct rs_pass p;

	if (impl == PGM_RS_AVX2 && len < 64)
		impl = PGM_RS_SSSE3;	/* needs SSSE3, which AVX2 implies */
	block = impl == PGM_RS_AVX2 ? 64 : 32;
	if (len < block || !may_use_simd())
		return false;

	p.tbl = &pgm_rs_gf_nibble[0][0];
	p.src = &src[nsrc];
	p.neg_nsrc = -(long)nsrc;
	for (r = 0; r < rows; r += n) {
		n = rows - r >= 4 ? 4 : 1;
		for (j = 0; j < n; j++) {
			p.c[j] = &coef[(r + j + 1) * nsrc];
			p.d[j] = dst[r + j];
		}
		for (off = 0; off < len; off = end) {
			end = len - off > RS_STRIP ? off + RS_STRIP : len;
			full = (end - off) / block * block;
			kernel_fpu_begin();
			if (full) {
				p.off = off;
				p.end = off + full;
				rs_pass(impl, n, &p);
			}
			if (off + full < end) {
				p.off = end - block;
				p.end = end;
				rs_pass(impl, n, &p);
			}
			kernel_fpu_end();
		}
	}
	return true;
}

#endif /* __x86_64__ */
