// SPDX-License-Identifier: GPL-2.0
/*
 * PGM socket options: level SOL_PGM, the Windows RM_* options with
 * Windows' numbers and layouts, and the Linux extensions (PGM_*, from
 * PGM_OPTIONSBASE). Other levels go to the IP layer.
 *
 * Which socket may set and get which option is the policy table below,
 * pgm_opt_rules[], and nothing else: an option touches a socket only in
 * a state its row allows, so no option reaches the state of another
 * role (a source's, a listener's and a session's share a union in
 * struct pgm_sock). Documentation/networking/pgm.rst shows the same table.
 *
 * The checks come in this order, so one call has one answer:
 * setsockopt(): an unknown option is ENOPROTOOPT; an option that cannot
 * be set at all (RM_FLUSHCACHE, the statistics) gets its row's answer;
 * an optlen shorter than the value is EINVAL, an unreadable optval
 * EFAULT (a longer optlen is fine: the value is read from its start);
 * then the table; then the value: EINVAL out of range, EOPNOTSUPP for
 * what Windows does not support either (the data-cache window),
 * EADDRNOTAVAIL for an address that is not local, ENOBUFS for a
 * seventeenth receive interface. A refused call changes nothing.
 * getsockopt(): an unreadable optlen is EFAULT, a negative one EINVAL;
 * an unknown option ENOPROTOOPT; then the table; then an optlen shorter
 * than the value EINVAL (a longer one gets the value and its length), an
 * unwritable optval or optlen EFAULT.
 *
 * The values are held to the bounds of the net.pgm sysctls (pgm.h): rate
 * 1..PGM_RATE_MAX_KBPS kbit/s, window 1..PGM_MS_MAX ms and 1..
 * net.pgm.wmem_max bytes, advance 1..PGM_ADV_PCT_MAX percent, late join
 * 0..PGM_LATEJOIN_PCT_MAX percent, TTL 1..PGM_TTL_MAX. The socket
 * level's buffers stay the socket core's: SO_SNDBUF and SO_RCVBUF within
 * net.core.wmem_max and rmem_max, and a source's automatic send buffer
 * within net.pgm.wmem_max (source.c).
 */

#include <linux/build_bug.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/sock.h>

#include "pgm.h"

/* The option structures are Windows' byte for byte. */
static_assert(sizeof(struct rm_send_window) == 12);
static_assert(sizeof(struct rm_fec_info) == 6);
static_assert(sizeof(struct rm_sender_stats) == 13 * 8);
static_assert(sizeof(struct rm_receiver_stats) == 18 * 8);
static_assert(RM_RATE_WINDOW_SIZE == 1001);
static_assert(RM_HIGH_SPEED_INTRANET_OPT == 1014);
static_assert(sizeof(struct pgm_udp_encap) == 4);

/* The states of a socket, the table's columns:
 *
 *   U   unbound (or bound to INADDR_ANY): it may still become either role
 *   BL  bound to a local address: a sender's bind, not connected yet
 *   BG  bound to a group and port: a receiver's bind, not listening yet
 *   L   listening
 *   S   a session accept() returned: live, ended (recv() == 0) or reset
 *   C   a connected source
 *   W   a connected source after shutdown(SHUT_WR)
 */
enum pgm_opt_state {
	PGM_OS_U, PGM_OS_BL, PGM_OS_BG, PGM_OS_L, PGM_OS_S, PGM_OS_C, PGM_OS_W,
	PGM_OS_NR
};

static enum pgm_opt_state pgm_opt_state(const struct sock *sk)
{
	const struct pgm_sock *ps = pgm_sk(sk);

	switch (ps->role) {
	case PGM_ROLE_SOURCE:
		return READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN ?
		       PGM_OS_W : PGM_OS_C;
	case PGM_ROLE_LISTENER:
		return PGM_OS_L;
	case PGM_ROLE_SESSION:
		return PGM_OS_S;
	default:
		if (ps->group)
			return PGM_OS_BG;
		return inet_sk(sk)->inet_saddr ? PGM_OS_BL : PGM_OS_U;
	}
}

