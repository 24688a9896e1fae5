// SPDX-License-Identifier: GPL-2.0
/*
 * PGM input: the IP protocol 113 handler, run in softirq context.
 *
 * Validates the common header and the checksum, then demultiplexes by
 * direction: upstream packets (NAK, NNAK, SPMR, POLR) to the source that
 * owns the TSI (source.c), downstream packets (SPM, ODATA, RDATA, NCF,
 * POLL) to every receiver session of that TSI (session.c), and ODATA and
 * SPMs also to the listeners without one (listener.c), each its own
 * clone. A packet for a socket its user holds waits in the socket's
 * backlog; pgm_backlog_rcv() hands it to the socket's role. Every packet
 * dropped is counted in /proc/net/pgm/snmp.
 */

#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/sock.h>

#include "pgm.h"
#include "wire.h"

/**
 * pgm_backlog_rcv() - process a packet queued while the user held the socket
 * @sk: the socket
 * @skb: the packet, data at the PGM header
 *
 * Context: socket owner (softirq, or release_sock()).
 *
 * Return: 0, the packet is consumed.
 */
int pgm_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	sock_owned_by_me(sk);

	/* Closed (->destroy() has begun): its state is going away. */
	if (sk->sk_state == TCP_CLOSE) {
		__PGM_INC_STATS(sock_net(sk), PGM_MIB_INNOSOCKET);
		kfree_skb(skb);
		return 0;
	}
	switch (pgm_sk(sk)->role) {
	case PGM_ROLE_SOURCE:
		pgm_source_rcv(sk, skb);
		break;
	case PGM_ROLE_SESSION:
		pgm_session_rcv(sk, skb);
		break;
	case PGM_ROLE_LISTENER:
		pgm_listener_rcv(sk, skb);
		break;
	default:
		kfree_skb(skb);
		break;
	}
	return 0;
}

/* How much a socket's backlog and receive memory may hold together. A
 * session's packets are charged by what they are for once processed
 * (mem.c): the one the reader waits for may take its receive memory to
 * the highest limit, so the backlog must let it in that far; with the
 * receive buffer's limit, a session holding out-of-order data up to that
 * limit dropped its repairs whenever its reader held the socket.
 */
static unsigned int pgm_backlog_limit(const struct sock *sk)
{
	if (READ_ONCE(pgm_sk(sk)->role) == PGM_ROLE_SESSION)
		return pgm_rx_limit(sk, PGM_RX_HEAD);
	return READ_ONCE(sk->sk_rcvbuf);
}

/* Give @skb to @sk, whose spinlock the caller holds with BH off. */
static void pgm_queue_locked(struct sock *sk, struct sk_buff *skb)
{
	if (!sock_owned_by_user(sk)) {
		pgm_backlog_rcv(sk, skb);
	} else if (sk_add_backlog(sk, skb, pgm_backlog_limit(sk))) {
		__PGM_INC_STATS(sock_net(sk), PGM_MIB_BACKLOGDROP);
		atomic_inc(&sk->sk_drops);
		kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_BACKLOG);
	}
}

/**
 * pgm_queue_rcv() - hand a packet to a socket, or to its backlog
 * @sk: the socket, referenced (the reference is dropped)
 * @skb: the packet; consumed
 *
 * Context: softirq or process; takes the socket's spinlock with BH off,
 * nested (as TCP does): a listener that makes a session clones it with
 * sk_clone_lock(), which takes the new socket's spinlock of the same class.
 */
void pgm_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	local_bh_disable();
	bh_lock_sock_nested(sk);
	pgm_queue_locked(sk, skb);
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
}

/**
 * pgm_queue_rcv_session() - pgm_queue_rcv() for a listener's session
 * @sk: the session, referenced (the reference is dropped)
 * @skb: the packet; consumed
 *
 * The listener's path gives a session the packets it finds it already
 * has (another CPU just made it): the listener's spinlock may be held
 * (nested, pgm_queue_rcv()), so the session's is taken as sk_clone_lock()
 * takes a new session's, not nested, or lockdep sees one lock taken twice.
 *
 * Context: softirq or process.
 */
void pgm_queue_rcv_session(struct sock *sk, struct sk_buff *skb)
{
	local_bh_disable();
	bh_lock_sock(sk);
	pgm_queue_locked(sk, skb);
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
}

/* Each target but the last gets a clone (UDP's multicast pattern):
 * queue a clone for the previous target, remember @sk as the next.
 */
static void pgm_deliver_one(struct net *net, struct sk_buff *skb,
			    struct sock **prev, struct sock *sk)
{
	if (*prev) {
		struct sk_buff *c = skb_clone(skb, GFP_ATOMIC);

		if (c) {
			pgm_queue_rcv(*prev, c);
		} else {
			__PGM_INC_STATS(net, PGM_MIB_RCVBUFERRORS);
			sock_put(*prev);
		}
	}
	*prev = sk;
}

/* pgm_deliver_downstream() - a packet from a source to its sessions
 * @net: the namespace
 * @skb: the packet (SPM, ODATA, RDATA, NCF, POLL); consumed
 * @key: group, port and TSI from the packet
 * @type: the packet type
 * @encap: the UDP port it came to, 0 for IP protocol 113
 *
 * Each session of the source gets a copy; an ODATA also goes to every
 * listener of the group and port that has no session for it yet.
 *
 * Context: softirq, RCU read side.
 */
