// SPDX-License-Identifier: GPL-2.0
/*
 * pgm_hostile: a stateful hostile-traffic generator for the PGM module,
 * and a sink for the sessions it makes.
 *
 *   pgm_hostile run [options]	send the attack families (below)
 *   pgm_hostile sink [options]	accept and read sessions until SIGTERM
 *   pgm_hostile list		the families, one a line
 *
 * It does not send random bytes: each family is a state machine over
 * fake sources (TSIs of its own) or over the TSIs of live sessions it
 * learns from the wire, and drives the module's receive and source state
 * machines through their corners. Packets go out through a raw IP
 * protocol 113 socket and through UDP (PGM over UDP, PGM_UDP_ENCAP's
 * ports), to the groups of the sinks (-S: listeners that make sessions),
 * to the live groups (-L, only packets that make no session there) and
 * to the live sources' unicast addresses. Checksums are valid except
 * where a family breaks them on purpose.
 *
 * Families:
 *  fec       fake FEC sources: SPMs with OPT_PARITY_PRM for every group
 *            size k (invalid ones too), every P/O bit order, with and
 *            without OPT_CURR_TGSIZE; then per group a subset of the data
 *            and parity of every length and index as ODATA and RDATA,
 *            with and without OPT_VAR_PKTLEN, OPT_PARITY_GRP,
 *            OPT_CURR_TGSIZE and an encoded OPT_FRAGMENT
 *  frag      messages whose OPT_FRAGMENTs lie: APDU lengths below the
 *            TSDU or huge, offsets past the end, gaps, restarts, a
 *            length that changes mid-message, option lengths that lie
 *  edge      data, SPMs and NCFs at every edge of a receive window
 *            (trail - 1, trail, commit, lead, lead + 1, lead or commit +
 *            capacity - 1, + capacity, far ahead, half the sequence space
 *            away), windows that wrap around 2^32, trail jumps, SPM
 *            leads ahead and behind, trails past the lead
 *  ncf       NCFs (selective and parity, NAK lists of every length) for
 *            every region of a window with gaps; NAKs and NNAKs for the
 *            fake TSIs multicast to the group and unicast to the live
 *            sources' addresses
 *  nla       fake sources whose SPM path NLA names someone else (a
 *            victim, 0.0.0.0, broadcast, loopback, multicast, the live
 *            source, IPv6, unknown AFIs) and whose data has gaps: a
 *            receiver NAKing there reflects traffic (-V names the victim)
 *  churn     session churn: fresh TSIs, one or a few packets each (more
 *            than any listener's backlog), with OPT_SYN, OPT_FIN, OPT_RST
 *            (every code, N bit), OPT_JOIN, SPMs before and after
 *  opts      every packet type and option the module parses, and some it
 *            does not: option and OPT_LENGTH lengths that lie, missing or
 *            early OPT_END, too many and duplicate options, OPT_NAK_LIST
 *            of 0 to 62 entries and lengths beyond, IPv4, IPv6 and
 *            unknown NLAs, version and reserved bits, unknown types,
 *            truncation at every length, TSDU lengths that lie, bad and
 *            zero checksums
 *  upstream  NAKs (selective and parity), NNAKs, SPMRs, POLRs and NAK
 *            lists carrying a live session's real TSI, learned from its
 *            ODATA and SPMs captured on -i (AF_PACKET), with sequences
 *            behind the trail, inside the window, ahead of the lead, far
 *            ahead; unicast to the source and multicast to the group,
 *            over the session's transport (and now and then the other)
 *  spoof     downstream packets with a live session's TSI from this
 *            host's address (SPMs with FIN, RST, leads anywhere; NCFs;
 *            RDATA inside the window with other bytes; parity; POLLs):
 *            a session is its source address's, each must be dropped
 *
 * run options:
 *   -s SEED    the seed (default 1): what is sent depends on it only,
 *              except the upstream family, which follows the live sessions
 *   -n COUNT   packets in all (default 100000), shared by the families by
 *              weight
 *   -r PPS     at most this many packets a second (default 20000); the
 *              rate halves whenever the kernel's input queues drop
 *              packets and creeps back up while they do not
 *   -c SHARE   use at most this share of a CPU (0.5: half; default: no
 *              limit), counting the kernel's work in this process
 *   -f LIST    families, comma-separated, or "all" (default)
 *   -S G:P[:udp]  a sink group and port (repeatable): fake sessions go there
 *   -L G:P[:udp]  a live group and port (repeatable): learn its sources
 *   -V ADDR    the victim address the nla family names
 *   -i DEV     capture the live sessions there (default eth0)
 *   -u U,M     PGM_UDP_ENCAP unicast and multicast ports (3055,3056)
 *   -w SECS    how long the upstream family waits for a live TSI before
 *              using stale or made-up ones (default 30)
 *   -o FILE    write the packets there instead of sending them (records:
 *              family index, 1 for UDP, destination, length (2 bytes,
 *              big-endian), the PGM packet)
 * Output: "family NAME packets= bytes= errors= sources=" per family,
 * "live tsis= upstream_fresh= spoof_fresh=", "total packets= bytes= secs= pps= drops=
 * slowdowns= rate_min=" (drops: the input queues' meanwhile).
 *
 * sink options:
 *   -l G:P[:udp][:noaccept][:noread][:rcvbuf=N][:backlog=N]  a listener
 *              (repeatable): noaccept never accepts (its queue fills),
 *              noread accepts and never reads
 *   -m N       sessions open at most (default 64; the oldest is closed)
 *   -I MS      close a session idle that long (default 1000; noread
 *              sessions: 5 times that)
 *   -u U,M     PGM_UDP_ENCAP ports for the :udp listeners
 * Prints "ready" once listening; on SIGTERM or SIGINT "sink accepted=
 * eof= reset= errors= idle= evicted= bytes=" and exits 0.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/pgm.h>
#include <sys/socket.h>

#include "pgm_test.h"

#ifndef fallthrough
#define fallthrough	__attribute__((__fallthrough__))
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_TARGETS	16
#define MAX_LIVE	64
#define POOL		8
#define PLAN_MAX	96
#define BURST		16
#define PGM_OPT_LIST_MAX 62	/* entries in one OPT_NAK_LIST */

/* ----- randomness: splitmix64, from the seed ----- */

static unsigned long long rng_state;

static unsigned long long rnd64(void)
{
	unsigned long long z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd32(void)
{
	return rnd64() >> 32;
}

/* 0 to @n - 1 (0 for 0). */
static unsigned int below(unsigned int n)
{
	return n ? rnd64() % n : 0;
}

/* True once in @n. */
static bool one_in(unsigned int n)
{
	return !below(n);
}

#define PICK(a)	((a)[below(sizeof(a) / sizeof((a)[0]))])

static unsigned int pick_of(const unsigned int *v, size_t n)
{
	return v[below(n)];
}

/* One of the values listed, at random. */
#define ONE_OF(...)						\
	pick_of((const unsigned int[]){ __VA_ARGS__ },		\
		sizeof((const unsigned int[]){ __VA_ARGS__ }) /	\
		sizeof(unsigned int))

static void rnd_fill(unsigned char *p, size_t n)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(i & 7))
			v = rnd64();
		p[i] = v >> (8 * (i & 7));
	}
}

/* ----- targets, live sessions ----- */

enum { T_SINK, T_LIVE, T_NONE };

struct target {
	struct in_addr	group;
	unsigned short	port;		/* PGM destination port */
	bool		udp;
	int		kind;
};

/* A live session, as its packets on the wire show it. */
struct live {
	unsigned char	gsi[6];
	unsigned short	sport;		/* the source's port (host order) */
	unsigned short	dport;
	struct in_addr	group;
	struct in_addr	src;		/* the source's unicast address */
	bool		udp;
	bool		fec;		/* parity or OPT_PARITY_PRM seen */
	unsigned int	trail;
	unsigned int	lead;
	long long	seen;		/* ns, last packet */
	unsigned long	pkts;
};

/* One packet to send: what build() makes of it. */
enum {
	OP_FRAG		= 1 << 0,
	OP_SYN		= 1 << 1,
	OP_FIN		= 1 << 2,
	OP_RST		= 1 << 3,
	OP_PRM		= 1 << 4,
	OP_TGS		= 1 << 5,
	OP_GRP		= 1 << 6,
	OP_JOIN		= 1 << 7,
	OP_LIST		= 1 << 8,
	OP_PATH		= 1 << 9,
	OP_REDIR		= 1 << 10,
	OP_BOIVL		= 1 << 11,
	OP_BORNG		= 1 << 12,
	OP_NBR		= 1 << 13,
	OP_UNKNOWN	= 1 << 14,
};

struct spec {
	unsigned char	type;
	unsigned char	flags;		/* PGM_F_OPT_PARITY, _VAR_PKTLEN */
	unsigned int	opts;		/* OP_* */
	unsigned int	sqn, trail, lead;
	unsigned int	tsdu;		/* data: payload bytes */
	unsigned short	afi, grp_afi;	/* NLAs: 0 means PGM_AFI_IP */
	struct in_addr	nla, grp_nla;
	unsigned int	frag_first, frag_off, frag_len;
	unsigned char	frag_olen;	/* OPT_FRAGMENT's length byte; 0: 16 */
	unsigned char	frag_b2, frag_b3;
	unsigned int	prm_tgs;
	unsigned char	prm, rst;
	unsigned int	tgsize, grp, join;
	bool		bad_csum;
	unsigned int	nnak;
	unsigned int	naks[PGM_OPT_LIST_MAX];	/* keep last: spec_init() */
};

/* A fake source and where it sends. */
struct fake {
	unsigned char	gsi[6];
	unsigned short	sport;
	const struct target *t;
	struct in_addr	path;		/* its SPM path NLA */
	unsigned short	path_afi;
	unsigned int	spm_sqn;
	unsigned int	trail, commit, lead;	/* the receivers' view, modelled */
	bool		started;	/* data sent: a session exists */
	/* FEC */
	unsigned int	k, kk;		/* advertised, and used for grouping */
	unsigned char	prm;
	unsigned int	tg, L;
	bool		var, frag;
	unsigned char	have[128];
	unsigned int	groups;
	unsigned int	par_left, par_i, last_j;
	int		phase;
	unsigned int	cursor;
	/* a plan of packets, sent one a step */
	struct spec	plan[PLAN_MAX];
	unsigned int	n_plan, i_plan;
	unsigned int	rounds;
};

struct gen;

struct family {
	const char	*name;
	unsigned int	weight;
	int		(*step)(struct gen *g, struct family *f);
	bool		on;
	unsigned int	idx;
	unsigned long	budget, pkts, bytes, errors, sources;
	struct fake	pool[POOL];
	bool		pool_init;
};

