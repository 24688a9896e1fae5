// SPDX-License-Identifier: GPL-2.0
/*
 * pgmperf: iperf-style throughput of PGM sockets, against plain UDP
 * multicast on the same path.
 *
 *   pgmperf send [options]		a source
 *   pgmperf recv [options]		a receiver
 *   pgmperf tap SRC_IF RCV_IF...	count ODATA per link (see below)
 *
 * Transports (-m): pgm (the kernel module: SOCK_RDM or, with -t stream,
 * SOCK_STREAM), udp (plain UDP multicast, no recovery: the baseline),
 * openpgm (a hook for libpgm, not built yet: it reports so and exits 4).
 * Each transport is a struct transport of operations; adding one is
 * adding a table entry.
 *
 * Every message is -l bytes and starts with a header: its number, the
 * number of messages sent (on the last one only, else 0) and a run
 * identifier. A receiver checks that PGM delivers them in order, exactly
 * once, whole (MSG_EOR on SOCK_RDM; fixed-size records on SOCK_STREAM);
 * for UDP it counts what was lost, duplicated or reordered.
 *
 * Reports: every -I seconds an interval line (messages/s, MB/s, and the
 * repair counters from RM_SENDER_STATISTICS / RM_RECEIVER_STATISTICS);
 * at the end a human summary and one machine-readable line:
 *   result role=send|recv mode= type= msgs= bytes= secs= msgs_per_s=
 *          mbytes_per_s= ... all_delivered=yes|no (recv) ...
 * Receiver rates run from the first message to the last (goodput);
 * sender rates from the first send to the last.
 *
 * tap: a packet socket in the namespace of a bridge counts the ODATA
 * sequences that enter from the source's port (SRC_IF) and those that
 * leave by each receiver's port (RCV_IF..., after their qdiscs, so netem
 * drops are not seen there). On SIGINT/SIGTERM it prints, per port, the
 * sequences delivered, and in all: sent=, lost_union= (sequences at
 * least one receiver did not get as ODATA: the distinct losses a source
 * has to repair), lost_sum= (the sum over receivers), rdata= (repair
 * packets that entered from the source).
 *
 * Exit status: 0 when the run did what was asked (recv: all_delivered
 * for PGM; for UDP, any end), 1 otherwise, 2 on usage or system errors,
 * 4 for a transport not built in.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <endian.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/pgm.h>
#include <linux/types.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define HDR_LEN		24
#define MAX_LEN		(1024 * 1024)
#define UDP_END_SEQ	(~0ULL)

#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE	33
#endif

/* ----- options ----- */

static struct {
	const char *mode;
	int type;
	struct sockaddr_in group;
	struct in_addr ifaddr;
	size_t len;
	long long count;
	double duration;
	__u32 rate, window_ms;
	struct rm_fec_info fec;	/* RM_USE_FEC, set when use_fec */
	int use_fec;
	double interval, timeout;
	int rcvbuf;
	int drain;
	int quiet;
} opt = {
	.mode = "pgm",
	.type = SOCK_RDM,
	.len = 1400,
	.count = -1,
	.window_ms = 500,
	.interval = 1,
	.timeout = 60,
};

/* Set by SIGINT and SIGTERM. */
static int stop_flag;

static int stopped(void)
{
	return __atomic_load_n(&stop_flag, __ATOMIC_RELAXED);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* b - a, or a second if that is not positive (nothing to divide by). */
static double span_s(double a, double b)
{
	return b > a ? b - a : 1;
}

static void die(const char *what)
{
	fprintf(stderr, "pgmperf: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ----- counters common to the transports ----- */

struct counters {
	__u64 naks;		/* send: NAKs received; recv: NAKs sent */
	__u64 repairs;		/* send: RDATA sent; recv: RDATA received */
	__u64 odata;		/* ODATA sent / received */
	__u64 dups;		/* recv: duplicates dropped by the transport */
	__u64 trail, lead;	/* send: the window's edges */
};

struct conn {
	int fd;			/* the data socket */
	int ls;			/* recv: the listener (PGM) */
	struct sockaddr_in peer;
};

/*
 * A transport. send(): 0, or -errno. recv(): bytes (with *eor set at the
 * end of a message), 0 at the end of the session, -EAGAIN when nothing
 * came within @timeout_ms, or another -errno.
 */
struct transport {
	const char *name;
	int (*send_open)(struct conn *c);
	int (*send)(struct conn *c, const void *buf, size_t len);
	int (*send_stats)(struct conn *c, struct counters *ct);
	int (*send_close)(struct conn *c, double *drain_secs);
	int (*recv_open)(struct conn *c, double deadline);
	ssize_t (*recv)(struct conn *c, void *buf, size_t len, int *eor, int timeout_ms);
	int (*recv_stats)(struct conn *c, struct counters *ct);
	void (*recv_close)(struct conn *c);
};

/* Wait up to @timeout_ms for @events on @fd: 1 ready, 0 not yet. */
static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, timeout_ms);

	if (n < 0 && errno != EINTR)
		die("poll");
	return n > 0;
}

/* ----- PGM (the kernel module) ----- */

static int pgm_send_open(struct conn *c)
{
	struct rm_send_window w = {
		.rate_kbits_per_sec = opt.rate ? opt.rate : 1000000,
		.window_size_in_msecs = opt.window_ms,
	};

	c->fd = socket(AF_INET, opt.type, IPPROTO_PGM);
	if (c->fd < 0)
		return -errno;
	if (setsockopt(c->fd, SOL_PGM, RM_RATE_WINDOW_SIZE, &w, sizeof(w)))
		return -errno;
	if (opt.use_fec &&
	    setsockopt(c->fd, SOL_PGM, RM_USE_FEC, &opt.fec, sizeof(opt.fec)))
		die("RM_USE_FEC");
	if (opt.ifaddr.s_addr &&
	    setsockopt(c->fd, SOL_PGM, RM_SET_SEND_IF, &opt.ifaddr, sizeof(opt.ifaddr)))
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&opt.group, sizeof(opt.group)))
		return -errno;
	return 0;
}

