// SPDX-License-Identifier: GPL-2.0
/*
 * rs_kat_gen: the known-answer parity of tools/testing/unit/rs_test.c,
 * computed by OpenPGM itself. Linked with OpenPGM's own reed_solomon.c
 * (release 5.3.128, the version Debian ships; not part of this project:
 * "make kat OPENPGM=<openpgm>/openpgm/pgm") and with Debian's libpgm.so
 * for the field tables, since libpgm does not export pgm_rs_*.
 *
 * The input of each (n, k, len) is k packets of xorshift32 bytes seeded
 * with 0x9e3779b9 ^ n << 8 ^ k; the output is every parity packet (small
 * codes) and an FNV-1a hash over all parity packets in order.
 */

#include <stdio.h>
#include <impl/framework.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const unsigned int sets[][3] = {
	{ 3, 2, 8 }, { 6, 4, 16 }, { 11, 8, 16 }, { 20, 16, 16 },
	{ 2, 1, 5 }, { 7, 3, 33 }, { 40, 32, 1400 }, { 136, 128, 33 },
	{ 144, 128, 1400 }, { 255, 1, 100 }, { 255, 64, 1399 },
	{ 255, 128, 64 }, { 255, 254, 77 },
};

static uint8_t kat_rand(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st >> 24;
}

int main(void)
{
	unsigned int s, i, b, p;

	for (s = 0; s < ARRAY_SIZE(sets); s++) {
		unsigned int n = sets[s][0], k = sets[s][1], len = sets[s][2];
		uint32_t st = 0x9e3779b9u ^ (n << 8) ^ k;
		uint64_t fnv = 0xcbf29ce484222325ULL;
		const pgm_gf8_t *src[255];
		uint8_t *data = malloc(k * len), *dst = malloc(len);
		pgm_rs_t rs;

		pgm_rs_create(&rs, n, k);
		for (i = 0; i < k * len; i++)
			data[i] = kat_rand(&st);
		for (i = 0; i < k; i++)
			src[i] = &data[i * len];
		printf("n=%u k=%u len=%u\n", n, k, len);
		for (p = k; p < n; p++) {
			pgm_rs_encode(&rs, src, p, dst, len);
			for (b = 0; b < len; b++) {
				fnv ^= dst[b];
				fnv *= 0x100000001b3ULL;
			}
			if (len > 16)
				continue;
			printf("  h=%u:", p - k);
			for (b = 0; b < len; b++)
				printf(" 0x%02x,", dst[b]);
			printf("\n");
		}
		printf("  fnv=0x%016llxULL\n", (unsigned long long)fnv);
		free(dst);
		free(data);
	}
	return 0;
}
