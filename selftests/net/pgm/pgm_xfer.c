// SPDX-License-Identifier: GPL-2.0
/*
 * pgm_xfer: PGM transfers for the selftests and the demo.
 *
 *   pgm_xfer send -g GROUP -p PORT [options]
 *	one session; generated messages (-n COUNT, sizes -s MIN[:MAX],
 *	content from -x SEED) or a file (-f FILE); prints
 *	"send port=P msgs=N bytes=B sha256=H" and the sender statistics.
 *   pgm_xfer recv -g GROUP -p PORT [options]
 *	listens, accepts -k sessions and reads them all in one poll loop
 *	until each ends; prints one line per session:
 *	"recv peer=A:P msgs=N bytes=B sha256=H end=eof|reset|timeout ..."
 *	With -x SEED the messages are checked one by one against what the
 *	sender generates from that seed; with -J as well, the first message
 *	may be any of them (a late joiner): its index is reported as first=.
 *
 * Exit status 0 only if every session ended as -e expects (default eof)
 * and, with -x, every message matched.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/pgm.h>
#include <linux/types.h>

#define MAX_SESSIONS	64

/* ----- SHA-256 (FIPS 180-4) ----- */

struct sha256 {
	__u32 h[8];
	__u64 len;
	__u8 buf[64];
	unsigned int n;
};

static const __u32 sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static __u32 ror(__u32 x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_init(struct sha256 *s)
{
	static const __u32 iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->n = 0;
}

static void sha256_block(struct sha256 *s, const __u8 *p)
{
	__u32 w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (__u32)p[4 * i] << 24 | p[4 * i + 1] << 16 |
		       p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = s->h[0];
	b = s->h[1];
	c = s->h[2];
	d = s->h[3];
	e = s->h[4];
	f = s->h[5];
	g = s->h[6];
	h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		     ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
	s->h[5] += f;
	s->h[6] += g;
	s->h[7] += h;
}

static void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const __u8 *p = data;

	s->len += len;
	while (len) {
		size_t k = 64 - s->n < len ? 64 - s->n : len;

		memcpy(s->buf + s->n, p, k);
		s->n += k;
		p += k;
		len -= k;
		if (s->n == 64) {
			sha256_block(s, s->buf);
			s->n = 0;
		}
	}
}

static void sha256_hex(struct sha256 *s, char out[65])
{
	__u64 bits = s->len * 8;
	__u8 pad = 0x80, len[8];
	int i;

	sha256_update(s, &pad, 1);
	pad = 0;
	while (s->n != 56)
		sha256_update(s, &pad, 1);
	for (i = 0; i < 8; i++)
		len[i] = bits >> (56 - 8 * i);
	sha256_update(s, len, 8);
	for (i = 0; i < 8; i++)
		sprintf(out + 8 * i, "%08x", s->h[i]);
}

/* ----- deterministic messages ----- */