struct gen {
	int		raw, udp, cap;
	unsigned short	udp_ucast, udp_mcast;
	struct target	sinks[MAX_TARGETS], lives[MAX_TARGETS], none;
	unsigned int	n_sinks, n_lives;
	struct in_addr	self, victim;
	struct live	live[MAX_LIVE];
	unsigned int	n_live;
	unsigned long	upstream_fresh;
	unsigned long	spoof_fresh;
	long long	t0;
	unsigned long	total, total_bytes;
	unsigned int	learn_wait;
	FILE		*dump;
	struct pgm_pb	b;
};

static void die(const char *what)
{
	fprintf(stderr, "pgm_hostile: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ----- building and sending ----- */

/* Payloads come from a pool of random bytes (the guest is emulated:
 * drawing each byte costs), at a random offset.
 */
static unsigned char pool_bytes[1 << 16];

static const unsigned char *noise(size_t n)
{
	return pool_bytes + below(sizeof(pool_bytes) - PGM_PB_MAX);
}

/* The PGM checksum of @len bytes at @p (checksum field zero), summed a
 * word at a time: ones' complement sums do not care about byte order
 * (RFC 1071), so the native-order sum is swapped at the end.
 */
static unsigned short fast_csum(const unsigned char *p, size_t len)
{
	unsigned long long sum = 0;
	unsigned int w, c;
	size_t i = 0;

	for (; i + 4 <= len; i += 4) {
		memcpy(&w, p + i, 4);
		sum += w;
	}
	for (; i < len; i++)
		sum += (unsigned long long)p[i] << (8 * (i & 3));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	c = ~sum & 0xffff;
	c = htons(c);
	return c ? c : 0xffff;
}

static void set_csum(struct pgm_pb *b)
{
	if (b->len < PGM_HDR_LEN)
		return;
	b->buf[6] = 0;
	b->buf[7] = 0;
	pgm_put16(b->buf + 6, fast_csum(b->buf, b->len));
}

static bool is_data(unsigned int type)
{
	type &= 0x0f;
	return type == PGM_T_ODATA || type == PGM_T_RDATA;
}

static void put_nla(struct pgm_pb *b, unsigned int afi, struct in_addr a)
{
	unsigned char six[16];

	if (afi == PGM_AFI_IP) {
		pgm_pb_nla(b, afi, &a);
		return;
	}
	/* IPv6 (or anything else): the IPv4 address mapped, then noise. */
	memset(six, 0, sizeof(six));
	six[10] = 0xff;
	six[11] = 0xff;
	memcpy(six + 12, &a, 4);
	pgm_pb_nla(b, afi, six);
}

/* The options of @s, in the module's order (network-significant first). */
static void put_opts(struct pgm_pb *b, const struct spec *s)
{
	unsigned char *v;
	unsigned int i;

	if (!s->opts)
		return;
	pgm_pb_opts_begin(b);
	if (s->opts & OP_LIST) {	/* 0 entries: malformed */
		v = pgm_pb_opt(b, PGM_O_NAK_LIST, 4 + 4 * s->nnak);
		for (i = 0; v && i < s->nnak; i++)
			pgm_put32(v + 4 * i, s->naks[i]);
	}
	if (s->opts & OP_BOIVL) {
		v = pgm_pb_opt(b, PGM_O_NAK_BO_IVL, 12);
		if (v) {
			pgm_put32(v, rnd32());
			pgm_put32(v + 4, s->sqn);
		}
	}
	if (s->opts & OP_BORNG) {
		v = pgm_pb_opt(b, PGM_O_NAK_BO_RNG, 12);
		if (v) {
			pgm_put32(v, rnd32());
			pgm_put32(v + 4, rnd32());
		}
	}
	if (s->opts & OP_REDIR) {
		bool six = one_in(3);

		v = pgm_pb_opt(b, 0x07, six ? 24 : 12);
		if (v) {
			pgm_put16(v, six ? PGM_AFI_IP6 : PGM_AFI_IP);
			memcpy(v + 4, &s->nla, 4);
		}
	}
	if (s->opts & OP_PRM) {
		v = pgm_pb_opt(b, PGM_O_PARITY_PRM, 8);
		if (v) {
			v[-1] = s->prm;
			pgm_put32(v, s->prm_tgs);
		}
	}
	if (s->opts & OP_NBR)
		pgm_pb_opt(b, PGM_O_NBR_UNREACH, 4);
	if (s->opts & OP_PATH) {
		bool six = one_in(3);

		v = pgm_pb_opt(b, PGM_O_PATH_NLA, six ? 20 : 8);
		if (v)
			memcpy(v, &s->nla, 4);
	}
	if (s->opts & OP_TGS) {
		v = pgm_pb_opt(b, PGM_O_CURR_TGSIZE, 8);
		if (v)
			pgm_put32(v, s->tgsize);
	}
	if (s->opts & OP_FRAG) {
		v = pgm_pb_opt(b, PGM_O_FRAGMENT,
			       s->frag_olen ? s->frag_olen : 16);
		if (v) {
			v[-2] = s->frag_b2;
			v[-1] = s->frag_b3;
			if (b->len - (v - b->buf) >= 12) {
				pgm_put32(v, s->frag_first);
				pgm_put32(v + 4, s->frag_off);
				pgm_put32(v + 8, s->frag_len);
			}
		}
	}
	if (s->opts & OP_JOIN) {
		v = pgm_pb_opt(b, PGM_O_JOIN, 8);
		if (v)
			pgm_put32(v, s->join);
	}
	if (s->opts & OP_GRP) {
		v = pgm_pb_opt(b, PGM_O_PARITY_GRP, 8);
		if (v)
			pgm_put32(v, s->grp);
	}
	if (s->opts & OP_UNKNOWN) {
		static const unsigned char unknown[] = {
			0x06, PGM_O_CR, 0x11, 0x12, 0x13, 0x20, 0x55,
			PGM_O_INVALID,
		};
		unsigned int len = 4 + 4 * below(8);

		v = pgm_pb_opt(b, PICK(unknown), len);
		if (v)
			rnd_fill(v, len - 4);
	}
	if (s->opts & OP_SYN)
		pgm_pb_opt(b, PGM_O_SYN, 4);
	if (s->opts & OP_FIN)
		pgm_pb_opt(b, PGM_O_FIN, 4);
	if (s->opts & OP_RST) {
		v = pgm_pb_opt(b, PGM_O_RST, 4);
		if (v)
			v[-1] = s->rst;
	}
	pgm_pb_opts_end(b);
}

/* The packet @s from a source (@gsi, @sport) to @dport. */
static void build(struct gen *g, const unsigned char *gsi,
		  unsigned int sport, unsigned int dport, const struct spec *s)
{
	struct pgm_pb *b = &g->b;
	unsigned int afi = s->afi ? s->afi : PGM_AFI_IP;
	unsigned int gafi = s->grp_afi ? s->grp_afi : PGM_AFI_IP;

	pgm_pb_hdr(b, sport, dport, s->type, s->flags, gsi);
	switch (s->type & 0x0f) {
	case PGM_T_SPM:
		pgm_pb_u32(b, s->sqn);
		pgm_pb_u32(b, s->trail);
		pgm_pb_u32(b, s->lead);
		put_nla(b, afi, s->nla);
		break;
	case PGM_T_POLL:
		pgm_pb_u32(b, s->sqn);
		pgm_pb_u16(b, below(4));	/* round */
		pgm_pb_u16(b, below(3));	/* sub-type */
		put_nla(b, afi, s->nla);
		pgm_pb_u32(b, rnd32());		/* back-off interval */
		pgm_pb_u32(b, rnd32());		/* random string */
		pgm_pb_u32(b, rnd32());		/* matching mask */
		break;
	case PGM_T_POLR:
		pgm_pb_u32(b, s->sqn);
		pgm_pb_u32(b, rnd32());		/* round, reserved */
		break;
	case PGM_T_ODATA:
	case PGM_T_RDATA:
		pgm_pb_u32(b, s->sqn);
		pgm_pb_u32(b, s->trail);
		break;
	case PGM_T_NAK:
	case PGM_T_NNAK:
	case PGM_T_NCF:
		pgm_pb_u32(b, s->sqn);
		put_nla(b, afi, s->nla);
		put_nla(b, gafi, s->grp_nla);
		break;
	case PGM_T_SPMR:
		break;
	default: {
		unsigned int n = 4 * below(6);
		unsigned char *p = pgm_pb_put(b, n);

		if (p)
			rnd_fill(p, n);
		break;
	}
	}
	put_opts(b, s);
	if (is_data(s->type))
		pgm_pb_tsdu(b, s->tsdu, noise(s->tsdu));
	pgm_put16(b->buf + 14, b->tsdu ? b->len - b->tsdu : 0);
	set_csum(b);
	if (s->bad_csum)
		b->buf[6 + below(2)] ^= 1 + below(255);
}

/* Send what g->b holds to @dst (a group or a unicast address). */
static void tx(struct gen *g, struct family *f, struct in_addr dst, bool udp)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = dst };
	bool mcast = IN_MULTICAST(ntohl(dst.s_addr));
	ssize_t n;

	if (udp)
		sa.sin_port = htons(mcast ? g->udp_mcast : g->udp_ucast);
	if (g->dump) {
		/* -o: family, transport, destination, length, packet. */
		unsigned char h[8] = { f->idx, udp };

		memcpy(h + 2, &dst, 4);
		pgm_put16(h + 6, g->b.len);
		fwrite(h, 1, sizeof(h), g->dump);
		fwrite(g->b.buf, 1, g->b.len, g->dump);
		f->pkts++;
		g->total++;
		return;
	}
	n = sendto(udp ? g->udp : g->raw, g->b.buf, g->b.len, 0,
		   (struct sockaddr *)&sa, sizeof(sa));
	f->pkts++;
	g->total++;
	if (n != (ssize_t)g->b.len) {
		f->errors++;
		return;
	}
	f->bytes += n;
	g->total_bytes += n;
}

/* Build @s as fake @fk's and send it to its group. */
static void fake_tx(struct gen *g, struct family *f, struct fake *fk,
		    const struct spec *s)
{
	build(g, fk->gsi, fk->sport, fk->t->port, s);
	tx(g, f, fk->t->group, fk->t->udp);
}

/* ----- fake sources ----- */

static const struct target *pick_sink(struct gen *g)
{
	if (!g->n_sinks || one_in(16))
		return &g->none;
	return &g->sinks[below(g->n_sinks)];
}

/* A fresh fake source of family @f, sending to a sink (mostly). */
static void fake_new(struct gen *g, struct family *f, struct fake *fk)
{
	static const unsigned int starts[] = {
		0, 1, 0x7fffffff, 0x80000000, 0xffffffff - 40, 0xfffffff0,
	};

	memset(fk, 0, offsetof(struct fake, plan));
	fk->n_plan = 0;
	fk->i_plan = 0;
	/* Recognisable in a capture: 0xfa, the family's initial. */
	fk->gsi[0] = 0xfa;
	fk->gsi[1] = f->name[0];
	rnd_fill(fk->gsi + 2, 4);
	fk->sport = one_in(64) ? ONE_OF(0, 65535) :
		    1024 + below(64512);
	fk->t = pick_sink(g);
	fk->path = g->self;
	fk->spm_sqn = rnd32();
	fk->lead = one_in(4) ? PICK(starts) + below(8) : rnd32();
	fk->trail = fk->lead + 1;
	fk->commit = fk->lead + 1;
	f->sources++;
}

