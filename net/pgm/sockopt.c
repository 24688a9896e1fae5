// SPDX-License-Identifier: GPL-2.0
/*
 * PGM socket options: level SOL_PGM, the Windows RM_* options with
 * Windows' numbers and layouts, and the Linux extensions (PGM_*, from
 * PGM_OPTIONSBASE). Other levels go to the IP layer.
 *
 * Which socket may set and get what. A socket is, for this table:
 *
 *   U   unbound (or bound to INADDR_ANY): it may still become either role
 *   BL  bound to a local address: a sender's bind, not connected yet
 *   BG  bound to a group and port: a receiver's bind, not listening yet
 *   L   listening
 *   S   a session accept() returned: live, ended (recv() == 0) or reset
 *   C   a connected source
 *   W   a connected source after shutdown(SHUT_WR)
 *
 * A sender's option on a receiver's socket (BG, L, S), a receiver's on
 * a sender's (BL, C, W), and a setting that cannot change any more are
 * EISCONN: the socket's role is decided. An option that needs a
 * connected source is ENOTCONN before connect().
 *
 *   setsockopt()                     U   BL  BG  L   S   C   W
 *   RM_RATE_WINDOW_SIZE              ok  ok  IC  IC  IC  ok  ok
 *   RM_SET_MESSAGE_BOUNDARY (RDM)    NC  NC  IC  IC  IC  ok  PI
 *   RM_SET_MESSAGE_BOUNDARY (STREAM) NS  NS  NS  NS  NS  NS  NS
 *   RM_FLUSHCACHE                    NS  NS  NS  NS  NS  NS  NS
 *   RM_SENDER_WINDOW_ADVANCE_METHOD  ok  ok  IC  IC  IC  ok  ok
 *   RM_SENDER_STATISTICS             IV  IV  IV  IV  IV  IV  IV
 *   RM_LATEJOIN                      ok  ok  IC  IC  IC  ok  ok
 *   RM_SET_SEND_IF                   ok  ok  IC  IC  IC  IC  IC
 *   RM_ADD_RECEIVE_IF                IV  IC  ok  ok  IC  IC  IC
 *   RM_DEL_RECEIVE_IF                IV  IC  ok  ok  IC  IC  IC
 *   RM_SEND_WINDOW_ADV_RATE          ok  ok  IC  IC  IC  ok  ok
 *   RM_USE_FEC                       ok  ok  IC  IC  IC  IC  IC
 *   RM_SET_MCAST_TTL                 ok  ok  IC  IC  IC  ok  ok
 *   RM_RECEIVER_STATISTICS           IV  IV  IV  IV  IV  IV  IV
 *   RM_HIGH_SPEED_INTRANET_OPT       ok  ok  ok  ok  ok  ok  ok
 *   PGM_UDP_ENCAP                    ok  ok  ok  IC  IC  IC  IC
 *   PGM_FEC_OPENPGM_PRM              ok  ok  IC  IC  IC  IC  IC
 *
 *   getsockopt()                     U   BL  BG  L   S   C   W
 *   RM_SENDER_STATISTICS             0s  0s  IV  IV  IV  ok  ok
 *   RM_RECEIVER_STATISTICS           0s  IV  0s  0s  ok  IV  IV
 *   RM_SET_MESSAGE_BOUNDARY          IV  IV  IV  IV  IV  IV  IV
 *   RM_ADD_RECEIVE_IF                IV  IV  IV  IV  IV  IV  IV
 *   RM_DEL_RECEIVE_IF                IV  IV  IV  IV  IV  IV  IV
 *   RM_FLUSHCACHE                    NS  NS  NS  NS  NS  NS  NS
 *   every other option               ok  ok  ok  ok  ok  ok  ok
 *
 *   ok: accepted (then the value is checked); 0s: reads all zeros;
 *   IC EISCONN, NC ENOTCONN, PI EPIPE, NS EOPNOTSUPP, IV EINVAL.
 *
 * The checks come in this order, so one call has one answer:
 * setsockopt(): an unknown option is ENOPROTOOPT; RM_FLUSHCACHE is
 * EOPNOTSUPP, a statistics option (read only) EINVAL; an optlen shorter
 * than the value is EINVAL, an unreadable optval EFAULT (a longer
 * optlen is fine: the value is read from its start); then the table
 * above; then the value: EINVAL out of range, EOPNOTSUPP for what
 * Windows does not support either (the data-cache window), EADDRNOTAVAIL
 * for an address that is not local, ENOBUFS for a seventeenth receive
 * interface. A refused call changes nothing.
 * getsockopt(): an unreadable optlen is EFAULT, a negative one EINVAL;
 * an unknown option ENOPROTOOPT; then the table; then an optlen shorter
 * than the value EINVAL (a longer one gets the value and its length), an
 * unwritable optval or optlen EFAULT.
 *
 * The values are held to the bounds of the net.pgm sysctls (pgm.h): rate
 * 1..PGM_RATE_MAX_KBPS kbit/s, window 1..PGM_MS_MAX ms and 1..
 * net.pgm.wmem_max bytes, advance 1..PGM_ADV_PCT_MAX percent, late join
 * 0..PGM_LATEJOIN_PCT_MAX percent, TTL 1..PGM_TTL_MAX.
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

/* The socket's side, for the table above: a sender is bound to a local
 * address or connected; a receiver is bound to a group, listening or a
 * session. An unbound socket is neither yet.
 */
