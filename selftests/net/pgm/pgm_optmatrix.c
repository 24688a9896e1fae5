// SPDX-License-Identifier: GPL-2.0
/*
 * Every option on every socket state. Each RM_* and PGM_* option, set and
 * get, on PGM sockets of both types in each state a socket can be in:
 *
 *   unbound, bound to a local address (a sender's bind), bound to a group
 *   (a receiver's), listening, an accepted session (live, after its source
 *   ended, after its source reset), a connected source, a source after
 *   shutdown(SHUT_WR)
 *
 * with short, exact, long and huge option lengths, bad pointers, and the
 * values 0, 1, typical, max, max + 1, 0xffffffff and INT_MAX (and what each
 * option's own rules make interesting). The answer must be the one the
 * table of net/pgm/sockopt.c gives (Documentation/networking/pgm.rst,
 * "Socket options"), and after every call the socket must still work: a
 * source sends and its statistics and settings read sane, a listener
 * accepts a session that delivers, a session still receives. An option
 * that wrote into another role's state (a source's, a listener's and a
 * session's state share a union) shows as a broken socket here, and as a
 * report on the debug lane's KASAN kernel.
 *
 * Also: unknown option numbers around the RM_* and PGM_* ranges, and the
 * options' numbers at other levels. Each case is one line of a table.
 * Runs in a network namespace of its own (one per test), on lo.
 *
 * The whole job is checked after each option's typical value and at the
 * end of each test; after the other cases, the settings and statistics.
 * Scaled down (PGM_TEST_SCALE < 1, the debug lane), each option is set
 * to its typical value only (at its length, one byte short, and from a
 * bad pointer), and the whole job is checked at the end of each test.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <net/if.h>
#include <net/route.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

#define GROUP		"239.9.9.31"
#define PORT_SRC	7831	/* sources of the source states: no receiver */
#define PORT_LSN	7832	/* listener states; the traffic source's port */
#define PORT_SESS	7833	/* the session states' source and listener */
#define WAIT_MS		10000	/* debug kernels are slow */

/* The namespace's defaults and bounds (net/pgm/sysctl.c, pgm.h). */
#define DEF_RATE	50000
#define DEF_MS		1000
#define RATE_MAX	100000000
#define MS_MAX		3600000
#define WMEM_MAX	(128 << 20)

/* An IPv4 address as the options take it: network order in a __u32. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define IP4(a, b, c, d)	((a) | (b) << 8 | (c) << 16 | (__u32)(d) << 24)
#else
#define IP4(a, b, c, d)	((__u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#endif
#define LO		IP4(127, 0, 0, 1)

/* The states. The session states share the table's column S. */
enum state { U, BL, BG, L, S, SE, SR, C, W, N_STATES };
enum col { CU, CBL, CBG, CL, CS, CC, CW, N_COLS };
static const int col_of[N_STATES] = { CU, CBL, CBG, CL, CS, CS, CS, CC, CW };
static const char * const state_name[N_STATES] = {
	"unbound", "bound-local", "bound-group", "listening", "session",
	"session-ended", "session-reset", "source", "source-shut-wr",
};

/* Answers in the tables: 0 accepted, an errno, or Z: reads all zeros. */
#define OK	0
#define IC	EISCONN
#define NC	ENOTCONN
#define PI	EPIPE
#define NS	EOPNOTSUPP
#define IV	EINVAL
#define Z	(-1)
#define ALL(x)	{ [0 ... N_COLS - 1] = (x) }

/*
 * The policy, as sockopt.c's table:
 * set[] and get[] per column U BL BG L S C W; @pre: a set refused before
 * its length is looked at; @type: a row for one socket type only.
 */
static const struct opt {
	int name, type, size, pre;
	const char *id;
	int set[N_COLS], get[N_COLS];
} opts[] = {
	{ RM_RATE_WINDOW_SIZE, 0, 12, 0, "RM_RATE_WINDOW_SIZE",
	  { OK, OK, IC, IC, IC, OK, OK }, ALL(OK) },
	{ RM_SET_MESSAGE_BOUNDARY, SOCK_RDM, 4, 0, "RM_SET_MESSAGE_BOUNDARY",
	  { NC, NC, IC, IC, IC, OK, PI }, ALL(IV) },
	{ RM_SET_MESSAGE_BOUNDARY, SOCK_STREAM, 4, 0, "RM_SET_MESSAGE_BOUNDARY",
	  ALL(NS), ALL(IV) },
	{ RM_FLUSHCACHE, 0, 4, NS, "RM_FLUSHCACHE", ALL(NS), ALL(NS) },
	{ RM_SENDER_WINDOW_ADVANCE_METHOD, 0, 4, 0,
	  "RM_SENDER_WINDOW_ADVANCE_METHOD",
	  { OK, OK, IC, IC, IC, OK, OK }, ALL(OK) },
	{ RM_SENDER_STATISTICS, 0, 104, IV, "RM_SENDER_STATISTICS",
	  ALL(IV), { Z, Z, IV, IV, IV, OK, OK } },
	{ RM_LATEJOIN, 0, 4, 0, "RM_LATEJOIN",
	  { OK, OK, IC, IC, IC, OK, OK }, ALL(OK) },
	{ RM_SET_SEND_IF, 0, 4, 0, "RM_SET_SEND_IF",
	  { OK, OK, IC, IC, IC, IC, IC }, ALL(OK) },
	{ RM_ADD_RECEIVE_IF, 0, 4, 0, "RM_ADD_RECEIVE_IF",
	  { IV, IC, OK, OK, IC, IC, IC }, ALL(IV) },
	{ RM_DEL_RECEIVE_IF, 0, 4, 0, "RM_DEL_RECEIVE_IF",
	  { IV, IC, OK, OK, IC, IC, IC }, ALL(IV) },
	{ RM_SEND_WINDOW_ADV_RATE, 0, 4, 0, "RM_SEND_WINDOW_ADV_RATE",
	  { OK, OK, IC, IC, IC, OK, OK }, ALL(OK) },
	{ RM_USE_FEC, 0, 6, 0, "RM_USE_FEC",
	  { OK, OK, IC, IC, IC, IC, IC }, ALL(OK) },
	{ RM_SET_MCAST_TTL, 0, 4, 0, "RM_SET_MCAST_TTL",
	  { OK, OK, IC, IC, IC, OK, OK }, ALL(OK) },
	{ RM_RECEIVER_STATISTICS, 0, 144, IV, "RM_RECEIVER_STATISTICS",
	  ALL(IV), { Z, IV, Z, Z, OK, IV, IV } },
	{ RM_HIGH_SPEED_INTRANET_OPT, 0, 4, 0, "RM_HIGH_SPEED_INTRANET_OPT",
	  ALL(OK), ALL(OK) },
	{ PGM_UDP_ENCAP, 0, 4, 0, "PGM_UDP_ENCAP",
	  { OK, OK, OK, IC, IC, IC, IC }, ALL(OK) },
	{ PGM_FEC_OPENPGM_PRM, 0, 4, 0, "PGM_FEC_OPENPGM_PRM",
	  { OK, OK, IC, IC, IC, IC, IC }, ALL(OK) },
};

