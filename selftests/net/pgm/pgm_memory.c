// SPDX-License-Identifier: GPL-2.0
/*
 * Memory a PGM socket keeps is charged and bounded, whatever is sent to
 * it. A raw socket plays sources on lo against a listener with a
 * 256 KiB receive buffer that never accepts or reads:
 *
 *  - 64 MiB of in-order data for one session: it holds at most 1.5x its
 *    receive buffer, the rest is dropped and counted;
 *  - 10,000 spoofed TSIs: sessions stay within the listen backlog, each
 *    charged for its window's storage, and the kernel's memory grows by
 *    no more than that;
 *  - a forged FEC session sends 127 parity packets into each of 128
 *    transmission groups: the parity counts against the buffer too;
 *  - the protocol's memory (/proc/net/protocols) and the machine's stay
 *    within those bounds and return when the sockets close.
 *
 * And on the sending side: a source sizes its send buffer within
 * net.pgm.wmem_max; closed sources live on within net.pgm.max_orphans
 * and net.pgm.orphan_timeout_ms; and a user namespace's root may not
 * raise the memory sysctls.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <sys/wait.h>
#include <linux/pgm.h>
#include <linux/sock_diag.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

#define GROUP		"239.9.9.50"
#define PORT		7750
#define RCVBUF		(256 << 10)
#define BACKLOG		16
#define TSDU		1400

/* The common header of a source of port @sport and GSI "\1\2\3\4" + @g. */
static void header(unsigned char *b, unsigned int sport, unsigned int g,
		   unsigned char type, unsigned char opts, size_t tsdu)
{
	memset(b, 0, 64);
	pgm_put16(b, sport);
	pgm_put16(b + 2, PORT);
	b[4] = type;
	b[5] = opts;
	memcpy(b + 8, "\x01\x02\x03\x04", 4);
	pgm_put16(b + 12, g);
	pgm_put16(b + 14, tsdu);
}

/* ODATA @sqn with a @tsdu-byte payload. */
static size_t odata(unsigned char *b, unsigned int sport, unsigned int g,
		    unsigned int sqn, unsigned int trail, size_t tsdu)
{
	header(b, sport, g, PGM_T_ODATA, 0, tsdu);
	pgm_put32(b + 16, sqn);
	pgm_put32(b + 20, trail);
	memset(b + 24, 'd', tsdu);
	pgm_set_csum(b, 24 + tsdu);
	return 24 + tsdu;
}

/* An SPM with OPT_PARITY_PRM: on-demand parity, groups of @k. */
static size_t spm_fec(unsigned char *b, unsigned int sport, unsigned int g,
		      unsigned int sqn, unsigned int trail, unsigned int lead,
		      unsigned int k)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };

	header(b, sport, g, PGM_T_SPM, PGM_F_OPT_PRESENT, 0);
	pgm_put32(b + 16, sqn);
	pgm_put32(b + 20, trail);
	pgm_put32(b + 24, lead);
	pgm_put16(b + 28, 1);
	memcpy(b + 32, &lo, 4);
	b[36] = PGM_O_LENGTH;
	b[37] = 4;
	pgm_put16(b + 38, 4 + 8);
	b[40] = PGM_O_END | PGM_O_PARITY_PRM;
	b[41] = 8;
	b[43] = PGM_PRM_ONDEMAND;
	pgm_put32(b + 44, k);
	pgm_set_csum(b, 48);
	return 48;
}

/* A parity ODATA of the group at @tg, parity index @j (< k). */
static size_t parity(unsigned char *b, unsigned int sport, unsigned int g,
		     unsigned int tg, unsigned int j, unsigned int trail,
		     size_t tsdu)
{
	header(b, sport, g, PGM_T_ODATA, PGM_F_OPT_PARITY, tsdu);
	pgm_put32(b + 16, tg | j);
	pgm_put32(b + 20, trail);
	memset(b + 24, 'p' + j, tsdu);
	pgm_set_csum(b, 24 + tsdu);
	return 24 + tsdu;
}

/* Kernel memory in use, KiB: what /proc/meminfo says is not free. */
static long mem_used_kb(void)
{
	char key[64];
	long val, total = 0, avail = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld kB", key, &val) == 2) {
		if (!strcmp(key, "MemTotal:"))
			total = val;
		else if (!strcmp(key, "MemAvailable:"))
			avail = val;
	}
	fclose(f);
	return total - avail;
}