static void spec_init(struct spec *s, unsigned int type, const struct fake *fk)
{
	memset(s, 0, offsetof(struct spec, naks));
	s->type = type;
	s->nla = fk ? fk->path : (struct in_addr){ 0 };
	s->afi = fk ? fk->path_afi : 0;
}

static void spm(struct spec *s, struct fake *fk)
{
	spec_init(s, PGM_T_SPM, fk);
	s->sqn = fk->spm_sqn++;
	s->trail = fk->trail;
	s->lead = fk->lead;
}

/* A data packet of fake @fk at @sqn (ODATA or RDATA), @len bytes. */
static void data(struct spec *s, struct fake *fk, unsigned int type,
		 unsigned int sqn, unsigned int len)
{
	spec_init(s, type, fk);
	s->sqn = sqn;
	s->trail = fk->trail;
	s->tsdu = len;
	if (!fk->started || (int)(sqn - fk->lead) > 0) {
		if (!fk->started) {
			fk->trail = sqn;
			fk->commit = sqn;
			s->trail = sqn;
		}
		fk->started = true;
		fk->lead = sqn;
	}
}

static struct spec *plan_add(struct fake *fk)
{
	struct spec *s = &fk->plan[fk->n_plan < PLAN_MAX ? fk->n_plan++ :
				   PLAN_MAX - 1];

	return s;
}

/* Send the next packet of @fk's plan; false when the plan is done. */
static bool plan_step(struct gen *g, struct family *f, struct fake *fk)
{
	if (fk->i_plan >= fk->n_plan)
		return false;
	fake_tx(g, f, fk, &fk->plan[fk->i_plan++]);
	return true;
}

static void plan_reset(struct fake *fk)
{
	fk->n_plan = 0;
	fk->i_plan = 0;
}

/* A sequence number in a region around a window (trail, commit, lead):
 * the edges, capacities away (the module's windows hold 256 to 65536),
 * far ahead, half the sequence space away, anywhere.
 */
static unsigned int region(unsigned int trail, unsigned int commit,
			   unsigned int lead)
{
	static const unsigned int caps[] = { 256, 1024, 16384, 65536 };
	unsigned int cap = PICK(caps);

	switch (below(20)) {
	case 0:
		return trail - 1;
	case 1:
		return trail - 1 - below(2000);
	case 2:
		return trail;
	case 3:
		return commit;
	case 4:
	case 5:
		return trail + below(lead - trail + 2);
	case 6:
		return lead;
	case 7:
		return lead + 1;
	case 8:
		return lead + 2 + below(62);
	case 9:
		return lead + cap - 1;
	case 10:
		return commit + cap - 1;
	case 11:
		return lead + cap;
	case 12:
		return commit + cap;
	case 13:
		return lead + cap + 1;
	case 14:
		return lead + 0x7fffffff;
	case 15:
		return lead + 0x80000000;
	case 16:
		return lead + 0x80000001;
	case 17:
		return trail - 0x80000000;
	case 18:
		return lead + 1 + below(1 << 20);
	default:
		return rnd32();
	}
}

/* A sequence number near a window: behind it, at its edges, inside it,
 * just ahead of it; never a capacity away (the edge family's business).
 */
static unsigned int near(unsigned int trail, unsigned int commit,
			 unsigned int lead)
{
	switch (below(8)) {
	case 0:
		return trail - 1 - below(100);
	case 1:
		return trail;
	case 2:
		return commit;
	case 3:
	case 4:
		return trail + below(lead - trail + 2);
	case 5:
		return lead;
	default:
		return lead + 1 + below(64);
	}
}

/* The family's pool entry to advance, set up on first use. */
static struct fake *pool_pick(struct gen *g, struct family *f,
			      void (*fresh)(struct gen *, struct family *,
					    struct fake *))
{
	unsigned int i;

	if (!f->pool_init) {
		for (i = 0; i < POOL; i++)
			fresh(g, f, &f->pool[i]);
		f->pool_init = true;
	}
	return &f->pool[below(POOL)];
}

/* ----- family: fec ----- */

static bool k_valid(unsigned int k)
{
	return k >= 2 && k <= 128 && !(k & (k - 1));
}

static void fec_fresh(struct gen *g, struct family *f, struct fake *fk)
{
	static const unsigned int ks[] = {
		2, 4, 8, 16, 32, 64, 128, 2, 4, 8, 16, 4, 8,
		0, 1, 3, 6, 100, 129, 255, 256, 65536, 0xffffffff,
	};

	fake_new(g, f, fk);
	fk->k = PICK(ks);
	fk->kk = k_valid(fk->k) ? fk->k : 1u << (1 + below(5));
	fk->prm = below(4);
	/* The first group whole, or joined in its middle. */
	fk->tg = (fk->lead + 1) & ~(fk->kk - 1);
	fk->cursor = one_in(4) ? below(fk->kk) : 0;
	fk->lead = fk->tg + fk->cursor - 1;
	fk->trail = fk->lead + 1;
	fk->commit = fk->trail;
	fk->groups = 2 + below(14);
	fk->phase = one_in(6) ? 1 : 0;	/* data before any SPM */
}

/* An SPM advertising FEC, maybe with OPT_CURR_TGSIZE. */
static void fec_spm(struct spec *s, struct fake *fk, bool close)
{
	spm(s, fk);
	s->opts = OP_PRM;
	s->prm_tgs = fk->k;
	s->prm = one_in(8) ? rnd32() : fk->prm;
	if (close) {
		/* The group of the lead closed early (RFC 3208 A.6). */
		s->opts |= OP_TGS;
		s->tgsize = fk->lead - fk->tg + 1;
	} else if (one_in(5)) {
		static const unsigned int t[] = { 0, 1, 2, 127, 128, 129,
						  0xffffffff };

		s->opts |= OP_TGS;
		s->tgsize = one_in(2) ? PICK(t) : below(fk->kk + 2);
	}
}

/* A new group: which data goes out, how long, and how much parity. */
static void fec_group(struct fake *fk)
{
	static const unsigned int lens[] = { 1, 2, 3, 7, 100, 512, 1000, 1399,
					     1400 };
	unsigned int i, k = fk->kk, miss = 0, mode = below(9);

	fk->L = PICK(lens);
	fk->var = one_in(2);
	fk->frag = !fk->var && one_in(5);
	for (i = 0; i < k; i++) {
		bool have;

		switch (mode) {
		case 0:
			have = true;
			break;
		case 1:
			have = false;
			break;
		case 2:
			have = i != k / 2;
			break;
		case 3:
			have = i < k / 2;
			break;
		case 4:
			have = i == k - 1;
			break;
		case 5:
			have = !one_in(10);
			break;
		default:
			have = one_in(2);
			break;
		}
		fk->have[i] = have;
		miss += !have;
	}
	switch (below(5)) {
	case 0:
		fk->par_left = below(k + 3);
		break;
	case 1:
		fk->par_left = 0;
		break;
	case 2:
		fk->par_left = miss ? miss - 1 : 1;	/* one short */
		break;
	default:
		fk->par_left = miss + below(2);		/* enough */
		break;
	}
	fk->par_i = 0;
	fk->last_j = 0;
}

static void fec_data(struct gen *g, struct family *f, struct fake *fk,
		     unsigned int i)
{
	unsigned int len = fk->var ? below(fk->L + 1) : fk->L;
	struct spec s;

	if (!len && !one_in(8))
		len = 1;
	data(&s, fk, one_in(10) ? PGM_T_RDATA : PGM_T_ODATA, fk->tg + i, len);
	if (fk->frag) {
		/* Two-fragment messages over pairs of the group. */
		s.opts |= OP_FRAG;
		s.frag_first = fk->tg + (i & ~1u);
		s.frag_off = (i & 1) * fk->L;
		s.frag_len = 2 * fk->L;
	}
	fake_tx(g, f, fk, &s);
}

static void fec_parity(struct gen *g, struct family *f, struct fake *fk)
{
	static const unsigned int grps[] = { 0x7fffffff, 0x80000000,
					     0xffffffff, 1000 };
	unsigned int k = fk->kk, j, len;
	struct spec s;

	switch (below(8)) {
	case 0:
		j = fk->last_j;				/* a repeat */
		break;
	case 1:
		j = ONE_OF(k - 1, k, 2 * k - 1, 2 * k);
		break;
	case 2:
		j = 255 - k - below(3);			/* the last ones */
		break;
	case 3:
		j = below(300);
		break;
	default:
		j = fk->par_i;				/* in order */
		break;
	}
	fk->par_i++;
	fk->last_j = j;
	spec_init(&s, one_in(2) ? PGM_T_ODATA : PGM_T_RDATA, fk);
	s.flags = PGM_F_OPT_PARITY;
	s.sqn = fk->tg | (j % k);
	s.trail = fk->trail;
	s.grp = j / k;
	if (s.grp || one_in(4))
		s.opts |= OP_GRP;
	if (one_in(16)) {
		s.opts |= OP_GRP;
		s.grp = PICK(grps);
	}
	if (fk->var != one_in(8))
		s.flags |= PGM_F_OPT_VAR_PKTLEN;
	len = fk->L + (fk->var ? 2 : 0);
	if (one_in(3))
		len = ONE_OF(0, 1, 2, 3, 4, len - 1, len + 1, len + 2,
			     len + 3, 1400, below(1401));
	s.tsdu = len > 1400 ? 1400 : len;
	if (one_in(6)) {
		s.opts |= OP_TGS;
		s.tgsize = ONE_OF(0, 1, 2, k - 1, k, k + 1, below(k + 2),
				  0xffffffff);
	}
	if (fk->frag != one_in(8)) {
		s.opts |= OP_FRAG;
		s.frag_b2 = one_in(4) ? 0 : PGM_O_F;
		s.frag_b3 = rnd32();
		s.frag_first = rnd32();
		s.frag_off = rnd32();
		s.frag_len = rnd32();
	}
	fake_tx(g, f, fk, &s);
}

