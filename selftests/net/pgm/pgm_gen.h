/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pgm_gen.h: the selftests' deterministic content, shared by pgm_xfer and
 * the OpenPGM peer (pgm_opgm): message i of seed S has a size drawn
 * between MIN and MAX and bytes drawn from (S, i) with a splitmix64
 * PRNG, and a stream of them has a SHA-256 digest any side can compare.
 */
#ifndef PGM_GEN_H
#define PGM_GEN_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

/* ----- SHA-256 (FIPS 180-4) ----- */

struct sha256 {
	__u32 h[8];
	__u64 len;
	__u8 buf[64];
	unsigned int n;
};

static const __u32 sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline __u32 ror(__u32 x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline void sha256_init(struct sha256 *s)
{
	static const __u32 iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->n = 0;
}

static inline void sha256_block(struct sha256 *s, const __u8 *p)
{
	__u32 w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (__u32)p[4 * i] << 24 | p[4 * i + 1] << 16 |
		       p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = s->h[0];
	b = s->h[1];
	c = s->h[2];
	d = s->h[3];
	e = s->h[4];
	f = s->h[5];
	g = s->h[6];
	h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		     ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
	s->h[5] += f;
	s->h[6] += g;
	s->h[7] += h;
}

static inline void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const __u8 *p = data;

	s->len += len;
	if (s->n) {
		size_t k = 64 - s->n < len ? 64 - s->n : len;

		memcpy(s->buf + s->n, p, k);
		s->n += k;
		p += k;
		len -= k;
		if (s->n < 64)
			return;
		sha256_block(s, s->buf);
		s->n = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_block(s, p);
	memcpy(s->buf, p, len);
	s->n = len;
}

/* Finish (the state is spent) and write 64 hex digits and a NUL. */
static inline void sha256_hex(struct sha256 *s, char out[65])
{
	__u64 bits = s->len * 8;
	__u8 pad[72] = { 0x80 };
	unsigned int padlen = (s->n < 56 ? 56 : 120) - s->n;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = bits >> (56 - 8 * i);
	sha256_update(s, pad, padlen + 8);
	for (i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

/* ----- deterministic messages ----- */

static inline __u64 mix(__u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline size_t msg_size(__u64 seed, __u64 i, size_t min, size_t max)
{
	return min + mix(mix(seed) ^ i) % (max - min + 1);
}

static inline void msg_fill(__u8 *p, size_t len, __u64 seed, __u64 i)
{
	__u64 x = mix(seed ^ mix(i + 1)), k;

	for (k = 0; k + 8 <= len; k += 8) {
		x = mix(x);
		memcpy(p + k, &x, 8);
	}
	if (k < len) {
		x = mix(x);
		memcpy(p + k, &x, len - k);
	}
}

/* The content seed of the session from PGM source port @port. */
static inline __u64 port_seed(__u64 seed, unsigned int port)
{
	return seed ^ mix(0x50474d00ULL + port);
}

#endif /* PGM_GEN_H */