/* A socket's memory: SO_MEMINFO's receive allocation. */
static long rmem_alloc(int fd)
{
	__u32 mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len))
		return -1;
	return mi[SK_MEMINFO_RMEM_ALLOC];
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

FIXTURE(mem)
{
	int raw, ls, rcvbuf;
	struct sockaddr_in g;
	unsigned char b[2048];
};

FIXTURE_SETUP(mem)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(self->rcvbuf);
	int v = RCVBUF / 2;		/* the kernel doubles it */

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up && ip route add 224.0.0.0/4 dev lo"));
	self->g = pgm_sin(GROUP, PORT);
	self->raw = pgm_raw_socket();
	ASSERT_LE(0, self->raw);
	ASSERT_EQ(0, setsockopt(self->raw, IPPROTO_IP, IP_MULTICAST_IF, &lo,
				sizeof(lo)));
	self->ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, self->ls);
	ASSERT_EQ(0, setsockopt(self->ls, SOL_SOCKET, SO_RCVBUFFORCE, &v,
				sizeof(v)));
	ASSERT_EQ(0, getsockopt(self->ls, SOL_SOCKET, SO_RCVBUF, &self->rcvbuf,
				&len));
	ASSERT_EQ(RCVBUF, self->rcvbuf);
	ASSERT_EQ(0, bind(self->ls, (struct sockaddr *)&self->g,
			  sizeof(self->g)));
	ASSERT_EQ(0, listen(self->ls, BACKLOG));
}

FIXTURE_TEARDOWN(mem)
{
	close(self->ls);
	close(self->raw);
}

#define SEND(len) \
	ASSERT_EQ(0, pgm_inject(self->raw, self->b, (len), &self->g))

/* Sessions made but not accepted, taken now: their fds in @fds. */
static int accept_all(int ls, int *fds, int max)
{
	int n = 0, fd;

	while (n < max && pgm_readable(ls, 1000)) {
		fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
		if (fd < 0)
			break;
		fds[n++] = fd;
	}
	return n;
}

/* The most a session may hold: 1.5x its buffer, and one packet more. */
#define SESSION_MAX(rcvbuf)	((rcvbuf) * 3 / 2 + 4096)

/* The protocol's count lags by the per-cpu reserves: up to 1 MiB a CPU,
 * either way.
 */
#define PCPU_SLACK		(4L << 20)

/*
 * 64 MiB in order to a session nobody accepts or reads. The in-order
 * data used to go to the receive queue uncharged: the session held all
 * of it.
 */
TEST_F_TIMEOUT(mem, unread_session_holds_at_most_1_5x_rcvbuf, 240)
{
	long before = pgm_counter("PgmRcvbufErrors"), held, pages;
	unsigned int sqn, n = pgm_scale((64 << 20) / TSDU,
					 8 * self->rcvbuf / TSDU);
	int s = -1;

	for (sqn = 0; sqn < n; sqn++)
		SEND(odata(self->b, 0x4000, 0, sqn, 0, TSDU));
	ASSERT_EQ(1, accept_all(self->ls, &s, 1));
	held = rmem_alloc(s);
	TH_LOG("%u bytes sent in order, unread: the session holds %ld, rcvbuf %d (%.2fx)",
	       n * TSDU, held, self->rcvbuf, (double)held / self->rcvbuf);
	EXPECT_LE(held, SESSION_MAX(self->rcvbuf));
	EXPECT_LT(self->rcvbuf / 2, held);
	EXPECT_LT(before + n / 2, pgm_counter("PgmRcvbufErrors"));
	pages = pgm_proto_stat(1);
	EXPECT_LE(pages * 4096, 2 * SESSION_MAX(self->rcvbuf) + PCPU_SLACK)
		TH_LOG("the protocol holds %ld pages", pages);
	close(s);
}

/*
 * 10,000 fresh TSIs: sessions within the backlog, each charged for its
 * window's storage; the machine's memory grows by no more than the
 * sessions may hold, and all of it returns.
 */