/* Phases: 0 SPM, 1 data of the group, 2 its parity, 3 next group, 4 end. */
static int fam_fec(struct gen *g, struct family *f)
{
	struct fake *fk = pool_pick(g, f, fec_fresh);
	struct spec s;

	switch (fk->phase) {
	case 0:
		fec_spm(&s, fk, false);
		fake_tx(g, f, fk, &s);
		if (one_in(2))
			fk->phase = 1;
		if (fk->phase == 1)
			fec_group(fk);
		return 0;
	case 1:
		if (!fk->L)
			fec_group(fk);
		while (fk->cursor < fk->kk && !fk->have[fk->cursor])
			fk->cursor++;
		if (fk->cursor < fk->kk) {
			fec_data(g, f, fk, fk->cursor++);
			return 0;
		}
		fk->phase = 2;
		fallthrough;
	case 2:
		if (fk->par_left) {
			fk->par_left--;
			fec_parity(g, f, fk);
			return 0;
		}
		fk->phase = 3;
		/* The group was short: say so, as a source that closed it. */
		if (one_in(4)) {
			fk->lead = fk->tg + below(fk->kk);
			fec_spm(&s, fk, true);
			fake_tx(g, f, fk, &s);
			return 0;
		}
		fallthrough;
	case 3:
		if (!--fk->groups) {
			fk->phase = 4;
			break;
		}
		/* Next group; now and then one far off, or the trail moves. */
		fk->tg += fk->kk;
		if (one_in(16))
			fk->tg += fk->kk * (1 + below(8));
		if (one_in(8))
			fk->trail = fk->tg - fk->kk * below(3);
		fk->cursor = 0;
		fk->L = 0;
		fk->phase = one_in(6) ? 0 : 1;
		if (fk->phase == 0)
			fk->lead = fk->tg - 1;
		return -1;	/* nothing sent this step */
	}
	/* The end: FIN, RST, or silence. */
	if (one_in(2)) {
		fec_spm(&s, fk, false);
		s.opts |= one_in(3) ? OP_RST : OP_FIN;
		fake_tx(g, f, fk, &s);
		fec_fresh(g, f, fk);
		return 0;
	}
	fec_fresh(g, f, fk);
	return -1;
}

/* ----- family: frag ----- */

static void frag_fresh(struct gen *g, struct family *f, struct fake *fk)
{
	fake_new(g, f, fk);
	plan_reset(fk);
}

/* A message of @len bytes in fragments of @mtu from @sqn, lying as
 * @lie says. Returns the next sequence.
 */
static unsigned int frag_msg(struct fake *fk, unsigned int sqn,
			     unsigned int len, unsigned int mtu, int lie)
{
	unsigned int off = 0, first = sqn, n = 0, apdu = len;
	struct spec *s;

	while (off < len && fk->n_plan < PLAN_MAX - 2) {
		unsigned int chunk = len - off < mtu ? len - off : mtu;

		s = plan_add(fk);
		data(s, fk, one_in(12) ? PGM_T_RDATA : PGM_T_ODATA, sqn, chunk);
		s->opts = OP_FRAG;
		s->frag_first = first;
		s->frag_off = off;
		s->frag_len = apdu;
		switch (lie) {
		case 1:			/* APDU shorter than the TSDU */
			s->frag_len = chunk ? chunk - 1 : 0;
			break;
		case 2:			/* offset at or past the end */
			s->frag_off = apdu + below(3);
			break;
		case 3:			/* offset + TSDU past the end */
			s->frag_off = apdu - chunk + 1 + below(chunk + 1);
			break;
		case 4:			/* a gap: the offsets skip */
			if (n == 1)
				s->frag_off += mtu;
			break;
		case 5:			/* the APDU length changes */
			if (n)
				s->frag_len = apdu + 1 + below(1000);
			break;
		case 6:			/* a restart mid-message */
			if (n == 2)
				s->frag_off = 0;
			break;
		case 7:			/* first sequence anywhere */
			s->frag_first = rnd32();
			break;
		case 8:			/* the option's length lies */
			s->frag_olen = ONE_OF(0, 4, 12, 15, 17, 20, 255);
			if (!s->frag_olen)
				s->frag_olen = 1;
			break;
		case 9:			/* huge APDU, never ends */
			s->frag_len = ONE_OF(0xffffffff, 0x80000000,
					     0x7fffffff, 1 << 24);
			break;
		case 10:		/* a whole packet inside a message */
			if (n == 1)
				s->opts = 0;
			break;
		case 11:		/* empty fragments */
			s->tsdu = 0;
			break;
		}
		off += chunk;
		sqn++;
		n++;
		if (lie == 12 && n == 2)
			break;		/* never completes */
	}
	return sqn;
}

static int fam_frag(struct gen *g, struct family *f)
{
	struct fake *fk = pool_pick(g, f, frag_fresh);
	unsigned int sqn, len, mtu, lie;
	struct spec *s;

	if (plan_step(g, f, fk))
		return 0;
	if (fk->rounds++ > 2 + below(6)) {
		frag_fresh(g, f, fk);
		fk->rounds = 0;
	}
	plan_reset(fk);
	if (!fk->started || one_in(4)) {
		s = plan_add(fk);
		spm(s, fk);
	}
	sqn = fk->started ? fk->lead + 1 : fk->lead + 1 + below(3);
	/* Joined mid-message: the first packet seen is not its start. */
	if (!fk->started && one_in(4)) {
		s = plan_add(fk);
		data(s, fk, PGM_T_ODATA, sqn, 100);
		s->opts = OP_FRAG;
		s->frag_first = sqn - 1;
		s->frag_off = 700;
		s->frag_len = 900;
		sqn++;
	}
	len = one_in(3) ? 1 + below(200) : 1 + below(20000);
	mtu = ONE_OF(1, 7, 100, 1000, 1400);
	if (len / mtu > 40)
		mtu = 1400;
	lie = one_in(4) ? 0 : 1 + below(12);
	sqn = frag_msg(fk, sqn, len, mtu, lie);
	/* A repair that differs from the original now and then. */
	if (one_in(4) && fk->n_plan > 1) {
		s = plan_add(fk);
		*s = fk->plan[fk->n_plan - 2];
		s->type = PGM_T_RDATA;
		s->frag_off ^= 1 + below(16);
	}
	/* Valid messages after a lie: does the session recover or end? */
	if (one_in(2))
		frag_msg(fk, sqn, 1 + below(3000), 1400, 0);
	return plan_step(g, f, fk) ? 0 : -1;
}

/* ----- family: edge ----- */

static void edge_fresh(struct gen *g, struct family *f, struct fake *fk)
{
	struct spec *s;
	unsigned int i, n, sqn;

	fake_new(g, f, fk);
	plan_reset(fk);
	/* A window to aim at: an SPM, then some data with a gap or two. */
	if (!one_in(4)) {
		s = plan_add(fk);
		spm(s, fk);
	}
	sqn = fk->lead + 1;
	n = 1 + below(40);
	for (i = 0; i < n; i++) {
		if (i && one_in(6))
			continue;
		s = plan_add(fk);
		data(s, fk, PGM_T_ODATA, sqn + i, 1 + below(1400));
	}
	fk->rounds = 4 + below(28);
}

/* One probe at a window edge. */
static void edge_probe(struct gen *g, struct family *f, struct fake *fk)
{
	unsigned int sqn = region(fk->trail, fk->commit, fk->lead);
	struct spec s;

	switch (below(12)) {
	case 0:
	case 1:
	case 2:
		data(&s, fk, one_in(3) ? PGM_T_RDATA : PGM_T_ODATA, sqn,
		     below(1401));
		break;
	case 3:		/* a trail that jumps to the packet */
		data(&s, fk, PGM_T_ODATA, sqn, 1 + below(100));
		s.trail = sqn;
		fk->trail = sqn;
		break;
	case 4:		/* a trail past the packet: the source lies */
		data(&s, fk, PGM_T_ODATA, sqn, 10);
		s.trail = sqn + 1 + below(1000);
		break;
	case 5:		/* SPM: the lead there */
		spm(&s, fk);
		s.lead = sqn;
		break;
	case 6:		/* SPM: the trail there */
		spm(&s, fk);
		s.trail = sqn;
		break;
	case 7:		/* SPM: trail past the lead, or "no information" */
		spm(&s, fk);
		if (one_in(2)) {
			s.trail = 0;
			s.lead = 0x80000000;
		} else {
			s.trail = s.lead + 2 + below(100);
		}
		break;
	case 8:		/* SPM sequence numbers that go back or jump */
		spm(&s, fk);
		s.sqn = fk->spm_sqn - ONE_OF(2, 3, 1000, 0x80000000);
		s.lead = sqn;
		break;
	case 9:		/* NCF there */
		spec_init(&s, PGM_T_NCF, fk);
		s.sqn = sqn;
		s.grp_nla = fk->t->group;
		break;
	case 10:	/* SPM with the lead and trail both far on */
		spm(&s, fk);
		s.lead = sqn;
		s.trail = sqn - below(3);
		break;
	default:	/* back to a plausible lead: keep the session alive */
		data(&s, fk, PGM_T_ODATA, fk->lead + 1, 1 + below(1400));
		break;
	}
	fake_tx(g, f, fk, &s);
}

static int fam_edge(struct gen *g, struct family *f)
{
	struct fake *fk = pool_pick(g, f, edge_fresh);

	if (plan_step(g, f, fk))
		return 0;
	if (!fk->rounds--) {
		edge_fresh(g, f, fk);
		return plan_step(g, f, fk) ? 0 : -1;
	}
	edge_probe(g, f, fk);
	return 0;
}

/* ----- family: ncf ----- */

static void ncf_fresh(struct gen *g, struct family *f, struct fake *fk)
{
	unsigned int i, n, sqn;
	struct spec *s;

	fake_new(g, f, fk);
	plan_reset(fk);
	fk->k = one_in(3) ? 1u << (1 + below(7)) : 0;
	s = plan_add(fk);
	spm(s, fk);
	if (fk->k) {
		s->opts = OP_PRM;
		s->prm_tgs = fk->k;
		s->prm = below(4);
	}
	/* Data with gaps (every third missing), then an SPM lead beyond. */
	sqn = fk->lead + 1;
	n = 3 + below(60);
	for (i = 0; i < n; i++) {
		if (i % 3 == 1 && i)
			continue;
		s = plan_add(fk);
		data(s, fk, PGM_T_ODATA, sqn + i, 1 + below(500));
	}
	if (one_in(2)) {
		s = plan_add(fk);
		fk->lead += below(50);
		spm(s, fk);
	}
	fk->commit = sqn + 1;	/* the first gap */
	fk->rounds = 8 + below(40);
}