union val {
	__u32 u32;
	struct rm_send_window win;
	struct rm_fec_info fec;
	struct pgm_udp_encap enc;
	unsigned char raw[16];
};

#define U32(x)		{ .u32 = (x) }
#define WIN(r, m, b)	{ .win = { (r), (m), (b) } }
#define FEC(n, p, k, o)	{ .fec = { (n), (p), (k), (o) } }
#define ENC(u, m)	{ .enc = { (u), (m) } }
#define ONES		{ .raw = { [0 ... 15] = 0xff } }

/* Before the call: nothing, add lo as a receive interface, add sixteen. */
enum prep { P_NONE, P_ADD_LO, P_ADD_16 };

/*
 * The values: @err is the answer where the state takes the option; @typ
 * marks the value the length cases send; @rb: reads back as @back. @deaf:
 * a listener may hear nothing after it (the last receive interface left).
 */
static const struct value {
	int name;
	const char *what;
	union val v;
	int err;
	bool typ, rb;
	union val back;
	enum prep prep;
	bool deaf;
} values[] = {
	{ RM_RATE_WINDOW_SIZE, "0", WIN(0, 0, 0), EINVAL },
	{ RM_RATE_WINDOW_SIZE, "1 (rate 1)", U32(1), 0,
	  .rb = 1, .back = WIN(1, DEF_MS, 125) },
	{ RM_RATE_WINDOW_SIZE, "typical", WIN(10000, 500, 0), 0,
	  .typ = 1, .rb = 1, .back = WIN(10000, 500, 625000) },
	{ RM_RATE_WINDOW_SIZE, "ms 1", WIN(0, 1, 0), 0,
	  .rb = 1, .back = WIN(DEF_RATE, 1, 6250) },
	{ RM_RATE_WINDOW_SIZE, "bytes 1", WIN(0, 0, 1), EINVAL },
	{ RM_RATE_WINDOW_SIZE, "max rate", WIN(RATE_MAX, 1, 0), 0,
	  .rb = 1, .back = WIN(RATE_MAX, 1, RATE_MAX / 8) },
	{ RM_RATE_WINDOW_SIZE, "max+1 rate", WIN(RATE_MAX + 1, 1, 0), EINVAL },
	{ RM_RATE_WINDOW_SIZE, "max ms", WIN(1, MS_MAX, 0), 0,
	  .rb = 1, .back = WIN(1, MS_MAX, MS_MAX / 8) },
	{ RM_RATE_WINDOW_SIZE, "max+1 ms", WIN(1, MS_MAX + 1, 0), EINVAL },
	{ RM_RATE_WINDOW_SIZE, "ms 10^9", WIN(1, 1000000000, 0), EINVAL },
	{ RM_RATE_WINDOW_SIZE, "max bytes", WIN(0, 0, WMEM_MAX), 0,
	  .rb = 1, .back = WIN(DEF_RATE, WMEM_MAX / (DEF_RATE / 8), WMEM_MAX) },
	{ RM_RATE_WINDOW_SIZE, "max+1 bytes", WIN(0, 0, WMEM_MAX + 1), EINVAL },
	{ RM_RATE_WINDOW_SIZE, "three agree", WIN(8000, 1000, 1000000), 0,
	  .rb = 1, .back = WIN(8000, 1000, 1000000) },
	{ RM_RATE_WINDOW_SIZE, "three disagree", WIN(8000, 1000, 5), EINVAL },
	{ RM_RATE_WINDOW_SIZE, "0xffffffff", U32(0xffffffff), EINVAL },
	{ RM_RATE_WINDOW_SIZE, "all ones", ONES, EINVAL },
	{ RM_RATE_WINDOW_SIZE, "INT_MAX", U32(INT_MAX), EINVAL },

	{ RM_SET_MESSAGE_BOUNDARY, "0", U32(0), EINVAL },
	{ RM_SET_MESSAGE_BOUNDARY, "1", U32(1), 0 },
	{ RM_SET_MESSAGE_BOUNDARY, "typical", U32(1000), 0, .typ = 1 },
	{ RM_SET_MESSAGE_BOUNDARY, "0xffffffff", U32(0xffffffff), 0 },
	{ RM_SET_MESSAGE_BOUNDARY, "INT_MAX", U32(INT_MAX), 0 },

	{ RM_FLUSHCACHE, "1", U32(1), EOPNOTSUPP, .typ = 1 },

	{ RM_SENDER_WINDOW_ADVANCE_METHOD, "0", U32(0), EINVAL },
	{ RM_SENDER_WINDOW_ADVANCE_METHOD, "1 (by time)", U32(1), 0,
	  .typ = 1, .rb = 1, .back = U32(1) },
	{ RM_SENDER_WINDOW_ADVANCE_METHOD, "2 (data cache)", U32(2),
	  EOPNOTSUPP },
	{ RM_SENDER_WINDOW_ADVANCE_METHOD, "3", U32(3), EINVAL },
	{ RM_SENDER_WINDOW_ADVANCE_METHOD, "0xffffffff", U32(0xffffffff),
	  EINVAL },
	{ RM_SENDER_WINDOW_ADVANCE_METHOD, "INT_MAX", U32(INT_MAX), EINVAL },

	{ RM_SENDER_STATISTICS, "1", U32(1), EINVAL, .typ = 1 },
	{ RM_SENDER_STATISTICS, "all ones", ONES, EINVAL },

	{ RM_LATEJOIN, "0", U32(0), 0, .rb = 1, .back = U32(0) },
	{ RM_LATEJOIN, "1", U32(1), 0, .rb = 1, .back = U32(1) },
	{ RM_LATEJOIN, "typical", U32(10), 0,
	  .typ = 1, .rb = 1, .back = U32(10) },
	{ RM_LATEJOIN, "max", U32(75), 0, .rb = 1, .back = U32(75) },
	{ RM_LATEJOIN, "max+1", U32(76), EINVAL },
	{ RM_LATEJOIN, "0xffffffff", U32(0xffffffff), EINVAL },
	{ RM_LATEJOIN, "INT_MAX", U32(INT_MAX), EINVAL },

	{ RM_SET_SEND_IF, "0 (any)", U32(0), 0, .rb = 1, .back = U32(0) },
	{ RM_SET_SEND_IF, "1", U32(1), EADDRNOTAVAIL },
	{ RM_SET_SEND_IF, "typical (lo)", U32(LO), 0,
	  .typ = 1, .rb = 1, .back = U32(LO) },
	{ RM_SET_SEND_IF, "not local", U32(IP4(10, 9, 9, 9)), EADDRNOTAVAIL },
	{ RM_SET_SEND_IF, "a group", U32(IP4(239, 9, 9, 31)), EADDRNOTAVAIL },
	{ RM_SET_SEND_IF, "0xffffffff", U32(0xffffffff), EADDRNOTAVAIL },
	{ RM_SET_SEND_IF, "INT_MAX", U32(INT_MAX), EADDRNOTAVAIL },

	{ RM_ADD_RECEIVE_IF, "0", U32(0), EADDRNOTAVAIL },
	{ RM_ADD_RECEIVE_IF, "1", U32(1), EADDRNOTAVAIL },
	{ RM_ADD_RECEIVE_IF, "typical (lo)", U32(LO), 0, .typ = 1 },
	{ RM_ADD_RECEIVE_IF, "lo again", U32(LO), 0, .prep = P_ADD_LO },
	{ RM_ADD_RECEIVE_IF, "a 17th", U32(IP4(10, 10, 0, 17)), ENOBUFS,
	  .prep = P_ADD_16 },
	{ RM_ADD_RECEIVE_IF, "local by route (lo)", U32(IP4(127, 0, 0, 2)),
	  0 },
	{ RM_ADD_RECEIVE_IF, "not local", U32(IP4(10, 9, 9, 9)),
	  EADDRNOTAVAIL },
	{ RM_ADD_RECEIVE_IF, "a group", U32(IP4(239, 9, 9, 31)),
	  EADDRNOTAVAIL },
	{ RM_ADD_RECEIVE_IF, "0xffffffff", U32(0xffffffff), EADDRNOTAVAIL },
	{ RM_ADD_RECEIVE_IF, "INT_MAX", U32(INT_MAX), EADDRNOTAVAIL },

	{ RM_DEL_RECEIVE_IF, "0", U32(0), EADDRNOTAVAIL },
	{ RM_DEL_RECEIVE_IF, "1", U32(1), EADDRNOTAVAIL },
	{ RM_DEL_RECEIVE_IF, "lo, not added", U32(LO), EADDRNOTAVAIL,
	  .typ = 1 },
	{ RM_DEL_RECEIVE_IF, "lo, added", U32(LO), 0,
	  .prep = P_ADD_LO, .deaf = 1 },
	{ RM_DEL_RECEIVE_IF, "one of sixteen", U32(IP4(10, 10, 0, 16)), 0,
	  .prep = P_ADD_16 },
	{ RM_DEL_RECEIVE_IF, "not local", U32(IP4(10, 9, 9, 9)),
	  EADDRNOTAVAIL },
	{ RM_DEL_RECEIVE_IF, "0xffffffff", U32(0xffffffff), EADDRNOTAVAIL },
	{ RM_DEL_RECEIVE_IF, "INT_MAX", U32(INT_MAX), EADDRNOTAVAIL },

	{ RM_SEND_WINDOW_ADV_RATE, "0", U32(0), EINVAL },
	{ RM_SEND_WINDOW_ADV_RATE, "1", U32(1), 0, .rb = 1, .back = U32(1) },
	{ RM_SEND_WINDOW_ADV_RATE, "typical", U32(15), 0,
	  .typ = 1, .rb = 1, .back = U32(15) },
	{ RM_SEND_WINDOW_ADV_RATE, "max", U32(50), 0, .rb = 1, .back = U32(50) },
	{ RM_SEND_WINDOW_ADV_RATE, "max+1", U32(51), EINVAL },
	{ RM_SEND_WINDOW_ADV_RATE, "0xffffffff", U32(0xffffffff), EINVAL },
	{ RM_SEND_WINDOW_ADV_RATE, "INT_MAX", U32(INT_MAX), EINVAL },

	{ RM_USE_FEC, "0 (off)", FEC(0, 0, 0, 0), 0,
	  .rb = 1, .back = FEC(0, 0, 0, 0) },
	{ RM_USE_FEC, "1", U32(1), EINVAL },
	{ RM_USE_FEC, "typical", FEC(20, 2, 16, 1), 0,
	  .typ = 1, .rb = 1, .back = FEC(20, 2, 16, 1) },
	{ RM_USE_FEC, "max", FEC(255, 127, 128, 1), 0,
	  .rb = 1, .back = FEC(255, 127, 128, 1) },
	{ RM_USE_FEC, "max+1 n", FEC(256, 0, 128, 1), EINVAL },
	{ RM_USE_FEC, "max+1 k", FEC(255, 0, 129, 1), EINVAL },
	{ RM_USE_FEC, "neither mode", FEC(18, 0, 16, 0), EINVAL },
	{ RM_USE_FEC, "0xffffffff", U32(0xffffffff), EINVAL },
	{ RM_USE_FEC, "all ones", ONES, EINVAL },
	{ RM_USE_FEC, "INT_MAX", U32(INT_MAX), EINVAL },

	{ RM_SET_MCAST_TTL, "0", U32(0), EINVAL },
	{ RM_SET_MCAST_TTL, "1", U32(1), 0, .rb = 1, .back = U32(1) },
	{ RM_SET_MCAST_TTL, "typical", U32(8), 0,
	  .typ = 1, .rb = 1, .back = U32(8) },
	{ RM_SET_MCAST_TTL, "max", U32(255), 0, .rb = 1, .back = U32(255) },
	{ RM_SET_MCAST_TTL, "max+1", U32(256), EINVAL },
	{ RM_SET_MCAST_TTL, "0xffffffff", U32(0xffffffff), EINVAL },
	{ RM_SET_MCAST_TTL, "INT_MAX", U32(INT_MAX), EINVAL },

	{ RM_RECEIVER_STATISTICS, "1", U32(1), EINVAL, .typ = 1 },
	{ RM_RECEIVER_STATISTICS, "all ones", ONES, EINVAL },

	{ RM_HIGH_SPEED_INTRANET_OPT, "0", U32(0), 0, .rb = 1, .back = U32(0) },
	{ RM_HIGH_SPEED_INTRANET_OPT, "typical", U32(1), 0,
	  .typ = 1, .rb = 1, .back = U32(1) },
	{ RM_HIGH_SPEED_INTRANET_OPT, "7", U32(7), 0, .rb = 1, .back = U32(1) },
	{ RM_HIGH_SPEED_INTRANET_OPT, "0xffffffff", U32(0xffffffff), 0,
	  .rb = 1, .back = U32(1) },
	{ RM_HIGH_SPEED_INTRANET_OPT, "INT_MAX", U32(INT_MAX), 0,
	  .rb = 1, .back = U32(1) },

	{ PGM_UDP_ENCAP, "0 (raw IP)", ENC(0, 0), 0,
	  .rb = 1, .back = ENC(0, 0) },
	{ PGM_UDP_ENCAP, "1", U32(1), EINVAL },
	{ PGM_UDP_ENCAP, "typical", ENC(3055, 3056), 0,
	  .typ = 1, .rb = 1, .back = ENC(3055, 3056) },
	{ PGM_UDP_ENCAP, "multicast only", ENC(0, 3056), EINVAL },
	{ PGM_UDP_ENCAP, "max", ENC(65535, 65535), 0,
	  .rb = 1, .back = ENC(65535, 65535) },
	{ PGM_UDP_ENCAP, "0xffffffff", U32(0xffffffff), 0,
	  .rb = 1, .back = ENC(65535, 65535) },
	{ PGM_UDP_ENCAP, "INT_MAX", U32(INT_MAX), 0,
	  .rb = 1, .back = ENC(65535, 32767) },

	{ PGM_FEC_OPENPGM_PRM, "0", U32(0), 0, .rb = 1, .back = U32(0) },
	{ PGM_FEC_OPENPGM_PRM, "typical", U32(1), 0,
	  .typ = 1, .rb = 1, .back = U32(1) },
	{ PGM_FEC_OPENPGM_PRM, "2", U32(2), 0, .rb = 1, .back = U32(1) },
	{ PGM_FEC_OPENPGM_PRM, "0xffffffff", U32(0xffffffff), 0,
	  .rb = 1, .back = U32(1) },
	{ PGM_FEC_OPENPGM_PRM, "INT_MAX", U32(INT_MAX), 0,
	  .rb = 1, .back = U32(1) },
};