static int pgm_send(struct conn *c, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (opt.type == SOCK_RDM && (size_t)n != len)
			return -EMSGSIZE;
		buf = (const char *)buf + n;
		len -= n;
	}
	return 0;
}

static int pgm_send_stats(struct conn *c, struct counters *ct)
{
	struct rm_sender_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(c->fd, SOL_PGM, RM_SENDER_STATISTICS, &st, &len))
		return -errno;
	ct->naks = st.naks_received;
	ct->repairs = st.repair_packets_sent;
	ct->odata = st.total_odata_packets_sent;
	ct->trail = st.trailing_edge_seq_id;
	ct->lead = st.leading_edge_seq_id;
	return 0;
}

/* End the session; with --drain, wait until the window is empty, so that
 * the statistics read afterwards count every repair.
 */
static int pgm_send_close(struct conn *c, double *drain_secs)
{
	double t0 = now_s();
	struct counters ct;

	if (shutdown(c->fd, SHUT_WR))
		return -errno;
	while (opt.drain) {
		if (pgm_send_stats(c, &ct))
			return -errno;
		if ((__u32)(ct.trail - ct.lead) == 1)
			break;
		if (now_s() - t0 > opt.timeout)
			return -ETIMEDOUT;
		usleep(20000);
	}
	*drain_secs = now_s() - t0;
	return 0;
}

static int pgm_recv_open(struct conn *c, double deadline)
{
	socklen_t len = sizeof(c->peer);

	c->ls = socket(AF_INET, opt.type, IPPROTO_PGM);
	if (c->ls < 0)
		return -errno;
	if (opt.rcvbuf &&
	    setsockopt(c->ls, SOL_SOCKET, SO_RCVBUFFORCE, &opt.rcvbuf, sizeof(opt.rcvbuf)) &&
	    setsockopt(c->ls, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf, sizeof(opt.rcvbuf)))
		return -errno;
	if (bind(c->ls, (struct sockaddr *)&opt.group, sizeof(opt.group)))
		return -errno;
	if (opt.ifaddr.s_addr &&
	    setsockopt(c->ls, SOL_PGM, RM_ADD_RECEIVE_IF, &opt.ifaddr, sizeof(opt.ifaddr)))
		return -errno;
	if (listen(c->ls, 4))
		return -errno;
	printf("ready\n");
	fflush(stdout);
	while (!wait_fd(c->ls, POLLIN, 100))
		if (stopped() || now_s() > deadline)
			return -ETIMEDOUT;
	c->fd = accept(c->ls, (struct sockaddr *)&c->peer, &len);
	if (c->fd < 0)
		return -errno;
	return 0;
}

static ssize_t pgm_recv(struct conn *c, void *buf, size_t len, int *eor, int timeout_ms)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	n = recvmsg(c->fd, &m, MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN && wait_fd(c->fd, POLLIN, timeout_ms))
		n = recvmsg(c->fd, &m, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	*eor = opt.type == SOCK_STREAM || (m.msg_flags & MSG_EOR);
	return n;
}

static int pgm_recv_stats(struct conn *c, struct counters *ct)
{
	struct rm_receiver_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(c->fd, SOL_PGM, RM_RECEIVER_STATISTICS, &st, &len))
		return -errno;
	ct->naks = st.total_selective_naks_sent + st.total_parity_naks_sent;
	ct->repairs = st.num_rdata_packets_received;
	ct->odata = st.num_odata_packets_received;
	ct->dups = st.num_duplicate_data_packets;
	return 0;
}

