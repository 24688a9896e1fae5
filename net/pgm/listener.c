// SPDX-License-Identifier: GPL-2.0
/*
 * PGM listeners (RFC 3208 section 6, Windows RM's receiver model): a
 * socket bound to a group and port, joined to the group, listening.
 * The first ODATA of an unknown source makes a session (session.c): a
 * socket cloned from the listener, hashed by TSI and queued for accept().
 * SPMs of sources without a session are remembered for a while, so that
 * a session made later starts right after the lead they gave.
 *
 * Also here: the group joins of receivers (RM_ADD_RECEIVE_IF and
 * RM_DEL_RECEIVE_IF), listen(), accept() and the release of sessions
 * nobody accepted.
 */

#include <linux/igmp.h>
#include <linux/inetdevice.h>
#include <linux/memcontrol.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>

#include "pgm.h"
#include "seq.h"
#include "wire.h"

static int pgm_mc_change(struct sock *sk, __be32 group, __be32 ifaddr,
			 bool join)
{
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr	= group,
		.imr_address.s_addr	= ifaddr,
	};

	return join ? ip_mc_join_group(sk, &mreq) :
		      ip_mc_leave_group(sk, &mreq);
}

/**
 * pgm_join_groups() - join a receiver's group on its interfaces
 * @sk: the socket
 * @group: the group
 * @ifaddrs: addresses of the interfaces (RM_ADD_RECEIVE_IF)
 * @n: number of @ifaddrs; none: the default interface
 *
 * Context: RTNL and the socket lock held.
 * Return: 0 or a negative errno.
 */
int pgm_join_groups(struct sock *sk, __be32 group, const __be32 *ifaddrs,
		    unsigned int n)
{
	unsigned int i;
	int err;

	ASSERT_RTNL();
	sock_owned_by_me(sk);

	if (!n)
		return pgm_mc_change(sk, group, 0, true);
	for (i = 0; i < n; i++) {
		err = pgm_mc_change(sk, group, ifaddrs[i], true);
		if (err && err != -EADDRINUSE)
			return err;
	}
	return 0;
}

/**
 * pgm_receive_if() - RM_ADD_RECEIVE_IF / RM_DEL_RECEIVE_IF
 * @sk: a receiver's socket, bound to a group, listening or not
 * @addr: a local IPv4 address naming the interface
 * @add: add (join there) or delete (leave there)
 *
 * The first interface added replaces the default interface; later ones
 * add to it. Sockets of other roles are refused before this (sockopt.c);
 * the check here keeps @sk's listener state from being read through the
 * union it shares with a source's and a session's.
 *
 * Context: RTNL and the socket lock held.
 * Return: 0 or a negative errno.
 */
int pgm_receive_if(struct sock *sk, __be32 addr, bool add)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_listener *lsn;
	unsigned int i;
	int err;

	ASSERT_RTNL();
	sock_owned_by_me(sk);

	if (ps->role != PGM_ROLE_LISTENER &&
	    (ps->role != PGM_ROLE_NONE || !ps->group))
		return -EINVAL;
	lsn = ps->lsn;
	if (!lsn)
		return -EINVAL;
	if (inet_addr_type_table(sock_net(sk), addr, RT_TABLE_LOCAL) !=
	    RTN_LOCAL)
		return -EADDRNOTAVAIL;

	for (i = 0; i < lsn->n_ifaddrs; i++)
		if (lsn->ifaddrs[i] == addr)
			break;
	if (!add) {
		if (i == lsn->n_ifaddrs)
			return -EADDRNOTAVAIL;
		pgm_mc_change(sk, ps->group, addr, false);
		lsn->ifaddrs[i] = lsn->ifaddrs[--lsn->n_ifaddrs];
		/* Another address may name the same device: it stays. */
		if (lsn->n_ifaddrs)
			pgm_join_groups(sk, ps->group, lsn->ifaddrs,
					lsn->n_ifaddrs);
		return 0;
	}
	if (i < lsn->n_ifaddrs)
		return 0;
	if (lsn->n_ifaddrs == ARRAY_SIZE(lsn->ifaddrs))
		return -ENOBUFS;
	/* The first one replaces the default interface, which may be the
	 * same one: leave before joining.
	 */
	if (!lsn->n_ifaddrs)
		pgm_mc_change(sk, ps->group, 0, false);
	err = pgm_mc_change(sk, ps->group, addr, true);
	if (err && err != -EADDRINUSE) {
		if (!lsn->n_ifaddrs)
			pgm_mc_change(sk, ps->group, 0, true);
		return err;
	}
	lsn->ifaddrs[lsn->n_ifaddrs++] = addr;
	return 0;
}

