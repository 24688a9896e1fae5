// SPDX-License-Identifier: GPL-2.0
/*
 * pgm_opgm: an OpenPGM (libpgm) peer for the interoperability tests.
 *
 *   pgm_opgm send -a IFADDR -g GROUP -p PORT [options]	one session
 *   pgm_opgm recv -a IFADDR -g GROUP -p PORT [options]	one session
 *
 * It sends and verifies the same content as pgm_xfer (pgm_gen.h): a
 * pgm_xfer receiver verifies what this sends and this verifies what a
 * pgm_xfer sender sends, message by message, with a SHA-256 over all.
 *
 * OpenPGM has no timer defaults: every interval is set here, as its own
 * examples do. It has no threads either: its timers, NAKs, NCFs and
 * repairs only run inside pgm_recvmsgv(), so the sender calls it between
 * sends and for --linger seconds after the last one (answering NAKs),
 * then closes with pgm_close(sock, TRUE), which sends SPMs with OPT_FIN.
 * Its receivers ignore OPT_FIN: the receiver here ends once it verified
 * -n messages (end=count). Known OpenPGM bugs this avoids: pgm_send()
 * faults on a buffer that is not 16-byte aligned or a message that needs
 * fragmentation (so the sender's messages fit one packet), and
 * pro-active FEC faults (so --fec asks on-demand parity only).
 *
 * Output, one key=value record per line:
 *   send port= msgs= bytes= sha256= secs=
 *   ready					(the receiver listens)
 *   recv peer=GSI.PORT msgs= bytes= sha256= end= bad= first_bad= lost=
 *   result ok=
 * end= is count (-n messages arrived), reset (OpenPGM reported data
 * lost; lost= says how many packets) or timeout.
 *
 * Exit status: 0 if everything expected happened, 1 if not, 2 on bad
 * usage or a failed library call.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <pgm/pgm.h>

#include "pgm_gen.h"

#define MAX_FDS		8

static struct {
	const char *ifaddr, *group;
	unsigned int port, sport, ucast_port, mcast_port;
	bool udp;
	long count;
	size_t min, max;
	__u64 seed;
	unsigned int rate;		/* bytes per second, IP headers included */
	unsigned int fec_n, fec_k;	/* on-demand parity when fec_k */
	double linger, timeout;
} opt = {
	.port = 7500,
	.count = 1000,
	.min = 1,
	.max = 1400,
	.rate = 2000000,
	.linger = 5,
	.timeout = 60,
};

static pgm_sock_t *sock;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *what, pgm_error_t *err)
{
	fprintf(stderr, "pgm_opgm: %s: %s\n", what,
		err && err->message ? err->message : "failed");
	exit(2);
}

static void set_int(int name, int v, const char *what)
{
	if (!pgm_setsockopt(sock, IPPROTO_PGM, name, &v, sizeof(v)))
		fail(what, NULL);
}

