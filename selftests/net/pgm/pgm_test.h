/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pgm_test.h: what the C selftests share: the module's counters, the
 * wire constants of RFC 3208 (packet types, option types and flags), the
 * checksum and big-endian helpers for hand-built packets, a fake
 * source's packets, raw injection and capture, and small socket helpers.
 * One copy of each; tests include it instead of keeping their own. Plain
 * C, no test harness: helper programs include it too.
 *
 * pgm_netns_lo() needs _GNU_SOURCE (unshare()): define it before the
 * first #include, as the harness tests do.
 */
#ifndef PGM_TEST_H
#define PGM_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

/* ----- wire constants (RFC 3208 section 8) ----- */

#define PGM_T_SPM		0x00
#define PGM_T_POLL		0x01
#define PGM_T_POLR		0x02
#define PGM_T_ODATA		0x04
#define PGM_T_RDATA		0x05
#define PGM_T_NAK		0x08
#define PGM_T_NNAK		0x09
#define PGM_T_NCF		0x0a
#define PGM_T_SPMR		0x0c

/* Header option flags (byte 5). */
#define PGM_F_OPT_PRESENT	0x01
#define PGM_F_OPT_NETWORK	0x02
#define PGM_F_OPT_VAR_PKTLEN	0x40
#define PGM_F_OPT_PARITY	0x80

/* Option types; PGM_O_END is the bit that marks the last option. */
#define PGM_O_LENGTH		0x00
#define PGM_O_FRAGMENT		0x01
#define PGM_O_NAK_LIST		0x02
#define PGM_O_JOIN		0x03
#define PGM_O_REDIRECT		0x07
#define PGM_O_SYN		0x0d
#define PGM_O_FIN		0x0e
#define PGM_O_RST		0x0f
#define PGM_O_PARITY_PRM	0x08
#define PGM_O_PARITY_GRP	0x09
#define PGM_O_CURR_TGSIZE	0x0a
#define PGM_O_END		0x80

/* OPT_PARITY_PRM bits as RFC 3208 numbers them. */
#define PGM_PRM_PROACTIVE	0x02
#define PGM_PRM_ONDEMAND	0x01

#define PGM_HDR_LEN		16

/* ----- bytes ----- */

static inline void pgm_put16(unsigned char *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void pgm_put32(unsigned char *p, unsigned int v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline unsigned int pgm_get16(const unsigned char *p)
{
	return p[0] << 8 | p[1];
}

static inline unsigned int pgm_get32(const unsigned char *p)
{
	return (unsigned int)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* The ones' complement sum of @len bytes, folded, not inverted. */
static inline unsigned int pgm_sum16(const unsigned char *p, size_t len,
				     unsigned int sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The PGM checksum of a packet whose checksum field is zero (a computed
 * zero is sent as 0xffff: zero on the wire means "none").
 */
static inline unsigned short pgm_csum(const unsigned char *p, size_t len)
{
	unsigned int c = ~pgm_sum16(p, len, 0) & 0xffff;

	return c ? c : 0xffff;
}

/* Fill in the checksum of a PGM packet of @len bytes at @p. */
static inline void pgm_set_csum(unsigned char *p, size_t len)
{
	p[6] = 0;
	p[7] = 0;
	pgm_put16(p + 6, pgm_csum(p, len));
}

/* The PGM line of /proc/net/protocols in this namespace: its open
 * sockets (@pages false) or the pages the protocol holds (@pages true);
 * -1 if there is none.
 */
static inline long pgm_proto_stat(int pages)
{
	long size, sockets, mem;
	char line[512], name[64];
	FILE *f = fopen("/proc/net/protocols", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld %ld", name, &size, &sockets,
			   &mem) == 4 && !strcmp(name, "PGM")) {
			fclose(f);
			return pages ? mem : sockets;
		}
	}
	fclose(f);
	return -1;
}

/* ----- the module's counters (/proc/net/pgm/snmp of this namespace) ----- */

static inline long pgm_counter(const char *name)
{
	char key[64];
	long val, found = -1;
	FILE *f = fopen("/proc/net/pgm/snmp", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &val) == 2)
		if (!strcmp(key, name))
			found = val;
	fclose(f);
	return found;
}

/* Wait up to @ms milliseconds for counter @name to reach @want; the last
 * value read. Debug kernels are slow: give them seconds, not ticks.
 */
static inline long pgm_wait_counter(const char *name, long want, int ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	long v = pgm_counter(name);
	int i;

	for (i = 0; i < ms / 10 && v < want; i++) {
		nanosleep(&ts, NULL);
		v = pgm_counter(name);
	}
	return v;
}

/* Write @v to /proc/sys/net/pgm/@name (this namespace's). 0, or -1. */
static inline int pgm_sysctl_set(const char *name, long v)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/pgm/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", v);
	return fclose(f) ? -1 : 0;
}