static void pgm_recv_close(struct conn *c)
{
	close(c->fd);
	close(c->ls);
}

/* ----- plain UDP multicast ----- */

static int udp_send_open(struct conn *c)
{
	unsigned char ttl = 1;

	c->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (c->fd < 0)
		return -errno;
	if (setsockopt(c->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)))
		return -errno;
	if (opt.ifaddr.s_addr &&
	    setsockopt(c->fd, IPPROTO_IP, IP_MULTICAST_IF, &opt.ifaddr, sizeof(opt.ifaddr)))
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&opt.group, sizeof(opt.group)))
		return -errno;
	return 0;
}

static int udp_send(struct conn *c, const void *buf, size_t len)
{
	for (;;) {
		if (send(c->fd, buf, len, 0) == (ssize_t)len)
			return 0;
		/* A full device queue: wait a little, as a blocking socket would. */
		if (errno == ENOBUFS || errno == EAGAIN) {
			usleep(100);
			continue;
		}
		if (errno != EINTR)
			return -errno;
	}
}

static int udp_send_stats(struct conn *c, struct counters *ct)
{
	(void)c;
	memset(ct, 0, sizeof(*ct));
	return 0;
}

/* UDP has no end of session: a few end markers (the receiver also stops
 * after -T seconds of silence).
 */
static int udp_send_close(struct conn *c, double *drain_secs)
{
	unsigned char end[HDR_LEN] = { 0 };
	__u64 seq = htobe64(UDP_END_SEQ), total = htobe64(opt.count);
	int i;

	memcpy(end, &seq, 8);
	memcpy(end + 8, &total, 8);
	for (i = 0; i < 5; i++) {
		send(c->fd, end, sizeof(end), 0);
		usleep(10000);
	}
	*drain_secs = 0;
	return close(c->fd) ? -errno : 0;
}