static int fam_ncf(struct gen *g, struct family *f)
{
	struct fake *fk = pool_pick(g, f, ncf_fresh);
	unsigned int i, n;
	struct spec s;

	if (plan_step(g, f, fk))
		return 0;
	if (!fk->rounds--) {
		ncf_fresh(g, f, fk);
		return plan_step(g, f, fk) ? 0 : -1;
	}
	switch (below(10)) {
	case 0:		/* a repair for a gap, now and then */
		data(&s, fk, PGM_T_RDATA,
		     fk->commit + 3 * below((fk->lead - fk->commit) / 3 + 1),
		     1 + below(500));
		fake_tx(g, f, fk, &s);
		return 0;
	case 1:		/* a NAK or NNAK for the fake TSI, multicast */
	case 2:		/* ... or unicast to a live source's address */
		spec_init(&s, one_in(3) ? PGM_T_NNAK : PGM_T_NAK, fk);
		s.nla = g->self;
		s.grp_nla = fk->t->group;
		s.sqn = region(fk->trail, fk->commit, fk->lead);
		if (one_in(2)) {
			s.opts = OP_LIST;
			s.nnak = below(PGM_OPT_LIST_MAX + 1);
			for (i = 0; i < s.nnak; i++)
				s.naks[i] = region(fk->trail, fk->commit,
						   fk->lead);
		}
		/* Upstream: from the receiver's port to the source's. */
		build(g, fk->gsi, fk->t->port, fk->sport, &s);
		if (g->n_live && one_in(2))
			tx(g, f, g->live[below(g->n_live)].src, fk->t->udp);
		else
			tx(g, f, fk->t->group, fk->t->udp);
		return 0;
	}
	/* NCFs: one sequence, or a list of every length, of any region. */
	spec_init(&s, PGM_T_NCF, fk);
	s.nla = g->self;
	s.grp_nla = fk->t->group;
	if (fk->k && one_in(3)) {
		/* Parity NCF: a group | (count - 1). */
		s.flags = PGM_F_OPT_PARITY;
		s.sqn = (region(fk->trail, fk->commit, fk->lead) &
			 ~(fk->k - 1)) | below(fk->k);
	} else {
		s.sqn = region(fk->trail, fk->commit, fk->lead);
	}
	if (one_in(2)) {
		n = one_in(4) ? PGM_OPT_LIST_MAX : 1 + below(PGM_OPT_LIST_MAX);
		s.opts = OP_LIST;
		s.nnak = n;
		for (i = 0; i < n; i++)
			s.naks[i] = one_in(2) ? s.sqn + i :
				    region(fk->trail, fk->commit, fk->lead);
	}
	fake_tx(g, f, fk, &s);
	return 0;
}

/* ----- family: nla ----- */

static void nla_fresh(struct gen *g, struct family *f, struct fake *fk)
{
	static const char * const others[] = {
		"0.0.0.0", "255.255.255.255", "127.0.0.1", "224.0.0.1",
		"10.88.0.255",
	};
	unsigned int sqn, i;
	struct spec *s;

	fake_new(g, f, fk);
	plan_reset(fk);
	switch (below(8)) {
	case 0:
		inet_pton(AF_INET, PICK(others), &fk->path);
		break;
	case 1:
		fk->path = fk->t->group;
		break;
	case 2:
		fk->path = g->n_live ? g->live[below(g->n_live)].src : g->victim;
		break;
	case 3:
		fk->path = g->victim;
		fk->path_afi = ONE_OF(0xffff, 2, 3);
		break;
	default:
		fk->path = g->victim;
		break;
	}
	s = plan_add(fk);
	spm(s, fk);
	/* Data with gaps: the session NAKs (to the path NLA) after its
	 * back-off, again for each retry, and for the SPM's lead.
	 */
	sqn = fk->lead + 1;
	for (i = 0; i < 12; i++) {
		if (i % 4 == 1)
			continue;
		s = plan_add(fk);
		data(s, fk, PGM_T_ODATA, sqn + i, 1 + below(200));
	}
	s = plan_add(fk);
	fk->lead += 5;
	spm(s, fk);
	if (one_in(4)) {
		s = plan_add(fk);
		spm(s, fk);
		s->opts = OP_PATH;
	}
}

static int fam_nla(struct gen *g, struct family *f)
{
	struct fake *fk = pool_pick(g, f, nla_fresh);

	if (plan_step(g, f, fk))
		return 0;
	nla_fresh(g, f, fk);
	return plan_step(g, f, fk) ? 0 : -1;
}

/* ----- family: churn ----- */

static int fam_churn(struct gen *g, struct family *f)
{
	struct fake *fk = &f->pool[0];
	struct spec s;

	if (plan_step(g, f, fk))
		return 0;
	fake_new(g, f, fk);
	plan_reset(fk);
	switch (below(10)) {
	case 0:		/* an SPM first, with FEC or a stray option */
		spm(plan_add(fk), fk);
		fk->plan[0].opts = ONE_OF(0, OP_PRM, OP_SYN, OP_FIN, OP_RST);
		fk->plan[0].prm_tgs = 1u << below(9);
		fk->plan[0].rst = rnd32();
		break;
	case 1:		/* SPMs only: the listener's table of them */
		spm(plan_add(fk), fk);
		spm(plan_add(fk), fk);
		return plan_step(g, f, fk) ? 0 : -1;
	default:
		break;
	}
	data(&s, fk, PGM_T_ODATA, fk->lead + 1, 1 + below(1400));
	if (one_in(2))
		s.opts |= OP_SYN;
	if (one_in(8)) {
		s.opts |= OP_JOIN;
		s.join = s.sqn - ONE_OF(1, 100, 10000, 0x80000000);
	}
	if (one_in(16))
		s.opts |= ONE_OF(OP_FIN, OP_RST, OP_PRM);
	*plan_add(fk) = s;
	switch (below(6)) {
	case 0:		/* reset at once */
		spm(plan_add(fk), fk);
		fk->plan[fk->n_plan - 1].opts = OP_RST;
		fk->plan[fk->n_plan - 1].rst = one_in(2) ? PGM_O_RST_N : 0;
		break;
	case 1:		/* the end at once */
		spm(plan_add(fk), fk);
		fk->plan[fk->n_plan - 1].opts = OP_FIN;
		break;
	case 2:		/* a little more data */
		data(plan_add(fk), fk, PGM_T_ODATA, fk->lead + 1,
		     1 + below(1400));
		break;
	}
	return plan_step(g, f, fk) ? 0 : -1;
}

/* ----- family: opts ----- */

static void opts_fresh(struct gen *g, struct family *f, struct fake *fk)
{
	fake_new(g, f, fk);
}

/* Break a built packet the way @how says; -1: leave it whole. */
static void mangle(struct gen *g, int how)
{
	struct pgm_pb *b = &g->b;
	unsigned int o;

	switch (how) {
	case 0:		/* truncated, at any length */
		b->len = below(b->len + 1);
		return;
	case 1:		/* TSDU length lies */
		o = b->tsdu ? b->len - b->tsdu : 0;
		pgm_put16(b->buf + 14,
			  ONE_OF(0, 1, 0xffff, o + 1, o - 1, o + 1400));
		break;
	case 2:		/* OPT_LENGTH's total lies */
		if (!b->opt_start)
			return;
		pgm_put16(b->buf + b->opt_start + 2,
			  ONE_OF(0, 4, 7, 8, 0xffff) +
			  (b->len - b->opt_start) * one_in(2));
		break;
	case 3:		/* OPT_LENGTH itself wrong */
		if (!b->opt_start)
			return;
		b->buf[b->opt_start + below(2)] = rnd32();
		break;
	case 4:		/* an option's length lies */
		if (!b->opt_last)
			return;
		o = b->opt_last;
		b->buf[o + 1] = ONE_OF(0, 1, 3, 5, 255) +
				b->buf[o + 1] * one_in(3);
		break;
	case 5:		/* no OPT_END */
		if (!b->opt_last)
			return;
		b->buf[b->opt_last] &= ~PGM_O_END;
		break;
	case 6:		/* OPT_END early: on OPT_LENGTH */
		if (!b->opt_start)
			return;
		b->buf[b->opt_start] |= PGM_O_END;
		break;
	case 7:		/* version and reserved bits */
		b->buf[4] |= ONE_OF(0x40, 0x80, 0xc0, 0x10, 0x20, 0x30);
		break;
	case 8:		/* flags: parity, var length, network, others */
		b->buf[5] ^= 1u << below(8);
		break;
	case 9:		/* the present flag says otherwise */
		b->buf[5] ^= PGM_F_OPT_PRESENT;
		break;
	case 10:	/* an option's type changed to another */
		if (!b->opt_last)
			return;
		b->buf[b->opt_last] = (b->buf[b->opt_last] & PGM_O_END) |
				      below(0x20);
		break;
	case 11:	/* bytes flipped anywhere */
		for (o = 0; o < 1 + below(4) && b->len; o++)
			b->buf[below(b->len)] ^= 1 + below(255);
		break;
	default:
		return;
	}
	set_csum(b);
}

/* Many options at once: duplicates, more than 16, unknown ones. */
static void many_opts(struct gen *g, struct fake *fk)
{
	struct pgm_pb *b = &g->b;
	unsigned int i, n = 1 + below(22);

	pgm_pb_hdr(b, fk->sport, fk->t->port, PGM_T_ODATA, 0, fk->gsi);
	pgm_pb_u32(b, fk->lead + 1);
	pgm_pb_u32(b, fk->trail);
	pgm_pb_opts_begin(b);
	for (i = 0; i < n; i++) {
		unsigned int type = one_in(2) ? PGM_O_SYN : below(0x14);
		unsigned int len = type == PGM_O_FRAGMENT ? 16 :
				   type == PGM_O_JOIN ? 8 : 4 + 4 * below(3);
		unsigned char *v = pgm_pb_opt(b, type, len);

		if (v)
			rnd_fill(v, len - 4);
	}
	pgm_pb_opts_end(b);
	pgm_pb_tsdu(b, below(200), noise(200));
	pgm_put16(b->buf + 14, b->len - b->tsdu);
	set_csum(b);
}