/* The socket, bound and connected, as OpenPGM's own examples make it. */
static void open_sock(bool sender)
{
	struct pgm_addrinfo_t *res = NULL;
	struct pgm_interface_req_t ifr;
	struct pgm_sockaddr_t addr;
	pgm_error_t *err = NULL;
	char network[128];
	unsigned int i;

	if (!pgm_init(&err))
		fail("pgm_init", err);
	/* The interface by address: a name would be looked up as a host
	 * first, which fails without DNS (OpenPGM issue 34).
	 */
	snprintf(network, sizeof(network), "%s;%s", opt.ifaddr, opt.group);
	if (!pgm_getaddrinfo(network, NULL, &res, &err))
		fail("pgm_getaddrinfo", err);
	if (!pgm_socket(&sock, AF_INET, SOCK_SEQPACKET,
			opt.udp ? IPPROTO_UDP : IPPROTO_PGM, &err))
		fail("pgm_socket", err);
	if (opt.udp) {
		set_int(PGM_UDP_ENCAP_UCAST_PORT, opt.ucast_port, "UCAST_PORT");
		set_int(PGM_UDP_ENCAP_MCAST_PORT, opt.mcast_port, "MCAST_PORT");
	}
	set_int(PGM_IP_ROUTER_ALERT, 0, "PGM_IP_ROUTER_ALERT");
	set_int(PGM_MTU, 1500, "PGM_MTU");
	if (sender) {
		/* SPMs: ambient every second; heartbeats after data. */
		const int hb[] = { pgm_msecs(50), pgm_msecs(100), pgm_msecs(200),
				   pgm_msecs(400), pgm_msecs(800), pgm_secs(1) };

		set_int(PGM_SEND_ONLY, 1, "PGM_SEND_ONLY");
		/* The window in seconds at the rate, as ZeroMQ sets it: with
		 * PGM_TXW_SQNS, OpenPGM sizes its parity buffer 0 bytes and
		 * aborts on the first parity NAK ("skput:over").
		 */
		set_int(PGM_TXW_SECS, 30, "PGM_TXW_SECS");
		set_int(PGM_TXW_MAX_RTE, opt.rate, "PGM_TXW_MAX_RTE");
		set_int(PGM_AMBIENT_SPM, pgm_secs(1), "PGM_AMBIENT_SPM");
		if (!pgm_setsockopt(sock, IPPROTO_PGM, PGM_HEARTBEAT_SPM, hb,
				    sizeof(hb)))
			fail("PGM_HEARTBEAT_SPM", NULL);
	} else {
		set_int(PGM_RECV_ONLY, 1, "PGM_RECV_ONLY");
		set_int(PGM_PASSIVE, 0, "PGM_PASSIVE");
		set_int(PGM_RXW_SQNS, opt.count + 1024, "PGM_RXW_SQNS");
		set_int(PGM_PEER_EXPIRY, pgm_secs(300), "PGM_PEER_EXPIRY");
		set_int(PGM_SPMR_EXPIRY, pgm_msecs(250), "PGM_SPMR_EXPIRY");
		set_int(PGM_NAK_BO_IVL, pgm_msecs(50), "PGM_NAK_BO_IVL");
		set_int(PGM_NAK_RPT_IVL, pgm_msecs(300), "PGM_NAK_RPT_IVL");
		set_int(PGM_NAK_RDATA_IVL, pgm_msecs(500), "PGM_NAK_RDATA_IVL");
		set_int(PGM_NAK_DATA_RETRIES, 50, "PGM_NAK_DATA_RETRIES");
		set_int(PGM_NAK_NCF_RETRIES, 50, "PGM_NAK_NCF_RETRIES");
	}
	if (opt.fec_k) {
		struct pgm_fecinfo_t fec = {
			.block_size = opt.fec_n,
			.proactive_packets = 0,
			.group_size = opt.fec_k,
			.ondemand_parity_enabled = true,
			/* Variable TSDU lengths in a group need it. */
			.var_pktlen_enabled = opt.min != opt.max,
		};

		if (!pgm_setsockopt(sock, IPPROTO_PGM, PGM_USE_FEC, &fec,
				    sizeof(fec)))
			fail("PGM_USE_FEC", NULL);
	}

	memset(&addr, 0, sizeof(addr));
	addr.sa_port = opt.port;
	addr.sa_addr.sport = opt.sport;
	if (!pgm_gsi_create_from_hostname(&addr.sa_addr.gsi, &err))
		fail("pgm_gsi_create_from_hostname", err);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ir_interface = res->ai_recv_addrs[0].gsr_interface;
	memcpy(&ifr.ir_address, &res->ai_send_addrs[0].gsr_addr,
	       sizeof(struct sockaddr_storage));
	if (!pgm_bind3(sock, &addr, sizeof(addr), &ifr, sizeof(ifr), &ifr,
		       sizeof(ifr), &err))
		fail("pgm_bind3", err);
	for (i = 0; i < res->ai_recv_addrs_len; i++)
		if (!pgm_setsockopt(sock, IPPROTO_PGM, PGM_JOIN_GROUP,
				    &res->ai_recv_addrs[i],
				    sizeof(struct pgm_group_source_req)))
			fail("PGM_JOIN_GROUP", NULL);
	if (!pgm_setsockopt(sock, IPPROTO_PGM, PGM_SEND_GROUP,
			    &res->ai_send_addrs[0],
			    sizeof(struct pgm_group_source_req)))
		fail("PGM_SEND_GROUP", NULL);
	pgm_freeaddrinfo(res);
	set_int(PGM_MULTICAST_LOOP, 0, "PGM_MULTICAST_LOOP");
	set_int(PGM_MULTICAST_HOPS, 16, "PGM_MULTICAST_HOPS");
	set_int(PGM_NOBLOCK, 1, "PGM_NOBLOCK");
	if (!pgm_connect(sock, &err))
		fail("pgm_connect", err);
}

