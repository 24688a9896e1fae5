// SPDX-License-Identifier: GPL-2.0
/*
 * Forged upstream packets against a live module source (issue 9). A raw
 * socket on loopback, in a namespace of its own, captures what the
 * source sends, learns its TSI from its ODATA and forges unicast NAKs,
 * NNAKs, SPMRs and POLRs with it:
 *  - NAKs for sequences never sent, far ahead, behind the trailing edge,
 *    all of them invalid, get no NCF at all; a NAK list mixing valid and
 *    invalid sequences gets one NCF listing the valid ones only, and
 *    RDATA for those only (PgmInNakIgnored counts the rest);
 *  - a flood of NAKs for one sequence within one repair interval gets
 *    one NCF and one RDATA; a repeat after the interval another of each;
 *  - parity NAKs: a count above the group's parity gets no more than the
 *    group's n - k packets, a flood no more NCFs or parity within the
 *    interval, groups never sent or gone no NCF;
 *  - an SPMR flood is answered at most once per heartbeat interval;
 *    NNAKs and POLRs are counted and answered with nothing;
 *  - RM_SENDER_STATISTICS snapshots while a send is leaving, each one
 *    moment: DataBytesSent carried by the TotalODataPacketsSent counted,
 *    those by TotalBytesSent, none behind what the capture saw; once
 *    out, DataBytesSent and TotalODataPacketsSent equal what the capture
 *    saw and PgmOutOData; TotalBytesSent the SPM, ODATA and RDATA bytes
 *    captured (SOCK_RDM and SOCK_STREAM);
 *  - a live session with two module receivers delivers every message,
 *    verified, to the end (no ECONNRESET) while forged NAKs, NNAKs,
 *    SPMRs and POLRs flood its source; every NCF it sends confirms a
 *    sequence it sent, none twice within the repair interval.
 *
 * On a module that confirmed whatever a NAK named, the live session's
 * receivers reset after about half the messages.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <netinet/ip.h>
#include <linux/pgm.h>

#include "pgm_test.h"
#include "../../kselftest_harness.h"

#define GROUP		"239.9.9.40"
#define PORT		7740
#define MAXSQN		64
#define QUIET_MS	500	/* how long to wait for what should not come */

/* ----- the capture ----- */

struct pkt {
	unsigned char b[1600];
	size_t len;		/* PGM bytes, the IP header stripped */
	struct in_addr from;	/* IP source */
	long long ts;		/* when it was sent: SO_TIMESTAMPNS, ns */
};

#define T(type)		(1U << (type))

static unsigned int type_of(const struct pkt *p)
{
	return p->b[4] & 0x0f;
}

static unsigned int sqn_of(const struct pkt *p)
{
	return pgm_get32(p->b + 16);
}

static bool is_parity(const struct pkt *p)
{
	return p->b[5] & PGM_F_OPT_PARITY;
}

/* The TSDU length of a data packet. */
static unsigned int tsdu_of(const struct pkt *p)
{
	return pgm_get16(p->b + 14);
}

/* The next packet of a type in @types (T() bits) from source port
 * @sport (0: any) within @ms. Return: its type, or -1.
 */
static int next_pkt(int raw, unsigned int types, unsigned int sport,
		    struct pkt *p, long ms)
{
	long long until = pgm_now_ns() + ms * 1000000LL;

	for (;;) {
		long left = (until - pgm_now_ns()) / 1000000;
		char cbuf[CMSG_SPACE(sizeof(struct timespec))];
		unsigned char buf[1700];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf) };
		unsigned int ihl, type;
		struct cmsghdr *c;
		ssize_t r;

		if (left < 0 || !pgm_readable(raw, left))
			return -1;
		r = recvmsg(raw, &m, MSG_DONTWAIT);
		if (r < 20)
			continue;
		ihl = (buf[0] & 15) * 4;
		if ((size_t)r < ihl + 24)
			continue;
		type = buf[ihl + 4] & 0x0f;
		if (!(T(type) & types) ||
		    (sport && pgm_get16(buf + ihl) != sport))
			continue;
		p->len = r - ihl;
		memcpy(p->b, buf + ihl, p->len);
		memcpy(&p->from, buf + 12, sizeof(p->from));
		p->ts = 0;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			struct timespec t;

			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_TIMESTAMPNS)
				continue;
			memcpy(&t, CMSG_DATA(c), sizeof(t));
			p->ts = t.tv_sec * 1000000000LL + t.tv_nsec;
		}
		return type;
	}
}

/* The sequences of an NCF (or NAK): the header's, then OPT_NAK_LIST's. */
static unsigned int ncf_sqns(const struct pkt *p, unsigned int *sqns)
{
	unsigned int n = 0, off = 36, end, l;

	sqns[n++] = sqn_of(p);
	if (!(p->b[5] & PGM_F_OPT_PRESENT) || off + 4 > p->len)
		return n;
	end = off + pgm_get16(p->b + off + 2);
	for (off += 4; off + 4 <= end && end <= p->len; off += l) {
		l = p->b[off + 1];
		if (l < 4)
			break;
		if ((p->b[off] & 0x7f) == PGM_O_NAK_LIST) {
			unsigned int i;

			for (i = 4; i + 4 <= l && n < MAXSQN; i += 4)
				sqns[n++] = pgm_get32(p->b + off + i);
		}
		if (p->b[off] & PGM_O_END)
			break;
	}
	return n;
}

