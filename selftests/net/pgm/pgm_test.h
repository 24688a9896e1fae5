/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pgm_test.h: what the C selftests share: the module's counters, the
 * wire constants of RFC 3208 (packet types, option types and flags), the
 * checksum and big-endian helpers for hand-built packets, and small
 * socket helpers. One copy of each; tests include it instead of keeping
 * their own.
 */
#ifndef PGM_TEST_H
#define PGM_TEST_H

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

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

/* ----- time ----- */

static inline long long pgm_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
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

#endif /* PGM_TEST_H */
