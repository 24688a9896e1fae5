// SPDX-License-Identifier: GPL-2.0
/*
 * The worst packets for a receiver's softirq (issue 9, "softirq stalls"):
 * no packet and no timer firing may cost work that grows with the receive
 * window. At the largest window the sysctls allow (net.pgm.rmem_default
 * 16 MiB: 65536 slots) a raw socket on lo plays sources, fresh spoofed
 * TSIs each time and sessions with data flowing, and sends what costs
 * most: ODATA, RDATA and an SPM lead at commit + capacity - 1, NCFs beyond
 * the lead and inside a gap, trail jumps; then every NAK of a 65535
 * sequence gap falls due at once.
 *
 * Measured with ftrace's function_graph tracer (on CLOCK_MONOTONIC) on
 * the module's entry points: pgm_rcv, the IP handler; pgm_backlog_rcv,
 * the socket's receive path; pgm_session_timeout, a session's NAK timer
 * work, from the timer or deferred to release_cb. Without tracefs, each
 * sendto() is timed instead: on lo the receive softirq runs inside
 * sendto() (the test reports how often).
 *
 * The limit is 1 ms per packet (PGM_WORST_LIMIT_US overrides it). A
 * scaled-down run (PGM_TEST_SCALE < 1) is the debug lane's kernel, about
 * 60 times slower: the limit is 3 ms / scale there (60 ms at 0.05).
 *
 * The guest is emulated and shares two host CPUs with other work: one
 * reading in ten can be late by anything up to a quarter of a second
 * (seen in leaf functions). Time added from outside only makes readings
 * later, so each kind of packet is sent in five rounds (two when scaled
 * down), each on a fresh session in the same state, and the best round
 * must be under the limit; a cost the packet itself causes shows in every
 * round. Of all the traced calls (every packet, every timer firing) the
 * median must be under the limit too.
 *
 * Also asserted: what each packet did (the session's leading edge, no
 * NAK from a forged NCF, the reset after a trail jump) and that a timer
 * firing sends at most four NAK packets.
 *
 * PGM_WORST_RCVBUF overrides the receive buffer (256 bytes a slot, a
 * power of two): a smaller window gets numbers from a module whose cost
 * is quadratic in a bearable time (at 65536 slots its first far-ahead
 * packet locks the CPU up for longer than the soft lockup watchdog).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

#define GROUP		"239.9.9.31"
#define PORT		7731
#define S0		1000u		/* every source's first sequence */
#define CAP_MAX		65536u		/* the most slots a window has */
#define RCVBUF		(CAP_MAX * 256)	/* the receive buffer giving them */
#define NAKS_PER_FIRING	4		/* PGM_RXW_TIMER_CALLS */
#define KINDS		16
#define ROUNDS_MAX	8

/* ----- measuring ----- */

static const char * const traced[] = {
	"pgm_rcv", "pgm_session_timeout", "pgm_backlog_rcv",
};

#define N_TRACED	ARRAY_SIZE(traced)
#define T_RCV		0
#define T_TIMER		1

struct samples {
	double *us;
	size_t n, size;
};

struct meter {
	char dir[64];		/* tracefs, "" when unavailable */
	double limit_us;
	struct samples s[N_TRACED];	/* each call's duration */
	unsigned long over[N_TRACED];	/* calls slower than the limit */
	double send_max_us;	/* slowest sendto() */
	unsigned int sends, inline_sends;
};

/* The samples of one kind of packet, one per round. */
struct kind {
	const char *what;
	unsigned int n, over;
	double us[ROUNDS_MAX];
};

static double scale(void)
{
	double s = atof(getenv("PGM_TEST_SCALE") ?: "1");

	return s > 0 ? s : 1;
}

static double limit_us(void)
{
	const char *e = getenv("PGM_WORST_LIMIT_US");

	if (e)
		return atof(e);
	return scale() < 1 ? 3000 / scale() : 1000;
}

static unsigned int rounds(void)
{
	unsigned int r = 5 * scale() + 0.5;

	return r < 2 ? 2 : r > ROUNDS_MAX ? ROUNDS_MAX : r;
}

/* Write @val to tracefs file @file, replacing it or (@append) adding to
 * it. Return: 0 or -1.
 */
