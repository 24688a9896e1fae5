// SPDX-License-Identifier: GPL-2.0
/*
 * Two CPUs take in the first ODATA of a new source at once: both miss
 * the session table, both reach the listener; one makes the session,
 * the other finds it made and hands it the packet from the listener's
 * path. Exactly one session per source, its data delivered once, and
 * (on a lockdep kernel, the debug lane) no lock taken twice: the
 * listener's path used to take the session's spinlock nested, like the
 * listener's own, and lockdep reported recursive locking (found by
 * pgm_hostile, two generators).
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

#define GROUP		"239.9.9.41"
#define PORT		7741
#define SOURCES		200

struct racer {
	int		cpu;
	atomic_int	*go;
	int		fd;
	struct sockaddr_in g;
};

/* ODATA 100 ("r100") of source port @sport: what both CPUs send. */
static size_t odata(unsigned char *b, unsigned int sport)
{
	return pgm_build_data(b, sport, PORT, PGM_T_ODATA, 100, 100, "r100",
			      4);
}

static void *racer(void *arg)
{
	struct racer *r = arg;
	unsigned char b[256];
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	CPU_SET(r->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	for (i = 0; i < SOURCES; i++) {
		size_t len = odata(b, 0x6000 + i);

		/* Both at once: wait for the other to reach source i. */
		atomic_fetch_add(r->go, 1);
		while (atomic_load(r->go) < 2 * (i + 1))
			;
		pgm_inject(r->fd, b, len, &r->g);
	}
	return NULL;
}

TEST(two_cpus_one_new_source)
{
	struct racer r[2];
	pthread_t t[2];
	atomic_int go = 0;
	int ls, s, i, n = 0, good = 0;
	char msg[16];

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	ASSERT_EQ(0, pgm_netns_lo());
	ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, ls);
	r[0].g = pgm_sin(GROUP, PORT);
	ASSERT_EQ(0, bind(ls, (struct sockaddr *)&r[0].g, sizeof(r[0].g)));
	ASSERT_EQ(0, listen(ls, 2 * SOURCES));
	for (i = 0; i < 2; i++) {
		r[i].cpu = i;
		r[i].go = &go;
		r[i].g = r[0].g;
		r[i].fd = pgm_raw_lo(NULL);
		ASSERT_LE(0, r[i].fd);
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, racer, &r[i]));
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	/* One session a source, each with its one message. */
	while ((s = pgm_accept_within(ls, 2000)) >= 0) {
		n++;
		if (pgm_recv_within(s, msg, sizeof(msg), 2000) == 4 &&
		    !memcmp(msg, "r100", 4) &&
		    pgm_recv_within(s, msg, sizeof(msg), 0) < 0)
			good++;
		close(s);
	}
	EXPECT_EQ(SOURCES, n);
	EXPECT_EQ(SOURCES, good);
	EXPECT_EQ(SOURCES, pgm_counter("PgmSessionsAccepted"));
	close(r[0].fd);
	close(r[1].fd);
	close(ls);
}

TEST_HARNESS_MAIN