static int fam_opts(struct gen *g, struct family *f)
{
	static const unsigned char types[] = {
		PGM_T_SPM, PGM_T_POLL, PGM_T_POLR, PGM_T_ODATA, PGM_T_RDATA,
		PGM_T_NAK, PGM_T_NNAK, PGM_T_NCF, PGM_T_SPMR, PGM_T_ODATA,
		PGM_T_NCF, PGM_T_SPM, PGM_T_RDATA,
	};
	static const unsigned char unknown[] = {
		0x03, 0x06, 0x07, 0x0b, 0x0d, 0x0e, 0x0f,
	};
	static const unsigned short afis[] = { 2, 2, 3, 0, 0xffff };
	struct fake *fk = pool_pick(g, f, opts_fresh);
	const struct target *t = fk->t;
	struct in_addr dst;
	bool live = false;
	unsigned int i;
	struct spec s;

	/* A session first, so that what follows reaches its parser. */
	if (!fk->started) {
		data(&s, fk, PGM_T_ODATA, fk->lead + 1, 1 + below(100));
		fake_tx(g, f, fk, &s);
		return 0;
	}
	if (one_in(200)) {
		opts_fresh(g, f, fk);
		return fam_opts(g, f);
	}
	spec_init(&s, one_in(16) ? PICK(unknown) : PICK(types), fk);
	s.sqn = near(fk->trail, fk->commit, fk->lead);
	s.trail = one_in(2) ? fk->trail : rnd32();
	s.lead = near(fk->trail, fk->commit, fk->lead);
	s.tsdu = below(1400);
	s.afi = one_in(8) ? PICK(afis) : PGM_AFI_IP;
	s.grp_afi = one_in(8) ? PICK(afis) : PGM_AFI_IP;
	s.nla = g->self;
	s.grp_nla = t->group;
	s.opts = rnd32() & rnd32() & 0x7fff;
	s.flags = one_in(4) ? rnd32() & (PGM_F_OPT_PARITY |
					 PGM_F_OPT_VAR_PKTLEN |
					 PGM_F_OPT_NETWORK) : 0;
	s.prm = rnd32();
	s.prm_tgs = rnd32() >> below(32);
	s.rst = rnd32();
	s.tgsize = rnd32() >> below(32);
	s.grp = rnd32() >> below(32);
	s.join = near(fk->trail, fk->commit, fk->lead);
	s.frag_first = rnd32();
	s.frag_off = rnd32() >> below(32);
	s.frag_len = rnd32() >> below(32);
	if (s.opts & OP_LIST) {
		/* 0 to 62 entries (0: an empty list, malformed). */
		s.nnak = below(PGM_OPT_LIST_MAX + 1);
		for (i = 0; i < s.nnak; i++)
			s.naks[i] = near(fk->trail, fk->commit, fk->lead);
	}
	s.bad_csum = one_in(12);
	if (one_in(20)) {
		many_opts(g, fk);
	} else {
		build(g, fk->gsi, fk->sport, t->port, &s);
		if (one_in(20))
			pgm_put16(g->b.buf + 6, 0);	/* "no checksum" */
		if (one_in(20) && s.opts & OP_LIST) {
			/* An OPT_NAK_LIST longer than 62 entries says. */
			g->b.buf[g->b.opt_start + 4 + 1] =
				ONE_OF(4, 5, 6, 253, 254, 255);
			set_csum(&g->b);
		}
		if (!one_in(3))
			mangle(g, below(16));
	}
	dst = t->group;
	/* Now and then at a live group (nothing that makes a session
	 * there: a session is a sink's business) or a live source.
	 */
	if (g->n_lives && one_in(4)) {
		const struct target *l = &g->lives[below(g->n_lives)];
		unsigned char type = g->b.buf[4] & 0x0f;

		if (type != PGM_T_ODATA ||
		    (g->b.buf[5] & PGM_F_OPT_PARITY) || g->b.len < 16) {
			pgm_put16(g->b.buf + 2, l->port);
			set_csum(&g->b);
			dst = l->group;
			t = l;
			live = true;
		}
	}
	if (!live && g->n_live && one_in(8))
		dst = g->live[below(g->n_live)].src;
	tx(g, f, dst, one_in(8) ? !t->udp : t->udp);
	return 0;
}

/* ----- the live sessions: capture and the upstream family ----- */

static struct live *live_find(struct gen *g, const unsigned char *pgm,
			      struct in_addr group, bool udp)
{
	unsigned int sport = pgm[0] << 8 | pgm[1], dport = pgm[2] << 8 | pgm[3];
	struct live *l;
	unsigned int i;

	for (i = 0; i < g->n_live; i++) {
		l = &g->live[i];
		if (l->sport == sport && l->dport == dport && l->udp == udp &&
		    l->group.s_addr == group.s_addr &&
		    !memcmp(l->gsi, pgm + 8, 6))
			return l;
	}
	/* A new one, or the stalest one's entry. */
	if (g->n_live < MAX_LIVE) {
		l = &g->live[g->n_live++];
	} else {
		l = &g->live[0];
		for (i = 1; i < g->n_live; i++)
			if (g->live[i].seen < l->seen)
				l = &g->live[i];
	}
	memset(l, 0, sizeof(*l));
	memcpy(l->gsi, pgm + 8, 6);
	l->sport = sport;
	l->dport = dport;
	l->group = group;
	l->udp = udp;
	return l;
}

/* Does a captured SPM carry OPT_PARITY_PRM? */
static bool spm_has_prm(const unsigned char *p, size_t len)
{
	size_t off = PGM_HDR_LEN + 12, end;
	int n;

	if (!(p[5] & PGM_F_OPT_PRESENT) || len < off + 4)
		return false;
	off += p[off + 1] == PGM_AFI_IP6 ? 20 : 8;	/* the path NLA */
	if (len < off + 4 || p[off] != PGM_O_LENGTH)
		return false;
	end = off + (p[off + 2] << 8 | p[off + 3]);
	if (end > len)
		end = len;
	for (off += 4, n = 0; off + 4 <= end && n < 16; n++) {
		if ((p[off] & 0x7f) == PGM_O_PARITY_PRM)
			return true;
		if (p[off] & PGM_O_END || p[off + 1] < 4)
			break;
		off += p[off + 1];
	}
	return false;
}

/* A captured IPv4 packet: learn from a live source's downstream PGM. */
static void learn(struct gen *g, const unsigned char *ip, size_t len)
{
	unsigned int ihl, i, type, sqn;
	const unsigned char *p;
	struct in_addr group, src;
	bool udp = false;
	struct live *l;
	size_t plen;

	if (len < 20 || (ip[0] >> 4) != 4)
		return;
	ihl = (ip[0] & 15) * 4;
	if (ihl < 20 || len < ihl)
		return;
	memcpy(&src, ip + 12, 4);
	memcpy(&group, ip + 16, 4);
	p = ip + ihl;
	plen = len - ihl;
	if (ip[9] == 17) {
		unsigned int dp;

		if (plen < 8)
			return;
		dp = p[2] << 8 | p[3];
		if (dp != g->udp_mcast && dp != g->udp_ucast)
			return;
		p += 8;
		plen -= 8;
		udp = true;
	} else if (ip[9] != 113) {
		return;
	}
	if (plen < 24 || src.s_addr == g->self.s_addr)
		return;
	type = p[4] & 0x0f;
	if (type != PGM_T_ODATA && type != PGM_T_RDATA && type != PGM_T_SPM)
		return;
	for (i = 0; i < g->n_lives; i++)
		if (g->lives[i].group.s_addr == group.s_addr &&
		    g->lives[i].port == (p[2] << 8 | p[3]) &&
		    g->lives[i].udp == udp)
			break;
	if (i == g->n_lives)
		return;
	l = live_find(g, p, group, udp);
	l->src = src;
	l->seen = pgm_now_ns();
	l->pkts++;
	sqn = pgm_get32(p + 16);
	if (type == PGM_T_SPM) {
		if (plen >= 28) {
			l->trail = pgm_get32(p + 20);
			l->lead = pgm_get32(p + 24);
		}
		if (spm_has_prm(p, plen))
			l->fec = true;
		return;
	}
	if (p[5] & PGM_F_OPT_PARITY) {
		l->fec = true;
		return;
	}
	if (l->pkts == 1 || (int)(sqn - l->lead) > 0)
		l->lead = sqn;
	l->trail = pgm_get32(p + 20);
}

static void capture(struct gen *g)
{
	unsigned char buf[2048];
	struct sockaddr_ll sll;
	socklen_t sl;
	ssize_t n;
	int i;

	if (g->cap < 0)
		return;
	for (i = 0; i < 256; i++) {
		sl = sizeof(sll);
		n = recvfrom(g->cap, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0)
			return;
		if (sll.sll_pkttype != PACKET_OUTGOING)
			learn(g, buf, n);
	}
}

/* Sequences for a live window: most away from what a repair serves
 * (behind, ahead, far ahead), a few inside it, which ask for real
 * repairs (kept few: the live sessions must go on).
 */
static unsigned int live_region(const struct live *l)
{
	static const unsigned int ahead[] = { 1, 2, 10, 62, 63, 100, 255,
					      256, 1000, 1023, 1024, 16383,
					      16384, 65535, 65536 };
	unsigned int span = l->lead - l->trail;

	switch (below(16)) {
	case 0:
		return l->trail - 1;
	case 1:
		return l->trail - 1 - below(100000);
	case 2:
		return l->trail - 0x80000000;
	case 3:
		return one_in(8) ? l->trail + below(span + 1) : l->trail - 1;
	case 4:
	case 5:
	case 6:
	case 7:
		return l->lead + PICK(ahead);
	case 8:
		return l->lead + 1 + below(100);
	case 9:
		return l->lead + 0x7fffffff;
	case 10:
		return l->lead + 0x80000000;
	case 11:
		return l->lead + 0x80000001;
	case 12:
		return l->lead + 1 + below(1 << 24);
	default:
		return rnd32();
	}
}

static struct live *live_pick(struct gen *g, bool *fresh)
{
	long long now = pgm_now_ns();
	struct live *best = NULL;
	unsigned int i, n = 0;

	/* A live session heard within 1.5 s, at random. */
	for (i = 0; i < g->n_live; i++) {
		if (now - g->live[i].seen > 1500000000LL)
			continue;
		if (!below(++n))
			best = &g->live[i];
	}
	*fresh = !!best;
	if (best || !g->n_live)
		return best;
	return &g->live[below(g->n_live)];
}

static int fam_upstream(struct gen *g, struct family *f)
{
	static const unsigned char types[] = {
		PGM_T_NAK, PGM_T_NAK, PGM_T_NAK, PGM_T_NAK, PGM_T_NAK,
		PGM_T_NNAK, PGM_T_NNAK, PGM_T_SPMR, PGM_T_POLR,
	};
	unsigned char gsi[6];
	unsigned int i, sport, dport;
	struct in_addr dst, src;
	struct live *l;
	bool fresh, udp;
	struct spec s;

	l = live_pick(g, &fresh);
	if (!fresh && (pgm_now_ns() - g->t0) / 1000000000LL < g->learn_wait)
		return -1;		/* wait for a live session */
	if (l) {
		memcpy(gsi, l->gsi, 6);
		sport = l->dport;	/* from the receiver's port ... */
		dport = l->sport;	/* ... to the source's */
		src = l->src;
		udp = l->udp;
		dst = one_in(5) ? l->group : l->src;
	} else {
		rnd_fill(gsi, 6);
		sport = 7500;
		dport = 1024 + below(60000);
		src = g->self;
		udp = one_in(2);
		dst = g->n_lives ? g->lives[0].group : g->none.group;
	}
	g->upstream_fresh += fresh;
	spec_init(&s, PICK(types), NULL);
	s.nla = one_in(8) ? g->self : src;
	s.grp_nla = l ? l->group : dst;
	if (one_in(16))
		s.afi = ONE_OF(2, 3, 0xffff);
	if (one_in(16))
		s.grp_afi = ONE_OF(2, 3, 0xffff);
	s.sqn = l ? live_region(l) : rnd32();
	if (l && l->fec && one_in(4)) {
		/* A parity NAK: group | (count - 1), groups of 16. */
		s.flags = PGM_F_OPT_PARITY;
		s.sqn = (s.sqn & ~15u) | below(16);
	}
	if (s.type != PGM_T_SPMR && s.type != PGM_T_POLR && one_in(3)) {
		s.opts = OP_LIST;
		s.nnak = below(PGM_OPT_LIST_MAX + 1);
		for (i = 0; i < s.nnak; i++)
			s.naks[i] = l ? live_region(l) : rnd32();
	}
	if (one_in(16))
		s.opts |= ONE_OF(OP_BOIVL, OP_BORNG, OP_REDIR, OP_PATH, OP_NBR,
				 OP_UNKNOWN, OP_PRM, OP_FRAG, OP_TGS);
	s.bad_csum = one_in(32);
	build(g, gsi, sport, dport, &s);
	/* Never bytes flipped at random: an upstream packet must stay one. */
	if (one_in(16))
		mangle(g, below(11));
	/* Now and then over the other transport than the session's. */
	tx(g, f, dst, one_in(10) ? !udp : udp);
	return 0;
}