static int udp_recv_open(struct conn *c, double deadline)
{
	struct ip_mreq mr = { .imr_multiaddr = opt.group.sin_addr,
			      .imr_interface = opt.ifaddr };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (c->fd < 0)
		return -errno;
	setsockopt(c->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (opt.rcvbuf &&
	    setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &opt.rcvbuf, sizeof(opt.rcvbuf)) &&
	    setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf, sizeof(opt.rcvbuf)))
		return -errno;
	if (bind(c->fd, (struct sockaddr *)&opt.group, sizeof(opt.group)))
		return -errno;
	if (setsockopt(c->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		return -errno;
	printf("ready\n");
	fflush(stdout);
	while (!wait_fd(c->fd, POLLIN, 100))
		if (stopped() || now_s() > deadline)
			return -ETIMEDOUT;
	return 0;
}

static ssize_t udp_recv(struct conn *c, void *buf, size_t len, int *eor, int timeout_ms)
{
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	n = recvfrom(c->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	if (n < 0 && errno == EAGAIN && wait_fd(c->fd, POLLIN, timeout_ms))
		n = recvfrom(c->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	if (n < 0)
		return -errno;
	c->peer = from;
	*eor = 1;
	return n;
}

static int udp_recv_stats(struct conn *c, struct counters *ct)
{
	(void)c;
	memset(ct, 0, sizeof(*ct));
	return 0;
}

static void udp_recv_close(struct conn *c)
{
	close(c->fd);
}

/* ----- the transports ----- */

static const struct transport transports[] = {
	{
		.name = "pgm",
		.send_open = pgm_send_open, .send = pgm_send,
		.send_stats = pgm_send_stats, .send_close = pgm_send_close,
		.recv_open = pgm_recv_open, .recv = pgm_recv,
		.recv_stats = pgm_recv_stats, .recv_close = pgm_recv_close,
	},
	{
		.name = "udp",
		.send_open = udp_send_open, .send = udp_send,
		.send_stats = udp_send_stats, .send_close = udp_send_close,
		.recv_open = udp_recv_open, .recv = udp_recv,
		.recv_stats = udp_recv_stats, .recv_close = udp_recv_close,
	},
	/*
	 * OpenPGM (libpgm, user-space PGM over raw IP or UDP): the hook for
	 * the interop and comparison runs of a later issue. Its operations
	 * go here, built when libpgm is (pgm_init, pgm_socket, pgm_bind3,
	 * pgm_connect, pgm_send / pgm_recv, PGM_SEND/RECV statistics).
	 */
	{
		.name = "openpgm",
	},
};

static const struct transport *find_transport(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(transports); i++)
		if (!strcmp(transports[i].name, name))
			return &transports[i];
	return NULL;
}

/* ----- the message header ----- */

/*
 * Every message begins with: its number (8 bytes), the number of messages
 * sent, on the last one only (8), a run identifier (4) and the message
 * length (4), all big endian.
 */
struct hdr {
	__u64 seq, total;
	__u32 run, len;
};

static void put_hdr(unsigned char *p, const struct hdr *h)
{
	__u64 seq = htobe64(h->seq), total = htobe64(h->total);
	__u32 run = htobe32(h->run), len = htobe32(h->len);

	memcpy(p, &seq, 8);
	memcpy(p + 8, &total, 8);
	memcpy(p + 16, &run, 4);
	memcpy(p + 20, &len, 4);
}

static void get_hdr(const unsigned char *p, struct hdr *h)
{
	memcpy(&h->seq, p, 8);
	memcpy(&h->total, p + 8, 8);
	memcpy(&h->run, p + 16, 4);
	memcpy(&h->len, p + 20, 4);
	h->seq = be64toh(h->seq);
	h->total = be64toh(h->total);
	h->run = be32toh(h->run);
	h->len = be32toh(h->len);
}

/* ----- reports ----- */

static void interval_line(const char *role, double from, double to, __u64 msgs,
			  __u64 bytes, const struct counters *d, long long lost)
{
	double t = span_s(from, to);

	if (opt.quiet)
		return;
	printf("[%6.1f-%6.1f s] %9.0f msgs/s %8.2f MB/s  naks %llu repairs %llu",
	       from, to, msgs / t, bytes / t / 1e6, (unsigned long long)d->naks,
	       (unsigned long long)d->repairs);
	if (lost >= 0)
		printf(" lost %lld", lost);
	printf(" (%s)\n", role);
	fflush(stdout);
}

static void counters_sub(struct counters *d, const struct counters *a,
			 const struct counters *b)
{
	d->naks = a->naks - b->naks;
	d->repairs = a->repairs - b->repairs;
	d->odata = a->odata - b->odata;
	d->dups = a->dups - b->dups;
}

/* ----- sending ----- */

static int do_send(const struct transport *tp)
{
	struct counters ct = { 0 }, last = { 0 }, d;
	double t0, t_last, next_report, end_at, drain = 0, secs;
	__u64 msgs = 0, bytes = 0, rep_msgs = 0, rep_bytes = 0;
	struct hdr h = { .len = opt.len };
	unsigned char *buf = calloc(1, opt.len);
	struct conn c = { .fd = -1, .ls = -1 };
	double pace = opt.rate && strcmp(tp->name, "pgm") ?
		opt.len * 8.0 / (opt.rate * 1000.0) : 0;
	int err;

	if (!buf)
		die("calloc");
	err = tp->send_open(&c);
	if (err) {
		errno = -err;
		die("open");
	}
	h.run = getpid() ^ (__u32)(now_s() * 1e6);
	t0 = now_s();
	t_last = t0;
	next_report = t0 + opt.interval;
	end_at = t0 + opt.duration;
	while (!stopped() && (opt.count < 0 || (long long)msgs < opt.count)) {
		double now = now_s();
		int last_one = (opt.count >= 0 && (long long)msgs + 1 == opt.count) ||
			       (opt.duration && now >= end_at);

		if (pace && t0 + msgs * pace > now)
			usleep((t0 + msgs * pace - now) * 1e6);
		h.seq = msgs;
		h.total = last_one ? msgs + 1 : 0;
		put_hdr(buf, &h);
		err = tp->send(&c, buf, opt.len);
		if (err) {
			errno = -err;
			die("send");
		}
		msgs++;
		bytes += opt.len;
		t_last = now_s();
		if (opt.interval && t_last >= next_report) {
			tp->send_stats(&c, &ct);
			counters_sub(&d, &ct, &last);
			interval_line("send", next_report - opt.interval - t0, t_last - t0,
				      msgs - rep_msgs, bytes - rep_bytes, &d, -1);
			last = ct;
			rep_msgs = msgs;
			rep_bytes = bytes;
			next_report += opt.interval;
		}
		if (last_one)
			break;
	}
	opt.count = msgs;
	tp->send_stats(&c, &ct);
	err = tp->send_close(&c, &drain);
	if (err) {
		errno = -err;
		die("close");
	}
	if (!strcmp(tp->name, "pgm")) {
		tp->send_stats(&c, &ct);	/* after the drain */
		close(c.fd);
	}
	secs = span_s(t0, t_last);
	printf("sent %llu messages, %llu bytes in %.3f s: %.0f msgs/s, %.2f MB/s;",
	       (unsigned long long)msgs, (unsigned long long)bytes, secs,
	       msgs / secs, bytes / secs / 1e6);
	printf(" %llu NAKs received, %llu repairs sent\n", (unsigned long long)ct.naks,
	       (unsigned long long)ct.repairs);
	printf("result role=send mode=%s type=%s len=%zu msgs=%llu bytes=%llu",
	       tp->name, opt.type == SOCK_STREAM ? "stream" : "rdm", opt.len,
	       (unsigned long long)msgs, (unsigned long long)bytes);
	printf(" secs=%.3f msgs_per_s=%.0f mbytes_per_s=%.3f", secs, msgs / secs,
	       bytes / secs / 1e6);
	printf(" naks_received=%llu repairs_sent=%llu odata_sent=%llu drain_secs=%.3f\n",
	       (unsigned long long)ct.naks, (unsigned long long)ct.repairs,
	       (unsigned long long)ct.odata, drain);
	free(buf);
	return 0;
}

/* ----- receiving ----- */

struct rx {
	__u64 msgs, bytes;	/* messages (distinct for UDP) and their bytes */
	__u64 next;		/* the next message number expected */
	__u64 total;		/* messages sent, once the last one said */
	__u32 run;
	__u64 order_errors;	/* PGM: out of order, repeated or from elsewhere */
	__u64 size_errors;	/* PGM: a message of the wrong size or boundary */
	__u64 udp_dups, udp_late;
	unsigned char *seen;	/* UDP: a bit per message number */
	size_t seen_len;
	double first, last;	/* arrival of the first and the last message */
};

static void udp_note(struct rx *r, __u64 seq, size_t len)
{
	size_t byte = seq / 8;

	if (byte >= r->seen_len) {
		size_t n = r->seen_len ? r->seen_len : 4096;

		while (n <= byte)
			n *= 2;
		r->seen = realloc(r->seen, n);
		if (!r->seen)
			die("realloc");
		memset(r->seen + r->seen_len, 0, n - r->seen_len);
		r->seen_len = n;
	}
	if (r->seen[byte] & (1 << (seq % 8))) {
		r->udp_dups++;
		return;
	}
	r->seen[byte] |= 1 << (seq % 8);
	if (seq < r->next)
		r->udp_late++;
	else
		r->next = seq + 1;
	r->msgs++;
	r->bytes += len;
}

/* A whole message (@len bytes) arrived. */
static void on_message(struct rx *r, int pgm, const unsigned char *p, size_t len)
{
	struct hdr h;

	if (len < HDR_LEN) {
		r->size_errors++;
		return;
	}
	get_hdr(p, &h);
	if (!pgm && h.seq == UDP_END_SEQ) {
		r->total = h.total;
		return;
	}
	if (!opt.len)
		opt.len = h.len;	/* learnt from the first message */
	if (len != opt.len || h.len != opt.len)
		r->size_errors++;
	if (!r->msgs && !r->seen_len)
		r->run = h.run;
	r->last = now_s();
	if (!r->first)
		r->first = r->last;
	if (h.total)
		r->total = h.total;
	if (!pgm) {
		if (h.run == r->run)
			udp_note(r, h.seq, len);
		return;
	}
	if (h.seq != r->next || h.run != r->run)
		r->order_errors++;
	r->next = h.seq + 1;
	r->msgs++;
	r->bytes += len;
}

static int do_recv(const struct transport *tp)
{
	int pgm = !strcmp(tp->name, "pgm"), eor, err, done = 0;
	struct counters ct = { 0 }, last = { 0 }, d;
	unsigned char *buf = malloc(2 * MAX_LEN);
	double deadline = now_s() + opt.timeout, t0, next_report;
	__u64 rep_msgs = 0, rep_bytes = 0, rep_next = 0;
	struct conn c = { .fd = -1, .ls = -1 };
	const char *end = "eof";
	struct rx r = { 0 };
	__u64 expected;
	size_t have = 0;
	long long lost;
	double secs;
	int all;

	if (!buf)
		die("malloc");
	err = tp->recv_open(&c, deadline);
	if (err) {
		errno = -err;
		die(err == -ETIMEDOUT ? "no session" : "open");
	}
	t0 = now_s();
	next_report = t0 + opt.interval;
	while (!done) {
		double now = now_s();
		int wait_ms = 100;
		ssize_t n;

		if (opt.interval && now >= next_report) {
			tp->recv_stats(&c, &ct);
			counters_sub(&d, &ct, &last);
			lost = pgm ? -1 : (long long)(r.next - rep_next) -
					  (long long)(r.msgs - rep_msgs);
			interval_line("recv", next_report - opt.interval - t0, now - t0,
				      r.msgs - rep_msgs, r.bytes - rep_bytes, &d, lost);
			last = ct;
			rep_msgs = r.msgs;
			rep_bytes = r.bytes;
			rep_next = r.next;
			next_report += opt.interval;
		}
		if (stopped()) {
			end = "interrupted";
			break;
		}
		n = tp->recv(&c, buf + have, MAX_LEN, &eor, wait_ms);
		if (n == -EAGAIN) {
			/* UDP: silence after the data means the end. */
			if (!pgm && r.msgs && now_s() - r.last > (r.total ? 0.5 : 2))
				break;
			if (now_s() - (r.last ? r.last : t0) > opt.timeout) {
				end = "timeout";
				break;
			}
			continue;
		}
		if (n < 0) {
			end = n == -ECONNRESET ? "reset" : "error";
			break;
		}
		if (!n)
			break;		/* the end of the session */
		have += n;
		if (opt.type == SOCK_STREAM && pgm) {
			/* Fixed-size records in a byte stream. */
			size_t off = 0;

			if (!opt.len && have >= HDR_LEN) {
				struct hdr h;

				get_hdr(buf, &h);
				opt.len = h.len >= HDR_LEN && h.len <= MAX_LEN ? h.len : HDR_LEN;
			}
			for (; opt.len && have - off >= opt.len; off += opt.len)
				on_message(&r, pgm, buf + off, opt.len);
			memmove(buf, buf + off, have - off);
			have -= off;
			continue;
		}
		if (!eor) {
			if (have > MAX_LEN) {
				r.size_errors++;
				have = 0;
			}
			continue;
		}
		on_message(&r, pgm, buf, have);
		have = 0;
		if (!pgm && r.total && r.next >= r.total && r.msgs == r.total)
			done = 1;
	}
	tp->recv_stats(&c, &ct);
	tp->recv_close(&c);
	secs = span_s(r.first, r.last);
	expected = r.total ? r.total : r.next;
	all = r.msgs == expected && expected && !r.order_errors && !r.size_errors &&
	      (!pgm || (!strcmp(end, "eof") && r.total));
	lost = (long long)expected - (long long)r.msgs;
	printf("received %llu of %llu messages, %llu bytes in %.3f s:",
	       (unsigned long long)r.msgs, (unsigned long long)expected,
	       (unsigned long long)r.bytes, secs);
	printf(" %.0f msgs/s, %.2f MB/s (%.1f Mbit/s goodput); %s; end %s\n",
	       r.msgs / secs, r.bytes / secs / 1e6, r.bytes * 8 / secs / 1e6,
	       all ? "all delivered" : "NOT all delivered", end);
	printf("result role=recv mode=%s type=%s len=%zu msgs=%llu bytes=%llu secs=%.3f",
	       tp->name, opt.type == SOCK_STREAM ? "stream" : "rdm", opt.len,
	       (unsigned long long)r.msgs, (unsigned long long)r.bytes, secs);
	printf(" msgs_per_s=%.0f mbytes_per_s=%.3f goodput_mbit=%.1f expected=%llu",
	       r.msgs / secs, r.bytes / secs / 1e6, r.bytes * 8 / secs / 1e6,
	       (unsigned long long)expected);
	printf(" all_delivered=%s lost=%lld order_errors=%llu size_errors=%llu",
	       all ? "yes" : "no", lost, (unsigned long long)r.order_errors,
	       (unsigned long long)r.size_errors);
	printf(" udp_dups=%llu udp_late=%llu end=%s", (unsigned long long)r.udp_dups,
	       (unsigned long long)r.udp_late, end);
	printf(" naks_sent=%llu rdata=%llu odata=%llu dups=%llu peer=%s:%u\n",
	       (unsigned long long)ct.naks, (unsigned long long)ct.repairs,
	       (unsigned long long)ct.odata, (unsigned long long)ct.dups,
	       inet_ntoa(c.peer.sin_addr), ntohs(c.peer.sin_port));
	free(buf);
	free(r.seen);
	return all || !pgm ? 0 : 1;
}

/* ----- tap: ODATA sequences per bridge port ----- */

#define TAP_MAX_PORTS	64
#define TAP_MAX_SEQS	(4096 * 1024)

struct tap_port {
	const char *name;
	int ifindex;
	unsigned char *seen;	/* a bit per sequence since the first */
	__u64 odata, distinct;
};

static int tap_odata(const unsigned char *p, size_t n, __u32 *sqn, int *type)
{
	size_t ihl;

	if (n < 14 + 20 || p[12] != 0x08 || p[13] != 0x00)
		return 0;
	ihl = (p[14] & 0x0f) * 4;
	if (p[14 + 9] != IPPROTO_PGM || n < 14 + ihl + 20)
		return 0;
	p += 14 + ihl;
	*type = p[4] & 0x0f;
	*sqn = (__u32)p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19];
	return 1;
}

static int do_tap(int argc, char **argv)
{
	/* Keep IPv4 protocol 113 only, and at most 128 bytes of each. */
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_PGM, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 128),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(code), .filter = code };
	struct tap_port ports[TAP_MAX_PORTS];
	__u64 rdata = 0, sent = 0, lost_union = 0, lost_sum = 0, ncf = 0, nak = 0;
	int nports = argc, fd, i, have_base = 0;
	unsigned char pkt[128];
	__u32 base = 0, span = 0;
	__u64 k;

	if (nports < 2 || nports > TAP_MAX_PORTS) {
		fprintf(stderr, "usage: pgmperf tap SRC_IF RCV_IF...\n");
		return 2;
	}
	for (i = 0; i < nports; i++) {
		ports[i] = (struct tap_port){ .name = argv[i] };
		ports[i].ifindex = if_nametoindex(argv[i]);
		ports[i].seen = calloc(1, TAP_MAX_SEQS / 8);
		if (!ports[i].ifindex || !ports[i].seen)
			die(argv[i]);
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket(AF_PACKET)");
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		die("SO_ATTACH_FILTER");
	i = 8 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &i, sizeof(i)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &i, sizeof(i));
	printf("ready\n");
	fflush(stdout);
	while (!stopped()) {
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		ssize_t n;
		__u32 sqn;
		int type, p;

		if (!wait_fd(fd, POLLIN, 200))
			continue;
		n = recvfrom(fd, pkt, sizeof(pkt), MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			die("recvfrom");
		}
		if ((size_t)n > sizeof(pkt))
			n = sizeof(pkt);	/* MSG_TRUNC: the length on the wire */
		if (!tap_odata(pkt, n, &sqn, &type))
			continue;
		for (p = 0; p < nports && ports[p].ifindex != from.sll_ifindex; p++)
			;
		if (p == nports)
			continue;
		/* NAKs enter from the receivers' ports. */
		if (p && from.sll_pkttype != PACKET_OUTGOING) {
			nak += type == 0x08;
			continue;
		}
		/* Source's port: what enters. The others: what leaves. */
		if (!p && from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (!p) {
			rdata += type == 0x05;
			ncf += type == 0x0a;
		}
		if (type != 0x04)
			continue;
		if (!have_base) {
			if (p)
				continue;
			base = sqn;
			have_base = 1;
		}
		if (sqn - base >= TAP_MAX_SEQS)
			continue;
		ports[p].odata++;
		if (ports[p].seen[(sqn - base) / 8] & (1 << ((sqn - base) % 8)))
			continue;
		ports[p].seen[(sqn - base) / 8] |= 1 << ((sqn - base) % 8);
		ports[p].distinct++;
		if (!p && sqn - base + 1 > span)
			span = sqn - base + 1;
	}
	for (k = 0; k < span; k++) {
		int lost = 0;

		if (!(ports[0].seen[k / 8] & (1 << (k % 8))))
			continue;
		sent++;
		for (i = 1; i < nports; i++)
			lost += !(ports[i].seen[k / 8] & (1 << (k % 8)));
		lost_sum += lost;
		lost_union += lost > 0;
	}
	for (i = 0; i < nports; i++)
		printf("tap port=%s role=%s odata=%llu distinct=%llu\n", ports[i].name,
		       i ? "receiver" : "source", (unsigned long long)ports[i].odata,
		       (unsigned long long)ports[i].distinct);
	printf("tap result receivers=%d sent=%llu lost_union=%llu lost_sum=%llu",
	       nports - 1, (unsigned long long)sent, (unsigned long long)lost_union,
	       (unsigned long long)lost_sum);
	printf(" rdata=%llu ncf=%llu nak_packets=%llu\n", (unsigned long long)rdata,
	       (unsigned long long)ncf, (unsigned long long)nak);
	return 0;
}