static int tfs_put(const struct meter *m, const char *file, const char *val,
		   bool append)
{
	char path[128];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", m->dir, file);
	fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC));
	if (fd < 0) {
		fprintf(stderr, "# %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	if (!ok)
		fprintf(stderr, "# %s (%s): %s\n", path, val, strerror(errno));
	close(fd);
	return ok ? 0 : -1;
}

static int tfs_write(const struct meter *m, const char *file, const char *val)
{
	return tfs_put(m, file, val, false);
}

static bool has_filter(const char *dir)
{
	char p[96];
	struct stat st;

	snprintf(p, sizeof(p), "%s/set_ftrace_filter", dir);
	return !stat(p, &st);
}

/* Set up function_graph on the module's entry points; "" on failure. */
static void meter_init(struct meter *m)
{
	static const char * const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	unsigned int i;
	int err = 0;

	memset(m, 0, sizeof(*m));
	m->limit_us = limit_us();
	if (getenv("PGM_WORST_NOTRACE"))
		return;
	if (!has_filter(dirs[0]))
		mount("nodev", dirs[0], "tracefs", 0, NULL);
	for (i = 0; i < 2 && !m->dir[0]; i++)
		if (has_filter(dirs[i]))
			snprintf(m->dir, sizeof(m->dir), "%s", dirs[i]);
	if (!m->dir[0])
		return;
	/* One function per write: the filter file takes one a call. */
	for (i = 0; i < N_TRACED; i++)
		err |= tfs_put(m, "set_ftrace_filter", traced[i], i > 0);
	/* CLOCK_MONOTONIC's clock: the default (sched_clock) runs fast on
	 * an emulated guest whose TSC was calibrated under load.
	 */
	if (err || tfs_write(m, "tracing_on", "0") ||
	    tfs_write(m, "current_tracer", "nop") ||
	    tfs_write(m, "trace_clock", "mono") ||
	    tfs_write(m, "buffer_size_kb", "8192") ||
	    tfs_write(m, "current_tracer", "function_graph") ||
	    tfs_write(m, "options/funcgraph-tail", "1") ||
	    tfs_write(m, "trace", "") ||
	    tfs_write(m, "tracing_on", "1")) {
		tfs_write(m, "current_tracer", "nop");
		m->dir[0] = 0;
	}
}

static void meter_fini(struct meter *m)
{
	unsigned int i;

	for (i = 0; i < N_TRACED; i++)
		free(m->s[i].us);
	if (!m->dir[0])
		return;
	tfs_write(m, "tracing_on", "0");
	tfs_write(m, "current_tracer", "nop");
	tfs_write(m, "set_ftrace_filter", "");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One line of function_graph output: a traced function's duration. */
static void meter_line(struct meter *m, char *line, double *rcv_max_us)
{
	char *bar = strchr(line, '|'), *us, *p, *name;
	unsigned int i;
	double v;

	if (line[0] == '#' || !bar)
		return;
	*bar = 0;
	us = strstr(line, " us");
	if (!us)
		return;		/* an entry line: "pgm_rcv() {" */
	*us = 0;
	p = strrchr(line, ' ');
	v = p ? atof(p + 1) : 0;
	/* "name();" for a leaf, "} / * name * /" for a closing brace */
	name = bar + 1;
	while (*name == ' ' || *name == '}' || *name == '/' || *name == '*')
		name++;
	for (i = 0; i < N_TRACED; i++) {
		size_t n = strlen(traced[i]);
		struct samples *sa = &m->s[i];

		if (strncmp(name, traced[i], n) ||
		    (name[n] != '(' && name[n] != ' '))
			continue;
		if (sa->n == sa->size) {
			size_t size = sa->size ? 2 * sa->size : 1024;
			double *us = realloc(sa->us, size * sizeof(*us));

			if (!us)
				continue;
			sa->us = us;
			sa->size = size;
		}
		sa->us[sa->n++] = v;
		if (v > m->limit_us)
			m->over[i]++;
		if (i == T_RCV && rcv_max_us && v > *rcv_max_us)
			*rcv_max_us = v;
	}
}

/* Consume what was traced since the last call into @m (and, for pgm_rcv,
 * the slowest call into *@rcv_max_us). trace_pipe: nothing is lost
 * between two calls.
 */
static void meter_collect(struct meter *m, double *rcv_max_us)
{
	char path[128], buf[8192];
	size_t have = 0;
	ssize_t r;
	int fd;

	if (rcv_max_us)
		*rcv_max_us = 0;
	if (!m->dir[0])
		return;
	snprintf(path, sizeof(path), "%s/trace_pipe", m->dir);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return;
	while ((r = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *line = buf, *nl;

		have += r;
		buf[have] = 0;
		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			meter_line(m, line, rcv_max_us);
			line = nl + 1;
		}
		have -= line - buf;
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0;	/* no line is that long */
	}
	close(fd);
}

/* The @q quantile (0..1) of @sa's samples (sorted in place). */
static double quantile(struct samples *sa, double q)
{
	if (!sa->n)
		return 0;
	qsort(sa->us, sa->n, sizeof(sa->us[0]), cmp_double);
	return sa->us[(size_t)(q * (sa->n - 1) + 0.5)];
}

/* ----- packets, from 127.0.0.1 to the group ----- */

/* Source @n: its own TSI (pgm_test.h's GSI, its own source port). */
static unsigned int sport_of(unsigned int n)
{
	return 4000 + n;
}

static size_t spm(unsigned char *b, unsigned int sport, unsigned int sqn,
		  unsigned int trail, unsigned int lead)
{
	return pgm_build_spm(b, sport, PORT, sqn, trail, lead,
			     INADDR_LOOPBACK);
}

/* ODATA or RDATA whose 4-byte TSDU is its sequence. */
static size_t data(unsigned char *b, unsigned int sport, unsigned char type,
		   unsigned int sqn, unsigned int trail)
{
	unsigned char tsdu[4];

	pgm_put32(tsdu, sqn);
	return pgm_build_data(b, sport, PORT, type, sqn, trail, tsdu, 4);
}

/* An NCF for @sqn and, in OPT_NAK_LIST, @more sequences @step apart. */
static size_t ncf(unsigned char *b, unsigned int sport, unsigned int sqn,
		  unsigned int more, unsigned int step)
{
	struct in_addr g;
	size_t len = 36;
	unsigned int i;

	inet_pton(AF_INET, GROUP, &g);
	memset(b, 0, 44 + 4 * more);
	pgm_build_hdr(b, sport, PORT, PGM_T_NCF,
		      more ? PGM_F_OPT_PRESENT | PGM_F_OPT_NETWORK : 0, 0);
	pgm_put32(b + 16, sqn);
	pgm_put16(b + 20, 1);
	pgm_put32(b + 24, INADDR_LOOPBACK);
	pgm_put16(b + 28, 1);
	memcpy(b + 32, &g, 4);
	if (more) {
		b[36] = PGM_O_LENGTH;
		b[37] = 4;
		pgm_put16(b + 38, 8 + 4 * more);
		b[40] = PGM_O_NAK_LIST | PGM_O_END;
		b[41] = 4 + 4 * more;
		for (i = 0; i < more; i++)
			pgm_put32(b + 44 + 4 * i, sqn + (i + 1) * step);
		len = 44 + 4 * more;
	}
	pgm_set_csum(b, len);
	return len;
}

/* ----- the fixture ----- */

static unsigned int cap;	/* the sessions' window, in slots */

struct ctx {
	int raw, ls;
	struct sockaddr_in g;
	struct meter m;
	unsigned char b[320];
	unsigned int next_src;
	struct kind kinds[KINDS];
	unsigned int n_kinds;
};

FIXTURE(worst)
{
	struct ctx c;
};

FIXTURE_SETUP(worst)
{
	struct ctx *c = &self->c;
	const char *rb = getenv("PGM_WORST_RCVBUF");
	unsigned int rcvbuf = rb ? atoi(rb) : RCVBUF;
	char cmd[128];

	ASSERT_EQ(0, pgm_netns_lo());
	/* A first socket loads the module on demand (its sysctls too). */
	c->ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, c->ls) TH_LOG("PGM socket: %s", strerror(errno));
	close(c->ls);
	snprintf(cmd, sizeof(cmd), "sysctl -qw net.pgm.rmem_default=%u",
		 rcvbuf);
	/* The module's window: a power of two, rcvbuf / 256 slots. */
	for (cap = CAP_MAX; cap > 1 && cap > rcvbuf / 256; cap /= 2)
		;
	ASSERT_EQ(0, system(cmd));
	c->g = pgm_sin(GROUP, PORT);
	c->raw = pgm_raw_lo(NULL);
	ASSERT_LE(0, c->raw) TH_LOG("raw socket: %s", strerror(errno));
	c->ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, c->ls);
	ASSERT_EQ(0, bind(c->ls, (struct sockaddr *)&c->g,
			  sizeof(c->g)));
	ASSERT_EQ(0, listen(c->ls, 128));
	meter_init(&c->m);
	if (!c->m.dir[0])
		TH_LOG("no function_graph tracer: timing sendto() only");
}