/* Option lengths of the length cases; -1, -2: the value's size - 1, size,
 * -3 size + 1.
 */
static const int set_lens[] = { 0, 1, 3, -1, -2, -3, 4096 };
static const int get_lens[] = { 0, 1, 3, -1, -2, -3, 4096 };

/* Not options at SOL_PGM: around and between the RM_* and PGM_* ranges. */
static const int unknown_names[] = {
	INT_MIN, -1, 0, 1, 113, RM_OPTIONSBASE - 1, RM_OPTIONSBASE,
	RM_HIGH_SPEED_INTRANET_OPT + 1, RM_HIGH_SPEED_INTRANET_OPT + 2,
	PGM_OPTIONSBASE - 1, PGM_OPTIONSBASE, PGM_FEC_OPENPGM_PRM + 1,
	PGM_FEC_OPENPGM_PRM + 2, 2000, 4096, INT_MAX,
};

/* Levels that are not SOL_PGM: the options' numbers mean nothing there.
 * As on the kernel's other IP protocols, getsockopt() at a level neither
 * the socket's nor the IP layer's is EOPNOTSUPP (ip_getsockopt()); every
 * other refusal here is ENOPROTOOPT.
 */
static const int wrong_levels[] = {
	SOL_SOCKET, SOL_IP, IPPROTO_TCP, IPPROTO_UDP, SOL_PGM - 1, SOL_PGM + 1,
	-1, INT_MAX,
};