/**
 * struct pgm_opt_rule - one row of the policy table
 * @name: the option
 * @type: the socket type the row is for; 0 for both
 * @size: the value's bytes, set and get
 * @noset: not settable at all: @set answers before optlen is looked at
 * @set: setsockopt() in each state: 0 (the value decides) or -errno
 * @get: getsockopt() in each state: 0, PGM_OPT_ZEROS (the value reads as
 *	zeros) or -errno
 */
struct pgm_opt_rule {
	int	name;
	u8	type;
	u8	size;
	bool	noset;
	s8	set[PGM_OS_NR];
	s8	get[PGM_OS_NR];
};

#define PGM_OPT_ZEROS	1

/* The table's words: ok, reads as zeros, EISCONN, ENOTCONN, EPIPE,
 * EOPNOTSUPP, EINVAL.
 */
#define OK	0
#define Z	PGM_OPT_ZEROS
#define IC	(-EISCONN)
#define NC	(-ENOTCONN)
#define PI	(-EPIPE)
#define NS	(-EOPNOTSUPP)
#define IV	(-EINVAL)
#define ALL(x)	{ [0 ... PGM_OS_NR - 1] = (x) }

/* The policy. A sender's option on a receiver's socket (BG, L, S), a
 * receiver's on a sender's (BL, C, W), and a sender's setting that
 * connect() fixed are EISCONN: the socket's role is decided. What needs
 * a connected source is ENOTCONN before connect(), EPIPE after
 * shutdown(SHUT_WR). Sender options are taken on an unbound socket (it
 * may yet connect), receiver options need the group's bind. Windows
 * takes RM_SET_MESSAGE_BOUNDARY and the statistics while the session
 * runs, the other sender options before connect(); here the ones a
 * running source can follow (rate and window, advance, late join, TTL)
 * are taken after it too.
 */
static const struct pgm_opt_rule pgm_opt_rules[] = {
	/*		      U   BL  BG  L   S   C   W */
	{ RM_RATE_WINDOW_SIZE, 0, sizeof(struct rm_send_window), false,
		.set = { OK, OK, IC, IC, IC, OK, OK }, .get = ALL(OK) },
	{ RM_SET_MESSAGE_BOUNDARY, SOCK_RDM, sizeof(u32), false,
		.set = { NC, NC, IC, IC, IC, OK, PI }, .get = ALL(IV) },
	{ RM_SET_MESSAGE_BOUNDARY, SOCK_STREAM, sizeof(u32), false,
		.set = ALL(NS), .get = ALL(IV) },
	{ RM_FLUSHCACHE, 0, sizeof(u32), true,
		.set = ALL(NS), .get = ALL(NS) },
	{ RM_SENDER_WINDOW_ADVANCE_METHOD, 0, sizeof(u32), false,
		.set = { OK, OK, IC, IC, IC, OK, OK }, .get = ALL(OK) },
	{ RM_SENDER_STATISTICS, 0, sizeof(struct rm_sender_stats), true,
		.set = ALL(IV), .get = { Z, Z, IV, IV, IV, OK, OK } },
	{ RM_LATEJOIN, 0, sizeof(u32), false,
		.set = { OK, OK, IC, IC, IC, OK, OK }, .get = ALL(OK) },
	{ RM_SET_SEND_IF, 0, sizeof(u32), false,
		.set = { OK, OK, IC, IC, IC, IC, IC }, .get = ALL(OK) },
	{ RM_ADD_RECEIVE_IF, 0, sizeof(u32), false,
		.set = { IV, IC, OK, OK, IC, IC, IC }, .get = ALL(IV) },
	{ RM_DEL_RECEIVE_IF, 0, sizeof(u32), false,
		.set = { IV, IC, OK, OK, IC, IC, IC }, .get = ALL(IV) },
	{ RM_SEND_WINDOW_ADV_RATE, 0, sizeof(u32), false,
		.set = { OK, OK, IC, IC, IC, OK, OK }, .get = ALL(OK) },
	{ RM_USE_FEC, 0, sizeof(struct rm_fec_info), false,
		.set = { OK, OK, IC, IC, IC, IC, IC }, .get = ALL(OK) },
	{ RM_SET_MCAST_TTL, 0, sizeof(u32), false,
		.set = { OK, OK, IC, IC, IC, OK, OK }, .get = ALL(OK) },
	{ RM_RECEIVER_STATISTICS, 0, sizeof(struct rm_receiver_stats), true,
		.set = ALL(IV), .get = { Z, IV, Z, Z, OK, IV, IV } },
	{ RM_HIGH_SPEED_INTRANET_OPT, 0, sizeof(u32), false,
		.set = ALL(OK), .get = ALL(OK) },
	{ PGM_UDP_ENCAP, 0, sizeof(struct pgm_udp_encap), false,
		.set = { OK, OK, OK, IC, IC, IC, IC }, .get = ALL(OK) },
	{ PGM_FEC_OPENPGM_PRM, 0, sizeof(u32), false,
		.set = { OK, OK, IC, IC, IC, IC, IC }, .get = ALL(OK) },
};

