// SPDX-License-Identifier: GPL-2.0
/*
 * FEC on the wire, packet by packet. A source with RM_USE_FEC (k 16,
 * 2 pro-active parity packets) sends a partial group of five messages of
 * different lengths and closes; a raw socket captures what it sends:
 *  - its SPMs carry OPT_PARITY_PRM (group size 16, the pro-active bit), and
 *    the last one OPT_CURR_TGSIZE 5;
 *  - its first sequence starts a group; two parity ODATA follow the data,
 *    with OPT_PARITY and OPT_VAR_PKTLEN, sequences group | 0 and group | 1,
 *    OPT_CURR_TGSIZE 5 and a TSDU two bytes longer than the longest data.
 * Then the captured packets, but for one data packet, are replayed to a
 * listener on another port: it rebuilds the missing message from parity
 * and reads all five, byte for byte (PgmFecRecovered counts one).
 * RM_USE_FEC's option rules are pgm_rmopts' tests.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"

#define GROUP		"239.9.9.30"
#define PORT_SRC	7730	/* where the source sends */
#define PORT_RCV	7731	/* where the replay goes */
#define NMSG		5
#define MAXPKT		64

#define OPT_PRESENT	0x01
#define OPT_VAR_PKTLEN	0x40
#define OPT_PARITY	0x80
#define OPT_PARITY_PRM	0x08
#define OPT_CURR_TGSIZE	0x0a

static const unsigned int msg_len[NMSG] = { 100, 1400, 700, 3, 1000 };

static void fill(unsigned char *b, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < msg_len[i]; j++)
		b[j] = (unsigned char)(i * 31 + j * 7 + 1);
}

static long counter(const char *name)
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

static unsigned int get32(const unsigned char *p)
{
	return (unsigned int)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static unsigned short csum(const unsigned char *p, size_t len)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	return sum ? sum : 0xffff;
}

struct pkt {
	unsigned char b[1600];
	size_t len;		/* PGM bytes (IP header stripped) */
};

/* Value of option @type (its 4 bytes after the option header), or -1. */
static long opt32(const struct pkt *p, unsigned int body, unsigned char type)
{
	unsigned int off = 16 + body, end;

	if (!(p->b[5] & OPT_PRESENT) || off + 4 > p->len)
		return -1;
	end = off + (p->b[off + 2] << 8 | p->b[off + 3]);
	off += 4;
	while (off + 4 <= end && end <= p->len) {
		unsigned char t = p->b[off], l = p->b[off + 1];

		if ((t & 0x7f) == type && l >= 8)
			return get32(p->b + off + 4);
		if ((t & 0x80) || l < 4)
			break;
		off += l;
	}
	return -1;
}

FIXTURE(fec)
{
	struct sockaddr_in src_g, rcv_g;
	int raw;
};

FIXTURE_SETUP(fec)
{
	struct ip_mreqn mr = { .imr_ifindex = 1 };
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up && ip route add 224.0.0.0/4 dev lo"));
	self->src_g.sin_family = AF_INET;
	self->src_g.sin_port = htons(PORT_SRC);
	inet_pton(AF_INET, GROUP, &self->src_g.sin_addr);
	self->rcv_g = self->src_g;
	self->rcv_g.sin_port = htons(PORT_RCV);
	self->raw = socket(AF_INET, SOCK_RAW, IPPROTO_PGM);
	ASSERT_LE(0, self->raw);
	mr.imr_multiaddr = self->src_g.sin_addr;
	ASSERT_EQ(0, setsockopt(self->raw, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
				sizeof(mr)));
	ASSERT_EQ(0, setsockopt(self->raw, IPPROTO_IP, IP_MULTICAST_IF, &lo,
				sizeof(lo)));
}

FIXTURE_TEARDOWN(fec)
{
	close(self->raw);
}

/* Capture the source's packets until @want parity ODATA and an SPM with
 * OPT_CURR_TGSIZE came by (or 10 s).
 */
static int capture(int raw, struct pkt *pk, int max)
{
	int n = 0, parity = 0, closed = 0;
	time_t until = time(NULL) + 10;

	while (n < max && time(NULL) < until && (parity < 2 || !closed)) {
		struct pollfd p = { .fd = raw, .events = POLLIN };
		unsigned char buf[1700];
		unsigned int ihl;
		ssize_t r;

		if (poll(&p, 1, 500) != 1)
			continue;
		r = recv(raw, buf, sizeof(buf), 0);
		if (r < 20)
			continue;
		ihl = (buf[0] & 15) * 4;
		if ((size_t)r < ihl + 16 ||
		    (buf[ihl + 2] << 8 | buf[ihl + 3]) != PORT_SRC)
			continue;
		pk[n].len = r - ihl;
		memcpy(pk[n].b, buf + ihl, pk[n].len);
		if ((pk[n].b[4] & 0x0f) == 0x04 && (pk[n].b[5] & OPT_PARITY))
			parity++;
		if ((pk[n].b[4] & 0x0f) == 0x00 &&
		    opt32(&pk[n], 20, OPT_CURR_TGSIZE) > 0)
			closed = 1;
		n++;
	}
	return n;
}