FIXTURE_TEARDOWN(worst)
{
	meter_fini(&self->c.m);
	close(self->c.ls);
	close(self->c.raw);
}

static struct kind *kind_of(struct ctx *c, const char *what)
{
	unsigned int i;

	for (i = 0; i < c->n_kinds; i++)
		if (!strcmp(c->kinds[i].what, what))
			return &c->kinds[i];
	if (c->n_kinds == KINDS)
		return NULL;
	c->kinds[c->n_kinds].what = what;
	return &c->kinds[c->n_kinds++];
}

/* Send one packet and time it: sendto() always, pgm_rcv through ftrace
 * (the packet's own call, read back at once); a sample of kind @what.
 * @counter: a MIB counter the packet bumps (to see whether the softirq
 * ran inside sendto()). Return: 0 if sent.
 */
static int send_worst(struct ctx *c, size_t len, const char *what,
		      const char *counter)
{
	long before = pgm_counter(counter);
	struct kind *k = kind_of(c, what);
	long long t0, t1;
	double us, rcv;
	int err;

	meter_collect(&c->m, NULL);		/* start clean */
	t0 = pgm_now_ns();
	err = pgm_inject(c->raw, c->b, len, &c->g);
	t1 = pgm_now_ns();
	us = (t1 - t0) / 1000.0;
	c->m.sends++;
	if (pgm_counter(counter) > before)
		c->m.inline_sends++;	/* the softirq ran inside sendto() */
	if (us > c->m.send_max_us)
		c->m.send_max_us = us;
	pgm_sleep_ms(5);			/* let a deferred softirq finish */
	meter_collect(&c->m, &rcv);
	if (!c->m.dir[0])
		rcv = us;
	if (k && k->n < ROUNDS_MAX) {
		k->us[k->n++] = rcv;
		if (rcv > limit_us())
			k->over++;
	}
	fprintf(stderr, "# %-36s pgm_rcv %10.1f us  sendto %10.1f us\n",
		what, rcv, us);
	return err;
}