static __u64 mix(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static size_t msg_size(__u64 seed, __u64 i, size_t min, size_t max)
{
	return min + mix(seed * 0x9e3779b97f4a7c15ULL + i) % (max - min + 1);
}

static void msg_fill(__u8 *p, size_t len, __u64 seed, __u64 i)
{
	__u64 x = mix(seed ^ mix(i + 1));
	size_t k;

	for (k = 0; k < len; k++) {
		if (!(k & 7))
			x = mix(x + k);
		p[k] = x >> (8 * (k & 7));
	}
}

/* ----- options ----- */

static struct {
	int type;
	struct sockaddr_in group;
	in_addr_t ifaddr;
	__u32 rate, window_ms, latejoin;
	long count;
	size_t min, max;
	__u64 seed;
	int have_seed;
	const char *file;
	int nonblock;
	int delay_us;
	int linger;
	int close_now;
	int sessions;
	size_t bufsize;
	int timeout;
	const char *expect;
	int join;
} opt = {
	.type = SOCK_RDM,
	.count = 1000,
	.min = 1,
	.max = 1400,
	.linger = -1,
	.sessions = 1,
	.bufsize = 65536,
	.timeout = 60,
	.expect = "eof",
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "pgm_xfer: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void set_nonblock(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		die("fcntl");
}

/* ----- sending ----- */

/* Send one message, waiting with poll() when non-blocking. */
static void send_msg(int s, const void *buf, size_t len)
{
	struct pollfd p = { .fd = s, .events = POLLOUT };

	for (;;) {
		ssize_t n = send(s, buf, len, opt.nonblock ? MSG_DONTWAIT : 0);

		if (n == (ssize_t)len)
			return;
		if (n >= 0 && opt.type == SOCK_STREAM) {
			buf = (const char *)buf + n;
			len -= n;
			continue;
		}
		if (n >= 0 || errno != EAGAIN || !opt.nonblock)
			die("send");
		if (poll(&p, 1, 10000) != 1)
			die("poll(POLLOUT)");
	}
}

static int do_send(void)
{
	struct rm_send_window w = {
		.rate_kbits_per_sec = opt.rate,
		.window_size_in_msecs = opt.window_ms,
	};
	struct rm_sender_stats st;
	struct sockaddr_in local;
	socklen_t len = sizeof(local);
	static __u8 buf[1 << 20];
	struct sha256 sha;
	__u64 bytes = 0;
	long msgs = 0;
	char hex[65];
	double t0;
	int s;

	s = socket(AF_INET, opt.type, IPPROTO_PGM);
	if (s < 0)
		die("socket");
	if ((opt.rate || opt.window_ms) &&
	    setsockopt(s, SOL_PGM, RM_RATE_WINDOW_SIZE, &w, sizeof(w)))
		die("RM_RATE_WINDOW_SIZE");
	if (opt.latejoin &&
	    setsockopt(s, SOL_PGM, RM_LATEJOIN, &opt.latejoin, sizeof(opt.latejoin)))
		die("RM_LATEJOIN");
	if (opt.ifaddr &&
	    setsockopt(s, SOL_PGM, RM_SET_SEND_IF, &opt.ifaddr, sizeof(opt.ifaddr)))
		die("RM_SET_SEND_IF");
	if (opt.linger >= 0) {
		struct linger l = { .l_onoff = 1, .l_linger = opt.linger };

		if (setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
			die("SO_LINGER");
	}
	if (connect(s, (struct sockaddr *)&opt.group, sizeof(opt.group)))
		die("connect");
	if (getsockname(s, (struct sockaddr *)&local, &len))
		die("getsockname");
	if (opt.nonblock)
		set_nonblock(s);

	sha256_init(&sha);
	t0 = now_s();
	if (opt.file) {
		FILE *f = strcmp(opt.file, "-") ? fopen(opt.file, "rb") : stdin;
		size_t n;

		if (!f)
			die(opt.file);
		while ((n = fread(buf, 1, opt.max, f)) > 0) {
			send_msg(s, buf, n);
			sha256_update(&sha, buf, n);
			bytes += n;
			msgs++;
		}
	} else {
		for (msgs = 0; msgs < opt.count; msgs++) {
			size_t n = msg_size(opt.seed, msgs, opt.min, opt.max);

			msg_fill(buf, n, opt.seed, msgs);
			send_msg(s, buf, n);
			sha256_update(&sha, buf, n);
			bytes += n;
			if (opt.delay_us)
				usleep(opt.delay_us);
		}
	}
	sha256_hex(&sha, hex);
	len = sizeof(st);
	if (getsockopt(s, SOL_PGM, RM_SENDER_STATISTICS, &st, &len))
		die("RM_SENDER_STATISTICS");
	printf("send port=%u msgs=%ld bytes=%llu sha256=%s secs=%.3f\n",
	       ntohs(local.sin_port), msgs, (unsigned long long)bytes, hex,
	       now_s() - t0);
	printf("sstats data_bytes_sent=%llu total_bytes_sent=%llu ",
	       (unsigned long long)st.data_bytes_sent,
	       (unsigned long long)st.total_bytes_sent);
	printf("naks_received=%llu repair_packets_sent=%llu odata=%llu\n",
	       (unsigned long long)st.naks_received,
	       (unsigned long long)st.repair_packets_sent,
	       (unsigned long long)st.total_odata_packets_sent);
	fflush(stdout);
	if (!opt.close_now)
		shutdown(s, SHUT_WR);
	close(s);
	return bytes == st.data_bytes_sent ? 0 : 1;
}

/* ----- receiving ----- */

struct session {
	int fd;
	struct sockaddr_in peer;
	struct sha256 sha;
	__u64 bytes;
	long msgs;		/* index of the next message */
	long first;		/* index of the first message (-J) */
	size_t msg_len;		/* bytes of the current message so far */
	__u8 *msg;		/* the current message (verification) */
	long bad;		/* messages that did not match */
	const char *end;
	int eor_missing;	/* SOCK_RDM: data after a read without MSG_EOR */
};

static struct session sessions[MAX_SESSIONS];
static int n_sessions, n_open;

static int same_msg(long i, const __u8 *p, size_t len)
{
	static __u8 want[1 << 20];
	size_t n = msg_size(opt.seed, i, opt.min, opt.max);

	if (n != len)
		return 0;
	msg_fill(want, n, opt.seed, i);
	return !memcmp(want, p, n);
}

static void check_msg(struct session *ss)
{
	static __u8 want[1 << 20];
	size_t n;

	/* A late joiner: which message did we start with? */
	if (opt.join && ss->first < 0) {
		long i;

		for (i = 0; i < opt.count; i++)
			if (same_msg(i, ss->msg, ss->msg_len))
				break;
		ss->first = i;
		ss->msgs = i;
	}
	n = msg_size(opt.seed, ss->msgs, opt.min, opt.max);

	msg_fill(want, n, opt.seed, ss->msgs);
	if (n != ss->msg_len || memcmp(want, ss->msg, n))
		ss->bad++;
}

static void finish(struct session *ss, const char *end)
{
	struct rm_receiver_stats st;
	socklen_t len = sizeof(st);
	char hex[65];

	memset(&st, 0, sizeof(st));
	getsockopt(ss->fd, SOL_PGM, RM_RECEIVER_STATISTICS, &st, &len);
	sha256_hex(&ss->sha, hex);
	ss->end = end;
	printf("recv peer=%s:%u first=%ld msgs=%ld bytes=%llu sha256=%s ",
	       inet_ntoa(ss->peer.sin_addr), ntohs(ss->peer.sin_port),
	       ss->first < 0 ? 0 : ss->first, ss->msgs,
	       (unsigned long long)ss->bytes, hex);
	printf("end=%s bad=%ld eor_missing=%d odata=%llu rdata=%llu dups=%llu ",
	       end, ss->bad, ss->eor_missing,
	       (unsigned long long)st.num_odata_packets_received,
	       (unsigned long long)st.num_rdata_packets_received,
	       (unsigned long long)st.num_duplicate_data_packets);
	printf("naks=%llu data_bytes_received=%llu\n",
	       (unsigned long long)st.total_selective_naks_sent,
	       (unsigned long long)st.data_bytes_received);
	fflush(stdout);
	close(ss->fd);
	ss->fd = -1;
	n_open--;
}

/* Read what is there; 0 while the session goes on. */
static void session_read(struct session *ss, __u8 *buf)
{
	for (;;) {
		struct iovec iov = { .iov_base = buf, .iov_len = opt.bufsize };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(ss->fd, &m, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN)
				return;
			finish(ss, errno == ECONNRESET ? "reset" : "error");
			return;
		}
		if (!n) {
			finish(ss, "eof");
			return;
		}
		sha256_update(&ss->sha, buf, n);
		ss->bytes += n;
		if (opt.type == SOCK_STREAM) {
			ss->msgs++;
			continue;
		}
		if (opt.have_seed && ss->msg_len + n <= (1 << 20))
			memcpy(ss->msg + ss->msg_len, buf, n);
		ss->msg_len += n;
		if (!(m.msg_flags & MSG_EOR)) {
			/* A partial read: only when the buffer was full. */
			if ((size_t)n != opt.bufsize)
				ss->eor_missing++;
			continue;
		}
		if (opt.have_seed)
			check_msg(ss);
		ss->msgs++;
		ss->msg_len = 0;
	}
}

static int do_recv(void)
{
	static __u8 buf[1 << 20];
	struct pollfd pfd[MAX_SESSIONS + 1];
	double deadline;
	int ls, i, ok = 1;

	ls = socket(AF_INET, opt.type, IPPROTO_PGM);
	if (ls < 0)
		die("socket");
	if (bind(ls, (struct sockaddr *)&opt.group, sizeof(opt.group)))
		die("bind");
	if (opt.ifaddr &&
	    setsockopt(ls, SOL_PGM, RM_ADD_RECEIVE_IF, &opt.ifaddr, sizeof(opt.ifaddr)))
		die("RM_ADD_RECEIVE_IF");
	if (listen(ls, MAX_SESSIONS))
		die("listen");
	set_nonblock(ls);
	printf("ready\n");
	fflush(stdout);

	deadline = now_s() + opt.timeout;
	while (n_sessions < opt.sessions || n_open) {
		int n = 0, t = (int)((deadline - now_s()) * 1000);

		if (t <= 0)
			break;
		if (n_sessions < opt.sessions)
			pfd[n++] = (struct pollfd){ .fd = ls, .events = POLLIN };
		for (i = 0; i < n_sessions; i++)
			if (sessions[i].fd >= 0)
				pfd[n++] = (struct pollfd){ .fd = sessions[i].fd,
							    .events = POLLIN };
		if (poll(pfd, n, t) < 0)
			die("poll");
		if (n_sessions < opt.sessions && (pfd[0].revents & POLLIN)) {
			struct session *ss = &sessions[n_sessions];
			socklen_t len = sizeof(ss->peer);
			int fd = accept(ls, (struct sockaddr *)&ss->peer, &len);

			if (fd >= 0) {
				ss->fd = fd;
				ss->first = -1;
				sha256_init(&ss->sha);
				ss->msg = malloc(1 << 20);
				n_sessions++;
				n_open++;
			} else if (errno != EAGAIN) {
				die("accept");
			}
		}
		for (i = 0; i < n_sessions; i++)
			if (sessions[i].fd >= 0)
				session_read(&sessions[i], buf);
	}
	for (i = 0; i < n_sessions; i++)
		if (sessions[i].fd >= 0)
			finish(&sessions[i], "timeout");
	if (n_sessions < opt.sessions) {
		printf("recv sessions=%d of %d\n", n_sessions, opt.sessions);
		ok = 0;
	}
	for (i = 0; i < n_sessions; i++)
		if (strcmp(sessions[i].end, opt.expect) || sessions[i].bad ||
		    sessions[i].eor_missing ||
		    (opt.have_seed && !strcmp(opt.expect, "eof") &&
		     sessions[i].msgs != opt.count))
			ok = 0;
	close(ls);
	return ok ? 0 : 1;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: pgm_xfer send|recv -g GROUP -p PORT [options]\n"
		"  -t rdm|stream   socket type (rdm)\n"
		"  -i ADDR         RM_SET_SEND_IF / RM_ADD_RECEIVE_IF\n"
		"  -r KBPS -w MS   RM_RATE_WINDOW_SIZE (send)\n"
		"  -j PCT          RM_LATEJOIN (send)\n"
		"  -n COUNT        messages (1000)\n"
		"  -s MIN[:MAX]    message sizes (1:1400)\n"
		"  -x SEED         content seed; on recv: check every message\n"
		"  -f FILE         send a file (- for stdin), MAX bytes a send\n"
		"  -N              non-blocking with poll()\n"
		"  -D USEC         pause between sends\n"
		"  -l SECS         SO_LINGER (send)\n"
		"  -C              close without shutdown() first (send)\n"
		"  -k N            sessions to accept (recv, 1)\n"
		"  -b BYTES        receive buffer per read (recv, 65536)\n"
		"  -T SECS         give up after (recv, 60)\n"
		"  -e eof|reset    how sessions must end (recv, eof)\n"
		"  -J              with -x: the first message may be any (recv)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int c;

	if (argc < 2)
		print_usage();
	opt.group.sin_family = AF_INET;
	optind = 2;
	while ((c = getopt(argc, argv, "t:g:p:i:r:w:j:n:s:x:f:ND:l:Ck:b:T:e:J")) != -1) {
		switch (c) {
		case 't':
			opt.type = strcmp(optarg, "stream") ? SOCK_RDM : SOCK_STREAM;
			break;
		case 'g':
			if (inet_pton(AF_INET, optarg, &opt.group.sin_addr) != 1)
				print_usage();
			break;
		case 'p':
			opt.group.sin_port = htons(atoi(optarg));
			break;
		case 'i':
			opt.ifaddr = inet_addr(optarg);
			break;
		case 'r':
			opt.rate = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			opt.window_ms = strtoul(optarg, NULL, 0);
			break;
		case 'j':
			opt.latejoin = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			opt.count = strtol(optarg, NULL, 0);
			break;
		case 's':
			opt.min = strtoul(optarg, &optarg, 0);
			opt.max = *optarg == ':' ? strtoul(optarg + 1, NULL, 0) :
						   opt.min;
			break;
		case 'x':
			opt.seed = strtoull(optarg, NULL, 0);
			opt.have_seed = 1;
			break;
		case 'f':
			opt.file = optarg;
			break;
		case 'N':
			opt.nonblock = 1;
			break;
		case 'D':
			opt.delay_us = atoi(optarg);
			break;
		case 'l':
			opt.linger = atoi(optarg);
			break;
		case 'C':
			opt.close_now = 1;
			break;
		case 'k':
			opt.sessions = atoi(optarg);
			break;
		case 'b':
			opt.bufsize = strtoul(optarg, NULL, 0);
			break;
		case 'T':
			opt.timeout = atoi(optarg);
			break;
		case 'e':
			opt.expect = optarg;
			break;
		case 'J':
			opt.join = 1;
			break;
		default:
			print_usage();
		}
	}
	if (!opt.group.sin_port || opt.min > opt.max || opt.max > (1 << 20) ||
	    opt.sessions < 1 || opt.sessions > MAX_SESSIONS ||
	    !opt.bufsize || opt.bufsize > (1 << 20))
		print_usage();
	if (!strcmp(argv[1], "send"))
		return do_send();
	if (!strcmp(argv[1], "recv"))
		return do_recv();
	print_usage();
	return 2;
}