/**
 * pgm_listen() - listen() for sessions on the group the socket is bound to
 * @sock: the socket
 * @backlog: sessions that may wait for accept()
 *
 * Return: 0 or a negative errno.
 */
int pgm_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct pgm_sock *ps = pgm_sk(sk);
	int err = 0;

	lock_sock(sk);
	backlog = clamp(backlog, 1,
			(int)READ_ONCE(sock_net(sk)->core.sysctl_somaxconn));
	if (ps->role == PGM_ROLE_LISTENER) {
		WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	} else if (ps->role != PGM_ROLE_NONE || !ps->group) {
		err = -EINVAL;
	} else {
		WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
		ps->cookie = get_random_u64() | 1;
		memset(&ps->tsi, 0, sizeof(ps->tsi));
		ps->key_pad = 0;
		ps->role = PGM_ROLE_LISTENER;
		inet_sk_set_state(sk, TCP_LISTEN);
		err = pgm_encap_start(sk);
		if (!err) {
			err = pgm_hash_listener(sk);
			if (err)
				pgm_encap_stop(sk);
		}
		if (err) {
			ps->role = PGM_ROLE_NONE;
			inet_sk_set_state(sk, TCP_CLOSE);
		}
	}
	release_sock(sk);
	return err;
}

/* A session leaving its listener's accept queue, with the queue's
 * reference; onto @to if given.
 */
static struct sock *pgm_dequeue(struct sock *listener, struct list_head *to)
{
	struct pgm_listener *lsn = pgm_sk(listener)->lsn;
	struct pgm_session *sess;

	sess = list_first_entry_or_null(&lsn->accept_queue, struct pgm_session,
					accept_node);
	if (!sess)
		return NULL;
	if (to)
		list_move_tail(&sess->accept_node, to);
	else
		list_del_init(&sess->accept_node);
	sk_acceptq_removed(listener);
	return sess->sk;
}

/**
 * pgm_accept() - take a session from a listener's queue
 * @sk: the listener
 * @arg: flags (O_NONBLOCK for a non-blocking accept) in, the error out
 *
 * The session joins its listener's groups itself, so that it keeps
 * receiving if the listener is closed first.
 *
 * Return: the session's socket, or NULL with @arg->err set.
 */
struct sock *pgm_accept(struct sock *sk, struct proto_accept_arg *arg)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct pgm_sock *ps = pgm_sk(sk);
	struct sock *newsk = NULL;
	long timeo;

	lock_sock(sk);
	arg->err = -EINVAL;
	if (ps->role != PGM_ROLE_LISTENER)
		goto out;
	timeo = sock_rcvtimeo(sk, arg->flags & O_NONBLOCK);
	add_wait_queue(sk_sleep(sk), &wait);
	while (list_empty(&ps->lsn->accept_queue)) {
		if (!timeo) {
			arg->err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			arg->err = sock_intr_errno(timeo);
			break;
		}
		sk_wait_event(sk, &timeo,
			      !list_empty(&ps->lsn->accept_queue) ||
			      ps->role != PGM_ROLE_LISTENER, &wait);
		if (ps->role != PGM_ROLE_LISTENER)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	if (ps->role == PGM_ROLE_LISTENER)
		newsk = pgm_dequeue(sk, NULL);
out:
	release_sock(sk);
	if (newsk) {
		arg->err = 0;
		struct pgm_session *sess = pgm_sk(newsk)->sess;

		rtnl_lock();
		lock_sock(newsk);
		pgm_join_groups(newsk, sess->group, sess->ifaddrs,
				sess->n_ifaddrs);
		release_sock(newsk);
		rtnl_unlock();
		/* The accept queue's reference; the user holds the socket's own. */
		sock_put(newsk);
	}
	return newsk;
}

/**
 * pgm_listener_destroy() - free a listener's state, take its children
 * @sk: the socket (also any socket that never became a source or session),
 *	TCP_CLOSE: no session is made any more
 * @children: gets the sessions nobody accepted, for pgm_listener_release()
 *
 * Context: socket owner, process context.
 */
void pgm_listener_destroy(struct sock *sk, struct list_head *children)
{
	struct pgm_sock *ps = pgm_sk(sk);

	might_sleep();
	sock_owned_by_me(sk);

	sock_owned_by_me(sk);
	if (!ps->lsn)
		return;
	while (pgm_dequeue(sk, children))
		;
	kfree(ps->lsn);
	ps->lsn = NULL;
}

/**
 * pgm_listener_release() - release the sessions a listener left
 * @children: what pgm_listener_destroy() took, emptied
 *
 * Context: process, no socket lock held.
 */