/* Send a worst packet; stop at once when its kind was over the limit in
 * each of its first three rounds (a quadratic module takes seconds per
 * packet, or locks the CPU up).
 */
#define WORST(len, what, counter) do {					\
	const char *w_ = (what);					\
	struct kind *k_;						\
									\
	ASSERT_EQ(0, send_worst(c, (len), w_, (counter)));		\
	k_ = kind_of(c, w_);						\
	ASSERT_NE(NULL, k_);						\
	ASSERT_FALSE(k_->over == k_->n &&				\
		     k_->n >= (rounds() < 3 ? rounds() : 3))		\
		TH_LOG("%s: over %.0f us in %u of %u rounds", w_,	\
		       limit_us(), k_->over, k_->n);			\
} while (0)

/* A fresh source: its SPM (NAKs allowed at once), its first ODATA at S0;
 * the session accepted, its window grown to the receive buffer's size.
 * Return: the session, -1.
 */
static int fresh_session(struct ctx *c, unsigned int *sport)
{
	int fd;

	*sport = sport_of(c->next_src++);
	if (pgm_inject(c->raw, c->b, spm(c->b, *sport, 1, S0, S0 - 1),
		       &c->g) ||
	    pgm_inject(c->raw, c->b,
		       data(c->b, *sport, PGM_T_ODATA, S0, S0), &c->g))
		return -1;
	fd = pgm_accept_within(c->ls, 10000);
	if (fd < 0)
		return -1;
	/* The window grows from process context (a work item): give it
	 * time, more on a slow kernel.
	 */
	pgm_sleep_ms(200 / scale());
	return fd;
}

static long lead_of(int fd)
{
	struct rm_receiver_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(fd, SOL_PGM, RM_RECEIVER_STATISTICS, &st, &len))
		return -1;
	return (long)st.leading_edge_seq_id;
}

/* The first ODATA was delivered: commit is S0 + 1. */
#define FAR	(S0 + 1 + cap - 1)

/* Let the NAK timers of the sessions made so far fire, with every NAK of
 * their gaps due; check no firing sent more than four NAK packets.
 */
static void run_timers(struct __test_metadata *_metadata,
		       struct ctx *c, int ms)
{
	unsigned long fired, over;
	long naks;

