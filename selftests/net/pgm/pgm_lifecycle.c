// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets closed while packets for them arrive. In a namespace of its
 * own, 1000 rounds of: a listener (SOCK_RDM or SOCK_STREAM), a source
 * sending to the listener's group, a session accepted from it; then the
 * three closed in a rotating order. Meanwhile a second process floods
 * the group with ODATA and NCFs of fresh TSIs (each one a new session
 * for the listener) and the source with NAKs carrying its real TSI for
 * the sequences it sends. Then every socket of the namespace must be
 * gone (/proc/net/protocols), the namespace ends, and the module
 * unloads and loads again. On the debug kernel KASAN, lockdep and
 * kmemleak watch the whole run (the runner fails on any report).
 */

#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

#define GROUP		"239.9.9.41"
#define PORT		7741
#define ROUNDS		1000
#define FORGED		0xee	/* first GSI byte of the flood's sessions */

/* A NAK from the group's receivers to a source on lo: TSI @gsi/@sport,
 * sequence @sqn.
 */
static size_t nak(unsigned char *b, const unsigned char *gsi,
		  unsigned int sport, unsigned int sqn)
{
	struct in_addr src = { htonl(INADDR_LOOPBACK) }, grp;

	inet_pton(AF_INET, GROUP, &grp);
	memset(b, 0, 36);
	pgm_put16(b, PORT);
	pgm_put16(b + 2, sport);
	b[4] = PGM_T_NAK;
	memcpy(b + 8, gsi, 6);
	pgm_put32(b + 16, sqn);
	pgm_put16(b + 20, 1);
	memcpy(b + 24, &src, 4);
	pgm_put16(b + 28, 1);
	memcpy(b + 32, &grp, 4);
	pgm_set_csum(b, 36);
	return 36;
}

/* ODATA or NCF (@type) of a forged session @id, sequence @sqn. */
static size_t forged(unsigned char *b, unsigned int type, unsigned int id,
		     unsigned int sqn)
{
	struct in_addr src = { htonl(INADDR_LOOPBACK) }, grp;

	memset(b, 0, 64);
	pgm_put16(b, 1024 + id % 60000);
	pgm_put16(b + 2, PORT);
	b[4] = type;
	b[8] = FORGED;
	pgm_put32(b + 9, id);
	pgm_put32(b + 16, sqn);
	if (type == PGM_T_NCF) {
		inet_pton(AF_INET, GROUP, &grp);
		pgm_put16(b + 20, 1);
		memcpy(b + 24, &src, 4);
		pgm_put16(b + 28, 1);
		memcpy(b + 32, &grp, 4);
		pgm_set_csum(b, 36);
		return 36;
	}
	pgm_put32(b + 20, sqn);
	pgm_put16(b + 14, 8);
	memcpy(b + 24, "lifecycl", 8);
	pgm_set_csum(b, 32);
	return 32;
}

/* The flood: never returns. Each forged TSI sends a few ODATA (a new
 * session for whichever listener exists) and an NCF; every source packet
 * seen on the group is answered with a NAK for its sequence.
 */
static void flood(void)
{
	struct sockaddr_in g = pgm_sin(GROUP, PORT), to;
	struct in_addr grp;
	unsigned char b[2048];
	unsigned int id = 0;
	int raw, cap;

	inet_pton(AF_INET, GROUP, &grp);
	raw = pgm_raw_lo(NULL);
	cap = pgm_raw_lo(&grp);
	if (raw < 0 || cap < 0)
		_exit(1);
	pgm_set_nonblock(cap);
	to = pgm_sin("127.0.0.1", 0);
	for (;;) {
		unsigned int sqn = id * 7;
		ssize_t n;
		int i;

		id++;
		for (i = 0; i < 3; i++)
			pgm_inject(raw, b, forged(b, PGM_T_ODATA, id, sqn + i),
				   &g);
		pgm_inject(raw, b, forged(b, PGM_T_NCF, id, sqn + 5), &g);

		while ((n = recv(cap, b, sizeof(b), 0)) > 0) {
			size_t ihl = (b[0] & 15) * 4;
			unsigned char *p = b + ihl;
			unsigned char gsi[6];
			unsigned int type;

			if ((size_t)n < ihl + 24)
				continue;
			type = p[4] & 0x0f;
			if (p[8] == FORGED ||
			    (type != PGM_T_ODATA && type != PGM_T_SPM))
				continue;
			memcpy(gsi, p + 8, 6);
			pgm_inject(raw, b, nak(b, gsi, pgm_get16(p),
					       pgm_get32(p + 16)), &to);
		}
	}
}

FIXTURE(lifecycle)
{
	pid_t flooder;
};