/* ----- main ----- */

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELAXED);
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: pgmperf send|recv [options]\n"
		"       pgmperf tap SRC_IF RCV_IF...\n"
		"  -m, --mode pgm|udp|openpgm  transport (pgm)\n"
		"  -t, --type rdm|stream       PGM socket type (rdm)\n"
		"  -g, --group ADDR            multicast group (239.1.2.3)\n"
		"  -p, --port PORT             port (7500)\n"
		"  -i, --interface ADDR        local address of the interface to use\n"
		"  -l, --length BYTES          message size, at least 24 (send: 1400;\n"
		"                              recv: checked if given, else learnt)\n"
		"  -n, --count N               messages to send (100000 unless -d)\n"
		"  -d, --duration SECS         send for this long\n"
		"  -r, --rate KBPS             PGM: RM_RATE_WINDOW_SIZE rate (1000000);\n"
		"                              UDP: paced to it (0: unpaced)\n"
		"  -w, --window-ms MS          PGM window (500)\n"
		"      --fec N,K,PRO,OD        send: RM_USE_FEC (block, group, pro-active,\n"
		"                              on-demand)\n"
		"      --drain                 send: after the end, wait until the window\n"
		"                              is empty and report the final counters\n"
		"  -b, --rcvbuf BYTES          recv: SO_RCVBUF (SO_RCVBUFFORCE if allowed)\n"
		"  -I, --interval SECS         interval reports (1; 0: none)\n"
		"  -T, --timeout SECS          recv: wait for a session this long (60)\n"
		"  -q, --quiet                 no interval reports\n");
	exit(2);
}