static bool has(const unsigned int *v, unsigned int n, unsigned int x)
{
	while (n--)
		if (v[n] == x)
			return true;
	return false;
}

/* ----- the source under test ----- */

struct src {
	int fd;
	unsigned char gsi[6];
	unsigned int sport;		/* its TSI's port, host order */
	struct sockaddr_in addr;	/* where NAKs go */
	unsigned int first;		/* its first sequence */
	unsigned int lead;		/* the newest ODATA seen */
	unsigned int ndata;		/* data ODATA seen */
	unsigned long long data_bytes;	/* their TSDU bytes */
	unsigned long long pgm_bytes;	/* SPM, ODATA and RDATA bytes seen */
};

FIXTURE(forge)
{
	struct sockaddr_in group;
	int raw;
};

FIXTURE_SETUP(forge)
{
	int buf = 8 << 20, on = 1;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	/* An Ethernet MTU: packets and the rate's burst of a real link. */
	ASSERT_EQ(0, system("ip link set lo mtu 1500 up"));
	ASSERT_EQ(0, system("ip route add 224.0.0.0/4 dev lo"));
	self->group = pgm_sin(GROUP, PORT);
	self->raw = pgm_raw_lo(&self->group.sin_addr);
	ASSERT_LE(0, self->raw);
	ASSERT_EQ(0, setsockopt(self->raw, SOL_SOCKET, SO_RCVBUFFORCE, &buf,
				sizeof(buf)));
	/* Loopback stamps a packet as it is sent: the capture's clock. */
	ASSERT_EQ(0, setsockopt(self->raw, SOL_SOCKET, SO_TIMESTAMPNS, &on,
				sizeof(on)));
}

FIXTURE_TEARDOWN(forge)
{
	close(self->raw);
}

/* Account a packet of the source seen by the capture. */
static void seen(struct src *s, const struct pkt *p)
{
	unsigned int type = type_of(p);

	if (type != PGM_T_SPM && type != PGM_T_ODATA && type != PGM_T_RDATA)
		return;
	s->pgm_bytes += p->len;
	if (type == PGM_T_ODATA && !is_parity(p)) {
		s->ndata++;
		s->data_bytes += tsdu_of(p);
		if (s->ndata == 1 || (int)(sqn_of(p) - s->lead) > 0)
			s->lead = sqn_of(p);
	}
}

#define DOWN	(T(PGM_T_SPM) | T(PGM_T_ODATA) | T(PGM_T_RDATA) | T(PGM_T_NCF))

/* A source of @type at @rate kbit/s (@fec: RM_USE_FEC, or NULL),
 * connected; its TSI, address and first sequence learnt from its first
 * ODATA once @nmsg messages of @len bytes were sent; then every ODATA
 * of them seen. Return: 0, or -1 if something failed.
 */
static int source_start(struct __test_metadata *_metadata, int raw,
			const struct sockaddr_in *g, int type, unsigned int rate,
			const struct rm_fec_info *fec, unsigned int nmsg,
			unsigned int len, struct src *s)
{
	struct rm_send_window w = { rate, 10000, 0 };
	unsigned char msg[1400];
	struct pkt p;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_INET, type, IPPROTO_PGM);
	ASSERT_LE(0, s->fd);
	ASSERT_EQ(0, setsockopt(s->fd, SOL_PGM, RM_RATE_WINDOW_SIZE, &w,
				sizeof(w)));
	if (fec)
		ASSERT_EQ(0, setsockopt(s->fd, SOL_PGM, RM_USE_FEC, fec,
					sizeof(*fec)));
	ASSERT_EQ(0, connect(s->fd, (const struct sockaddr *)g, sizeof(*g)));
	for (i = 0; i < nmsg; i++) {
		memset(msg, 'a' + i % 26, len);
		ASSERT_EQ((ssize_t)len, send(s->fd, msg, len, 0));
	}
	while (s->ndata < nmsg) {
		if (next_pkt(raw, DOWN, 0, &p, 10000) < 0)
			return -1;
		if (pgm_get16(p.b + 2) != PORT)
			continue;
		/* The namespace's only source: its first SPM tells. */
		if (!s->sport) {
			s->sport = pgm_get16(p.b);
			memcpy(s->gsi, p.b + 8, 6);
			s->addr.sin_family = AF_INET;
			s->addr.sin_addr = p.from;
		}
		if (pgm_get16(p.b) != s->sport)
			continue;
		if (!s->ndata && type_of(&p) == PGM_T_ODATA)
			s->first = sqn_of(&p);
		seen(s, &p);
	}
	return 0;
}

/* A NAK-shaped packet (NAK, NNAK) of the session's receiver to the
 * source: @sqns[0] in the header, the rest in OPT_NAK_LIST. Return: its
 * length.
 */