/* Wait up to @max_ms for the socket, or less if OpenPGM's timers or its
 * rate limit say so (@status: what the last call returned).
 */
static void wait_sock(int status, int max_ms)
{
	struct pollfd fds[MAX_FDS];
	int n = MAX_FDS, ms = max_ms;
	struct timeval tv;
	socklen_t len = sizeof(tv);

	if (status == PGM_IO_STATUS_TIMER_PENDING ||
	    status == PGM_IO_STATUS_RATE_LIMITED) {
		if (pgm_getsockopt(sock, IPPROTO_PGM,
				   status == PGM_IO_STATUS_TIMER_PENDING ?
				   PGM_TIME_REMAIN : PGM_RATE_REMAIN, &tv, &len)) {
			int t = tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;

			if (t < ms)
				ms = t;
		}
	}
	memset(fds, 0, sizeof(fds));
	if (pgm_poll_info(sock, fds, &n, POLLIN) < 0)
		fail("pgm_poll_info", NULL);
	poll(fds, n, ms);
}

/* Let OpenPGM run its timers and answer NAKs, for up to @ms. */
static void service(int ms)
{
	double end = now_s() + ms / 1000.0;
	struct pgm_msgv_t msgv[4];
	pgm_error_t *err = NULL;
	size_t bytes;
	int status;

	do {
		status = pgm_recvmsgv(sock, msgv, 4, 0, &bytes, &err);
		if (status == PGM_IO_STATUS_ERROR)
			fail("pgm_recvmsgv", err);
		if (err) {
			pgm_error_free(err);
			err = NULL;
		}
		if (status == PGM_IO_STATUS_NORMAL)
			continue;
		if (ms)
			wait_sock(status, (int)((end - now_s()) * 1000) + 1);
	} while (now_s() < end);
}

static int do_send(void)
{
	double t0 = now_s(), end;
	struct sha256 sha;
	__u64 bytes = 0;
	char hex[65];
	__u8 *buf;
	long i;

	open_sock(true);
	/* pgm_send() copies with aligned SSE2 stores: a 16-byte aligned
	 * buffer (OpenPGM faults on any other).
	 */
	buf = aligned_alloc(16, (opt.max + 15) & ~(size_t)15);
	if (!buf)
		fail("aligned_alloc", NULL);
	sha256_init(&sha);
	for (i = 0; i < opt.count; i++) {
		size_t n = msg_size(opt.seed, i, opt.min, opt.max);
		int status;

		msg_fill(buf, n, opt.seed, i);
		for (;;) {
			if (now_s() - t0 > opt.timeout) {
				printf("send stuck=%ld secs=%.3f\n", i, now_s() - t0);
				printf("result ok=0\n");
				return 1;
			}
			status = pgm_send(sock, buf, n, NULL);
			if (status == PGM_IO_STATUS_NORMAL)
				break;
			if (status != PGM_IO_STATUS_RATE_LIMITED &&
			    status != PGM_IO_STATUS_WOULD_BLOCK)
				fail("pgm_send", NULL);
			wait_sock(status, 10);
			service(0);
		}
		sha256_update(&sha, buf, n);
		bytes += n;
		service(0);	/* NAKs, between sends */
	}
	sha256_hex(&sha, hex);
	printf("send port=%u msgs=%ld bytes=%llu sha256=%s secs=%.3f\n",
	       opt.sport, opt.count, (unsigned long long)bytes, hex, now_s() - t0);
	fflush(stdout);
	/* Repairs until the receivers are done: OpenPGM answers NAKs only
	 * inside pgm_recvmsgv().
	 */
	end = now_s() + opt.linger;
	while (now_s() < end)
		service(100);
	if (!pgm_close(sock, true))
		fail("pgm_close", NULL);
	pgm_shutdown();
	free(buf);
	printf("result ok=1\n");
	return 0;
}