/* ----- time ----- */

static inline long long pgm_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Milliseconds since @t0, a pgm_now_ns() value. */
static inline long pgm_ms_since(long long t0)
{
	return (pgm_now_ns() - t0) / 1000000;
}

/* @n scaled by PGM_TEST_SCALE (the debug lane runs 0.05 on a kernel
 * about 60 times slower), at least @min.
 */
static inline long pgm_scale(long n, long min)
{
	const char *s = getenv("PGM_TEST_SCALE");
	double f = s ? atof(s) : 1.0;
	long r = (long)(n * (f > 0 ? f : 1.0));

	return r < min ? min : r;
}

static inline void pgm_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ----- sockets ----- */

static inline struct sockaddr_in pgm_sin(const char *addr, unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_port = htons(port);
	inet_pton(AF_INET, addr, &a.sin_addr);
	return a;
}

/* A raw IP protocol 113 socket for injecting hand-built packets (and
 * capturing: what it reads starts with the IP header), or -1.
 */
static inline int pgm_raw_socket(void)
{
	return socket(AF_INET, SOCK_RAW, 113);
}

/* Send @len bytes of PGM packet to @dst over a raw socket. */
static inline int pgm_inject(int raw, const void *pkt, size_t len,
			     const struct sockaddr_in *dst)
{
	ssize_t n = sendto(raw, pkt, len, 0, (const struct sockaddr *)dst,
			   sizeof(*dst));

	return n == (ssize_t)len ? 0 : -1;
}

/* A raw socket that writes its own IP header (IP_HDRINCL): packets from
 * any source address, or -1.
 */