static size_t nak(unsigned char *b, const struct src *s, unsigned char type,
		  bool parity, const unsigned int *sqns, unsigned int n,
		  const struct sockaddr_in *g)
{
	size_t len = 36;
	unsigned int i;

	memset(b, 0, 44 + 4 * MAXSQN);
	pgm_put16(b, PORT);
	pgm_put16(b + 2, s->sport);
	b[4] = type;
	b[5] = parity ? PGM_F_OPT_PARITY : 0;
	memcpy(b + 8, s->gsi, 6);
	pgm_put32(b + 16, sqns[0]);
	b[21] = 1;				/* AFI IPv4 */
	memcpy(b + 24, &s->addr.sin_addr, 4);
	b[29] = 1;
	memcpy(b + 32, &g->sin_addr, 4);
	if (n > 1) {
		b[5] |= PGM_F_OPT_PRESENT | PGM_F_OPT_NETWORK;
		b[37] = 4;			/* OPT_LENGTH */
		pgm_put16(b + 38, 8 + 4 * (n - 1));
		b[40] = PGM_O_NAK_LIST | PGM_O_END;
		b[41] = 4 + 4 * (n - 1);
		for (i = 1; i < n; i++)
			pgm_put32(b + 40 + 4 * i, sqns[i]);
		len = 40 + 4 * n;
	}
	pgm_set_csum(b, len);
	return len;
}

static void send_nak(struct __test_metadata *_metadata, int raw,
		     const struct src *s, unsigned char type, bool parity,
		     const unsigned int *sqns, unsigned int n,
		     const struct sockaddr_in *g)
{
	unsigned char b[44 + 4 * MAXSQN];
	size_t len = nak(b, s, type, parity, sqns, n, g);

	ASSERT_EQ(0, pgm_inject(raw, b, len, &s->addr));
}

/* An SPMR or a POLR to the source. */
static void send_upstream(struct __test_metadata *_metadata, int raw,
			  const struct src *s, unsigned char type)
{
	unsigned char b[24] = { 0 };
	size_t len = type == PGM_T_POLR ? 24 : 16;

	pgm_put16(b, PORT);
	pgm_put16(b + 2, s->sport);
	b[4] = type;
	memcpy(b + 8, s->gsi, 6);
	if (type == PGM_T_POLR)
		pgm_put32(b + 16, 1);
	pgm_set_csum(b, len);
	ASSERT_EQ(0, pgm_inject(raw, b, len, &s->addr));
}

/* What the source sent during @ms: its NCFs (their sequences, the first
 * @max in @ncf), RDATA sequences (in @rdata, up to @max), parity RDATA
 * and SPMs.
 */
struct answer {
	unsigned int ncfs, nncf, ncf[4 * MAXSQN];
	unsigned int nrdata, rdata[4 * MAXSQN];
	unsigned int parity, spms;
};

static void collect_until(int raw, struct src *s, long ms,
			  const struct answer *want, struct answer *a)
{
	long long until = pgm_now_ns() + ms * 1000000LL;
	bool done = !want;
	struct pkt p;
	long left;

	memset(a, 0, sizeof(*a));
	while ((left = (until - pgm_now_ns()) / 1000000) >= 0) {
		int type = next_pkt(raw, DOWN, s->sport, &p, left);

		if (type < 0)
			break;
		seen(s, &p);
		if (type == PGM_T_NCF) {
			unsigned int v[MAXSQN], n = ncf_sqns(&p, v), i;

			a->ncfs++;
			for (i = 0; i < n && a->nncf < 4 * MAXSQN; i++)
				a->ncf[a->nncf++] = v[i];
		} else if (type == PGM_T_RDATA && is_parity(&p)) {
			a->parity++;
		} else if (type == PGM_T_RDATA && a->nrdata < 4 * MAXSQN) {
			a->rdata[a->nrdata++] = sqn_of(&p);
		} else if (type == PGM_T_SPM) {
			a->spms++;
		}
		/* What was awaited came: a little longer for any more. */
		if (!done && a->ncfs >= want->ncfs &&
		    a->nrdata >= want->nrdata && a->parity >= want->parity) {
			done = true;
			until = pgm_now_ns() + QUIET_MS * 1000000LL;
		}
	}
}

/* Everything the source sends in the next @ms. */
static void collect(int raw, struct src *s, long ms, struct answer *a)
{
	collect_until(raw, s, ms, NULL, a);
}

/* What the source sends until @ncfs NCFs, @rdata RDATA packets and
 * @parity parity packets came (or 10 s), and QUIET_MS more.
 */
static void expect(int raw, struct src *s, unsigned int ncfs,
		   unsigned int rdata, unsigned int parity, struct answer *a)
{
	struct answer want = { .ncfs = ncfs, .nrdata = rdata,
			       .parity = parity };

	collect_until(raw, s, 10000, &want, a);
}

/*
 * NAKs for what the source never sent or no longer holds: the next
 * sequence, one far ahead, half the space ahead, just behind the trail,
 * far behind, and a list of only such: no NCF, no RDATA. Then a list
 * mixing them with two sequences sent: one NCF with exactly those two,
 * RDATA for those two only.
 */