struct rx {
	struct sha256 sha;
	__u64 bytes;
	long msgs, bad, first_bad, lost;
	__u8 *msg, *want;
	char peer[64];
};

/* One whole APDU, its fragments in @m. */
static void rx_msg(struct rx *r, const struct pgm_msgv_t *m)
{
	size_t len = 0, n;
	unsigned int i;

	if (!r->peer[0]) {
		const pgm_tsi_t *t = &m->msgv_skb[0]->tsi;

		snprintf(r->peer, sizeof(r->peer), "%u.%u.%u.%u.%u.%u.%u",
			 t->gsi.identifier[0], t->gsi.identifier[1],
			 t->gsi.identifier[2], t->gsi.identifier[3],
			 t->gsi.identifier[4], t->gsi.identifier[5],
			 ntohs(t->sport));
	}
	for (i = 0; i < m->msgv_len; i++) {
		const struct pgm_sk_buff_t *skb = m->msgv_skb[i];

		if (len + skb->len <= opt.max)
			memcpy(r->msg + len, skb->data, skb->len);
		len += skb->len;
		sha256_update(&r->sha, skb->data, skb->len);
	}
	r->bytes += len;
	n = r->msgs < opt.count ? msg_size(opt.seed, r->msgs, opt.min, opt.max) : 0;
	if (n)
		msg_fill(r->want, n, opt.seed, r->msgs);
	if (!n || n != len || memcmp(r->msg, r->want, n)) {
		if (!r->bad++)
			r->first_bad = r->msgs;
	}
	r->msgs++;
}