FIXTURE_SETUP(lifecycle)
{
	self->flooder = -1;
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up && ip route add 224.0.0.0/4 dev lo"));
}

FIXTURE_TEARDOWN(lifecycle)
{
	if (self->flooder > 0) {
		kill(self->flooder, SIGKILL);
		waitpid(self->flooder, NULL, 0);
	}
}

/* A listener, a source sending to it, maybe a session; all closed in
 * the order round @i picks.
 */
static int round_trip(int i)
{
	struct rm_send_window w = { .rate_kbits_per_sec = 10000,
				    .window_size_in_msecs = 200 };
	struct sockaddr_in g = pgm_sin(GROUP, PORT);
	int ls, src, s = -1, fd[3], k;
	char msg[1000] = "round";

	ls = socket(AF_INET, i & 1 ? SOCK_STREAM : SOCK_RDM, IPPROTO_PGM);
	src = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	if (ls < 0 || src < 0)
		return -1;
	if (bind(ls, (struct sockaddr *)&g, sizeof(g)) || listen(ls, 8) ||
	    setsockopt(src, IPPROTO_PGM, RM_RATE_WINDOW_SIZE, &w,
		       sizeof(w)) ||
	    connect(src, (struct sockaddr *)&g, sizeof(g)))
		return -1;
	for (k = 0; k < 4; k++)
		send(src, msg, sizeof(msg), MSG_DONTWAIT);
	if (pgm_readable(ls, 5 + i % 10))
		s = accept(ls, NULL, NULL);
	if (s >= 0)
		recv(s, msg, sizeof(msg), MSG_DONTWAIT);

	fd[0] = ls;
	fd[1] = s;
	fd[2] = src;
	for (k = 0; k < 3; k++)
		if (fd[(i + k) % 3] >= 0)
			close(fd[(i + k) % 3]);
	return s >= 0;
}

TEST_F_TIMEOUT(lifecycle, close_while_flooded, 900)
{
	long long t0 = pgm_now_ns();
	int i, accepted = 0, r;
	long inuse = -1;

	self->flooder = fork();
	ASSERT_LE(0, self->flooder);
	if (!self->flooder)
		flood();

	for (i = 0; i < ROUNDS; i++) {
		r = round_trip(i);
		ASSERT_LE(0, r) {
			TH_LOG("round %d: %s", i, strerror(errno));
		}
		accepted += r;
	}
	TH_LOG("%d rounds in %ld ms, %d sessions accepted and closed",
	       ROUNDS, pgm_ms_since(t0), accepted);

	TH_LOG("PgmInOData %ld, PgmInNcf %ld, PgmInNak %ld, PgmOutNcf %ld",
	       pgm_counter("PgmInOData"), pgm_counter("PgmInNcf"),
	       pgm_counter("PgmInNak"), pgm_counter("PgmOutNcf"));

	/* The flood reached every role. */
	EXPECT_LT(0, accepted);
	EXPECT_LT(ROUNDS, pgm_counter("PgmInOData"));
	EXPECT_LT(0, pgm_counter("PgmInNak"));
	EXPECT_LT(0, pgm_counter("PgmInNcf"));

	/* Closed sources drain their 200 ms windows, or are aborted with
	 * the flood still on; then no PGM socket is left.
	 */
	kill(self->flooder, SIGKILL);
	waitpid(self->flooder, NULL, 0);
	self->flooder = -1;
	for (i = 0; i < 600; i++) {
		inuse = pgm_proto_stat(0);
		if (!inuse)
			break;
		pgm_sleep_ms(100);
	}
	EXPECT_EQ(0, inuse);
}

/* The namespace of the test above is gone (its process exited); the
 * module is unused, unloads and loads again.
 */
FIXTURE(module)
{
};

FIXTURE_SETUP(module)
{
}

FIXTURE_TEARDOWN(module)
{
}

TEST_F_TIMEOUT(module, unloads_after_namespace_exit, 120)
{
	char line[64] = "";
	int i;

	for (i = 0; i < 600; i++) {
		FILE *f = fopen("/sys/module/pgm/refcnt", "r");

		ASSERT_NE(NULL, f);
		ASSERT_NE(NULL, fgets(line, sizeof(line), f));
		fclose(f);
		if (atoi(line) == 0)
			break;
		pgm_sleep_ms(100);
	}
	ASSERT_EQ(0, atoi(line));
	EXPECT_EQ(0, pgm_proto_stat(0));
	ASSERT_EQ(0, system("rmmod pgm"));
	EXPECT_NE(0, access("/proc/net/pgm", F_OK));
	ASSERT_EQ(0, system("modprobe pgm"));
	EXPECT_EQ(0, pgm_proto_stat(0));
}

TEST_HARNESS_MAIN