TEST_F(fec, partial_group_on_the_wire_and_rebuilt)
{
	struct rm_fec_info f = { .fec_block_size = 18,
				 .fec_proactive_packets = 2,
				 .fec_group_size = 16 };
	struct rm_send_window w = { 10000, 500, 0 };
	unsigned char buf[1500], want[1500];
	unsigned int first = 0, i, nparity = 0, ndata = 0, dropped = 0;
	struct pkt *pk = calloc(MAXPKT, sizeof(*pk));
	struct pollfd lp;
	int s, ls, cs, n, k;
	long rec0;

	ASSERT_NE(NULL, pk);
	ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_EQ(0, bind(ls, (struct sockaddr *)&self->rcv_g,
			  sizeof(self->rcv_g)));
	ASSERT_EQ(0, listen(ls, 1));

	s = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_EQ(0, setsockopt(s, SOL_PGM, RM_RATE_WINDOW_SIZE, &w,
				sizeof(w)));
	ASSERT_EQ(0, setsockopt(s, SOL_PGM, RM_USE_FEC, &f, sizeof(f)));
	ASSERT_EQ(0, connect(s, (struct sockaddr *)&self->src_g,
			     sizeof(self->src_g)));
	for (i = 0; i < NMSG; i++) {
		fill(buf, i);
		ASSERT_EQ((ssize_t)msg_len[i], send(s, buf, msg_len[i], 0));
	}
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	n = capture(self->raw, pk, MAXPKT);

	/* What the source sent. */
	for (k = 0; k < n; k++) {
		const struct pkt *p = &pk[k];
		unsigned int type = p->b[4] & 0x0f;

		if (type == 0x00) {		/* SPM */
			EXPECT_EQ(16, opt32(p, 20, OPT_PARITY_PRM));
		} else if (type == 0x04 && !(p->b[5] & OPT_PARITY)) {
			if (!ndata++)
				first = get32(p->b + 16);
		} else if (type == 0x04) {
			unsigned int sqn = get32(p->b + 16);

			EXPECT_EQ(first + nparity, sqn);
			EXPECT_EQ(OPT_VAR_PKTLEN, p->b[5] & OPT_VAR_PKTLEN);
			EXPECT_EQ(1402, p->b[14] << 8 | p->b[15]);
			EXPECT_EQ(NMSG, opt32(p, 8, OPT_CURR_TGSIZE));
			nparity++;
		}
	}
	ASSERT_EQ(NMSG, ndata);
	ASSERT_EQ(2, nparity);
	EXPECT_EQ(0, first & 15) TH_LOG("first sequence %u", first);

	/* The replay, without data packet 2, to the listener's port. */
	rec0 = counter("PgmFecRecovered");
	for (k = 0; k < n; k++) {
		struct pkt *p = &pk[k];
		unsigned short c;

		if ((p->b[4] & 0x0f) == 0x04 && !(p->b[5] & OPT_PARITY) &&
		    get32(p->b + 16) == first + 2) {
			dropped++;
			continue;
		}
		p->b[2] = PORT_RCV >> 8;
		p->b[3] = PORT_RCV & 0xff;
		p->b[6] = 0;
		p->b[7] = 0;
		c = csum(p->b, p->len);
		p->b[6] = c >> 8;
		p->b[7] = c & 0xff;
		ASSERT_EQ((ssize_t)p->len,
			  sendto(self->raw, p->b, p->len, 0,
				 (struct sockaddr *)&self->rcv_g,
				 sizeof(self->rcv_g)));
	}
	ASSERT_EQ(1, dropped);
	lp.fd = ls;
	lp.events = POLLIN;
	ASSERT_EQ(1, poll(&lp, 1, 10000));
	cs = accept(ls, NULL, NULL);
	ASSERT_LE(0, cs);
	for (i = 0; i < NMSG; i++) {
		struct pollfd p = { .fd = cs, .events = POLLIN };
		ssize_t r;

		ASSERT_EQ(1, poll(&p, 1, 10000)) TH_LOG("message %u", i);
		r = recv(cs, buf, sizeof(buf), MSG_DONTWAIT);
		fill(want, i);
		ASSERT_EQ((ssize_t)msg_len[i], r) TH_LOG("message %u", i);
		ASSERT_EQ(0, memcmp(buf, want, msg_len[i]));
	}
	EXPECT_EQ(rec0 + 1, counter("PgmFecRecovered"));
	close(cs);
	close(ls);
	close(s);
	free(pk);
}

TEST_HARNESS_MAIN
