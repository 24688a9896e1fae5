// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the FEC receive core (net/pgm/fec_group.c), driven
 * through fecg_sim.h: the user-space fec_rx.c that keeps each packet in a
 * heap buffer of exactly its length, follows every decode plan with the
 * Reed-Solomon codec and checks the core's promises after every call.
 *
 * The input is a session: a header (the source's data lengths, where the
 * sequence space starts), then events, one opcode byte and its operands
 * each:
 *  - SPMs with OPT_PARITY_PRM (every group size, valid or not, any P/O
 *    bits; the first valid one turns FEC on) and with OPT_CURR_TGSIZE;
 *  - the source's data and parity (honest: a rebuilt packet must be the
 *    source's, byte for byte), and forged data and parity (any sequence,
 *    OPT_PARITY_GRP, OPT_CURR_TGSIZE, length, flags and bytes);
 *  - the receive window moving (delivery point, lead, trail), time
 *    passing with NAK and NCF decisions, and session resets.
 * AddressSanitizer and UBSan watch every buffer and every computation;
 * fecg_sim.h aborts on a broken promise.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/fecg_sim.h"
#include "seq.h"

#define REQUIRE(c)	SIM_REQUIRE(c)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* FEC_FUZZ_TRACE=1 in the environment: each event and its outcome on
 * stderr (for reading a reproducer).
 */
static int tracing = -1;

#define TRACE(...)							\
	do {								\
		if (tracing < 0)					\
			tracing = !!getenv("FEC_FUZZ_TRACE");		\
		if (tracing)						\
			fprintf(stderr, __VA_ARGS__);			\
	} while (0)

struct in {
	const uint8_t	*p;
	size_t		left;
};