/* ----- pace: no faster than the guest takes it ----- */

/* Packets the kernel's input queues dropped so far (all CPUs; the file
 * is the same in every namespace), or -1.
 */
static long long softnet_drops(void)
{
	unsigned int processed, dropped;
	long long sum = 0;
	char line[512];
	FILE *f;

	f = fopen("/proc/net/softnet_stat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%x %x", &processed, &dropped) == 2)
			sum += dropped;
	fclose(f);
	return sum;
}

/*
 * The generator sends at a rate that halves when the input queues drop
 * packets (a packet dropped there never reaches the module: wasted, and
 * it takes live packets with it) and creeps back up to the cap while
 * they do not.
 */
struct pace {
	double		cap, rate, rate_min, cpu_cap;
	long long	t0, mark_ns, last_check, drops0, drops;
	unsigned long	mark_pkts, slowdowns;
};

/* This process's CPU time, ns: system time includes the softirq work
 * its sends did on the way out (and often on the way in).
 */
static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void pace_init(struct pace *p, double cap, double cpu_cap)
{
	memset(p, 0, sizeof(*p));
	p->cpu_cap = cpu_cap;
	p->cap = cap > 0 ? cap : 1e9;
	p->rate = p->cap;
	p->rate_min = p->cap;
	p->mark_ns = pgm_now_ns();
	p->t0 = p->mark_ns - (long long)(cpu_ns() / (cpu_cap > 0 ? cpu_cap : 1));
	p->last_check = p->mark_ns;
	p->drops0 = softnet_drops();
}

static void pace_set(struct pace *p, double rate, long long now,
		     unsigned long total)
{
	p->rate = rate < 50 ? 50 : rate > p->cap ? p->cap : rate;
	if (p->rate < p->rate_min)
		p->rate_min = p->rate;
	p->mark_ns = now;
	p->mark_pkts = total;
}

/* Called after each round of bursts, @total packets sent so far. */
static void pace_wait(struct pace *p, unsigned long total)
{
	long long now = pgm_now_ns(), due, d;

	if (now - p->last_check >= 20000000LL && p->drops0 >= 0) {
		d = softnet_drops();
		p->last_check = now;
		if (d > p->drops0) {
			p->drops += d - p->drops0;
			p->drops0 = d;
			p->slowdowns++;
			pace_set(p, p->rate / 2, now, total);
			/* Let the queues drain. */
			pgm_sleep_ms(20);
			return;
		}
		if (p->rate < p->cap)
			pace_set(p, p->rate * 1.05, now, total);
	}
	due = p->mark_ns + (long long)((total - p->mark_pkts) * 1e9 / p->rate);
	/* -c: no more than that share of a CPU, so that the live
	 * sessions get theirs (a slow kernel makes each packet dear).
	 */
	if (p->cpu_cap > 0) {
		long long cpu_due = p->t0 + (long long)(cpu_ns() / p->cpu_cap);

		if (cpu_due > due)
			due = cpu_due;
	}
	if (due > now) {
		struct timespec ts = { (due - now) / 1000000000LL,
				       (due - now) % 1000000000LL };

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
}

/* ----- family: spoof ----- */

/*
 * Downstream packets with a live session's TSI, from this host's own
 * address: SPMs (leads far ahead and behind, OPT_FIN, OPT_RST,
 * OPT_PARITY_PRM), NCFs and NCF lists of every region, RDATA inside the
 * window with other bytes, parity, POLLs. A session is its source's
 * address's: each must be dropped (PgmInWrongSource), and the verified
 * sessions show none was taken. No ODATA without parity: that makes a
 * session for a receiver that has none for the TSI yet, which is a
 * listener's business (the churn family's), not a live session's.
 */
static int fam_spoof(struct gen *g, struct family *f)
{
	static const unsigned char types[] = {
		PGM_T_SPM, PGM_T_SPM, PGM_T_SPM, PGM_T_NCF, PGM_T_NCF,
		PGM_T_RDATA, PGM_T_RDATA, PGM_T_ODATA, PGM_T_POLL,
	};
	struct live *l;
	unsigned int i, span;
	bool fresh;
	struct spec s;

	l = live_pick(g, &fresh);
	if (!fresh && (pgm_now_ns() - g->t0) / 1000000000LL < g->learn_wait)
		return -1;		/* wait for a live session */
	g->spoof_fresh += fresh;
	spec_init(&s, PICK(types), NULL);
	s.nla = g->self;
	s.grp_nla = l ? l->group : g->none.group;
	span = l ? l->lead - l->trail : 0;
	s.trail = l ? l->trail : rnd32();
	switch (s.type) {
	case PGM_T_SPM:
		s.sqn = rnd32();
		s.lead = l ? live_region(l) : rnd32();
		if (one_in(4))
			s.trail = s.lead - below(1000);
		s.opts = ONE_OF(0, 0, OP_FIN, OP_RST, OP_PRM, OP_PRM | OP_TGS);
		s.rst = one_in(2) ? PGM_O_RST_N : 0;
		s.prm = 1 + below(3);
		s.prm_tgs = 1u << (1 + below(7));
		s.tgsize = below(s.prm_tgs + 1);
		break;
	case PGM_T_NCF:
		s.sqn = l ? live_region(l) : rnd32();
		if (one_in(2)) {
			s.opts = OP_LIST;
			s.nnak = 1 + below(PGM_OPT_LIST_MAX);
			for (i = 0; i < s.nnak; i++)
				s.naks[i] = l ? live_region(l) : rnd32();
		}
		if (l && l->fec && one_in(4))
			s.flags = PGM_F_OPT_PARITY;
		break;
	case PGM_T_RDATA:
		/* Inside the window: a repair of what the session may miss. */
		s.sqn = s.trail + below(span + 2);
		s.tsdu = 1 + below(1400);
		break;
	case PGM_T_ODATA:	/* parity only */
		s.sqn = l ? l->lead + below(3) : rnd32();
		s.flags = PGM_F_OPT_PARITY |
			  (one_in(2) ? PGM_F_OPT_VAR_PKTLEN : 0);
		s.tsdu = 1 + below(1400);
		if (one_in(2)) {
			s.opts = OP_GRP;
			s.grp = below(4);
		}
		if (one_in(2))
			s.type = PGM_T_RDATA;
		break;
	default:
		s.sqn = rnd32();
		break;
	}
	if (l) {
		build(g, l->gsi, l->sport, l->dport, &s);
		tx(g, f, l->group, l->udp);
	} else {
		unsigned char gsi[6];

		rnd_fill(gsi, 6);
		build(g, gsi, 1024 + below(60000), g->none.port, &s);
		tx(g, f, g->none.group, false);
	}
	return 0;
}

/* ----- run ----- */

static struct family families[] = {
	{ .name = "fec", .weight = 20, .step = fam_fec },
	{ .name = "frag", .weight = 10, .step = fam_frag },
	{ .name = "edge", .weight = 10, .step = fam_edge },
	{ .name = "ncf", .weight = 12, .step = fam_ncf },
	{ .name = "nla", .weight = 3, .step = fam_nla },
	{ .name = "churn", .weight = 5, .step = fam_churn },
	{ .name = "opts", .weight = 25, .step = fam_opts },
	{ .name = "upstream", .weight = 15, .step = fam_upstream },
	{ .name = "spoof", .weight = 5, .step = fam_spoof },
};

/* G:P[:udp] */
static void parse_target(const char *arg, struct target *t, int kind)
{
	char buf[128], *port, *rest;

	snprintf(buf, sizeof(buf), "%s", arg);
	port = strchr(buf, ':');
	if (!port)
		goto bad;
	*port++ = '\0';
	rest = strchr(port, ':');
	if (rest)
		*rest++ = '\0';
	memset(t, 0, sizeof(*t));
	if (inet_pton(AF_INET, buf, &t->group) != 1 || !atoi(port))
		goto bad;
	t->port = atoi(port);
	t->udp = rest && !strcmp(rest, "udp");
	t->kind = kind;
	return;
bad:
	fprintf(stderr, "pgm_hostile: bad target '%s' (G:P[:udp])\n", arg);
	exit(2);
}

static void parse_ports(const char *arg, unsigned short *u, unsigned short *m)
{
	if (sscanf(arg, "%hu,%hu", u, m) != 2 || !*u || !*m) {
		fprintf(stderr, "pgm_hostile: bad ports '%s' (U,M)\n", arg);
		exit(2);
	}
}

static void select_families(const char *list)
{
	char buf[256], *tok, *save;
	unsigned int i;

	if (!strcmp(list, "all")) {
		for (i = 0; i < ARRAY_SIZE(families); i++)
			families[i].on = true;
		return;
	}
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(families); i++)
			if (!strcmp(tok, families[i].name))
				break;
		if (i == ARRAY_SIZE(families)) {
			fprintf(stderr, "pgm_hostile: no family '%s'\n", tok);
			exit(2);
		}
		families[i].on = true;
	}
}