TEST_F(forge, invalid_naks_get_no_ncf)
{
	const unsigned int nmsg = 8;
	unsigned int bad[8], mix[6], i;
	struct answer a;
	struct src s;

	ASSERT_EQ(0, source_start(_metadata, self->raw, &self->group,
				  SOCK_RDM, 10000, NULL, nmsg, 100, &s));
	ASSERT_EQ(s.first + nmsg - 1, s.lead);
	bad[0] = s.lead + 1;
	bad[1] = s.lead + 1000;
	bad[2] = s.lead + 0x7fffffffu;
	bad[3] = s.first - 1;
	bad[4] = s.first - 5000;
	bad[5] = s.first - 0x7fffffffu;
	for (i = 0; i < 6; i++)
		send_nak(_metadata, self->raw, &s, PGM_T_NAK, false, &bad[i],
			 1, &self->group);
	bad[6] = s.lead + 2;
	bad[7] = s.first - 2;
	send_nak(_metadata, self->raw, &s, PGM_T_NAK, false, bad, 8,
		 &self->group);
	EXPECT_EQ(7, pgm_wait_counter("PgmInNak", 7, 10000));
	collect(self->raw, &s, QUIET_MS, &a);
	EXPECT_EQ(0, a.ncfs) TH_LOG("an NCF for %#x", a.ncf[0]);
	EXPECT_EQ(0, a.nrdata);
	EXPECT_EQ(14, pgm_counter("PgmInNakIgnored"));
	EXPECT_EQ(0, pgm_counter("PgmOutNcf"));

	mix[0] = s.lead + 3;
	mix[1] = s.first + 2;
	mix[2] = s.first - 3;
	mix[3] = s.first + 5;
	mix[4] = s.lead + 7000;
	mix[5] = s.lead + 3;
	send_nak(_metadata, self->raw, &s, PGM_T_NAK, false, mix, 6,
		 &self->group);
	expect(self->raw, &s, 1, 2, 0, &a);
	ASSERT_EQ(1, a.ncfs);
	EXPECT_EQ(2, a.nncf);
	EXPECT_TRUE(has(a.ncf, a.nncf, s.first + 2));
	EXPECT_TRUE(has(a.ncf, a.nncf, s.first + 5));
	EXPECT_EQ(2, a.nrdata);
	EXPECT_TRUE(has(a.rdata, a.nrdata, s.first + 2));
	EXPECT_TRUE(has(a.rdata, a.nrdata, s.first + 5));
	EXPECT_EQ(18, pgm_counter("PgmInNakIgnored"));
	close(s.fd);
}

/*
 * A flood of NAKs for one sequence sent, within one repair interval
 * (3 s here): one NCF and one RDATA; a list naming it three times, one
 * entry. After the interval, a repeat NAK (a receiver whose NCF was
 * lost) is confirmed and repaired again, once.
 */
TEST_F_TIMEOUT(forge, nak_flood_one_ncf_one_rdata, 60)
{
	unsigned int sq[3], i, flood = pgm_scale(200, 20) & ~1u;
	long long t0;
	struct answer a;
	struct src s;

	ASSERT_EQ(0, pgm_sysctl_set("repair_ivl_ms", 3000));
	ASSERT_EQ(0, source_start(_metadata, self->raw, &self->group,
				  SOCK_RDM, 10000, NULL, 8, 100, &s));
	sq[0] = s.first + 3;
	sq[1] = s.first + 3;
	sq[2] = s.first + 3;
	t0 = pgm_now_ns();
	for (i = 0; i < flood; i++) {
		send_nak(_metadata, self->raw, &s, PGM_T_NAK, false, sq,
			 i % 2 ? 3 : 1, &self->group);
		pgm_sleep_ms(2);
	}
	EXPECT_EQ(flood, pgm_wait_counter("PgmInNak", flood, 10000));
	/* The flood must have fitted the interval for this to mean much. */
	ASSERT_GT(2500, (pgm_now_ns() - t0) / 1000000);
	collect(self->raw, &s, QUIET_MS, &a);
	EXPECT_EQ(1, a.ncfs);
	EXPECT_EQ(1, a.nncf);
	EXPECT_EQ(s.first + 3, a.ncf[0]);
	EXPECT_EQ(1, a.nrdata);
	EXPECT_EQ(s.first + 3, a.rdata[0]);
	EXPECT_EQ(2 * flood - 1, pgm_counter("PgmInNakNcfLimited"));
	EXPECT_EQ(0, pgm_counter("PgmInNakIgnored"));

	/* The interval over: once more, and only once. */
	while ((pgm_now_ns() - t0) / 1000000 < 3300)
		pgm_sleep_ms(50);
	for (i = 0; i < 20; i++)
		send_nak(_metadata, self->raw, &s, PGM_T_NAK, false, sq, 1,
			 &self->group);
	expect(self->raw, &s, 1, 1, 0, &a);
	EXPECT_EQ(1, a.ncfs);
	EXPECT_EQ(1, a.nrdata);
	close(s.fd);
}

/*
 * Parity NAKs to a source with on-demand parity, k 8, n 10 (two parity
 * packets per group). A count of 8 (group | 7) gets one NCF and the
 * group's two parity packets, no more; a flood of them within the
 * repair interval nothing more. The next group, not sent yet, and the
 * group before the first, get no NCF; in a list with a group sent, the
 * NCF names that group alone.
 */