static const struct option long_opts[] = {
	{ "mode", required_argument, NULL, 'm' },
	{ "type", required_argument, NULL, 't' },
	{ "group", required_argument, NULL, 'g' },
	{ "port", required_argument, NULL, 'p' },
	{ "interface", required_argument, NULL, 'i' },
	{ "length", required_argument, NULL, 'l' },
	{ "count", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 'd' },
	{ "rate", required_argument, NULL, 'r' },
	{ "window-ms", required_argument, NULL, 'w' },
	{ "drain", no_argument, NULL, 'D' },
	{ "rcvbuf", required_argument, NULL, 'b' },
	{ "interval", required_argument, NULL, 'I' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "fec", required_argument, NULL, 'F' },
	{ NULL, 0, NULL, 0 },
};

static unsigned long long num(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		print_usage();
	return v;
}

/* --fec N,K,PRO,OD: four numbers, each within its field of struct
 * rm_fec_info; the kernel judges the values.
 */
static void parse_fec(const char *s)
{
	static const unsigned long long max[4] = { 0xffff, 0xff, 0xffff, 0xff };
	unsigned long long v[4];
	char *end;
	int i;

	for (i = 0; i < 4; i++) {
		errno = 0;
		v[i] = strtoull(s, &end, 0);
		if (errno || end == s || *s == '-' || v[i] > max[i] ||
		    *end != (i < 3 ? ',' : '\0'))
			print_usage();
		s = end + 1;
	}
	opt.fec.fec_block_size = v[0];
	opt.fec.fec_group_size = v[1];
	opt.fec.fec_proactive_packets = v[2];
	opt.fec.fec_ondemand_parity_enabled = v[3];
	opt.use_fec = 1;
}