FIXTURE(m)
{
	int traffic;		/* a source to PORT_LSN: listeners' sessions */
	int ls, src, sess;	/* the session states' */
	int tmsg, smsg;
	long long sess_bytes;	/* what the session read */
	unsigned char *edge;	/* the last byte of a page before a hole */
	bool small;		/* PGM_TEST_SCALE < 1: fewer cases */
	long long t0;		/* when the setup began */
	int cases, fails;
};

FIXTURE_VARIANT(m)
{
	int type;
	enum state state;
};

FIXTURE_VARIANT_ADD(m, rdm_unbound) { .type = SOCK_RDM, .state = U };
FIXTURE_VARIANT_ADD(m, rdm_bound_local) { .type = SOCK_RDM, .state = BL };
FIXTURE_VARIANT_ADD(m, rdm_bound_group) { .type = SOCK_RDM, .state = BG };
FIXTURE_VARIANT_ADD(m, rdm_listening) { .type = SOCK_RDM, .state = L };
FIXTURE_VARIANT_ADD(m, rdm_session) { .type = SOCK_RDM, .state = S };
FIXTURE_VARIANT_ADD(m, rdm_session_ended) { .type = SOCK_RDM, .state = SE };
FIXTURE_VARIANT_ADD(m, rdm_session_reset) { .type = SOCK_RDM, .state = SR };
FIXTURE_VARIANT_ADD(m, rdm_source) { .type = SOCK_RDM, .state = C };
FIXTURE_VARIANT_ADD(m, rdm_source_shut_wr) { .type = SOCK_RDM, .state = W };
FIXTURE_VARIANT_ADD(m, stream_unbound) { .type = SOCK_STREAM, .state = U };
FIXTURE_VARIANT_ADD(m, stream_bound_local) { .type = SOCK_STREAM, .state = BL };
FIXTURE_VARIANT_ADD(m, stream_bound_group) { .type = SOCK_STREAM, .state = BG };
FIXTURE_VARIANT_ADD(m, stream_listening) { .type = SOCK_STREAM, .state = L };
FIXTURE_VARIANT_ADD(m, stream_session) { .type = SOCK_STREAM, .state = S };
FIXTURE_VARIANT_ADD(m, stream_session_ended) { .type = SOCK_STREAM, .state = SE };
FIXTURE_VARIANT_ADD(m, stream_session_reset) { .type = SOCK_STREAM, .state = SR };
FIXTURE_VARIANT_ADD(m, stream_source) { .type = SOCK_STREAM, .state = C };
FIXTURE_VARIANT_ADD(m, stream_source_shut_wr) { .type = SOCK_STREAM, .state = W };

static struct sockaddr_in group(unsigned short port)
{
	return pgm_sin(GROUP, port);
}