void pgm_listener_release(struct list_head *children)
{
	struct pgm_session *sess, *tmp;

	might_sleep();

	list_for_each_entry_safe(sess, tmp, children, accept_node) {
		struct sock *child = sess->sk;

		list_del_init(&sess->accept_node);
		sk_common_release(child);
		sock_put(child);	/* the accept queue's reference */
	}
}

/* Remember an SPM of a source without a session (Windows: SPMs do not make
 * sessions, but the transport takes them in), by TSI and the address it
 * came from: another address naming the TSI gets an entry of its own and
 * cannot hide the source's (its sequence numbers, its address).
 */
static void pgm_listener_spm(struct sock *lsk, struct sk_buff *skb)
{
	struct pgm_listener *lsn = pgm_sk(lsk)->lsn;
	__be32 saddr = ip_hdr(skb)->saddr;
	const struct pgm_hdr *ph;
	struct pgm_rx rx;
	struct pgm_tsi tsi;
	unsigned int i;

	if (pgm_parse_skb(skb, &rx) || rx.type != PGM_TYPE_SPM || rx.rst ||
	    rx.fin)
		return;
	__PGM_INC_STATS(sock_net(lsk), PGM_MIB_INSPM);
	if (rx.nla != saddr)
		__PGM_INC_STATS(sock_net(lsk), PGM_MIB_INSPMNLA);
	ph = (const struct pgm_hdr *)skb->data;	/* the parse may move it */
	memcpy(tsi.gsi, ph->gsi, sizeof(tsi.gsi));
	tsi.sport = ph->sport;
	for (i = 0; i < ARRAY_SIZE(lsn->spms); i++)
		if (lsn->spms[i].when && lsn->spms[i].saddr == saddr &&
		    !memcmp(&lsn->spms[i].tsi, &tsi, sizeof(tsi)))
			break;
	if (i < ARRAY_SIZE(lsn->spms)) {
		if (!pgm_seq_after(rx.sqn, lsn->spms[i].spm_sqn))
			return;		/* out of sequence */
		/* Keep the earliest lead: we were there since then. */
		rx.lead = lsn->spms[i].lead;
	} else {
		i = lsn->spm_next++ % ARRAY_SIZE(lsn->spms);
		lsn->spms[i].tsi = tsi;
	}
	lsn->spms[i].lead = rx.lead;
	lsn->spms[i].saddr = saddr;
	lsn->spms[i].spm_sqn = rx.sqn;
	lsn->spms[i].when = pgm_now();
	lsn->spms[i].parity_tgs = rx.has_parity_prm ? rx.parity_tgs : 0;
	lsn->spms[i].parity_prm = rx.parity_prm;
}

/* The entry of @spms for a new session's source (its TSI, from the address
 * the session's first data came from), taken (each SPM heard serves one
 * session), if it is recent enough to start the session from.
 */
static const struct pgm_spm_seen *pgm_listener_spm_claim(struct pgm_sock *lps,
							 const struct pgm_tsi *tsi,
							 __be32 saddr, u64 now)
{
	struct pgm_listener *lsn = lps->lsn;
	u64 fresh = (u64)lps->params.peer_expiry * PGM_MS, when;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lsn->spms); i++) {
		struct pgm_spm_seen *e = &lsn->spms[i];

		if (!e->when || e->saddr != saddr ||
		    memcmp(&e->tsi, tsi, sizeof(e->tsi)))
			continue;
		when = e->when;
		e->when = 0;
		return now - when < fresh ? e : NULL;
	}
	return NULL;
}

/* A new session for the source of @skb (its first ODATA), cloned from
 * the listener, hashed and queued for accept() (holding the accept
 * queue's reference and the user's), given @skb. False if it could not
 * be made: @skb is the caller's still.
 */