	meter_collect(&c->m, NULL);
	fired = c->m.s[T_TIMER].n;
	over = c->m.over[T_TIMER];
	naks = pgm_counter("PgmOutNak");
	pgm_sleep_ms(ms);
	meter_collect(&c->m, NULL);
	fired = c->m.s[T_TIMER].n - fired;
	over = c->m.over[T_TIMER] - over;
	naks = pgm_counter("PgmOutNak") - naks;
	fprintf(stderr, "# timers: %lu firings in %d ms (%lu over the limit), %ld NAKs\n",
		fired, ms, over, naks);
	EXPECT_LT(0, naks);
	if (c->m.dir[0]) {
		/* A firing may straddle either reading, and the trace may
		 * lose a few events on a loaded host: 5% slack (an
		 * unbounded firing sends dozens).
		 */
		EXPECT_LT(0, fired);
		EXPECT_GE(NAKS_PER_FIRING * (long)(fired + 2) * 21 / 20,
			  naks);
	}
}

static void report(struct __test_metadata *_metadata,
		   struct ctx *c)
{
	double lim = limit_us(), worst = 0;
	const char *worst_what = "none";
	unsigned int i;

	meter_collect(&c->m, NULL);
	for (i = 0; i < N_TRACED; i++) {
		struct samples *sa = &c->m.s[i];
		double med = quantile(sa, 0.5);

		fprintf(stderr, "# %-20s %6zu calls, %lu > %.0f; median %.1f 99%% %.1f max %.1f\n",
			traced[i], sa->n, c->m.over[i], lim, med,
			quantile(sa, 0.99), quantile(sa, 1));
		/* Single readings on an emulated guest sharing its host
		 * can be late by tens of ms (seen in leaf functions): the
		 * median is the measure.
		 */
		EXPECT_GE(lim, med) TH_LOG("%s", traced[i]);
	}
	fprintf(stderr, "# slowest sendto() %.1f us; softirq inside sendto() for %u of %u\n",
		c->m.send_max_us, c->m.inline_sends, c->m.sends);
	for (i = 0; i < c->n_kinds; i++) {
		struct kind *k = &c->kinds[i];
		double best;

		qsort(k->us, k->n, sizeof(k->us[0]), cmp_double);
		best = k->us[0];
		fprintf(stderr, "# %-36s %u rounds: min %10.1f median %10.1f max %10.1f us\n",
			k->what, k->n, best, k->us[k->n / 2], k->us[k->n - 1]);
		EXPECT_GE(lim, best) TH_LOG("%s", k->what);
		if (best > worst) {
			worst = best;
			worst_what = k->what;
		}
	}
	fprintf(stderr, "# worst packet: %s, best round %.1f us (limit %.0f us)\n",
		worst_what, worst, lim);
}

/* Each kind of far-ahead packet on sources never seen before. */
TEST_F_TIMEOUT(worst, fresh_sources, 280)
{
	struct ctx *c = &self->c;
	long resets = pgm_counter("PgmResetWindowFull");
	unsigned int r, s;
	int fd;

	for (r = 0; r < rounds(); r++) {
		/* ODATA at commit + capacity - 1. */
		fd = fresh_session(c, &s);
		ASSERT_LE(0, fd);
		WORST(data(c->b, s, PGM_T_ODATA, FAR, S0),
		      "ODATA far ahead (new TSI)", "PgmInOData");
		EXPECT_EQ(FAR, lead_of(fd));
		close(fd);

		/* RDATA there. */
		fd = fresh_session(c, &s);
		ASSERT_LE(0, fd);
		WORST(data(c->b, s, PGM_T_RDATA, FAR, S0),
		      "RDATA far ahead (new TSI)", "PgmInRData");
		EXPECT_EQ(FAR, lead_of(fd));
		close(fd);

		/* An SPM's lead there. */
		fd = fresh_session(c, &s);
		ASSERT_LE(0, fd);
		WORST(spm(c->b, s, 2, S0, FAR),
		      "SPM lead far ahead (new TSI)", "PgmInSpm");
		EXPECT_EQ(FAR, lead_of(fd));
		close(fd);

		/* NCFs beyond the lead: ignored, no NAK work. */
		fd = fresh_session(c, &s);
		ASSERT_LE(0, fd);
		WORST(ncf(c->b, s, FAR, 62, 1),
		      "NCF x63 far ahead (new TSI)", "PgmInNcf");
		EXPECT_EQ(S0, lead_of(fd));
		close(fd);

		/* Far ahead, then the trail jumps there: all of it lost. */
		fd = fresh_session(c, &s);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, pgm_inject(c->raw, c->b,
					data(c->b, s, PGM_T_ODATA, FAR, S0),
					&c->g));
		pgm_sleep_ms(5);
		WORST(spm(c->b, s, 2, FAR, FAR),
		      "SPM trail jump over a window", "PgmInSpm");
		close(fd);

		/* ODATA far ahead whose own trail jumps there. */
		fd = fresh_session(c, &s);
		ASSERT_LE(0, fd);
		WORST(data(c->b, s, PGM_T_ODATA, FAR, FAR),
		      "ODATA far ahead + trail (new TSI)", "PgmInOData");
		close(fd);
	}
	/* The window was the largest there is: nothing overflowed. */
	if (!getenv("PGM_WORST_RCVBUF"))
		EXPECT_EQ(resets, pgm_counter("PgmResetWindowFull"));
	report(_metadata, c);
}