TEST_F_TIMEOUT(forge, parity_nak_hostile_counts, 60)
{
	struct rm_fec_info f = { .fec_block_size = 10,
				 .fec_proactive_packets = 0,
				 .fec_group_size = 8,
				 .fec_ondemand_parity_enabled = 1 };
	unsigned int sq[3], i;
	struct answer a;
	struct src s;

	ASSERT_EQ(0, pgm_sysctl_set("repair_ivl_ms", 5000));
	ASSERT_EQ(0, source_start(_metadata, self->raw, &self->group,
				  SOCK_RDM, 10000, &f, 16, 100, &s));
	ASSERT_EQ(0, s.first % 8);
	sq[0] = s.first | 7;
	send_nak(_metadata, self->raw, &s, PGM_T_NAK, true, sq, 1,
		 &self->group);
	expect(self->raw, &s, 1, 0, 2, &a);
	EXPECT_EQ(1, a.ncfs);
	EXPECT_EQ(s.first | 7, a.ncf[0]);
	EXPECT_EQ(2, a.parity);
	EXPECT_EQ(2, pgm_counter("PgmOutParityRData"));
	EXPECT_EQ(1, pgm_counter("PgmInParityNak"));

	for (i = 0; i < 50; i++)
		send_nak(_metadata, self->raw, &s, PGM_T_NAK, true, sq, 1,
			 &self->group);
	EXPECT_EQ(51, pgm_wait_counter("PgmInParityNak", 51, 10000));
	collect(self->raw, &s, QUIET_MS, &a);
	EXPECT_EQ(0, a.ncfs);
	EXPECT_EQ(0, a.parity);

	/* Groups not sent, or before the first: nothing. */
	sq[0] = (s.first + 16) | 1;
	sq[1] = (s.first - 8) | 7;
	send_nak(_metadata, self->raw, &s, PGM_T_NAK, true, sq, 2,
		 &self->group);
	EXPECT_EQ(52, pgm_wait_counter("PgmInParityNak", 52, 10000));
	collect(self->raw, &s, QUIET_MS, &a);
	EXPECT_EQ(0, a.ncfs) TH_LOG("an NCF for %#x", a.ncf[0]);
	EXPECT_EQ(0, a.parity);
	EXPECT_EQ(2, pgm_counter("PgmInNakIgnored"));

	/* Mixed: the second group is answered, alone. */
	sq[0] = (s.first + 24) | 3;
	sq[1] = (s.first + 8) | 7;
	sq[2] = (s.first - 16) | 1;
	send_nak(_metadata, self->raw, &s, PGM_T_NAK, true, sq, 3,
		 &self->group);
	expect(self->raw, &s, 1, 0, 2, &a);
	EXPECT_EQ(1, a.ncfs);
	EXPECT_EQ(1, a.nncf);
	EXPECT_EQ((s.first + 8) | 7, a.ncf[0]);
	EXPECT_EQ(2, a.parity);
	EXPECT_EQ(4, pgm_counter("PgmInNakIgnored"));
	EXPECT_EQ(4, pgm_counter("PgmOutParityRData"));
	close(s.fd);
}

/*
 * SPMRs every 5 ms for 2.5 s to a source idle after its data, heartbeat
 * 1 s: at most one answer per heartbeat interval. With the heartbeats
 * themselves (1 s, then 2 s), no more than 3 + 3 SPMs; at least one
 * answer. NNAKs and POLRs, for sequences it holds: counted, no NCF, no
 * RDATA.
 */
TEST_F_TIMEOUT(forge, spmr_flood_and_nnak_polr, 60)
{
	unsigned int sq[2], n = 0, spms = 0;
	struct answer a;
	long long t0;
	struct pkt p;
	struct src s;
	long other;

	ASSERT_EQ(0, pgm_sysctl_set("spm_heartbeat_min_ms", 1000));
	ASSERT_EQ(0, pgm_sysctl_set("spm_ambient_ms", 30000));
	ASSERT_EQ(0, source_start(_metadata, self->raw, &self->group,
				  SOCK_RDM, 10000, NULL, 4, 100, &s));
	collect(self->raw, &s, 200, &a);
	t0 = pgm_now_ns();
	while (pgm_now_ns() - t0 < 2500 * 1000000LL) {
		send_upstream(_metadata, self->raw, &s, PGM_T_SPMR);
		n++;
		while (next_pkt(self->raw, T(PGM_T_SPM), s.sport, &p, 5) >= 0)
			spms++;
	}
	collect(self->raw, &s, 200, &a);
	spms += a.spms;
	EXPECT_EQ(n, pgm_counter("PgmInSpmr"));
	EXPECT_LE(1, spms);
	EXPECT_GE(6, spms) TH_LOG("%u SPMs for %u SPMRs", spms, n);

	other = pgm_counter("PgmInOther");
	sq[0] = s.first;
	sq[1] = s.first + 1;
	send_nak(_metadata, self->raw, &s, PGM_T_NNAK, false, sq, 2,
		 &self->group);
	send_upstream(_metadata, self->raw, &s, PGM_T_POLR);
	EXPECT_EQ(other + 2, pgm_wait_counter("PgmInOther", other + 2, 10000));
	collect(self->raw, &s, QUIET_MS, &a);
	EXPECT_EQ(0, a.ncfs);
	EXPECT_EQ(0, a.nrdata);
	EXPECT_EQ(0, pgm_counter("PgmOutNcf"));
	EXPECT_EQ(0, pgm_counter("PgmOutRData"));
	close(s.fd);
}

