// SPDX-License-Identifier: GPL-2.0
/*
 * PGM input: the IP protocol 113 handler, run in softirq context.
 *
 * Validates the common header and the checksum, then demultiplexes by
 * direction: upstream packets (NAK, NNAK, SPMR, POLR) to the source that
 * owns the TSI, downstream packets (SPM, ODATA, RDATA, NCF, POLL) to the
 * receiver sessions of that TSI (receiver.c). Every packet dropped is
 * counted in /proc/net/pgm/snmp.
 */

#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/sock.h>

#include "pgm.h"
#include "wire.h"

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
	if (!sock_owned_by_user(sk)) {
		pgm_backlog_rcv(sk, skb);
	} else if (sk_add_backlog(sk, skb, READ_ONCE(sk->sk_rcvbuf))) {
		__PGM_INC_STATS(sock_net(sk), PGM_MIB_BACKLOGDROP);
		atomic_inc(&sk->sk_drops);
		kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_BACKLOG);
	}
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
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