static unsigned int take8(struct in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static unsigned int take16(struct in *in)
{
	unsigned int lo = take8(in);

	return lo | take8(in) << 8;
}

static u32 take32(struct in *in)
{
	u32 lo = take16(in);

	return lo | (u32)take16(in) << 16;
}

/* Group sizes an SPM may say: the valid ones, then invalid ones. */
static const u32 sizes[] = {
	2, 4, 8, 16, 32, 64, 128, 0, 1, 3, 6, 127, 129, 256, 0x80000000U,
	0xffffffffU,
};

struct sess {
	struct fecg_sim	*s;
	unsigned int	maxlen;	/* the source's data lengths */
	bool		fixed;	/* all of them maxlen */
	bool		fin;
	u32		trail;
};

static unsigned int src_len(const struct sess *x, u32 sqn)
{
	return x->fixed ? x->maxlen : sim_len(sqn, x->maxlen);
}

/* A sequence near the window: behind, inside or beyond. */
static u32 near(struct sess *x, struct in *in)
{
	unsigned int b = take8(in);

	if (b == 0xff)
		return take32(in);
	if (b & 0x80)
		return x->s->lead + 1 + (b & 0x7f) * 3;
	return x->s->commit + (int)(b & 0x7f) - 16;
}

static void out_check(struct sess *x)
{
	struct fecg_sim *s = x->s;
	unsigned int i;

	for (i = 0; i < s->n_out; i++)
		REQUIRE(s->out[i].len >= 0 && s->out[i].len <= 0xffff);
	sim_out_clear(s);
}

static void ev_spm(struct sess *x, struct in *in)
{
	struct fecg_sim *s = x->s;
	u32 tgs = sizes[take8(in) % ARRAY_SIZE(sizes)];
	u8 prm = take8(in);

	if (!s->on) {
		if (sim_init(s, tgs, prm)) {
			TRACE("spm k %u: no FEC\n", tgs);
			return;
		}
		TRACE("spm k %u prm %#x: FEC on\n", tgs, prm);
		/* As fec_rx.c: known before any data, from the window. */
		if (take8(in) & 1)
			pgm_fecg_start(&s->f, s->lead + 1);
		sim_check(s);
		return;
	}
	pgm_fecg_spm(&s->f, tgs, prm, s->lead);
	sim_sync(s);
}

static void ev_tgsize(struct sess *x, struct in *in)
{
	struct fecg_sim *s = x->s;
	u32 lead = near(x, in);
	unsigned int t = take8(in);
	u32 tgsize = t == 0xff ? take32(in) : t;
	int why;

	why = pgm_fecg_tgsize(&s->f, lead, tgsize, s->commit);
	TRACE("spm lead %u tgsize %u: %d\n", lead, tgsize, why);
	REQUIRE(why >= 0 && why < PGM_FECG_NR_WHY);
	sim_sync(s);
}

static void ev_data(struct sess *x, struct in *in, bool honest)
{
	struct fecg_sim *s = x->s;
	u32 sqn = near(x, in);
	unsigned int len = src_len(x, sqn);
	bool frag = sqn & 1;
	int why;

	if (!honest) {
		len = take16(in);
		if (len & 0x8000)
			len = (len & 0x7fff) * 2 + (len & 1);
		frag = take8(in) & 1;
	}
	if (pgm_seq_after(sqn, s->lead))
		s->lead = sqn;
	why = sim_data(s, sqn, len, frag, honest);
	TRACE("data %u len %u%s%s: %d, %u rebuilt\n", sqn, len,
	      frag ? " frag" : "", honest ? "" : " forged", why, s->n_out);
	REQUIRE(why >= 0 && why < PGM_FECG_NR_WHY);
	out_check(x);
}

static void ev_parity(struct sess *x, struct in *in, bool honest)
{
	static u8 buf[70000], frag[PGM_FEC_FRAG_LEN];
	struct fecg_sim *s = x->s;
	struct pgm_fecg_parity pp = { 0 };
	unsigned int k = s->f.k, b, i;
	u32 tg;
	int why;

	if (honest) {
		unsigned int size, j;

		tg = pgm_fecg_tg(&s->f, near(x, in));
		j = take8(in) % (PGM_FEC_N_MAX - k);
		size = take8(in) % (k + 1);
		pp.odata = take8(in) & 1;
		pp.len = sim_parity(s->rs, k, tg, size ? size : k, j,
				    x->maxlen, x->fixed, buf, frag, &pp.var,
				    &pp.frag);
		pp.sqn = tg | (j % k);
		pp.grp = j / k;
		pp.tgsize = size;
		why = sim_par(s, &pp, buf, pp.frag ? frag : NULL, true);
		TRACE("parity %u grp %u tgsize %u len %u: %d, %u rebuilt\n",
		      pp.sqn, pp.grp, pp.tgsize, pp.len, why, s->n_out);
		REQUIRE(why >= 0 && why < PGM_FECG_NR_WHY);
		out_check(x);
		return;
	}
	pp.sqn = near(x, in);
	b = take8(in);
	pp.grp = b == 0xff ? take32(in) : b % 4;
	b = take8(in);
	pp.tgsize = b == 0xff ? take32(in) : b % (k + 2);
	b = take16(in);
	pp.len = b & 0x8000 ? (b & 0x7fff) * 2 + (b & 1) : b % 300;
	b = take8(in);
	pp.var = b & 1;
	pp.frag = b & 2;
	pp.odata = b & 4;
	for (i = 0; i < PGM_FEC_FRAG_LEN; i++)
		frag[i] = take8(in);
	/* Bytes from the input, repeated. */
	b = take8(in);
	for (i = 0; i < pp.len; i++)
		buf[i] = (u8)(b + i * 29);
	why = sim_par(s, &pp, buf, pp.frag ? frag : NULL, false);
	TRACE("forged parity %u grp %u tgsize %u len %u%s%s: %d, %u rebuilt\n",
	      pp.sqn, pp.grp, pp.tgsize, pp.len, pp.var ? " var" : "",
	      pp.frag ? " frag" : "", why, s->n_out);
	REQUIRE(why >= 0 && why < PGM_FECG_NR_WHY);
	out_check(x);
}

/* The window moves: the delivery point up to the lead, the trail up to
 * the delivery point, or the lead far ahead.
 */
static void ev_window(struct sess *x, struct in *in)
{
	struct fecg_sim *s = x->s;
	unsigned int b = take8(in);
	u32 room = s->lead + 1 - s->commit;

	switch (b & 3) {
	case 0:
		if (pgm_seq_after(s->lead + 1, s->commit))
			s->commit += (b >> 2) % (room + 1);
		break;
	case 1:
		x->trail += (b >> 2) % (s->commit - x->trail + 1);
		pgm_fecg_trail(&s->f, x->trail);
		sim_sync(s);
		break;
	case 2:
		s->lead += (b >> 2) * 37;
		break;
	default:
		s->span = 1 + take16(in);
		break;
	}
	if (pgm_seq_after(x->trail, s->commit))
		x->trail = s->commit;
}

static void ev_naks(struct sess *x, struct in *in)
{
	struct fecg_sim *s = x->s;
	u32 sqn = near(x, in), first = 0;
	unsigned int b = take8(in), n;
	int cnt;

	s->now += (u64)take16(in) * 1000000;
	if (b & 1)
		x->fin = true;
	cnt = pgm_fecg_nak_count(&s->f, sqn, s->lead, s->now, x->fin,
				 100000000);
	REQUIRE(cnt >= -1 && cnt <= s->f.k);
	sim_sync(s);
	if (cnt > 0) {
		u32 nak = pgm_fecg_nak_sqn(&s->f, sqn, cnt);

		REQUIRE(pgm_fecg_tg(&s->f, nak) == pgm_fecg_tg(&s->f, sqn));
		REQUIRE((nak & (s->f.k - 1)) == (u32)cnt - 1);
	}
	n = pgm_fecg_ncf(&s->f, sqn, s->lead, &first);
	REQUIRE(n <= s->f.k);
	REQUIRE(first == pgm_fecg_tg(&s->f, sqn));
	pgm_fecg_mode(&s->f, s->lead);
	sim_sync(s);
}

/* FUZZ_ENTRY is libFuzzer's entry point, named in the Makefile (its
 * CamelCase name would not pass checkpatch).
 */
int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static struct fecg_sim *sim;
	struct in in = { data, size };
	struct sess x = { 0 };
	unsigned int ops = 0;
	u32 start;

	if (!sim) {
		sim = calloc(1, sizeof(*sim));
		REQUIRE(sim);
	}
	x.s = sim;
	x.maxlen = 1 + take8(&in) % 200;
	x.fixed = take8(&in) & 1;
	start = take32(&in);
	sim->commit = start;
	sim->lead = start - 1;
	sim->span = 1024;
	sim->now = 1000;
	sim->busy = -1;
	x.trail = start;
	/* Bounded work per input: at most 4096 events. */
	while (in.left && ops++ < 4096) {
		unsigned int op = take8(&in) % 12;

		if (op == 0) {
			ev_spm(&x, &in);
			continue;
		}
		if (op == 1) {		/* the session resets */
			if (sim->on)
				sim_free(sim);
			x.fin = false;
			continue;
		}
		if (!sim->on)
			continue;
		switch (op) {
		case 2:
		case 3:
			ev_data(&x, &in, true);
			break;
		case 4:
			ev_data(&x, &in, false);
			break;
		case 5:
		case 6:
			ev_parity(&x, &in, true);
			break;
		case 7:
			ev_parity(&x, &in, false);
			break;
		case 8:
			ev_tgsize(&x, &in);
			break;
		case 9:
			ev_window(&x, &in);
			break;
		case 10:
			ev_naks(&x, &in);
			break;
		default:
			pgm_fecg_start(&sim->f, sim->commit);
			sim_check(sim);
			break;
		}
	}
	if (sim->on)
		sim_free(sim);
	sim->decodes = 0;
	return 0;
}