static void sender_stats(struct __test_metadata *_metadata, int fd,
			 struct rm_sender_stats *st)
{
	socklen_t len = sizeof(*st);

	ASSERT_EQ(0, getsockopt(fd, SOL_PGM, RM_SENDER_STATISTICS, st, &len));
	ASSERT_EQ(sizeof(*st), len);
}

/* Every counter of one snapshot describes the same moment: the data
 * bytes counted were carried by the ODATA packets counted, and those
 * packets (24 header bytes each at least) by the bytes counted; the data
 * counted is within what was sent, and at least what the capture saw
 * leave before the snapshot (@seen_data, @seen_odata).
 */
static bool stats_coherent(const struct rm_sender_stats *st,
			   unsigned long long sent,
			   unsigned long long seen_data,
			   unsigned long long seen_odata)
{
	return st->data_bytes_sent + 24 * st->total_odata_packets_sent <=
	       st->total_bytes_sent &&
	       st->data_bytes_sent <= sent &&
	       st->data_bytes_sent >= seen_data &&
	       st->total_odata_packets_sent >= seen_odata;
}

/* @nmsg sends of @len bytes to a source paced at 200 kbit/s: most of
 * it still queued when the last send returns (on a debug kernel too). A snapshot of
 * RM_SENDER_STATISTICS then, and after every packet the capture sees
 * until all the data was out, each coherent (stats_coherent()) and none
 * behind the one before. Once out: DataBytesSent the TSDU bytes of the
 * ODATA seen, TotalODataPacketsSent their number and PgmOutOData,
 * TotalBytesSent between the SPM, ODATA and RDATA bytes seen before the
 * snapshot and those seen shortly after.
 */
static void stats_check(struct __test_metadata *_metadata, int raw,
			const struct sockaddr_in *g, int type,
			unsigned int nmsg, unsigned int len)
{
	unsigned long long before, sent = (unsigned long long)nmsg * len;
	struct rm_sender_stats st, prev = { 0 }, first_bad = { 0 };
	unsigned int i, snaps = 0, during = 0, bad = 0, behind = 0;
	unsigned char msg[1400];
	struct answer a;
	struct pkt p;
	struct src s;

	/* The first message alone tells the TSI; the rest queue. */
	ASSERT_EQ(0, source_start(_metadata, raw, g, type, 200, NULL, 1, len,
				  &s));
	for (i = 1; i < nmsg; i++) {
		memset(msg, 'A' + i % 26, len);
		ASSERT_EQ((ssize_t)len, send(s.fd, msg, len, 0));
	}
	sender_stats(_metadata, s.fd, &st);
	EXPECT_GT(sent, st.data_bytes_sent)
		TH_LOG("all of it counted at once: counted as sent(), or not paced");
	for (;;) {
		if (!stats_coherent(&st, sent, s.data_bytes, s.ndata) &&
		    !bad++)
			first_bad = st;
		if (st.data_bytes_sent < prev.data_bytes_sent ||
		    st.total_bytes_sent < prev.total_bytes_sent ||
		    st.total_odata_packets_sent < prev.total_odata_packets_sent)
			behind++;
		prev = st;
		snaps++;
		during += st.data_bytes_sent < sent;
		if (s.data_bytes >= sent ||
		    next_pkt(raw, DOWN, s.sport, &p, 10000) < 0)
			break;
		seen(&s, &p);
		sender_stats(_metadata, s.fd, &st);
	}
	EXPECT_EQ(0, bad)
		TH_LOG("%u of %u incoherent, the first: data %llu, ODATA %llu, total %llu",
		       bad, snaps,
		       (unsigned long long)first_bad.data_bytes_sent,
		       (unsigned long long)first_bad.total_odata_packets_sent,
		       (unsigned long long)first_bad.total_bytes_sent);
	EXPECT_EQ(0, behind);
	/* Snapshots while the data was leaving, not only after. */
	EXPECT_LE(10, during) TH_LOG("%u of %u snapshots", during, snaps);
	ASSERT_EQ(sent, s.data_bytes);

	before = s.pgm_bytes;
	sender_stats(_metadata, s.fd, &st);
	collect(raw, &s, 300, &a);
	EXPECT_EQ(s.data_bytes, st.data_bytes_sent);
	EXPECT_EQ(s.ndata, st.total_odata_packets_sent);
	EXPECT_EQ(s.ndata, pgm_counter("PgmOutOData"));
	EXPECT_LE(before, st.total_bytes_sent);
	EXPECT_GE(s.pgm_bytes, st.total_bytes_sent);
	close(s.fd);
}

TEST_F(forge, stats_consistent_rdm)
{
	stats_check(_metadata, self->raw, &self->group, SOCK_RDM, 60, 1400);
}

/* SOCK_STREAM: small writes fill the packet not yet sent. */
TEST_F(forge, stats_consistent_stream)
{
	stats_check(_metadata, self->raw, &self->group, SOCK_STREAM, 200, 300);
}

/* ----- a live session under a NAK flood ----- */

static unsigned int msg_size(unsigned int i)
{
	return 8 + (i * 7919u) % 393;
}