static int open_sockets(struct gen *g, const char *dev)
{
	int off = 0, buf = 4 << 20;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	unsigned int i;
	int s;

	g->raw = pgm_raw_socket();
	g->udp = socket(AF_INET, SOCK_DGRAM, 0);
	if (g->raw < 0 || g->udp < 0)
		die("socket");
	setsockopt(g->raw, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off));
	setsockopt(g->udp, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off));
	setsockopt(g->raw, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(g->udp, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	/* Sockets send from PGM_UDP_ENCAP's unicast port, as a peer would. */
	sa = pgm_sin("0.0.0.0", g->udp_ucast);
	s = 1;
	setsockopt(g->udp, SOL_SOCKET, SO_REUSEADDR, &s, sizeof(s));
	bind(g->udp, (struct sockaddr *)&sa, sizeof(sa));

	/* Our own address: what routing picks towards the sinks' groups. */
	s = socket(AF_INET, SOCK_DGRAM, 0);
	sa = pgm_sin(g->n_sinks ? inet_ntoa(g->sinks[0].group) : "239.7.0.1",
		     9);
	if (s >= 0 && !connect(s, (struct sockaddr *)&sa, sizeof(sa)) &&
	    !getsockname(s, (struct sockaddr *)&sa, &sl))
		g->self = sa.sin_addr;
	if (s >= 0)
		close(s);

	/* Members of the live groups: a snooping bridge forwards them. */
	for (i = 0; i < g->n_lives; i++) {
		struct ip_mreqn mr = { .imr_multiaddr = g->lives[i].group };

		setsockopt(g->udp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
			   sizeof(mr));
	}

	g->cap = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (g->cap < 0)
		return -1;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = if_nametoindex(dev);
	if (!sll.sll_ifindex ||
	    bind(g->cap, (struct sockaddr *)&sll, sizeof(sll))) {
		close(g->cap);
		g->cap = -1;
		return -1;
	}
	setsockopt(g->cap, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	return 0;
}

static int do_run(int argc, char **argv)
{
	unsigned long count = 100000, weights = 0, left;
	const char *dev = "eth0", *list = "all";
	static struct gen gen;
	struct gen *g = &gen;
	unsigned long long seed = 1;
	double pps = 20000, cpu_cap = 0, secs;
	struct pace pace;
	unsigned int i;
	int c;

	g->udp_ucast = 3055;
	g->udp_mcast = 3056;
	g->learn_wait = 30;
	inet_pton(AF_INET, "10.88.0.99", &g->victim);
	inet_pton(AF_INET, "239.7.9.9", &g->none.group);
	g->none.port = 7999;
	g->none.kind = T_NONE;
	while ((c = getopt(argc, argv, "s:n:r:c:f:S:L:V:i:u:w:o:")) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			pps = atof(optarg);
			break;
		case 'c':
			cpu_cap = atof(optarg);
			break;
		case 'f':
			list = optarg;
			break;
		case 'S':
			if (g->n_sinks == MAX_TARGETS)
				exit(2);
			parse_target(optarg, &g->sinks[g->n_sinks++], T_SINK);
			break;
		case 'L':
			if (g->n_lives == MAX_TARGETS)
				exit(2);
			parse_target(optarg, &g->lives[g->n_lives++], T_LIVE);
			break;
		case 'V':
			if (inet_pton(AF_INET, optarg, &g->victim) != 1)
				exit(2);
			break;
		case 'i':
			dev = optarg;
			break;
		case 'u':
			parse_ports(optarg, &g->udp_ucast, &g->udp_mcast);
			break;
		case 'w':
			g->learn_wait = atoi(optarg);
			break;
		case 'o':
			g->dump = fopen(optarg, "w");
			if (!g->dump)
				die(optarg);
			break;
		default:
			exit(2);
		}
	}
	rng_state = seed;
	rnd_fill(pool_bytes, sizeof(pool_bytes));
	select_families(list);
	if (open_sockets(g, dev) && g->n_lives)
		fprintf(stderr, "pgm_hostile: no capture on %s: %s\n", dev,
			strerror(errno));

	/* The budget, shared by weight. */
	for (i = 0; i < ARRAY_SIZE(families); i++) {
		families[i].idx = i;
		if (families[i].on)
			weights += families[i].weight;
	}
	left = count;
	for (i = 0; i < ARRAY_SIZE(families); i++) {
		struct family *f = &families[i];

		if (!f->on)
			continue;
		f->budget = count * f->weight / weights;
		if (!f->budget)
			f->budget = 1;
		left -= left < f->budget ? left : f->budget;
	}
	for (i = 0; left && i < ARRAY_SIZE(families); i++)
		if (families[i].on) {
			families[i].budget += left;
			left = 0;
		}

	g->t0 = pgm_now_ns();
	pace_init(&pace, pps, cpu_cap);
	for (;;) {
		bool busy = false, sent = false;

		for (i = 0; i < ARRAY_SIZE(families); i++) {
			struct family *f = &families[i];
			int n;

			if (!f->on || f->pkts >= f->budget)
				continue;
			busy = true;
			for (n = 0; n < BURST && f->pkts < f->budget; n++) {
				unsigned long before = f->pkts;

				if (f->step(g, f) < 0 && f->pkts == before)
					break;
				sent = true;
			}
		}
		if (!busy)
			break;
		capture(g);
		pace_wait(&pace, g->total);
		if (!sent)
			pgm_sleep_ms(10);
	}
	secs = (pgm_now_ns() - g->t0) / 1e9;
	for (i = 0; i < ARRAY_SIZE(families); i++) {
		struct family *f = &families[i];

		if (f->on)
			printf("family %s packets=%lu bytes=%lu errors=%lu sources=%lu\n",
			       f->name, f->pkts, f->bytes, f->errors,
			       f->sources);
	}
	printf("live tsis=%u upstream_fresh=%lu spoof_fresh=%lu\n", g->n_live,
	       g->upstream_fresh, g->spoof_fresh);
	for (i = 0; i < g->n_live; i++) {
		struct live *l = &g->live[i];

		printf("live tsi=%02x%02x%02x%02x%02x%02x.%u group=%s:%u%s fec=%d pkts=%lu\n",
		       l->gsi[0], l->gsi[1], l->gsi[2], l->gsi[3], l->gsi[4],
		       l->gsi[5], l->sport, inet_ntoa(l->group), l->dport,
		       l->udp ? ":udp" : "", l->fec, l->pkts);
	}
	printf("total packets=%lu bytes=%lu secs=%.1f pps=%.0f", g->total,
	       g->total_bytes, secs, secs > 0 ? g->total / secs : 0);
	printf(" drops=%lld slowdowns=%lu rate_min=%.0f\n", pace.drops,
	       pace.slowdowns, pace.rate_min);
	return 0;
}

/* ----- sink ----- */

struct sink_lsn {
	int		fd;
	bool		noaccept, noread;
};

struct sink_sess {
	int		fd;
	bool		noread;
	short		rev;		/* poll()'s revents */
	long long	last;
};

static sig_atomic_t sink_stop;

static void sink_signal(int sig)
{
	sink_stop = 1;
}

static int sink_listener(const char *arg, unsigned short u, unsigned short m,
			 struct sink_lsn *sl)
{
	struct pgm_udp_encap e = { .ucast_port = u, .mcast_port = m };
	char buf[256], *tok, *save;
	int backlog = 64, rcvbuf = 0;
	struct target t;
	struct sockaddr_in sa;
	int fd;

	parse_target(arg, &t, T_SINK);
	snprintf(buf, sizeof(buf), "%s", arg);
	memset(sl, 0, sizeof(*sl));
	for (tok = strtok_r(buf, ":", &save); tok;
	     tok = strtok_r(NULL, ":", &save)) {
		if (!strcmp(tok, "noaccept"))
			sl->noaccept = true;
		else if (!strcmp(tok, "noread"))
			sl->noread = true;
		else if (!strncmp(tok, "rcvbuf=", 7))
			rcvbuf = atoi(tok + 7);
		else if (!strncmp(tok, "backlog=", 8))
			backlog = atoi(tok + 8);
	}
	fd = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	if (fd < 0)
		die("socket");
	if (rcvbuf &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
		die("SO_RCVBUF");
	if (t.udp && setsockopt(fd, SOL_PGM, PGM_UDP_ENCAP, &e, sizeof(e)))
		die("PGM_UDP_ENCAP");
	sa = pgm_sin(inet_ntoa(t.group), t.port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	if (listen(fd, backlog))
		die("listen");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	sl->fd = fd;
	return fd;
}

static int do_sink(int argc, char **argv)
{
	unsigned long accepted = 0, eof = 0, reset = 0, errs = 0, idle = 0;
	unsigned long evicted = 0, bytes = 0;
	static struct sink_sess sess[1024];
	static struct pollfd pfd[1024 + MAX_TARGETS];
	unsigned short u = 3055, m = 3056;
	struct sink_lsn lsn[MAX_TARGETS];
	const char *specs[MAX_TARGETS];
	unsigned int n_lsn = 0, n_sess = 0, max_open = 64, i, j, n;
	long long idle_ns = 1000000000LL;
	static char buf[65536];
	struct sigaction sa = { .sa_handler = sink_signal };
	int c;

	while ((c = getopt(argc, argv, "l:m:I:u:")) != -1) {
		switch (c) {
		case 'l':
			if (n_lsn == MAX_TARGETS)
				exit(2);
			specs[n_lsn++] = optarg;
			break;
		case 'm':
			max_open = atoi(optarg);
			if (!max_open || max_open > ARRAY_SIZE(sess))
				exit(2);
			break;
		case 'I':
			idle_ns = atoll(optarg) * 1000000LL;
			break;
		case 'u':
			parse_ports(optarg, &u, &m);
			break;
		default:
			exit(2);
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < n_lsn; i++)
		sink_listener(specs[i], u, m, &lsn[i]);
	printf("ready\n");
	fflush(stdout);

	while (!sink_stop) {
		long long now = pgm_now_ns();

		n = 0;
		for (i = 0; i < n_lsn; i++)
			pfd[n++] = (struct pollfd){ .fd = lsn[i].noaccept ?
						   -1 : lsn[i].fd,
						   .events = POLLIN };
		for (i = 0; i < n_sess; i++)
			pfd[n++] = (struct pollfd){ .fd = sess[i].noread ?
						   -1 : sess[i].fd,
						   .events = POLLIN };
		if (poll(pfd, n, 100) < 0 && errno != EINTR)
			die("poll");
		now = pgm_now_ns();
		for (i = 0; i < n_sess; i++)
			sess[i].rev = pfd[n_lsn + i].revents;
		/* Read what is there; close what ended or went quiet. */
		for (i = 0; i < n_sess; ) {
			struct sink_sess *ss = &sess[i];
			bool gone = false;
			ssize_t r;

			for (j = 0; ss->rev && j < 64; j++) {
				r = recv(ss->fd, buf, sizeof(buf), 0);
				if (r > 0) {
					bytes += r;
					ss->last = now;
					continue;
				}
				if (!r) {
					eof++;
					gone = true;
				} else if (errno == ECONNRESET) {
					reset++;
					gone = true;
				} else if (errno != EAGAIN) {
					errs++;
					gone = true;
				}
				break;
			}
			if (!gone && now - ss->last >
			    (ss->noread ? 5 : 1) * idle_ns) {
				idle++;
				gone = true;
			}
			if (gone) {
				close(ss->fd);
				*ss = sess[--n_sess];
				continue;
			}
			i++;
		}
		for (i = 0; i < n_lsn; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			for (;;) {
				int fd = accept(lsn[i].fd, NULL, NULL);

				if (fd < 0)
					break;
				accepted++;
				if (n_sess == max_open) {
					/* The oldest goes. */
					close(sess[0].fd);
					memmove(sess, sess + 1,
						--n_sess * sizeof(sess[0]));
					evicted++;
				}
				fcntl(fd, F_SETFL, O_NONBLOCK);
				sess[n_sess++] = (struct sink_sess){
					.fd = fd, .noread = lsn[i].noread,
					.rev = POLLIN, .last = now };
			}
		}
	}
	for (i = 0; i < n_sess; i++)
		close(sess[i].fd);
	for (i = 0; i < n_lsn; i++)
		close(lsn[i].fd);
	printf("sink accepted=%lu eof=%lu reset=%lu errors=%lu idle=%lu evicted=%lu bytes=%lu\n",
	       accepted, eof, reset, errs, idle, evicted, bytes);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc > 1 && !strcmp(argv[1], "run"))
		return do_run(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "sink"))
		return do_sink(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "list")) {
		for (i = 0; i < ARRAY_SIZE(families); i++)
			printf("%s\n", families[i].name);
		return 0;
	}
	fprintf(stderr, "usage: pgm_hostile run|sink|list [options] (see the source)\n");
	return 2;
}
