/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of OpenPGM's internal <impl/framework.h> to compile its
 * reed_solomon.c alone (see rs_kat_gen.c). The field arithmetic comes from
 * the tables Debian's libpgm.so exports, the only RS-related symbols it
 * does export.
 */
#ifndef _PGM_KAT_FRAMEWORK_H
#define _PGM_KAT_FRAMEWORK_H

#include <alloca.h>
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t pgm_gf8_t;

#define PGM_GF_MAX	255

extern const pgm_gf8_t pgm_gflog[256];
extern const pgm_gf8_t pgm_gfantilog[256];
extern const pgm_gf8_t pgm_gftable[256 * 256];

#define PGM_UNLIKELY(x)		(x)
#define PGM_GNUC_INTERNAL
#define TRUE			1
#define pgm_assert(x)		assert(x)
#define pgm_new0(t, n)		calloc((n), sizeof(t))
#define pgm_newa(t, n)		alloca((n) * sizeof(t))
#define pgm_malloc0(n)		calloc(1, (n))
#define pgm_alloca(n)		alloca(n)
#define pgm_free(p)		free(p)

struct openpgm_rs {
	uint8_t n, k;
	pgm_gf8_t *GM, *RM;
};

#define pgm_rs_t		struct openpgm_rs

static inline pgm_gf8_t pgm_gfmul(pgm_gf8_t a, pgm_gf8_t b)
{
	if (!a || !b)
		return 0;
	return pgm_gftable[(uint16_t)a << 8 | b];
}

static inline pgm_gf8_t pgm_gfdiv(pgm_gf8_t a, pgm_gf8_t b)
{
	int d = pgm_gflog[a] - pgm_gflog[b];

	if (!a)
		return 0;
	return pgm_gfantilog[d < 0 ? d + PGM_GF_MAX : d];
}

void pgm_rs_create(pgm_rs_t *rs, const uint8_t n, const uint8_t k);
void pgm_rs_encode(pgm_rs_t *rs, const pgm_gf8_t **src, const uint8_t offset,
		   pgm_gf8_t *dst, const uint16_t len);

#endif /* _PGM_KAT_FRAMEWORK_H */