/* Close a socket, a source abortively: no orphan lives on. */
static void drop(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static int get_val(int fd, int name, union val *v, socklen_t size)
{
	socklen_t len = size;

	memset(v, 0, sizeof(*v));
	if (getsockopt(fd, SOL_PGM, name, v, &len))
		return -1;
	return len == size ? 0 : -1;
}

/* What the helpers get: the test's metadata, fixture and variant. */
struct ctx {
	struct __test_metadata *md;
	struct _test_data_m *self;			/* FIXTURE_DATA(m) */
	const struct _fixture_variant_m *variant;	/* FIXTURE_VARIANT(m) */
};

/* A mismatch: logged (the first forty), counted, failed at the end. */
#define MISMATCH(fmt, ...) do {						\
		struct __test_metadata *_metadata = c->md;		\
									\
		if (++c->self->fails <= 40)				\
			TH_LOG("%s: " fmt,				\
			       state_name[c->variant->state],		\
			       ##__VA_ARGS__);				\
	} while (0)

/* The settings every socket has read within their bounds. */
static void check_settings(const struct ctx *c, int fd, const char *after)
{
	union val v;
	__u64 r, ms, b;

	if (get_val(fd, RM_RATE_WINDOW_SIZE, &v, 12)) {
		MISMATCH("after %s: RM_RATE_WINDOW_SIZE unreadable", after);
		return;
	}
	r = v.win.rate_kbits_per_sec;
	ms = v.win.window_size_in_msecs;
	b = v.win.window_size_in_bytes;
	if (!r || r > RATE_MAX || !ms || ms > MS_MAX || !b || b > WMEM_MAX ||
	    llabs((long long)(r * ms / 8) - (long long)b) > (long long)r / 8 + 1)
		MISMATCH("after %s: window %llu kbit/s %llu ms %llu bytes",
			 after, r, ms, b);
	if (get_val(fd, RM_LATEJOIN, &v, 4) || v.u32 > 75)
		MISMATCH("after %s: RM_LATEJOIN %u", after, v.u32);
	if (get_val(fd, RM_SEND_WINDOW_ADV_RATE, &v, 4) || !v.u32 || v.u32 > 50)
		MISMATCH("after %s: RM_SEND_WINDOW_ADV_RATE %u", after, v.u32);
	if (get_val(fd, RM_SET_MCAST_TTL, &v, 4) || !v.u32 || v.u32 > 255)
		MISMATCH("after %s: RM_SET_MCAST_TTL %u", after, v.u32);
	if (get_val(fd, RM_SENDER_WINDOW_ADVANCE_METHOD, &v, 4) || v.u32 != 1)
		MISMATCH("after %s: advance method %u", after, v.u32);
	if (get_val(fd, RM_HIGH_SPEED_INTRANET_OPT, &v, 4) || v.u32 > 1)
		MISMATCH("after %s: RM_HIGH_SPEED_INTRANET_OPT %u", after, v.u32);
	if (get_val(fd, PGM_FEC_OPENPGM_PRM, &v, 4) || v.u32 > 1)
		MISMATCH("after %s: PGM_FEC_OPENPGM_PRM %u", after, v.u32);
	if (get_val(fd, PGM_UDP_ENCAP, &v, 4) ||
	    !v.enc.ucast_port != !v.enc.mcast_port)
		MISMATCH("after %s: PGM_UDP_ENCAP %u %u", after,
			 v.enc.ucast_port, v.enc.mcast_port);
	if (get_val(fd, RM_USE_FEC, &v, 6) ||
	    (v.fec.fec_block_size &&
	     (v.fec.fec_block_size > 255 || v.fec.fec_group_size < 2 ||
	      v.fec.fec_block_size <= v.fec.fec_group_size)))
		MISMATCH("after %s: RM_USE_FEC %u/%u", after,
			 v.fec.fec_block_size, v.fec.fec_group_size);
}

/* A source's statistics: @sent data bytes, a window of at most @sent
 * packets, no NAKs.
 */
static void check_source_stats(const struct ctx *c, int fd, __u64 sent, const char *after)
{
	struct rm_sender_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(fd, SOL_PGM, RM_SENDER_STATISTICS, &st, &len) ||
	    len != sizeof(st)) {
		MISMATCH("after %s: RM_SENDER_STATISTICS: %s", after,
			 strerror(errno));
		return;
	}
	if (st.data_bytes_sent != sent || st.naks_received ||
	    st.num_outstanding_naks || st.repair_packets_sent ||
	    (__u32)(st.leading_edge_seq_id + 1 - st.trailing_edge_seq_id) > sent)
		MISMATCH("after %s: sent %llu bytes (want %llu), %llu NAKs, trail %llu lead %llu",
			 after,
			 (unsigned long long)st.data_bytes_sent,
			 (unsigned long long)sent,
			 (unsigned long long)st.naks_received,
			 (unsigned long long)st.trailing_edge_seq_id,
			 (unsigned long long)st.leading_edge_seq_id);
}

/* A source still sends: one byte, counted, and it goes out as ODATA. */
static void check_sends(const struct ctx *c, int fd, const char *after)
{
	struct rm_sender_stats st;
	socklen_t len;
	int i;

	if (send(fd, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL) != 1) {
		MISMATCH("after %s: a source cannot send: %s", after,
			 strerror(errno));
		return;
	}
	check_source_stats(c, fd, 1, after);
	for (i = 0; i < WAIT_MS / 10; i++) {
		len = sizeof(st);
		if (getsockopt(fd, SOL_PGM, RM_SENDER_STATISTICS, &st, &len))
			break;
		if (st.total_odata_packets_sent >= 1)
			return;
		pgm_sleep_ms(10);
	}
	MISMATCH("after %s: the source sent no ODATA", after);
}

/* A message from @from reaches the new session of listener @lfd. */
static void check_accepts(const struct ctx *c, int lfd, const char *after)
{
	char msg[32], buf[64];
	union val enc;
	int s, n;

	/* The traffic source is raw IP: a UDP listener cannot hear it. */
	if (get_val(lfd, PGM_UDP_ENCAP, &enc, 4) || enc.enc.mcast_port)
		return;
	n = snprintf(msg, sizeof(msg), "t%d", ++c->self->tmsg);
	if (send(c->self->traffic, msg, n, MSG_NOSIGNAL) != n) {
		MISMATCH("after %s: the traffic source failed: %s", after,
			 strerror(errno));
		return;
	}
	if (!pgm_readable(lfd, WAIT_MS)) {
		MISMATCH("after %s: the listener accepts no session", after);
		return;
	}
	s = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	if (s < 0) {
		MISMATCH("after %s: accept: %s", after, strerror(errno));
		return;
	}
	n = pgm_readable(s, WAIT_MS) ? recv(s, buf, sizeof(buf) - 1, 0) : -1;
	buf[n > 0 ? n : 0] = 0;
	if (strcmp(buf, msg))
		MISMATCH("after %s: the session read '%s', want '%s'", after,
			 buf, msg);
	close(s);
}