TEST_F_TIMEOUT(mem, spoofed_tsis_stay_within_the_backlog, 300)
{
	long used0, used, pages, full0 = pgm_counter("PgmAcceptQueueFull");
	unsigned int t, tsis = pgm_scale(10000, 8 * BACKLOG);
	int fds[BACKLOG + 8], n, i;

	used0 = mem_used_kb();
	for (t = 0; t < tsis; t++)
		SEND(odata(self->b, 0x4000 + t % 40000, t / 40000 + 1, 7, 7,
			   TSDU));
	used = mem_used_kb();
	pages = pgm_proto_stat(1);
	EXPECT_LE(pages * 4096,
		  (BACKLOG + 1) * SESSION_MAX(self->rcvbuf) + PCPU_SLACK)
		TH_LOG("the protocol holds %ld pages", pages);
	/* What the sessions may hold, and 16 MiB for everything else. */
	EXPECT_LE((used - used0) * 1024,
		  (BACKLOG + 1) * SESSION_MAX(self->rcvbuf) + (16 << 20))
		TH_LOG("kernel memory grew by %ld KiB", used - used0);
	EXPECT_LE(tsis - BACKLOG - 1,
		  pgm_counter("PgmAcceptQueueFull") - full0);

	n = accept_all(self->ls, fds, BACKLOG + 8);
	EXPECT_GE(BACKLOG + 1, n);
	EXPECT_LE(BACKLOG, n);
	for (i = 0; i < n; i++) {
		/* One packet and the window's storage (1024 slots). */
		EXPECT_LT(16 << 10, rmem_alloc(fds[i]))
			TH_LOG("session %d: its window is not charged", i);
		EXPECT_GE(SESSION_MAX(self->rcvbuf), rmem_alloc(fds[i]));
		close(fds[i]);
	}
	close(self->ls);
	self->ls = -1;
	for (i = 0; i < 500 && pgm_proto_stat(1) * 4096 > PCPU_SLACK; i++)
		pgm_sleep_ms(10);
	EXPECT_GE(PCPU_SLACK, pgm_proto_stat(1) * 4096);
}

/*
 * A forged FEC session: groups of 128, on-demand; one data packet, then
 * 127 parity packets into each of 128 groups. Parity is charged to the
 * session like data: it holds at most 1.5x its buffer.
 */
TEST_F_TIMEOUT(mem, forged_parity_counts_against_rcvbuf, 300)
{
	unsigned int tg, j, k = 128, groups = pgm_scale(128, 8);
	long held, before = pgm_counter("PgmRcvbufErrors");
	int s = -1;

	SEND(spm_fec(self->b, 0x4321, 9, 1, 0, 0, k));
	ASSERT_LE(1, pgm_wait_counter("PgmInSpm", 1, 10000));
	SEND(odata(self->b, 0x4321, 9, 0, 0, TSDU));
	/* Groups 1 to 128: no data in them, 127 parity packets each. */
	for (tg = 1; tg <= groups; tg++)
		for (j = 0; j < k - 1; j++)
			SEND(parity(self->b, 0x4321, 9, tg * k, j, 0, TSDU));
	ASSERT_EQ(1, accept_all(self->ls, &s, 1));
	held = rmem_alloc(s);
	TH_LOG("%u bytes of parity in %u groups: the session holds %ld, rcvbuf %d (%.2fx)",
	       groups * (k - 1) * TSDU, groups, held, self->rcvbuf,
	       (double)held / self->rcvbuf);
	EXPECT_LE(held, SESSION_MAX(self->rcvbuf));
	EXPECT_LT(before, pgm_counter("PgmRcvbufErrors"));
	close(s);
}

/*
 * Repairs never crowd out the packet the reader waits for. Sequence 1 is
 * lost; the even ones after it fill the buffer, then repairs of the odd
 * ones fill what room repairs have. The repair of 1 must still find
 * room: before, repairs could take all of it, and the session, holding
 * everything after 1, could take nothing more and stalled until it
 * failed.
 */
TEST_F(mem, repairs_leave_room_for_the_next_packet)
{
	unsigned int sqn, top = 2 * 2 * RCVBUF / TSDU;
	char buf[TSDU];
	int s = -1;

	SEND(odata(self->b, 0x4444, 5, 0, 0, TSDU));
	ASSERT_EQ(1, accept_all(self->ls, &s, 1));
	ASSERT_EQ(TSDU, pgm_recv_within(s, buf, sizeof(buf), 2000));
	for (sqn = 2; sqn <= top; sqn += 2)
		SEND(odata(self->b, 0x4444, 5, sqn, 0, TSDU));
	for (sqn = 3; sqn < top; sqn += 2) {
		odata(self->b, 0x4444, 5, sqn, 0, TSDU);
		self->b[4] = PGM_T_RDATA;
		pgm_set_csum(self->b, 24 + TSDU);
		SEND(24 + TSDU);
	}
	EXPECT_LE(rmem_alloc(s), SESSION_MAX(self->rcvbuf));
	EXPECT_LT(self->rcvbuf, rmem_alloc(s));

	odata(self->b, 0x4444, 5, 1, 0, TSDU);
	self->b[4] = PGM_T_RDATA;
	pgm_set_csum(self->b, 24 + TSDU);
	SEND(24 + TSDU);
	EXPECT_EQ(TSDU, pgm_recv_within(s, buf, sizeof(buf), 2000))
		TH_LOG("the repair the reader waits for found no room");
	EXPECT_LE(rmem_alloc(s), SESSION_MAX(self->rcvbuf));
	close(s);
}