static double secs_arg(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0)
		print_usage();
	return v;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *cmd = argc > 1 ? argv[1] : "";
	const struct transport *tp;
	int c, len_set = 0;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "tap"))
		return do_tap(argc - 2, argv + 2);
	if (strcmp(cmd, "send") && strcmp(cmd, "recv"))
		print_usage();
	opt.group.sin_family = AF_INET;
	opt.group.sin_port = htons(7500);
	inet_pton(AF_INET, "239.1.2.3", &opt.group.sin_addr);
	optind = 2;
	while ((c = getopt_long(argc, argv, "m:t:g:p:i:l:n:d:r:w:b:I:T:q", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			opt.mode = optarg;
			break;
		case 't':
			if (!strcmp(optarg, "rdm"))
				opt.type = SOCK_RDM;
			else if (!strcmp(optarg, "stream"))
				opt.type = SOCK_STREAM;
			else
				print_usage();
			break;
		case 'g':
			if (inet_pton(AF_INET, optarg, &opt.group.sin_addr) != 1)
				print_usage();
			break;
		case 'p':
			if (!num(optarg) || num(optarg) > 65535)
				print_usage();
			opt.group.sin_port = htons(num(optarg));
			break;
		case 'i':
			if (inet_pton(AF_INET, optarg, &opt.ifaddr) != 1)
				print_usage();
			break;
		case 'l':
			opt.len = num(optarg);
			len_set = 1;
			break;
		case 'n':
			opt.count = num(optarg);
			break;
		case 'd':
			opt.duration = secs_arg(optarg);
			break;
		case 'r':
			opt.rate = num(optarg);
			break;
		case 'w':
			opt.window_ms = num(optarg);
			break;
		case 'D':
			opt.drain = 1;
			break;
		case 'b':
			opt.rcvbuf = num(optarg);
			break;
		case 'I':
			opt.interval = secs_arg(optarg);
			break;
		case 'T':
			opt.timeout = secs_arg(optarg);
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'F':
			parse_fec(optarg);
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc || opt.len < HDR_LEN || opt.len > MAX_LEN ||
	    !IN_MULTICAST(ntohl(opt.group.sin_addr.s_addr)))
		print_usage();
	/* FEC is the PGM source's option. */
	if (opt.use_fec && (strcmp(cmd, "send") || strcmp(opt.mode, "pgm")))
		print_usage();
	if (opt.count < 0 && !opt.duration)
		opt.count = 100000;
	if (!strcmp(cmd, "recv") && !len_set)
		opt.len = 0;	/* learn it from the first message */
	tp = find_transport(opt.mode);
	if (!tp)
		print_usage();
	if (!tp->send) {
		fprintf(stderr, "pgmperf: the %s transport is not built in\n", tp->name);
		return 4;
	}
	if (strcmp(tp->name, "pgm") && opt.type != SOCK_RDM)
		print_usage();
	return strcmp(cmd, "send") ? do_recv(tp) : do_send(tp);
}