static void pgm_deliver_downstream(struct net *net, struct sk_buff *skb,
				   const struct pgm_session_key *key, u8 type,
				   u16 encap)
{
	struct pgm_group_key gkey = { .group = key->group, .port = key->dport };
	struct pgm_net *pn = pgm_net(net);
	struct rhlist_head *list, *pos;
	struct sock *prev = NULL;
	u64 cookies[16];
	unsigned int n = 0, i;
	struct pgm_sock *ps;

	list = pgm_lookup_sessions(pn, key);
	rhl_for_each_entry_rcu(ps, pos, list, node) {
		struct sock *sk = pgm_to_sk(ps);

		if (!pgm_encap_match(ps, encap))
			continue;
		if (n < ARRAY_SIZE(cookies))
			cookies[n++] = ps->cookie;
		if (refcount_inc_not_zero(&sk->sk_refcnt))
			pgm_deliver_one(net, skb, &prev, sk);
	}
	/* An ODATA (which makes sessions) and an SPM (which a session made
	 * later will use) also go to every listener without a session.
	 */
	if (type == PGM_TYPE_ODATA || type == PGM_TYPE_SPM) {
		list = pgm_lookup_listeners(pn, &gkey);
		rhl_for_each_entry_rcu(ps, pos, list, node) {
			struct sock *sk = pgm_to_sk(ps);

			if (!pgm_encap_match(ps, encap))
				continue;
			for (i = 0; i < n; i++)
				if (cookies[i] == ps->cookie)
					break;
			if (i == n && n < ARRAY_SIZE(cookies) &&
			    refcount_inc_not_zero(&sk->sk_refcnt))
				pgm_deliver_one(net, skb, &prev, sk);
		}
	}
	if (!prev) {
		__PGM_INC_STATS(net, PGM_MIB_INNOSOCKET);
		kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
		return;
	}
	pgm_queue_rcv(prev, skb);
}

/* One PGM packet, from IP protocol 113 (@encap 0) or UDP port @encap. */
static void __pgm_rcv(struct sk_buff *skb, u16 encap)
{
	struct net *net = dev_net(skb->dev);
	struct pgm_net *pn = pgm_net(net);
	const struct pgm_hdr *ph;
	enum skb_drop_reason reason;
	struct pgm_session_key key;
	struct pgm_tsi tsi;
	struct sock *sk;
	u8 type;

	__PGM_INC_STATS(net, PGM_MIB_INPKTS);

	reason = SKB_DROP_REASON_PKT_TOO_SMALL;
	if (!pskb_may_pull(skb, sizeof(*ph)))
		goto malformed;
	ph = (const struct pgm_hdr *)skb->data;

	reason = SKB_DROP_REASON_INVALID_PROTO;
	if (ph->type & PGM_VERSION_MASK)
		goto malformed;

	/* Zero means "no checksum", except on data packets where it is mandatory. */
	if (ph->check || pgm_type_is_data(ph->type)) {
		if (skb_checksum_simple_validate(skb)) {
			__PGM_INC_STATS(net, PGM_MIB_INCSUMERRORS);
			kfree_skb_reason(skb, SKB_DROP_REASON_SKB_CSUM);
			return;
		}
	}

	type = ph->type & PGM_TYPE_MASK;
	switch (type) {
	case PGM_TYPE_NAK:
	case PGM_TYPE_NNAK:
	case PGM_TYPE_SPMR:
	case PGM_TYPE_POLR:
		/* Upstream: the destination port is the source's port. */
		memcpy(tsi.gsi, ph->gsi, sizeof(tsi.gsi));
		tsi.sport = ph->dport;
		sk = pgm_lookup_source(pn, &tsi);
		if (!sk)
			break;
		if (!pgm_encap_match(pgm_sk(sk), encap)) {
			sock_put(sk);
			break;
		}
		pgm_queue_rcv(sk, skb);
		return;
	case PGM_TYPE_SPM:
	case PGM_TYPE_ODATA:
	case PGM_TYPE_RDATA:
	case PGM_TYPE_NCF:
	case PGM_TYPE_POLL:
		memset(&key, 0, sizeof(key));
		key.group = ip_hdr(skb)->daddr;
		key.dport = ph->dport;
		memcpy(key.tsi.gsi, ph->gsi, sizeof(key.tsi.gsi));
		key.tsi.sport = ph->sport;
		pgm_deliver_downstream(net, skb, &key, type, encap);
		return;
	default:
		reason = SKB_DROP_REASON_INVALID_PROTO;
		goto malformed;
	}

	__PGM_INC_STATS(net, PGM_MIB_INNOSOCKET);
	kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
	return;

malformed:
	__PGM_INC_STATS(net, PGM_MIB_INMALFORMED);
	kfree_skb_reason(skb, reason);
}

/**
 * pgm_rcv() - receive one PGM packet from the IP layer (protocol 113)
 * @skb: the packet, data at the PGM header
 *
 * Context: softirq, under rcu_read_lock().
 * Return: 0, the packet is consumed.
 */
int pgm_rcv(struct sk_buff *skb)
{
	__pgm_rcv(skb, 0);
	return 0;
}

/**
 * pgm_rcv_encap() - receive one PGM packet that came in UDP (udp.c)
 * @skb: the packet, data at the PGM header (the UDP header pulled)
 * @port: the UDP port it came to, host order
 *
 * Context: softirq, under rcu_read_lock().
 */
void pgm_rcv_encap(struct sk_buff *skb, u16 port)
{
	__pgm_rcv(skb, port);
}