#undef OK
#undef Z
#undef IC
#undef NC
#undef PI
#undef NS
#undef IV
#undef ALL

static const struct pgm_opt_rule *pgm_opt_rule(const struct sock *sk,
					       int name)
{
	const struct pgm_opt_rule *r;

	for (r = pgm_opt_rules; r < pgm_opt_rules + ARRAY_SIZE(pgm_opt_rules);
	     r++)
		if (r->name == name && (!r->type || r->type == sk->sk_type))
			return r;
	return NULL;
}

/* The values, as read from the user. */
union pgm_opt_val {
	struct rm_send_window		w;
	struct rm_fec_info		fec;
	struct rm_sender_stats		ss;
	struct rm_receiver_stats	rs;
	struct pgm_udp_encap		encap;
	u32				val;
};

/* RM_RATE_WINDOW_SIZE: any one, two or three fields; zero means "not
 * given". Windows keeps bytes = kbit/s * ms / 8: two fields fix the
 * third; one field keeps the rate (or, given the rate, the time). All
 * three are held to the sysctls' bounds.
 */
static int pgm_set_send_window(struct sock *sk, const struct rm_send_window *w)
{
	struct pgm_params *p = &pgm_sk(sk)->params;
	u64 rate = w->rate_kbits_per_sec, ms = w->window_size_in_msecs;
	u64 bytes = w->window_size_in_bytes;
	u64 wmem_max = READ_ONCE(pgm_net(sock_net(sk))->sysctl.wmem_max);

	if (!rate && !ms && !bytes)
		return -EINVAL;
	/* Given fields first: no product below can overflow then. */
	if (rate > PGM_RATE_MAX_KBPS || ms > PGM_MS_MAX || bytes > wmem_max)
		return -EINVAL;
	if (rate && ms && bytes) {
		/* All three must agree (to within the rounding of one ms). */
		if (abs((s64)(rate * ms / 8) - (s64)bytes) > rate / 8 + 1)
			return -EINVAL;
	} else if (rate && ms) {
		bytes = rate * ms / 8;
	} else if (rate && bytes) {
		ms = div64_u64(bytes * 8, rate);
	} else if (ms && bytes) {
		rate = div64_u64(bytes * 8, ms);
	} else if (rate) {
		ms = p->window_ms;
		bytes = rate * ms / 8;
	} else if (ms) {
		rate = p->rate_kbps;
		bytes = rate * ms / 8;
	} else {
		rate = p->rate_kbps;
		ms = div64_u64(bytes * 8, rate);
	}
	if (!rate || !ms || !bytes || rate > PGM_RATE_MAX_KBPS ||
	    ms > PGM_MS_MAX || bytes > wmem_max)
		return -EINVAL;
	p->rate_kbps = rate;
	p->window_ms = ms;
	p->window_bytes = bytes;
	if (pgm_sk(sk)->role == PGM_ROLE_SOURCE)
		pgm_source_params_changed(sk);
	return 0;
}

static int pgm_local_ifaddr(struct sock *sk, __be32 addr)
{
	if (addr == htonl(INADDR_ANY))
		return 0;
	if (inet_addr_type_table(sock_net(sk), addr, RT_TABLE_LOCAL) !=
	    RTN_LOCAL)
		return -EADDRNOTAVAIL;
	return 0;
}