static bool pgm_session_create(struct sock *lsk, struct sk_buff *skb,
			       const struct pgm_session_key *key)
{
	struct pgm_sock *lps = pgm_sk(lsk), *ps;
	struct net *net = sock_net(lsk);
	struct pgm_session *sess;
	struct inet_sock *inet;
	struct sock *sk;

	if (sk_acceptq_is_full(lsk)) {
		__PGM_INC_STATS(net, PGM_MIB_ACCEPTQFULL);
		return false;
	}
	sk = sk_clone_lock(lsk, GFP_ATOMIC);
	if (!sk)
		goto fail;
	__acquire(&sk->sk_lock.slock);	/* sk_clone_lock() returns it locked */

	ps = pgm_sk(sk);
#ifdef CONFIG_MEMCG
	/* The session's memory is its listener's owner's (a TCP child gets
	 * its memory cgroup at accept(); a session keeps data before that).
	 */
	if (mem_cgroup_sockets_enabled && lsk->sk_memcg &&
	    css_tryget(&lsk->sk_memcg->css))
		sk->sk_memcg = lsk->sk_memcg;
#endif
	inet = inet_sk(sk);
	inet->mc_list = NULL;
	RCU_INIT_POINTER(inet->inet_opt, NULL);
	inet->inet_daddr = ip_hdr(skb)->saddr;
	inet->inet_dport = key->tsi.sport;
	sk->sk_ack_backlog = 0;
	ps->role = PGM_ROLE_SESSION;
	ps->hashed = false;
	memset(&ps->node, 0, sizeof(ps->node));
	ps->tsi = key->tsi;
	ps->cookie = lps->cookie;
	ps->sess = NULL;
	memset(&ps->sstats, 0, sizeof(ps->sstats));
	memset(&ps->rstats, 0, sizeof(ps->rstats));
	pgm_timers_init(sk);
	INIT_WORK(&ps->release_work, lps->release_work.func);
	inet_sk_set_state(sk, TCP_ESTABLISHED);

	if (pgm_session_init(sk, lps->group, lps->lsn->ifaddrs,
			     lps->lsn->n_ifaddrs,
			     pgm_listener_spm_claim(lps, &key->tsi,
						    ip_hdr(skb)->saddr,
						    pgm_now())) ||
	    pgm_hash_session(sk)) {
		pgm_session_discard(sk);
		__release(&sk->sk_lock.slock);
		sk_free_unlock_clone(sk);
		goto fail;
	}
	sess = ps->sess;
	sock_prot_inuse_add(net, sk->sk_prot, 1);
	pgm_encap_hold(sk);
	pgm_session_start(sk);
	list_add_tail(&sess->accept_node, &lps->lsn->accept_queue);
	sk_acceptq_added(lsk);
	__PGM_INC_STATS(net, PGM_MIB_SESSIONS);

	pgm_session_rcv(sk, skb);
	bh_unlock_sock(sk);
	lsk->sk_data_ready(lsk);
	return true;

fail:
	__PGM_INC_STATS(net, PGM_MIB_SESSIONFAIL);
	return false;
}

/* The session of listener @lsk for @key, referenced, or NULL. */
static struct sock *pgm_find_session(struct pgm_net *pn, struct sock *lsk,
				     const struct pgm_session_key *key)
{
	struct rhlist_head *list, *pos;
	struct pgm_sock *ps;

	list = pgm_lookup_sessions(pn, key);
	rhl_for_each_entry_rcu(ps, pos, list, node) {
		struct sock *sk = pgm_to_sk(ps);

		if (ps->cookie == pgm_sk(lsk)->cookie &&
		    refcount_inc_not_zero(&sk->sk_refcnt))
			return sk;
	}
	return NULL;
}

/**
 * pgm_listener_rcv() - the first ODATA of a source the listener has no session for
 * @sk: the listener
 * @skb: the packet, data at the PGM header; consumed
 *
 * Makes the session (unless another CPU just did) and gives it the packet.
 *
 * Context: socket owner (softirq, or release_sock() with BH enabled).
 */
void pgm_listener_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct pgm_net *pn = pgm_net(sock_net(sk));
	const struct pgm_hdr *ph = (const struct pgm_hdr *)skb->data;
	struct pgm_session_key key = {
		.group	= ip_hdr(skb)->daddr,
		.dport	= ph->dport,
	};
	struct sock *child;

	sock_owned_by_me(sk);

	if (sk->sk_state != TCP_LISTEN) {
		kfree_skb(skb);
		return;
	}
	if ((ph->type & PGM_TYPE_MASK) == PGM_TYPE_SPM) {
		pgm_listener_spm(sk, skb);
		kfree_skb(skb);
		return;
	}
	/* Parity is not data: it makes no session. */
	if (ph->options & PGM_OPT_PARITY) {
		kfree_skb(skb);
		return;
	}
	memcpy(key.tsi.gsi, ph->gsi, sizeof(key.tsi.gsi));
	key.tsi.sport = ph->sport;

	local_bh_disable();
	rcu_read_lock();
	spin_lock(&pn->lock);
	child = pgm_find_session(pn, sk, &key);
	if (!child) {
		if (!pgm_session_create(sk, skb, &key))
			kfree_skb(skb);
		spin_unlock(&pn->lock);
		rcu_read_unlock();
		local_bh_enable();
		return;
	}
	spin_unlock(&pn->lock);
	rcu_read_unlock();
	local_bh_enable();
	pgm_queue_rcv_session(child, skb);
}