static inline int pgm_raw_hdrincl_socket(void)
{
	int one = 1, fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);

	if (fd >= 0 &&
	    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Send a PGM packet from @src (any address) to @dst over a raw
 * IP_HDRINCL socket; the kernel fills in the IP checksum and id.
 */
static inline int pgm_inject_from(int raw, const void *pkt, size_t len,
				  const char *src,
				  const struct sockaddr_in *dst)
{
	unsigned char b[20 + 2048];
	struct in_addr s;

	if (len > sizeof(b) - 20 || inet_pton(AF_INET, src, &s) != 1)
		return -1;
	memset(b, 0, 20);
	b[0] = 0x45;
	pgm_put16(b + 2, 20 + len);
	b[8] = 1;				/* TTL: one hop */
	b[9] = 113;
	memcpy(b + 12, &s, 4);
	memcpy(b + 16, &dst->sin_addr, 4);
	memcpy(b + 20, pkt, len);
	return sendto(raw, b, 20 + len, 0, (const struct sockaddr *)dst,
		      sizeof(*dst)) == (ssize_t)(20 + len) ? 0 : -1;
}

/* The next PGM packet of type @type (PGM_T_*) a raw IP/113 socket sees
 * within @ms: its PGM bytes in @buf (up to @cap), its IP source and
 * destination; the PGM length, or -1.
 */
static inline int pgm_capture(int raw, unsigned char type, unsigned char *buf,
			      size_t cap, struct in_addr *saddr,
			      struct in_addr *daddr, int ms)
{
	long long end = pgm_now_ns() / 1000000 + ms;
	struct pollfd p = { .fd = raw, .events = POLLIN };
	unsigned char b[65536];

	for (;;) {
		long long now = pgm_now_ns() / 1000000;
		ssize_t n;
		size_t ihl;

		if (now >= end || poll(&p, 1, (int)(end - now)) != 1)
			return -1;
		n = recv(raw, b, sizeof(b), MSG_DONTWAIT);
		if (n < 20)
			continue;
		ihl = (b[0] & 0x0f) * 4;
		if ((size_t)n < ihl + PGM_HDR_LEN || b[9] != 113 ||
		    (b[ihl + 4] & 0x0f) != type)
			continue;
		if (saddr)
			memcpy(saddr, b + 12, 4);
		if (daddr)
			memcpy(daddr, b + 16, 4);
		n -= ihl;
		memcpy(buf, b + ihl, (size_t)n < cap ? (size_t)n : cap);
		return (int)n;
	}
}

/* Wait up to @ms for @fd to become readable: 1 if it did, 0 if not. */
static inline int pgm_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static inline int pgm_set_nonblock(int fd)
{
	return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* accept() on listener @ls once poll() reports it within @ms
 * milliseconds: the session's socket, or -1.
 */
static inline int pgm_accept_within(int ls, int ms)
{
	struct pollfd p = { .fd = ls, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return accept(ls, NULL, NULL);
}

/* recv() of at most @len bytes once poll() reports @fd within @ms
 * milliseconds: what recv() returns, or -1 with errno EAGAIN if nothing
 * came.
 */
static inline ssize_t pgm_recv_within(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1) {
		errno = EAGAIN;
		return -1;
	}
	return recv(fd, buf, len, MSG_DONTWAIT);
}

#ifdef CLONE_NEWNET
/* Move the calling process to a network namespace of its own, lo up with
 * a multicast route: its counters start at 0. 0, or -1.
 */
static inline int pgm_netns_lo(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	return system("ip link set lo up && ip route add 224.0.0.0/4 dev lo") ?
	       -1 : 0;
}
#endif

/* A raw socket (pgm_raw_socket()) sending to groups on lo; if @group is
 * not NULL, also a member of it on lo, so it captures what is sent there.
 * -1 on failure.
 */
static inline int pgm_raw_lo(const struct in_addr *group)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct ip_mreqn mr = { .imr_ifindex = 1 };
	int fd = pgm_raw_socket();

	if (fd < 0)
		return -1;
	if (group)
		mr.imr_multiaddr = *group;
	if ((group && setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
				 sizeof(mr))) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof(lo))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* ----- packets of a fake source (GSI 01:02:03:04:05:06) ----- */

#define PGM_FAKE_GSI		"\x01\x02\x03\x04\x05\x06"

/* The common header, checksum 0: @type (version bits included), header
 * flags @flags, TSDU length @tsdu.
 */
static inline void pgm_build_hdr(unsigned char *b, unsigned int sport,
				 unsigned int dport, unsigned int type,
				 unsigned int flags, size_t tsdu)
{
	memset(b, 0, PGM_HDR_LEN);
	pgm_put16(b, sport);
	pgm_put16(b + 2, dport);
	b[4] = type;
	b[5] = flags;
	memcpy(b + 8, PGM_FAKE_GSI, 6);
	pgm_put16(b + 14, tsdu);
}

#define PGM_SPM_LEN		36

/* An SPM without options: sequence @sqn, the window's @trail and @lead,
 * path NLA @nla (IPv4, host order); checksum set. Its length.
 */
static inline size_t pgm_build_spm(unsigned char *b, unsigned int sport,
				   unsigned int dport, unsigned int sqn,
				   unsigned int trail, unsigned int lead,
				   unsigned int nla)
{
	memset(b, 0, PGM_SPM_LEN);
	pgm_build_hdr(b, sport, dport, PGM_T_SPM, 0, 0);
	pgm_put32(b + 16, sqn);
	pgm_put32(b + 20, trail);
	pgm_put32(b + 24, lead);
	pgm_put16(b + 28, 1);			/* AFI IPv4 */
	pgm_put32(b + 32, nla);
	pgm_set_csum(b, PGM_SPM_LEN);
	return PGM_SPM_LEN;
}

/* ODATA or RDATA (@type) without options: sequence @sqn, trail @trail,
 * the @len bytes at @tsdu; checksum set. Its length.
 */
static inline size_t pgm_build_data(unsigned char *b, unsigned int sport,
				    unsigned int dport, unsigned int type,
				    unsigned int sqn, unsigned int trail,
				    const void *tsdu, size_t len)
{
	pgm_build_hdr(b, sport, dport, type, 0, len);
	pgm_put32(b + 16, sqn);
	pgm_put32(b + 20, trail);
	memcpy(b + 24, tsdu, len);
	pgm_set_csum(b, 24 + len);
	return 24 + len;
}

/* ----- capture ----- */

/* The next packet raw socket @raw reads within @ms milliseconds that
 * holds at least a PGM header: its PGM bytes (the IP header stripped) in
 * @buf (@size bytes: the IP header fits too), its IP source in @from if
 * not NULL. Return: its PGM length, or -1 if none came.
 */
static inline ssize_t pgm_recv_raw(int raw, unsigned char *buf, size_t size,
				   int ms, struct in_addr *from)
{
	long long t0 = pgm_now_ns();
	long left;

	while ((left = ms - pgm_ms_since(t0)) > 0) {
		size_t ihl;
		ssize_t r;

		if (!pgm_readable(raw, left))
			continue;
		r = recv(raw, buf, size, MSG_DONTWAIT);
		if (r < 20)
			continue;
		ihl = (buf[0] & 15) * 4;
		if (ihl < 20 || (size_t)r < ihl + PGM_HDR_LEN)
			continue;
		if (from)
			memcpy(from, buf + 12, sizeof(*from));
		memmove(buf, buf + ihl, r - ihl);
		return r - ihl;
	}
	return -1;
}

/* Offset of option @type in the PGM packet @p of @len bytes whose
 * type-specific header is @body bytes long, or -1.
 */
static inline long pgm_opt_find(const unsigned char *p, size_t len,
				unsigned int body, unsigned int type)
{
	unsigned int off = PGM_HDR_LEN + body, end;

	if (!(p[5] & PGM_F_OPT_PRESENT) || off + 4 > len)
		return -1;
	end = off + pgm_get16(p + off + 2);
	off += 4;
	while (off + 4 <= end && end <= len) {
		unsigned char t = p[off], l = p[off + 1];

		if ((t & ~PGM_O_END) == type && l >= 4)
			return off;
		if ((t & PGM_O_END) || l < 4)
			break;
		off += l;
	}
	return -1;
}

/* The 32-bit value after the option header of option @type (as
 * pgm_opt_find() finds it), or -1.
 */
static inline long pgm_opt32(const unsigned char *p, size_t len,
			     unsigned int body, unsigned int type)
{
	long off = pgm_opt_find(p, len, body, type);

	if (off < 0 || p[off + 1] < 8)
		return -1;
	return pgm_get32(p + off + 4);
}

/* ----- FEC: the module's Reed-Solomon parity, for hand-built parity ----- */

/* GF(2^8) mod 0x11d, as OpenPGM's and the module's code: exp[] (twice
 * over, for sums of logs) and log[].
 */
struct pgm_gf {
	unsigned char exp[510];
	unsigned char log[256];
};

static inline const struct pgm_gf *pgm_gf(void)
{
	static struct pgm_gf gf;
	unsigned int i, x = 1;

	if (!gf.exp[0]) {
		for (i = 0; i < 255; i++) {
			gf.exp[i] = x;
			gf.exp[i + 255] = x;
			gf.log[x] = i;
			x <<= 1;
			if (x & 0x100)
				x ^= 0x11d;
		}
	}
	return &gf;
}

static inline unsigned char pgm_gf_mul(unsigned char a, unsigned char b)
{
	const struct pgm_gf *gf = pgm_gf();

	return a && b ? gf->exp[gf->log[a] + gf->log[b]] : 0;
}

/* a^-1, a != 0 */
static inline unsigned char pgm_gf_inv(unsigned char a)
{
	const struct pgm_gf *gf = pgm_gf();

	return gf->exp[255 - gf->log[a]];
}

/* The code's point of block @r: x_0 = 0, x_r = alpha^(r - 1). */
static inline unsigned char pgm_rs_point(unsigned int r)
{
	return r ? pgm_gf()->exp[r - 1] : 0;
}

/* Parity index @j of @k source blocks of @len bytes (each padded as the
 * group's layout says): the polynomial f of degree < k with f(x_i) =
 * block i, evaluated at x_(k+j) (RFC 3208 appendix A, OpenPGM's code).
 */
static inline void pgm_rs_parity(const unsigned char *const *blk,
				 unsigned int k, unsigned int j,
				 unsigned char *out, size_t len)
{
	unsigned char x = pgm_rs_point(k + j), c, w, pt[256];
	unsigned int i, m;
	size_t b;

	for (i = 0; i < k; i++)
		pt[i] = pgm_rs_point(i);
	memset(out, 0, len);
	for (i = 0; i < k; i++) {
		c = 1;
		for (m = 0; m < k; m++) {
			if (m == i)
				continue;
			w = pgm_gf_mul(x ^ pt[m], pgm_gf_inv(pt[i] ^ pt[m]));
			c = pgm_gf_mul(c, w);
		}
		for (b = 0; b < len; b++)
			out[b] ^= pgm_gf_mul(c, blk[i][b]);
	}
}

/* ----- hand-built packets, well-formed or not ----- */

/* Option types the first list leaves out, and option bits. */
#define PGM_O_NAK_BO_IVL	0x04
#define PGM_O_NAK_BO_RNG	0x05
#define PGM_O_NBR_UNREACH	0x0b
#define PGM_O_PATH_NLA		0x0c
#define PGM_O_CR		0x10	/* not parsed by the module: skipped */
#define PGM_O_INVALID		0x7f	/* invalidated by a network element */
#define PGM_O_F			0x04	/* byte 2: an encoded OPT_FRAGMENT */
#define PGM_O_RST_N		0x40	/* OPT_RST byte 3: NAKs go unanswered */

/* NLA address families. */
#define PGM_AFI_IP		1
#define PGM_AFI_IP6		2

/* What one packet may hold here: within a 1500-byte MTU over UDP. */
#define PGM_PB_MAX		1472

/**
 * struct pgm_pb - a packet being built
 * @buf: the PGM packet, from its common header
 * @len: bytes written
 * @opt_start: offset of OPT_LENGTH, 0 while there are no options
 * @opt_last: offset of the last option written
 * @tsdu: offset of the TSDU, 0 for packets without one
 *
 * pgm_pb_hdr() starts a packet; the type-specific part follows with
 * pgm_pb_u32()/pgm_pb_u16()/pgm_pb_nla(); options go between
 * pgm_pb_opts_begin() and pgm_pb_opts_end(); pgm_pb_tsdu() appends a
 * payload; pgm_pb_finish() fills in the TSDU length and the checksum.
 * Writes past PGM_PB_MAX are dropped, so a hostile caller can ask for
 * anything. Fields can be overwritten afterwards to make the packet lie,
 * then pgm_set_csum() again.
 */
struct pgm_pb {
	unsigned char	buf[PGM_PB_MAX];
	size_t		len;
	size_t		opt_start;
	size_t		opt_last;
	size_t		tsdu;
};

/* Room for @n more bytes at the end, zeroed; NULL if full. */
static inline unsigned char *pgm_pb_put(struct pgm_pb *b, size_t n)
{
	unsigned char *p;

	if (n > PGM_PB_MAX - b->len)
		return NULL;
	p = b->buf + b->len;
	memset(p, 0, n);
	b->len += n;
	return p;
}

static inline void pgm_pb_u32(struct pgm_pb *b, unsigned int v)
{
	unsigned char *p = pgm_pb_put(b, 4);

	if (p)
		pgm_put32(p, v);
}

static inline void pgm_pb_u16(struct pgm_pb *b, unsigned int v)
{
	unsigned char *p = pgm_pb_put(b, 2);

	if (p)
		pgm_put16(p, v);
}

/* The common header; ports in host order. */
static inline void pgm_pb_hdr(struct pgm_pb *b, unsigned int sport,
			      unsigned int dport, unsigned int type,
			      unsigned int flags, const unsigned char *gsi)
{
	unsigned char *p;

	b->len = 0;
	b->opt_start = 0;
	b->opt_last = 0;
	b->tsdu = 0;
	p = pgm_pb_put(b, PGM_HDR_LEN);
	pgm_put16(p, sport);
	pgm_put16(p + 2, dport);
	p[4] = type;
	p[5] = flags;
	memcpy(p + 8, gsi, 6);
}

/* An NLA: AFI, a reserved word, then 4 address bytes for PGM_AFI_IP and
 * 16 for any other AFI (@addr: 4 or 16 bytes, network order).
 */
static inline void pgm_pb_nla(struct pgm_pb *b, unsigned int afi,
			      const void *addr)
{
	size_t alen = afi == PGM_AFI_IP ? 4 : 16;
	unsigned char *p = pgm_pb_put(b, 4 + alen);

	if (!p)
		return;
	pgm_put16(p, afi);
	memcpy(p + 4, addr, alen);
}

/* OPT_LENGTH; sets PGM_F_OPT_PRESENT. */
static inline void pgm_pb_opts_begin(struct pgm_pb *b)
{
	unsigned char *p;

	b->opt_start = b->len;
	b->opt_last = 0;
	p = pgm_pb_put(b, 4);
	if (!p)
		return;
	p[0] = PGM_O_LENGTH;
	p[1] = 4;
	b->buf[5] |= PGM_F_OPT_PRESENT;
}

/* An option of @len bytes (what its length byte says; at least the
 * 4-byte header is written): type, length, byte 2 zero, byte 3 zero.
 * Return: its value (@len - 4 bytes, zeroed), NULL if it did not fit.
 */
static inline unsigned char *pgm_pb_opt(struct pgm_pb *b, unsigned int type,
					unsigned int len)
{
	unsigned char *p = pgm_pb_put(b, len < 4 ? 4 : len);

	if (!p)
		return NULL;
	b->opt_last = p - b->buf;
	p[0] = type;
	p[1] = len;
	return p + 4;
}

/* OPT_END on the last option and OPT_LENGTH's total; a packet whose
 * option list stayed empty loses OPT_LENGTH again.
 */
static inline void pgm_pb_opts_end(struct pgm_pb *b)
{
	if (!b->opt_start)
		return;
	if (!b->opt_last) {
		b->len = b->opt_start;
		b->opt_start = 0;
		b->buf[5] &= ~PGM_F_OPT_PRESENT;
		return;
	}
	b->buf[b->opt_last] |= PGM_O_END;
	pgm_put16(b->buf + b->opt_start + 2, b->len - b->opt_start);
}

/* The TSDU: @n bytes from @fill (NULL: zeros). */
static inline void pgm_pb_tsdu(struct pgm_pb *b, size_t n, const void *fill)
{
	unsigned char *p;

	b->tsdu = b->len;
	if (n > PGM_PB_MAX - b->len)
		n = PGM_PB_MAX - b->len;
	p = pgm_pb_put(b, n);
	if (p && fill)
		memcpy(p, fill, n);
}

/* The header's TSDU length (the bytes after the options, 0 without a
 * TSDU) and the checksum. Return: the packet's length.
 */
static inline size_t pgm_pb_finish(struct pgm_pb *b)
{
	pgm_put16(b->buf + 14, b->tsdu ? b->len - b->tsdu : 0);
	pgm_set_csum(b->buf, b->len);
	return b->len;
}

#endif /* PGM_TEST_H */