static void msg_fill(unsigned char *b, unsigned int i)
{
	unsigned int j, n = msg_size(i);

	pgm_put32(b, i);
	for (j = 4; j < n; j++)
		b[j] = (unsigned char)(i * 131 + j * 17);
}

struct rcv {
	int ls, fd;
	unsigned int next;	/* the next message expected */
	int bad;		/* messages that did not verify */
	int err;		/* errno that ended the session, or 0 */
	bool eof;
};

static void rcv_read(struct rcv *r)
{
	unsigned char buf[512], want[512];
	ssize_t n;

	if (r->fd < 0) {
		r->fd = accept4(r->ls, NULL, NULL, SOCK_NONBLOCK);
		return;
	}
	while (!r->eof && !r->err) {
		n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN)
				r->err = errno;
			return;
		}
		if (!n) {
			r->eof = true;
			return;
		}
		msg_fill(want, r->next);
		if ((size_t)n != msg_size(r->next) || memcmp(buf, want, n))
			r->bad++;
		r->next++;
	}
}

/* One forged packet of the mix, the @i-th: NAK lists ahead of the lead,
 * far ahead, behind the trail, mixed with sequences sent; parity NAKs,
 * NNAKs, SPMRs, POLRs.
 */
static void forge_one(struct __test_metadata *_metadata, int raw,
		      const struct src *s, const struct sockaddr_in *g,
		      unsigned int i)
{
	unsigned int sq[MAXSQN], j, n = 63;

	for (j = 0; j < n; j++) {
		switch (i % 6) {
		case 0:
			sq[j] = s->lead + 1 + j;
			break;
		case 1:
			sq[j] = s->lead + 500 + (i * 97 + j * 31) % 20000;
			break;
		case 2:
			sq[j] = s->first - 1 - j * 977;
			break;
		default:
			sq[j] = j % 2 ? s->lead - j : s->lead + 64 + j * 13;
			break;
		}
	}
	switch (i % 6) {
	case 3:
		send_nak(_metadata, raw, s, PGM_T_NAK, true, sq, 8, g);
		break;
	case 4:
		send_nak(_metadata, raw, s, PGM_T_NNAK, false, sq, n, g);
		send_upstream(_metadata, raw, s, i % 12 < 6 ? PGM_T_SPMR :
							      PGM_T_POLR);
		break;
	default:
		send_nak(_metadata, raw, s, PGM_T_NAK, false, sq, n, g);
		break;
	}
}

/* What the capture saw of the live session: when each sequence first
 * left as ODATA, and every sequence an NCF confirmed, with its time.
 */
#define NCF_LOG_MAX	65536
#define LIVE_IVL_MS	200	/* the source's repair interval */

struct ncf_seen {
	unsigned int sqn;
	long long ts;
};

struct live_log {
	long long *odata_ts;		/* by sequence - first, 0: not seen */
	unsigned int span;		/* entries of odata_ts */
	struct ncf_seen *ncf;
	unsigned int nncf, lost, parity;
};

static void live_log_pkt(struct live_log *l, const struct src *s,
			 const struct pkt *p)
{
	unsigned int v[MAXSQN], n, i, idx;

	if (type_of(p) == PGM_T_ODATA) {
		idx = sqn_of(p) - s->first;
		if (idx < l->span && !l->odata_ts[idx])
			l->odata_ts[idx] = p->ts;
		return;
	}
	if (is_parity(p)) {
		l->parity++;
		return;
	}
	n = ncf_sqns(p, v);
	for (i = 0; i < n; i++) {
		if (l->nncf == NCF_LOG_MAX) {
			l->lost++;
			continue;
		}
		l->ncf[l->nncf].sqn = v[i];
		l->ncf[l->nncf++].ts = p->ts;
	}
}