/* The shared live session still receives what its source sends. */
static void check_session(const struct ctx *c, const char *after)
{
	char msg[32], buf[64];
	int n, got = 0;

	n = snprintf(msg, sizeof(msg), "s%d.", ++c->self->smsg);
	if (send(c->self->src, msg, n, MSG_NOSIGNAL) != n) {
		MISMATCH("after %s: the session's source: %s", after,
			 strerror(errno));
		return;
	}
	/* A stream may return the message in parts. */
	while (got < n && pgm_readable(c->self->sess, WAIT_MS)) {
		int r = recv(c->self->sess, buf + got, n - got, MSG_DONTWAIT);

		if (r <= 0)
			break;
		got += r;
	}
	buf[got] = 0;
	c->self->sess_bytes += got;
	if (strcmp(buf, msg))
		MISMATCH("after %s: the session read '%s', want '%s'", after,
			 buf, msg);
}

static void check_receiver_stats(const struct ctx *c, int fd, const char *after)
{
	struct rm_receiver_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(fd, SOL_PGM, RM_RECEIVER_STATISTICS, &st, &len) ||
	    len != sizeof(st)) {
		MISMATCH("after %s: RM_RECEIVER_STATISTICS: %s", after,
			 strerror(errno));
		return;
	}
	if (!st.num_odata_packets_received ||
	    st.data_bytes_received < (__u64)c->self->sess_bytes ||
	    (__u32)(st.leading_edge_seq_id + 1 - st.trailing_edge_seq_id) >
	    10000)
		MISMATCH("after %s: %llu ODATA, %llu bytes (read %lld), trail %llu lead %llu",
			 after,
			 (unsigned long long)st.num_odata_packets_received,
			 (unsigned long long)st.data_bytes_received,
			 c->self->sess_bytes,
			 (unsigned long long)st.trailing_edge_seq_id,
			 (unsigned long long)st.leading_edge_seq_id);
}

/* After a call on @fd in @st: does the socket still do its job? With
 * @full, the whole job (a send, an accepted session, a received message);
 * else its settings and statistics only.
 */
static void check_works(const struct ctx *c, int fd, bool full, bool deaf,
			const char *after)
{
	struct sockaddr_in g = group(PORT_SRC);
	char ch;

	check_settings(c, fd, after);
	switch (c->variant->state) {
	case U:
	case BL:
		if (!full)
			return;
		if (connect(fd, (struct sockaddr *)&g, sizeof(g))) {
			MISMATCH("after %s: connect: %s", after,
				 strerror(errno));
			return;
		}
		check_sends(c, fd, after);
		return;
	case BG:
		if (!full)
			return;
		if (listen(fd, 4)) {
			MISMATCH("after %s: listen: %s", after, strerror(errno));
			return;
		}
		if (!deaf)
			check_accepts(c, fd, after);
		return;
	case L:
		if (full && !deaf)
			check_accepts(c, fd, after);
		return;
	case S:
		check_receiver_stats(c, fd, after);
		if (full)
			check_session(c, after);
		return;
	case SE:
	case SR:
		check_receiver_stats(c, fd, after);
		if (recv(fd, &ch, 1, MSG_DONTWAIT) != 0)
			MISMATCH("after %s: an ended session reads: %s", after,
				 strerror(errno));
		return;
	case C:
		if (full)
			check_sends(c, fd, after);
		else
			check_source_stats(c, fd, 0, after);
		return;
	case W:
		check_source_stats(c, fd, 0, after);
		if (send(fd, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL) != -1 ||
		    errno != EPIPE)
			MISMATCH("after %s: a shut down source sends", after);
		return;
	default:
		return;
	}
}

/* A socket in the variant's state: a new one, or the shared session. */
static int make(const struct ctx *c)
{
	struct __test_metadata *_metadata = c->md;
	struct sockaddr_in local = pgm_sin("127.0.0.1", 0);
	struct sockaddr_in lg = group(PORT_LSN), sg = group(PORT_SRC);
	int fd;

	if (col_of[c->variant->state] == CS)
		return c->self->sess;
	fd = socket(AF_INET, c->variant->type, IPPROTO_PGM);
	ASSERT_LE(0, fd);
	switch (c->variant->state) {
	case BL:
		ASSERT_EQ(0, bind(fd, (struct sockaddr *)&local, sizeof(local)));
		break;
	case BG:
	case L:
		ASSERT_EQ(0, bind(fd, (struct sockaddr *)&lg, sizeof(lg)));
		if (c->variant->state == L)
			ASSERT_EQ(0, listen(fd, 4));
		break;
	case C:
	case W:
		ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sg, sizeof(sg)));
		if (c->variant->state == W)
			ASSERT_EQ(0, shutdown(fd, SHUT_WR));
		break;
	default:
		break;
	}
	return fd;
}

static void unmake(const struct ctx *c, int fd)
{
	if (fd != c->self->sess)
		drop(fd);
}

static void prepare(int fd, enum prep prep)
{
	__u32 a;
	int i;

	if (prep == P_ADD_LO) {
		a = LO;
		setsockopt(fd, SOL_PGM, RM_ADD_RECEIVE_IF, &a, sizeof(a));
	}
	for (i = 1; prep == P_ADD_16 && i <= 16; i++) {
		a = IP4(10, 10, 0, i);
		setsockopt(fd, SOL_PGM, RM_ADD_RECEIVE_IF, &a, sizeof(a));
	}
}

/* The session states: a listener, a source on lo, one message, accepted;
 * then for the ended one the source's end (recv() == 0), for the reset
 * one its abortive close (ECONNRESET, then 0).
 */
static void make_session(const struct ctx *c)
{
	struct __test_metadata *_metadata = c->md;
	struct sockaddr_in g = group(PORT_SESS);
	char buf[16];
	int n;

	c->self->ls = socket(AF_INET, c->variant->type, IPPROTO_PGM);
	ASSERT_LE(0, c->self->ls);
	ASSERT_EQ(0, bind(c->self->ls, (struct sockaddr *)&g, sizeof(g)));
	ASSERT_EQ(0, listen(c->self->ls, 4));
	c->self->src = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, c->self->src);
	ASSERT_EQ(0, connect(c->self->src, (struct sockaddr *)&g, sizeof(g)));
	ASSERT_EQ(5, send(c->self->src, "hello", 5, 0));
	ASSERT_TRUE(pgm_readable(c->self->ls, WAIT_MS));
	c->self->sess = accept4(c->self->ls, NULL, NULL, SOCK_NONBLOCK);
	ASSERT_LE(0, c->self->sess);
	ASSERT_TRUE(pgm_readable(c->self->sess, WAIT_MS));
	ASSERT_EQ(5, recv(c->self->sess, buf, sizeof(buf), 0));
	c->self->sess_bytes = 5;
	if (c->variant->state == SE) {
		ASSERT_EQ(0, shutdown(c->self->src, SHUT_WR));
		ASSERT_TRUE(pgm_readable(c->self->sess, WAIT_MS));
		ASSERT_EQ(0, recv(c->self->sess, buf, sizeof(buf), 0));
	}
	if (c->variant->state == SR) {
		drop(c->self->src);
		c->self->src = -1;
		ASSERT_TRUE(pgm_readable(c->self->sess, WAIT_MS));
		errno = 0;
		n = recv(c->self->sess, buf, sizeof(buf), 0);
		ASSERT_EQ(-1, n);
		ASSERT_EQ(ECONNRESET, errno);
		ASSERT_EQ(0, recv(c->self->sess, buf, sizeof(buf), 0));
	}
}

