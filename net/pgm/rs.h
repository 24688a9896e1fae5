/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reed-Solomon erasure codec over GF(2^8) for PGM forward error correction
 * (RFC 3208 Appendix A), built to produce the same parity as OpenPGM.
 *
 * A transmission group of k data packets is extended with up to n - k
 * parity packets; any k of the n packets rebuild the k data packets. The
 * code is OpenPGM's (Rizzo's): GF(2^8) with polynomial 0x11d, a Vandermonde
 * matrix over the points x_0 = 0 and x_r = alpha^(r - 1), made systematic.
 * Packet r of a block is f(x_r) for the one polynomial f of degree < k with
 * f(x_i) = data packet i, so parity index h is packet k + h.
 *
 * Pure code: no allocation, no locks, no sk_buff, so that the host unit
 * tests and the benchmark build it unchanged. The caller owns all memory:
 * pgm_rs_size() bytes for the codec, pgm_rs_decode_size() for a recovery
 * matrix. Packets may be of any length and alignment.
 */
#ifndef _PGM_RS_H
#define _PGM_RS_H

#include <linux/types.h>

#define PGM_RS_MAX_N	255

/* Multiply-accumulate implementations, slowest first. */
enum pgm_rs_impl {
	PGM_RS_SCALAR,
	PGM_RS_SSSE3,
	PGM_RS_AVX2,
	PGM_RS_NR_IMPL,
};

/**
 * struct pgm_rs - one RS(n, k) code
 * @n: packets per FEC block, data and parity
 * @k: data packets per block (the transmission group size)
 * @impl: the multiply-accumulate implementation in use (enum pgm_rs_impl)
 * @gm: the parity rows of the systematic generator matrix: row h (parity
 *	index h, packet k + h) holds the k coefficients of the data packets
 */
struct pgm_rs {
	u8 n;
	u8 k;
	u8 impl;
	u8 gm[];
};

/**
 * pgm_rs_size() - bytes of memory a struct pgm_rs needs
 * @n: packets per FEC block
 * @k: data packets per block, k < n
 *
 * Return: the size to allocate for pgm_rs_init(rs, @n, @k).
 */
static inline size_t pgm_rs_size(unsigned int n, unsigned int k)
{
	return sizeof(struct pgm_rs) + (size_t)(n - k) * k;
}

/**
 * pgm_rs_decode_size() - bytes of a recovery matrix for @rs
 * @rs: the code
 *
 * Return: the size of the @rm buffer pgm_rs_decode_prepare() fills, enough
 * for any erasure pattern: one row of k coefficients for each of up to
 * min(k, n - k) missing data packets.
 */
static inline size_t pgm_rs_decode_size(const struct pgm_rs *rs)
{
	unsigned int h = rs->n - rs->k;

	return (size_t)(h < rs->k ? h : rs->k) * rs->k;
}

int pgm_rs_init(struct pgm_rs *rs, unsigned int n, unsigned int k);
bool pgm_rs_impl_supported(enum pgm_rs_impl impl);
int pgm_rs_set_impl(struct pgm_rs *rs, enum pgm_rs_impl impl);
void pgm_rs_encode(const struct pgm_rs *rs, const u8 * const *src,
		   unsigned int h, u8 *dst, unsigned int len);
void pgm_rs_encode_many(const struct pgm_rs *rs, const u8 * const *src,
			unsigned int h, unsigned int count, u8 * const *dst,
			unsigned int len);
int pgm_rs_decode_prepare(const struct pgm_rs *rs, const u8 *index, u8 *rm);
void pgm_rs_decode_apply(const struct pgm_rs *rs, const u8 *rm,
			 const u8 *index, const u8 * const *src,
			 u8 * const *dst, unsigned int len);
int pgm_rs_decode(const struct pgm_rs *rs, const u8 *index,
		  const u8 * const *src, u8 * const *dst, unsigned int len,
		  u8 *rm);

/* Internal: the multiply-accumulate kernels. Each computes @rows outputs,
 * dst[r] = sum over i < nsrc of coef[r * nsrc + i] * src[i], where
 * c * x = pgm_rs_gf_nibble[c][x & 15] ^ pgm_rs_gf_nibble[c][16 + (x >> 4)].
 */
extern const u8 pgm_rs_gf_nibble[256][32];

void pgm_rs_dot_scalar(const u8 *coef, unsigned int rows,
		       const u8 * const *src, unsigned int nsrc,
		       u8 * const *dst, unsigned int len);

#ifdef __x86_64__
bool pgm_rs_x86_supported(enum pgm_rs_impl impl);
bool pgm_rs_x86_dot(enum pgm_rs_impl impl, const u8 *coef, unsigned int rows,
		    const u8 * const *src, unsigned int nsrc, u8 * const *dst,
		    unsigned int len);
#else
static inline bool pgm_rs_x86_supported(enum pgm_rs_impl impl)
{
	return false;
}

static inline bool pgm_rs_x86_dot(enum pgm_rs_impl impl, const u8 *coef,
				  unsigned int rows, const u8 * const *src,
				  unsigned int nsrc, u8 * const *dst,
				  unsigned int len)
{
	return false;
}
#endif

#endif /* _PGM_RS_H */