static int ncf_cmp(const void *a, const void *b)
{
	const struct ncf_seen *x = a, *y = b;

	if (x->sqn != y->sqn)
		return x->sqn < y->sqn ? -1 : 1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/*
 * The session: two module receivers, a source sending 4000
 * messages (scaled by PGM_TEST_SCALE, and its rate with them: the
 * session lasts about as long) of 8 to 400 bytes, each verified, in
 * order, then the end of the session; meanwhile a forged packet every
 * 2 ms. Every message arrives, no session fails (no ECONNRESET), the
 * source refused what it never sent (PgmInNakIgnored), and every NCF the
 * capture saw confirmed a sequence whose ODATA had left before it, no
 * sequence twice within (half) a repair interval.
 */
TEST_F_TIMEOUT(forge, live_session_survives_nak_flood, 240)
{
	unsigned int unsent = 0, too_soon = 0, most = 0, run = 0, i, burst;
	unsigned int count = pgm_scale(4000, 200), sent = 0, forged = 0, k;
	struct rm_send_window w = { pgm_scale(4000, 200), 5000, 0 };
	struct rcv r[2] = { { .fd = -1 }, { .fd = -1 } };
	long long forge_t0 = 0, deadline;
	struct ncf_seen *bad_ncf = NULL;
	struct live_log l = { 0 };
	unsigned char buf[512];
	bool shut = false;
	struct src s = { 0 };
	struct pkt p;
	int fd;

	ASSERT_EQ(0, pgm_sysctl_set("repair_ivl_ms", LIVE_IVL_MS));
	l.span = count + 64;
	l.odata_ts = calloc(l.span, sizeof(*l.odata_ts));
	l.ncf = calloc(NCF_LOG_MAX, sizeof(*l.ncf));
	ASSERT_TRUE(l.odata_ts && l.ncf);
	for (k = 0; k < 2; k++) {
		r[k].ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
		ASSERT_LE(0, r[k].ls);
		ASSERT_EQ(0, bind(r[k].ls, (struct sockaddr *)&self->group,
				  sizeof(self->group)));
		ASSERT_EQ(0, listen(r[k].ls, 1));
		ASSERT_EQ(0, fcntl(r[k].ls, F_SETFL, O_NONBLOCK));
	}
	fd = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_PGM, RM_RATE_WINDOW_SIZE, &w,
				sizeof(w)));
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&self->group,
			     sizeof(self->group)));
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));

	deadline = pgm_now_ns() + 200 * 1000000000LL;
	while (pgm_now_ns() < deadline &&
	       !((r[0].eof || r[0].err) && (r[1].eof || r[1].err))) {
		struct pollfd pf[4] = {
			{ .fd = self->raw, .events = POLLIN },
			{ .fd = fd, .events = sent < count ? POLLOUT : 0 },
			{ .fd = r[0].fd < 0 ? r[0].ls : r[0].fd,
			  .events = POLLIN },
			{ .fd = r[1].fd < 0 ? r[1].ls : r[1].fd,
			  .events = POLLIN },
		};

		poll(pf, 4, 2);
		while (sent < count) {
			msg_fill(buf, sent);
			if (send(fd, buf, msg_size(sent), MSG_DONTWAIT) < 0)
				break;
			sent++;
		}
		if (sent == count && !shut) {
			ASSERT_EQ(0, shutdown(fd, SHUT_WR));
			shut = true;
		}
		while (next_pkt(self->raw, T(PGM_T_ODATA) | T(PGM_T_NCF), 0, &p,
				0) >= 0) {
			if (pgm_get16(p.b + 2) != PORT)
				continue;
			if (!s.sport && type_of(&p) == PGM_T_ODATA) {
				ASSERT_NE(0, p.ts) TH_LOG("no SO_TIMESTAMPNS");
				s.sport = pgm_get16(p.b);
				memcpy(s.gsi, p.b + 8, 6);
				s.addr.sin_family = AF_INET;
				s.addr.sin_addr = p.from;
				s.first = sqn_of(&p);
			}
			if (!s.sport || pgm_get16(p.b) != s.sport)
				continue;
			seen(&s, &p);
			live_log_pkt(&l, &s, &p);
		}
		for (k = 0; k < 2; k++)
			rcv_read(&r[k]);
		/* One every 2 ms, however long the loop took (a debug
		 * kernel is slow): up to 64 at a time to catch up.
		 */
		if (s.sport && !forge_t0)
			forge_t0 = pgm_now_ns();
		for (burst = 0; s.sport && burst < 64 &&
		     forged < (pgm_now_ns() - forge_t0) / 2000000 + 1; burst++)
			forge_one(_metadata, self->raw, &s, &self->group,
				  forged++);
	}

	/* Each NCF: for a sequence sent before it, and not again soon. */
	qsort(l.ncf, l.nncf, sizeof(*l.ncf), ncf_cmp);
	for (i = 0; i < l.nncf; i++) {
		const struct ncf_seen *n = &l.ncf[i];
		unsigned int idx = n->sqn - s.first;

		if (idx >= l.span || !l.odata_ts[idx] ||
		    l.odata_ts[idx] > n->ts) {
			if (!unsent++)
				bad_ncf = &l.ncf[i];
		}
		if (i && n[-1].sqn == n->sqn) {
			run++;
			if (n->ts - n[-1].ts < LIVE_IVL_MS / 2 * 1000000LL)
				too_soon++;
		} else {
			run = 1;
		}
		if (run > most)
			most = run;
	}
	TH_LOG("%u sent, %u forged, %ld NAKed sqns ignored, %u confirmed, %u max",
	       sent, forged, pgm_counter("PgmInNakIgnored"), l.nncf, most);
	for (k = 0; k < 2; k++) {
		EXPECT_EQ(0, r[k].err) TH_LOG("receiver %u: %s after %u messages",
					      k, strerror(r[k].err), r[k].next);
		EXPECT_EQ(count, r[k].next) TH_LOG("receiver %u", k);
		EXPECT_EQ(0, r[k].bad) TH_LOG("receiver %u", k);
		EXPECT_TRUE(r[k].eof) TH_LOG("receiver %u", k);
		close(r[k].fd);
		close(r[k].ls);
	}
	EXPECT_EQ(0, unsent)
		TH_LOG("NCFs for sequences not sent, the first %#x (first sent %#x)",
		       bad_ncf ? bad_ncf->sqn : 0, s.first);
	EXPECT_EQ(0, too_soon);
	EXPECT_EQ(0, l.parity);
	EXPECT_EQ(0, l.lost);
	EXPECT_LT(100, forged);
	EXPECT_LT(0, pgm_counter("PgmInNakIgnored"));
	EXPECT_EQ(0, pgm_counter("PgmSessionResets"));
	close(fd);
	free(l.odata_ts);
	free(l.ncf);
}

TEST_HARNESS_MAIN