static int do_recv(void)
{
	struct pgm_msgv_t msgv[32];
	double deadline;
	const char *end = "timeout";
	pgm_error_t *err = NULL;
	struct rx r = { .first_bad = -1 };
	char hex[65];
	int ok;

	r.msg = malloc(opt.max);
	r.want = malloc(opt.max);
	if (!r.msg || !r.want)
		fail("malloc", NULL);
	sha256_init(&r.sha);
	open_sock(false);
	printf("ready\n");
	fflush(stdout);
	deadline = now_s() + opt.timeout;
	while (r.msgs < opt.count && now_s() < deadline) {
		size_t bytes;
		int status, i;

		status = pgm_recvmsgv(sock, msgv, 32, MSG_ERRQUEUE, &bytes, &err);
		if (err) {
			pgm_error_free(err);
			err = NULL;
		}
		switch (status) {
		case PGM_IO_STATUS_NORMAL:
			for (i = 0; i < 32 && bytes; i++) {
				size_t k;
				unsigned int j;

				for (k = 0, j = 0; j < msgv[i].msgv_len; j++)
					k += msgv[i].msgv_skb[j]->len;
				rx_msg(&r, &msgv[i]);
				bytes -= k;
			}
			break;
		case PGM_IO_STATUS_RESET:
			/* Unrecoverable loss; the first skb says how much. */
			r.lost += msgv[0].msgv_skb[0]->sequence;
			end = "reset";
			break;
		case PGM_IO_STATUS_ERROR:
			fail("pgm_recvmsgv", NULL);
			break;
		default:
			wait_sock(status, 100);
		}
	}
	if (r.msgs >= opt.count && strcmp(end, "reset"))
		end = "count";
	sha256_hex(&r.sha, hex);
	printf("recv peer=%s msgs=%ld bytes=%llu sha256=%s end=%s bad=%ld first_bad=%ld lost=%ld\n",
	       r.peer[0] ? r.peer : "-", r.msgs, (unsigned long long)r.bytes,
	       hex, end, r.bad, r.first_bad, r.lost);
	ok = !strcmp(end, "count") && !r.bad && r.msgs == opt.count;
	printf("result ok=%d\n", ok);
	fflush(stdout);
	pgm_close(sock, true);
	pgm_shutdown();
	free(r.msg);
	free(r.want);
	return ok ? 0 : 1;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: pgm_opgm send|recv -a IFADDR -g GROUP [options]\n"
		"  -p, --port PORT           PGM destination port (7500)\n"
		"  -u, --udp UCAST,MCAST     PGM over UDP on these ports\n"
		"  -n, --count N             messages (1000)\n"
		"  -s, --size MIN[:MAX]      message sizes (1:1400)\n"
		"  -x, --seed SEED           content seed (0)\n"
		"  -r, --rate BYTES          send: PGM_TXW_MAX_RTE (2000000)\n"
		"  -f, --fec N,K             on-demand parity, block N, group K\n"
		"  -l, --linger SECS         send: answer NAKs this long (5)\n"
		"  -T, --timeout SECS        give up after (60)\n");
	exit(2);
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end)
		print_usage();
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "group", required_argument, NULL, 'g' },
		{ "port", required_argument, NULL, 'p' },
		{ "udp", required_argument, NULL, 'u' },
		{ "count", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'x' },
		{ "rate", required_argument, NULL, 'r' },
		{ "fec", required_argument, NULL, 'f' },
		{ "linger", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 'T' },
		{}
	};
	const char *mode;
	char *p;
	int c;

	if (argc < 2)
		print_usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "a:g:p:u:n:s:x:r:f:l:T:", lo,
				NULL)) != -1) {
		switch (c) {
		case 'a':
			opt.ifaddr = optarg;
			break;
		case 'g':
			opt.group = optarg;
			break;
		case 'p':
			opt.port = num(optarg);
			break;
		case 'u':
			p = strchr(optarg, ',');
			if (!p)
				print_usage();
			*p = 0;
			opt.ucast_port = num(optarg);
			opt.mcast_port = num(p + 1);
			opt.udp = true;
			break;
		case 'n':
			opt.count = num(optarg);
			break;
		case 's':
			p = strchr(optarg, ':');
			if (p)
				*p = 0;
			opt.min = num(optarg);
			opt.max = p ? num(p + 1) : opt.min;
			break;
		case 'x':
			opt.seed = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			opt.rate = num(optarg);
			break;
		case 'f':
			p = strchr(optarg, ',');
			if (!p)
				print_usage();
			*p = 0;
			opt.fec_n = num(optarg);
			opt.fec_k = num(p + 1);
			break;
		case 'l':
			opt.linger = strtod(optarg, NULL);
			break;
		case 'T':
			opt.timeout = strtod(optarg, NULL);
			break;
		default:
			print_usage();
		}
	}
	if (!opt.sport) {
		/* Known here, for the output: OpenPGM would draw one too. */
		srand(getpid() ^ (unsigned int)(now_s() * 1e6));
		opt.sport = 1024 + rand() % 60000;
	}
	if (!opt.ifaddr || !opt.group || !opt.min || opt.min > opt.max ||
	    opt.count < 1)
		print_usage();
	if (!strcmp(mode, "send"))
		return do_send();
	if (!strcmp(mode, "recv"))
		return do_recv();
	print_usage();
	return 2;
}
