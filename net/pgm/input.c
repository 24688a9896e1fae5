// SPDX-License-Identifier: GPL-2.0
/*
 * PGM input: the IP protocol 113 handler, run in softirq context.
 */

#include <linux/skbuff.h>
#include <net/ip.h>

#include "pgm.h"
#include "wire.h"

/**
 * pgm_rcv() - receive one PGM packet from the IP layer
 * @skb: the packet, data at the PGM header
 *
 * Validates the common header and the checksum, then hands the packet to
 * the session it belongs to. Every packet dropped is counted.
 *
 * Context: softirq, under rcu_read_lock().
 * Return: 0, the packet is consumed.
 */
int pgm_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct pgm_hdr *ph;
	enum skb_drop_reason reason;

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
			return 0;
		}
	}

	__PGM_INC_STATS(net, PGM_MIB_INNOSOCKET);
	kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
	return 0;

malformed:
	__PGM_INC_STATS(net, PGM_MIB_INMALFORMED);
	kfree_skb_reason(skb, reason);
	return 0;
}