/* The value of an option the table let through, set on @sk, locked. */
static int pgm_set(struct sock *sk, int optname, const union pgm_opt_val *u)
{
	struct pgm_sock *ps = pgm_sk(sk);
	const struct rm_fec_info *fec = &u->fec;
	u32 val = u->val;
	int err;

	switch (optname) {
	case RM_RATE_WINDOW_SIZE:
		return pgm_set_send_window(sk, &u->w);
	case PGM_UDP_ENCAP:
		/* Both ports, or neither (raw IP). */
		if (!u->encap.ucast_port != !u->encap.mcast_port)
			return -EINVAL;
		ps->params.udp_ucast = u->encap.ucast_port;
		ps->params.udp_mcast = u->encap.mcast_port;
		return 0;
	case PGM_FEC_OPENPGM_PRM:
		ps->params.fec_openpgm_prm = !!val;
		return 0;
	case RM_USE_FEC:
		/* Windows' rules (fec.c); zero everywhere turns FEC off. */
		if (!fec->fec_block_size && !fec->fec_proactive_packets &&
		    !fec->fec_group_size && !fec->fec_ondemand_parity_enabled) {
			memset(&ps->params.fec, 0, sizeof(ps->params.fec));
			return 0;
		}
		return pgm_fec_params_init(&ps->params.fec,
					   fec->fec_block_size,
					   fec->fec_group_size,
					   fec->fec_proactive_packets,
					   fec->fec_ondemand_parity_enabled);
	case RM_SET_MESSAGE_BOUNDARY:
		/* The table lets only a source here: ps->src is its. */
		if (WARN_ON_ONCE(ps->role != PGM_ROLE_SOURCE))
			return -EINVAL;
		if (!val || ps->src->boundary_left || ps->src->apdu_len)
			return -EINVAL;
		ps->src->boundary_left = val;
		return 0;
	case RM_SENDER_WINDOW_ADVANCE_METHOD:
		if (val == RM_WINDOW_USE_AS_DATA_CACHE)
			return -EOPNOTSUPP;
		return val == RM_WINDOW_ADVANCE_BY_TIME ? 0 : -EINVAL;
	case RM_LATEJOIN:
		if (val > PGM_LATEJOIN_PCT_MAX)
			return -EINVAL;
		ps->params.latejoin_pct = val;
		return 0;
	case RM_SET_SEND_IF:
		err = pgm_local_ifaddr(sk, (__force __be32)val);
		if (!err)
			ps->params.send_ifaddr = (__force __be32)val;
		return err;
	case RM_ADD_RECEIVE_IF:
	case RM_DEL_RECEIVE_IF:
		return pgm_receive_if(sk, (__force __be32)val,
				      optname == RM_ADD_RECEIVE_IF);
	case RM_SEND_WINDOW_ADV_RATE:
		if (!val || val > PGM_ADV_PCT_MAX)
			return -EINVAL;
		ps->params.adv_pct = val;
		return 0;
	case RM_SET_MCAST_TTL:
		if (!val || val > PGM_TTL_MAX)
			return -EINVAL;
		ps->params.ttl = val;
		return 0;
	case RM_HIGH_SPEED_INTRANET_OPT:
		ps->params.high_speed = !!val;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/**
 * pgm_setsockopt() - set a socket option
 * @sk: the socket
 * @level: SOL_PGM, or a level handled by the IP layer
 * @optname: option name
 * @optval: option value
 * @optlen: length of @optval
 *
 * The policy table (pgm_opt_rules[]) decides whether @sk's state takes
 * @optname; then the value is checked.
 *
 * Return: 0 or a negative errno; -ENOPROTOOPT for an unknown SOL_PGM option.
 */
int pgm_setsockopt(struct sock *sk, int level, int optname,
		   sockptr_t optval, unsigned int optlen)
{
	const struct pgm_opt_rule *rule;
	union pgm_opt_val u;
	bool rtnl;
	int err;

	if (level != SOL_PGM)
		return ip_setsockopt(sk, level, optname, optval, optlen);

	rule = pgm_opt_rule(sk, optname);
	if (!rule)
		return -ENOPROTOOPT;
	if (rule->noset)
		return rule->set[0];
	if (optlen < rule->size)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	if (copy_from_sockptr(&u, optval, rule->size))
		return -EFAULT;

	/* Group joins take the RTNL, which comes before the socket lock. */
	rtnl = optname == RM_ADD_RECEIVE_IF || optname == RM_DEL_RECEIVE_IF;
	if (rtnl)
		rtnl_lock();
	lock_sock(sk);
	/* The state first: ps->src, ps->lsn and ps->sess share a union. */
	err = rule->set[pgm_opt_state(sk)];
	if (!err)
		err = pgm_set(sk, optname, &u);
	release_sock(sk);
	if (rtnl)
		rtnl_unlock();
	return err;
}

static int pgm_put(char __user *optval, int __user *optlen, int len,
		   const void *val, int size)
{
	if (len < size)
		return -EINVAL;
	if (put_user(size, optlen) || copy_to_user(optval, val, size))
		return -EFAULT;
	return 0;
}

/* The value of an option the table let through, read from @sk, locked. */
static void pgm_get(struct sock *sk, int optname, union pgm_opt_val *u)
{
	struct pgm_sock *ps = pgm_sk(sk);

	switch (optname) {
	case RM_RATE_WINDOW_SIZE:
		u->w.rate_kbits_per_sec = ps->params.rate_kbps;
		u->w.window_size_in_msecs = ps->params.window_ms;
		u->w.window_size_in_bytes = ps->params.window_bytes;
		break;
	case RM_SENDER_WINDOW_ADVANCE_METHOD:
		u->val = RM_WINDOW_ADVANCE_BY_TIME;
		break;
	case RM_LATEJOIN:
		u->val = ps->params.latejoin_pct;
		break;
	case RM_SET_SEND_IF:
		u->val = (__force u32)ps->params.send_ifaddr;
		break;
	case RM_SEND_WINDOW_ADV_RATE:
		u->val = ps->params.adv_pct;
		break;
	case RM_SET_MCAST_TTL:
		u->val = ps->params.ttl;
		break;
	case RM_HIGH_SPEED_INTRANET_OPT:
		u->val = ps->params.high_speed;
		break;
	case PGM_FEC_OPENPGM_PRM:
		u->val = ps->params.fec_openpgm_prm;
		break;
	case PGM_UDP_ENCAP:
		u->encap.ucast_port = ps->params.udp_ucast;
		u->encap.mcast_port = ps->params.udp_mcast;
		break;
	case RM_USE_FEC:
		u->fec.fec_block_size = ps->params.fec.n;
		u->fec.fec_proactive_packets = ps->params.fec.proactive;
		u->fec.fec_group_size = ps->params.fec.k;
		u->fec.fec_ondemand_parity_enabled = ps->params.fec.ondemand;
		break;
	case RM_SENDER_STATISTICS:
		/* The table lets only a source here: ps->src is its. */
		if (!WARN_ON_ONCE(ps->role != PGM_ROLE_SOURCE))
			pgm_source_stats(sk, &u->ss);
		break;
	case RM_RECEIVER_STATISTICS:
		/* The table lets only a session here: ps->sess is its. */
		if (!WARN_ON_ONCE(ps->role != PGM_ROLE_SESSION))
			pgm_receiver_stats(sk, &u->rs);
		break;
	}
}

/**
 * pgm_getsockopt() - read a socket option
 * @sk: the socket
 * @level: SOL_PGM, or a level handled by the IP layer
 * @optname: option name
 * @optval: user buffer for the value
 * @optlen: user pointer to the buffer length, updated to the value length
 *
 * The policy table (pgm_opt_rules[]) decides whether @sk's state has
 * @optname to read.
 *
 * Return: 0 or a negative errno; -ENOPROTOOPT for an unknown SOL_PGM option.
 */
int pgm_getsockopt(struct sock *sk, int level, int optname,
		   char __user *optval, int __user *optlen)
{
	const struct pgm_opt_rule *rule;
	union pgm_opt_val u;
	int len, err;

	if (level != SOL_PGM)
		return ip_getsockopt(sk, level, optname, optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	rule = pgm_opt_rule(sk, optname);
	if (!rule)
		return -ENOPROTOOPT;

	memset(&u, 0, sizeof(u));
	lock_sock(sk);
	err = rule->get[pgm_opt_state(sk)];
	if (!err)
		pgm_get(sk, optname, &u);
	release_sock(sk);
	if (err < 0)
		return err;
	return pgm_put(optval, optlen, len, &u, rule->size);
}