static int ifreq_addr(int fd, unsigned long req, const char *name,
		      __u32 addr)
{
	struct ifreq ifr = {};
	struct sockaddr_in sin = { .sin_family = AF_INET };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	sin.sin_addr.s_addr = addr;
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	return ioctl(fd, req, &ifr);
}

/* The namespace, by ioctl (no program to start: the debug lane's kernel
 * is slow): lo up with an MTU of 1500 and the multicast route, and
 * seventeen more addresses on it for the receive interfaces.
 */
static int netns_setup(void)
{
	struct rtentry rt = { .rt_flags = RTF_UP, .rt_dev = "lo" };
	struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst;
	struct sockaddr_in *mask = (struct sockaddr_in *)&rt.rt_genmask;
	struct ifreq ifr = { .ifr_name = "lo" };
	char name[IFNAMSIZ];
	int fd, i, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	ifr.ifr_mtu = 1500;
	err |= ioctl(fd, SIOCSIFMTU, &ifr);
	ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
	err |= ioctl(fd, SIOCSIFFLAGS, &ifr);
	dst->sin_family = AF_INET;
	dst->sin_addr.s_addr = IP4(224, 0, 0, 0);
	mask->sin_family = AF_INET;
	mask->sin_addr.s_addr = IP4(240, 0, 0, 0);
	err |= ioctl(fd, SIOCADDRT, &rt);
	for (i = 1; i <= 17; i++) {
		snprintf(name, sizeof(name), "lo:%d", i);
		err |= ifreq_addr(fd, SIOCSIFADDR, name, IP4(10, 10, 0, i));
		err |= ifreq_addr(fd, SIOCSIFNETMASK, name, 0xffffffff);
	}
	close(fd);
	return err ? -1 : 0;
}

FIXTURE_SETUP(m)
{
	const struct ctx ctx = { _metadata, self, variant }, *c = &ctx;
	struct sockaddr_in lg = group(PORT_LSN);
	unsigned char *page;
	char path[64];
	FILE *f;
	long v;
	int fd;

	self->t0 = pgm_now_ns();
	self->traffic = -1;
	self->ls = -1;
	self->src = -1;
	self->sess = -1;
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, netns_setup());
	self->small = pgm_scale(100, 0) < 100;
	/* The bounds the table assumes are this namespace's; net.pgm is
	 * there once the module is (a first socket loads it).
	 */
	fd = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(path, sizeof(path), "/proc/sys/net/pgm/wmem_max");
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%ld", &v));
	fclose(f);
	ASSERT_EQ(WMEM_MAX, v);

	/* A page followed by a hole: the bad pointers' page. */
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, munmap(page + 4096, 4096));
	self->edge = page + 4095;

	if (variant->state == BG || variant->state == L) {
		self->traffic = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
		ASSERT_LE(0, self->traffic);
		ASSERT_EQ(0, connect(self->traffic, (struct sockaddr *)&lg,
				     sizeof(lg)));
	}
	if (col_of[variant->state] == CS)
		make_session(c);
}

FIXTURE_TEARDOWN(m)
{
	if (self->sess >= 0)
		close(self->sess);
	if (self->ls >= 0)
		close(self->ls);
	if (self->src >= 0)
		drop(self->src);
	if (self->traffic >= 0)
		drop(self->traffic);
}

/* The answer the table gives a set of @o with @len bytes of @v. */
static int want_set(const struct ctx *c, const struct opt *o, int len, bool bad,
		    const struct value *v)
{
	int st = o->set[col_of[c->variant->state]];

	/* Positive errnos, as errno reads. */
	return o->pre ? o->pre : len < o->size ? EINVAL : bad ? EFAULT :
	       st ? st : v->err;
}

static int want_get(const struct ctx *c, const struct opt *o, int len, bool bad)
{
	int g = o->get[col_of[c->variant->state]];

	return len < 0 ? EINVAL : g > 0 ? g : len < o->size ? EINVAL :
	       bad ? EFAULT : 0;
}

static int answer(int ret)
{
	return ret ? errno : 0;
}

/* One set case: a socket in the state, the call, its answer, the socket
 * still working (@full: still doing its whole job).
 */
static void set_case(const struct ctx *c, const struct opt *o,
		     const struct value *v, int len, bool bad, bool full)
{
	unsigned char *buf = c->self->edge + 1 - 4096;
	char after[160];
	int fd, want, got;
	const void *p;

	fd = make(c);
	prepare(fd, v->prep);
	memset(buf, 0, 4096);
	memcpy(buf, &v->v, o->size < 16 ? o->size : 16);
	p = buf;
	if (bad)	/* the value's last byte in the hole after the page */
		p = c->self->edge + 2 - o->size;
	want = want_set(c, o, len, bad, v);
	errno = 0;
	got = answer(setsockopt(fd, SOL_PGM, o->name, p, len));
	snprintf(after, sizeof(after), "set %s %s, optlen %d%s", o->id,
		 v->what, len, bad ? ", bad pointer" : "");
	c->self->cases++;
	if (got != want)
		MISMATCH("%s: %s, want %s", after, got ? strerror(got) : "ok",
			 want ? strerror(want) : "ok");
	if (!got && v->rb) {
		union val back;

		if (get_val(fd, o->name, &back, o->size) ||
		    memcmp(&back, &v->back, o->size))
			MISMATCH("%s: reads back otherwise", after);
	}
	check_works(c, fd, full, v->deaf && !got, after);
	unmake(c, fd);
}

static int real_len(const struct opt *o, int len)
{
	return len == -1 ? o->size - 1 : len == -2 ? o->size :
	       len == -3 ? o->size + 1 : len;
}