/* A source's own send buffer stays within net.pgm.wmem_max. */
TEST_F(mem, send_buffer_within_wmem_max)
{
	struct rm_send_window w = {
		.rate_kbits_per_sec = 24000,
		.window_size_in_msecs = 1000,
		.window_size_in_bytes = 3000000,
	};
	struct sockaddr_in g = pgm_sin(GROUP, PORT + 1);
	socklen_t len = sizeof(int);
	int s, sndbuf;

	ASSERT_EQ(0, write_file("/proc/sys/net/pgm/wmem_max", "4194304"));
	s = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, setsockopt(s, SOL_PGM, RM_RATE_WINDOW_SIZE, &w,
				sizeof(w)));
	ASSERT_EQ(0, connect(s, (struct sockaddr *)&g, sizeof(g)));
	ASSERT_EQ(0, getsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len));
	EXPECT_GE(4194304, sndbuf);
	EXPECT_LE(3000000, sndbuf);
	close(s);
}

/*
 * Closed sources that still have data to send live on, at most
 * net.pgm.max_orphans of them, at most net.pgm.orphan_timeout_ms each:
 * the others are aborted at close, and all are gone in time.
 */
TEST_F(mem, closed_sources_are_bounded)
{
	struct rm_send_window w = { .rate_kbits_per_sec = 8 };
	struct sockaddr_in g = pgm_sin(GROUP, PORT + 2);
	long ab0 = pgm_counter("PgmOrphansAborted"), sockets0;
	static char buf[16000];
	int i, s, waited;

	/* Packets of 1400 bytes: the rate bucket holds only a few. */
	ASSERT_EQ(0, system("ip link set lo mtu 1500"));
	ASSERT_EQ(0, write_file("/proc/sys/net/pgm/max_orphans", "2"));
	ASSERT_EQ(0, write_file("/proc/sys/net/pgm/orphan_timeout_ms",
				"2000"));
	sockets0 = pgm_proto_stat(0);
	for (i = 0; i < 5; i++) {
		s = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
		ASSERT_LE(0, s);
		ASSERT_EQ(0, setsockopt(s, SOL_PGM, RM_RATE_WINDOW_SIZE, &w,
					sizeof(w)));
		ASSERT_EQ(0, connect(s, (struct sockaddr *)&g, sizeof(g)));
		/* 16 KB at 8 kbit/s: 16 s to send; close() cannot wait. */
		ASSERT_EQ((ssize_t)sizeof(buf), send(s, buf, sizeof(buf),
						     MSG_DONTWAIT));
		close(s);
	}
	EXPECT_EQ(3, pgm_counter("PgmOrphansAborted") - ab0);
	EXPECT_EQ(sockets0 + 2, pgm_proto_stat(0));
	/* Gone within the timeout and a window advance step or two. */
	for (waited = 0; waited < 6000 && pgm_proto_stat(0) > sockets0;
	     waited += 50)
		pgm_sleep_ms(50);
	EXPECT_EQ(sockets0, pgm_proto_stat(0))
		TH_LOG("orphans still there after %d ms", waited);
}

/*
 * In a user namespace's network namespace the memory sysctls are
 * read-only: its root may not raise what every user may make the kernel
 * hold. The timers stay its own.
 */
TEST(userns_memory_sysctls_read_only)
{
	int status, fd;
	pid_t pid;

	/* The module (autoloaded) registers its sysctls in every new
	 * namespace.
	 */
	fd = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, fd);
	close(fd);
	pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
			_exit(errno == EINVAL ? 11 : 10);
		if (write_file("/proc/sys/net/pgm/rmem_default",
			       "1073741824") != -EACCES)
			_exit(1);
		if (write_file("/proc/sys/net/pgm/wmem_max",
			       "1073741824") != -EACCES)
			_exit(2);
		if (write_file("/proc/sys/net/pgm/max_orphans",
			       "1000000") != -EACCES)
			_exit(3);
		if (write_file("/proc/sys/net/pgm/nak_bo_ivl_ms", "60"))
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 11)
		SKIP(return, "no user namespaces in this kernel");
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("step %d failed", WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