static bool pgm_sender_side(const struct sock *sk)
{
	const struct pgm_sock *ps = pgm_sk(sk);

	return ps->role == PGM_ROLE_SOURCE ||
	       (ps->role == PGM_ROLE_NONE && inet_sk(sk)->inet_saddr);
}

static bool pgm_receiver_side(const struct sock *sk)
{
	const struct pgm_sock *ps = pgm_sk(sk);

	return ps->role == PGM_ROLE_LISTENER || ps->role == PGM_ROLE_SESSION ||
	       (ps->role == PGM_ROLE_NONE && ps->group);
}

static bool pgm_running_source(const struct sock *sk)
{
	return pgm_sk(sk)->role == PGM_ROLE_SOURCE;
}

/* The table's row for setsockopt(@optname) on @sk, locked: 0 if the
 * socket's state takes the option.
 */
static int pgm_set_allowed(struct sock *sk, int optname)
{
	struct pgm_sock *ps = pgm_sk(sk);

	switch (optname) {
	case RM_RATE_WINDOW_SIZE:
	case RM_SENDER_WINDOW_ADVANCE_METHOD:
	case RM_LATEJOIN:
	case RM_SEND_WINDOW_ADV_RATE:
	case RM_SET_MCAST_TTL:
		/* A sender's, that a running source takes as it comes. */
		return pgm_receiver_side(sk) ? -EISCONN : 0;
	case RM_SET_SEND_IF:
	case RM_USE_FEC:
	case PGM_FEC_OPENPGM_PRM:
		/* A sender's, fixed by connect(). */
		if (pgm_receiver_side(sk) || pgm_running_source(sk))
			return -EISCONN;
		return 0;
	case RM_SET_MESSAGE_BOUNDARY:
		if (sk->sk_type != SOCK_RDM)
			return -EOPNOTSUPP;
		if (pgm_receiver_side(sk))
			return -EISCONN;
		if (!pgm_running_source(sk))
			return -ENOTCONN;
		if (sk->sk_shutdown & SEND_SHUTDOWN)
			return -EPIPE;
		return 0;
	case RM_ADD_RECEIVE_IF:
	case RM_DEL_RECEIVE_IF:
		/* A receiver's, bound to its group, listening or not. */
		if (ps->role == PGM_ROLE_LISTENER ||
		    (ps->role == PGM_ROLE_NONE && ps->group))
			return 0;
		return ps->role == PGM_ROLE_NONE &&
		       !inet_sk(sk)->inet_saddr ? -EINVAL : -EISCONN;
	case PGM_UDP_ENCAP:
		/* The ports are taken by listen() and connect(). */
		return ps->role == PGM_ROLE_NONE ? 0 : -EISCONN;
	case RM_HIGH_SPEED_INTRANET_OPT:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

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
	if (pgm_running_source(sk))
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

/**
 * pgm_setsockopt() - set a socket option
 * @sk: the socket
 * @level: SOL_PGM, or a level handled by the IP layer
 * @optname: option name
 * @optval: option value
 * @optlen: length of @optval
 *
 * Return: 0 or a negative errno; -ENOPROTOOPT for an unknown SOL_PGM option.
 */
int pgm_setsockopt(struct sock *sk, int level, int optname,
		   sockptr_t optval, unsigned int optlen)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct rm_send_window w;
	struct pgm_udp_encap encap;
	struct rm_fec_info fec;
	u32 val = 0;
	int err = 0;

	if (level != SOL_PGM)
		return ip_setsockopt(sk, level, optname, optval, optlen);

	switch (optname) {
	case RM_RATE_WINDOW_SIZE:
		if (optlen < sizeof(w))
			return -EINVAL;
		if (copy_from_sockptr(&w, optval, sizeof(w)))
			return -EFAULT;
		break;
	case RM_USE_FEC:
		if (optlen < sizeof(fec))
			return -EINVAL;
		if (copy_from_sockptr(&fec, optval, sizeof(fec)))
			return -EFAULT;
		break;
	case PGM_UDP_ENCAP:
		if (optlen < sizeof(encap))
			return -EINVAL;
		if (copy_from_sockptr(&encap, optval, sizeof(encap)))
			return -EFAULT;
		break;
	case RM_SET_MESSAGE_BOUNDARY:
	case RM_SENDER_WINDOW_ADVANCE_METHOD:
	case RM_LATEJOIN:
	case RM_SET_SEND_IF:
	case RM_ADD_RECEIVE_IF:
	case RM_DEL_RECEIVE_IF:
	case RM_SEND_WINDOW_ADV_RATE:
	case RM_SET_MCAST_TTL:
	case RM_HIGH_SPEED_INTRANET_OPT:
	case PGM_FEC_OPENPGM_PRM:
		if (optlen < sizeof(val))
			return -EINVAL;
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
		break;
	case RM_FLUSHCACHE:
		return -EOPNOTSUPP;
	case RM_SENDER_STATISTICS:
	case RM_RECEIVER_STATISTICS:
		return -EINVAL;		/* read-only */
	default:
		return -ENOPROTOOPT;
	}

	/* Group joins take the RTNL, which comes before the socket lock. */
	if (optname == RM_ADD_RECEIVE_IF || optname == RM_DEL_RECEIVE_IF) {
		rtnl_lock();
		lock_sock(sk);
		err = pgm_set_allowed(sk, optname);
		if (!err)
			err = pgm_receive_if(sk, (__force __be32)val,
					     optname == RM_ADD_RECEIVE_IF);
		release_sock(sk);
		rtnl_unlock();
		return err;
	}

	lock_sock(sk);
	/* The role first: ps->src, ps->lsn and ps->sess share a union. */
	err = pgm_set_allowed(sk, optname);
	if (err)
		goto out;
	switch (optname) {
	case RM_RATE_WINDOW_SIZE:
		err = pgm_set_send_window(sk, &w);
		break;
	case PGM_UDP_ENCAP:
		/* Both ports, or neither (raw IP). */
		if (!encap.ucast_port != !encap.mcast_port) {
			err = -EINVAL;
			break;
		}
		ps->params.udp_ucast = encap.ucast_port;
		ps->params.udp_mcast = encap.mcast_port;
		break;
	case PGM_FEC_OPENPGM_PRM:
		ps->params.fec_openpgm_prm = !!val;
		break;
	case RM_USE_FEC:
		/* Windows' rules (fec.c); zero everywhere turns FEC off. */
		if (!fec.fec_block_size && !fec.fec_proactive_packets &&
		    !fec.fec_group_size && !fec.fec_ondemand_parity_enabled)
			memset(&ps->params.fec, 0, sizeof(ps->params.fec));
		else
			err = pgm_fec_params_init(&ps->params.fec,
						  fec.fec_block_size,
						  fec.fec_group_size,
						  fec.fec_proactive_packets,
						  fec.fec_ondemand_parity_enabled);
		break;
	case RM_SET_MESSAGE_BOUNDARY:
		if (!val || ps->src->boundary_left || ps->src->apdu_len)
			err = -EINVAL;
		else
			ps->src->boundary_left = val;
		break;
	case RM_SENDER_WINDOW_ADVANCE_METHOD:
		if (val == RM_WINDOW_USE_AS_DATA_CACHE)
			err = -EOPNOTSUPP;
		else if (val != RM_WINDOW_ADVANCE_BY_TIME)
			err = -EINVAL;
		break;
	case RM_LATEJOIN:
		if (val > PGM_LATEJOIN_PCT_MAX)
			err = -EINVAL;
		else
			ps->params.latejoin_pct = val;
		break;
	case RM_SET_SEND_IF:
		err = pgm_local_ifaddr(sk, (__force __be32)val);
		if (!err)
			ps->params.send_ifaddr = (__force __be32)val;
		break;
	case RM_SEND_WINDOW_ADV_RATE:
		if (!val || val > PGM_ADV_PCT_MAX)
			err = -EINVAL;
		else
			ps->params.adv_pct = val;
		break;
	case RM_SET_MCAST_TTL:
		if (!val || val > PGM_TTL_MAX)
			err = -EINVAL;
		else
			ps->params.ttl = val;
		break;
	case RM_HIGH_SPEED_INTRANET_OPT:
		ps->params.high_speed = !!val;
		break;
	}
out:
	release_sock(sk);
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

/**
 * pgm_getsockopt() - read a socket option
 * @sk: the socket
 * @level: SOL_PGM, or a level handled by the IP layer
 * @optname: option name
 * @optval: user buffer for the value
 * @optlen: user pointer to the buffer length, updated to the value length
 *
 * Return: 0 or a negative errno; -ENOPROTOOPT for an unknown SOL_PGM option.
 */
int pgm_getsockopt(struct sock *sk, int level, int optname,
		   char __user *optval, int __user *optlen)
{
	struct pgm_sock *ps = pgm_sk(sk);
	union {
		struct rm_send_window w;
		struct rm_fec_info fec;
		struct rm_sender_stats ss;
		struct rm_receiver_stats rs;
		struct pgm_udp_encap encap;
		u32 val;
	} u;
	int len, size = sizeof(u32);

	if (level != SOL_PGM)
		return ip_getsockopt(sk, level, optname, optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	memset(&u, 0, sizeof(u));
	lock_sock(sk);
	switch (optname) {
	case RM_RATE_WINDOW_SIZE:
		u.w.rate_kbits_per_sec = ps->params.rate_kbps;
		u.w.window_size_in_msecs = ps->params.window_ms;
		u.w.window_size_in_bytes = ps->params.window_bytes;
		size = sizeof(u.w);
		break;
	case RM_SENDER_WINDOW_ADVANCE_METHOD:
		u.val = RM_WINDOW_ADVANCE_BY_TIME;
		break;
	case RM_LATEJOIN:
		u.val = ps->params.latejoin_pct;
		break;
	case RM_SET_SEND_IF:
		u.val = (__force u32)ps->params.send_ifaddr;
		break;
	case RM_SEND_WINDOW_ADV_RATE:
		u.val = ps->params.adv_pct;
		break;
	case RM_SET_MCAST_TTL:
		u.val = ps->params.ttl;
		break;
	case RM_HIGH_SPEED_INTRANET_OPT:
		u.val = ps->params.high_speed;
		break;
	case PGM_FEC_OPENPGM_PRM:
		u.val = ps->params.fec_openpgm_prm;
		break;
	case PGM_UDP_ENCAP:
		u.encap.ucast_port = ps->params.udp_ucast;
		u.encap.mcast_port = ps->params.udp_mcast;
		size = sizeof(u.encap);
		break;
	case RM_USE_FEC:
		u.fec.fec_block_size = ps->params.fec.n;
		u.fec.fec_proactive_packets = ps->params.fec.proactive;
		u.fec.fec_group_size = ps->params.fec.k;
		u.fec.fec_ondemand_parity_enabled = ps->params.fec.ondemand;
		size = sizeof(u.fec);
		break;
	case RM_SENDER_STATISTICS:
		/* A source's; zeros until connect(); none on a receiver's. */
		size = sizeof(u.ss);
		if (pgm_receiver_side(sk))
			size = -EINVAL;
		else if (pgm_running_source(sk))
			pgm_source_stats(sk, &u.ss);
		break;
	case RM_RECEIVER_STATISTICS:
		/* A session's; zeros on a receiver's other sockets (and an
		 * unbound one); none on a sender's.
		 */
		size = sizeof(u.rs);
		if (pgm_sender_side(sk))
			size = -EINVAL;
		else if (ps->role == PGM_ROLE_SESSION)
			pgm_receiver_stats(sk, &u.rs);
		break;
	case RM_FLUSHCACHE:
		size = -EOPNOTSUPP;
		break;
	case RM_SET_MESSAGE_BOUNDARY:
	case RM_ADD_RECEIVE_IF:
	case RM_DEL_RECEIVE_IF:
		size = -EINVAL;		/* write-only */
		break;
	default:
		size = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	if (size < 0)
		return size;
	return pgm_put(optval, optlen, len, &u, size);
}