TEST_F_TIMEOUT(m, set, 1200)
{
	const struct ctx ctx = { _metadata, self, variant }, *c = &ctx;
	unsigned int i, j;
	int fd;

	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		const struct opt *o = &opts[i];

		if (o->type && o->type != variant->type)
			continue;
		for (j = 0; j < ARRAY_SIZE(values); j++) {
			const struct value *v = &values[j];
			unsigned int k;

			/* Scaled down: the typical value, at the value's
			 * length, one short, and from a bad pointer.
			 */
			if (v->name != o->name || (self->small && !v->typ))
				continue;
			set_case(c, o, v, o->size, false, v->typ && !self->small);
			if (!v->typ)
				continue;
			for (k = 0; k < ARRAY_SIZE(set_lens); k++) {
				int len = real_len(o, set_lens[k]);

				if (len != o->size &&
				    (!self->small || len == o->size - 1))
					set_case(c, o, v, len, false, false);
			}
			set_case(c, o, v, o->size, true, false);
		}
	}
	fd = make(c);
	check_works(c, fd, true, false, "the set cases");
	unmake(c, fd);
	TH_LOG("%s %s: %d set cases, %d mismatches, %ld ms",
	       variant->type == SOCK_RDM ? "SOCK_RDM" : "SOCK_STREAM",
	       state_name[variant->state], self->cases, self->fails,
	       pgm_ms_since(self->t0));
	EXPECT_EQ(0, self->fails);
}

/* One get case on @fd; @bad: 1 an unwritable optval, 2 optlen. */
static void get_case(const struct ctx *c, int fd, const struct opt *o, int len, int bad)
{
	unsigned char *buf = c->self->edge + 1 - 4096;
	socklen_t l = len, *lp = &l;
	int want, got, g = o->get[col_of[c->variant->state]];
	char after[160];
	void *p = buf;
	int i;

	memset(buf, 0xa5, 4096);
	if (bad == 1)
		p = c->self->edge + 2 - o->size;
	if (bad == 2)
		lp = (socklen_t *)(c->self->edge + 1);
	want = bad == 2 ? EFAULT : want_get(c, o, len, bad == 1);
	errno = 0;
	got = answer(getsockopt(fd, SOL_PGM, o->name, p, lp));
	snprintf(after, sizeof(after), "get %s, optlen %d%s", o->id, len,
		 bad == 1 ? ", bad optval" : bad == 2 ? ", bad optlen" : "");
	c->self->cases++;
	if (got != want)
		MISMATCH("%s: %s, want %s", after, got ? strerror(got) : "ok",
			 want ? strerror(want) : "ok");
	if (!got && !bad) {
		if ((int)l != o->size)
			MISMATCH("%s: optlen %u, want %d", after, l, o->size);
		for (i = o->size; i < len && i < 4096; i++)
			if (buf[i] != 0xa5)
				break;
		if (i < len && i < 4096)
			MISMATCH("%s: wrote beyond the value", after);
		for (i = 0; g == Z && i < o->size; i++)
			if (buf[i])
				break;
		if (g == Z && i < o->size)
			MISMATCH("%s: not all zeros", after);
	}
	if (!c->self->small)	/* scaled down: once per option (below) */
		check_works(c, fd, false, false, after);
}

TEST_F_TIMEOUT(m, get, 1200)
{
	const struct ctx ctx = { _metadata, self, variant }, *c = &ctx;
	unsigned int i, k;
	int fd;

	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		const struct opt *o = &opts[i];

		if (o->type && o->type != variant->type)
			continue;
		fd = make(c);
		for (k = 0; k < ARRAY_SIZE(get_lens); k++)
			get_case(c, fd, o, real_len(o, get_lens[k]), 0);
		get_case(c, fd, o, -1, 0);		/* negative */
		get_case(c, fd, o, INT_MIN, 0);
		get_case(c, fd, o, o->size, 1);
		get_case(c, fd, o, o->size, 2);
		check_works(c, fd, !self->small, false, o->id);
		unmake(c, fd);
	}
	fd = make(c);
	check_works(c, fd, true, false, "the get cases");
	unmake(c, fd);
	TH_LOG("%s %s: %d get cases, %d mismatches, %ld ms",
	       variant->type == SOCK_RDM ? "SOCK_RDM" : "SOCK_STREAM",
	       state_name[variant->state], self->cases, self->fails,
	       pgm_ms_since(self->t0));
	EXPECT_EQ(0, self->fails);
}

/* Unknown names at SOL_PGM, and every option's name at other levels. */
TEST_F_TIMEOUT(m, unknown_and_levels, 600)
{
	const struct ctx ctx = { _metadata, self, variant }, *c = &ctx;
	unsigned char buf[16] = {};
	int fd = make(c), want, got;
	unsigned int i, k;
	socklen_t len;
	char what[96];

	for (i = 0; i < ARRAY_SIZE(unknown_names); i++) {
		int name = unknown_names[i];
		static const int lens[] = { 0, 4, 4096 };

		for (k = 0; k < ARRAY_SIZE(lens); k++) {
			errno = 0;
			got = answer(setsockopt(fd, SOL_PGM, name,
						k == 2 ? NULL : buf, lens[k]));
			self->cases++;
			if (got != ENOPROTOOPT)
				MISMATCH("set unknown %d, optlen %d: %s", name,
					 lens[k], strerror(got));
		}
		for (k = 0; k < 3; k++) {
			len = k == 0 ? 4 : k == 1 ? 0 : (socklen_t)-1;
			want = k == 2 ? EINVAL : ENOPROTOOPT;
			errno = 0;
			got = answer(getsockopt(fd, SOL_PGM, name, buf, &len));
			self->cases++;
			if (got != want)
				MISMATCH("get unknown %d, optlen %d: %s", name,
					 (int)len, strerror(got));
		}
	}
	for (i = 0; i < ARRAY_SIZE(wrong_levels); i++) {
		for (k = 0; k < ARRAY_SIZE(opts); k++) {
			const struct opt *o = &opts[k];

			snprintf(what, sizeof(what), "level %d, %s",
				 wrong_levels[i], o->id);
			memset(buf, 0, sizeof(buf));
			buf[0] = 1;
			errno = 0;
			got = answer(setsockopt(fd, wrong_levels[i], o->name,
						buf, 4));
			self->cases++;
			if (got != ENOPROTOOPT)
				MISMATCH("set %s: %s", what, strerror(got));
			len = sizeof(buf);
			errno = 0;
			got = answer(getsockopt(fd, wrong_levels[i], o->name,
						buf, &len));
			self->cases++;
			want = wrong_levels[i] == SOL_SOCKET ||
			       wrong_levels[i] == SOL_IP ? ENOPROTOOPT :
			       EOPNOTSUPP;
			if (got != want)
				MISMATCH("get %s: %s", what, strerror(got));
		}
	}
	check_works(c, fd, true, false, "unknown options and levels");
	unmake(c, fd);
	TH_LOG("%s %s: %d cases, %d mismatches, %ld ms",
	       variant->type == SOCK_RDM ? "SOCK_RDM" : "SOCK_STREAM",
	       state_name[variant->state], self->cases, self->fails,
	       pgm_ms_since(self->t0));
	EXPECT_EQ(0, self->fails);
}

TEST_HARNESS_MAIN