/* Sessions with data flowing; then the worst packets, the NAK timer with
 * a whole window due, and a trail jump.
 */
TEST_F_TIMEOUT(worst, existing_session, 280)
{
	struct ctx *c = &self->c;
	long naks, beyond, resets = pgm_counter("PgmSessionResets");
	unsigned int i, r, s, lead;
	char buf[16];
	int fd;

	for (r = 0; r < rounds(); r++) {
		fd = fresh_session(c, &s);
		ASSERT_LE(0, fd);
		for (i = 1; i < 200; i++)
			ASSERT_EQ(0, pgm_inject(c->raw, c->b,
						data(c->b, s, PGM_T_ODATA,
						     S0 + i, S0), &c->g));
		for (i = 0; i < 200; i++) {
			ASSERT_EQ(1, pgm_readable(fd, 5000));
			ASSERT_EQ(4, recv(fd, buf, sizeof(buf), 0));
			ASSERT_EQ(S0 + i, pgm_get32((unsigned char *)buf));
		}
		lead = S0 + 200 + cap - 1;	/* commit + capacity - 1 */

		/* Forged NCFs first: beyond the lead they make no NAK work,
		 * and are counted.
		 */
		naks = pgm_counter("PgmOutNak");
		beyond = pgm_counter("PgmInNcfBeyondLead");
		WORST(ncf(c->b, s, lead, 62, 1),
		      "NCF x63 far ahead (session)", "PgmInNcf");
		EXPECT_EQ(S0 + 199, lead_of(fd));
		pgm_sleep_ms(300);
		EXPECT_EQ(naks, pgm_counter("PgmOutNak"));
		EXPECT_LE(beyond + 63, pgm_counter("PgmInNcfBeyondLead"));

		WORST(data(c->b, s, PGM_T_ODATA, lead, S0),
		      "ODATA far ahead (session)", "PgmInOData");
		EXPECT_EQ(lead, lead_of(fd));
		/* NCFs spread over the gap, before its back-offs exist. */
		WORST(ncf(c->b, s, S0 + 300, 62, 1000),
		      "NCF x63 inside the gap (session)", "PgmInNcf");
		WORST(spm(c->b, s, 2, S0, lead),
		      "SPM at the lead (session)", "PgmInSpm");

		/* Every NAK of the gap falls due: bounded firings. */
		run_timers(_metadata, c, 1500);

		/* The trail jumps over the window: unrecoverable, reported. */
		WORST(spm(c->b, s, 3, lead, lead),
		      "SPM trail jump (session)", "PgmInSpm");
		ASSERT_EQ(1, pgm_readable(fd, 5000));
		EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
		EXPECT_EQ(ECONNRESET, errno);
		EXPECT_EQ(resets + r + 1, pgm_counter("PgmSessionResets"));
		close(fd);
	}
	report(_metadata, c);
}

/* Many sessions each with a whole window of NAKs due at once. */
TEST_F_TIMEOUT(worst, nak_timers, 280)
{
	struct ctx *c = &self->c;
	unsigned int n = rounds() + 1, i, s;
	int fds[ROUNDS_MAX + 1];

	for (i = 0; i < n; i++) {
		fds[i] = fresh_session(c, &s);
		ASSERT_LE(0, fds[i]);
		WORST(data(c->b, s, PGM_T_ODATA, FAR, S0),
		      "ODATA far ahead (NAK timers)", "PgmInOData");
	}
	run_timers(_metadata, c, 2000);
	for (i = 0; i < n; i++)
		close(fds[i]);
	report(_metadata, c);
}

TEST_HARNESS_MAIN
