// SPDX-License-Identifier: GPL-2.0
/*
 * PGM output: the IPv4 header and the route for every packet the module
 * sends. The IP output helpers that know about multicast TTLs and
 * corking are not exported to modules, so the header is built here, as
 * igmp.c does: TTL from the socket's PGM settings, the Router Alert
 * option where RFC 3208 asks for it (SPM, RDATA, NCF), then
 * ip_local_out(), which loops multicast back to local listeners.
 *
 * A socket with PGM_UDP_ENCAP sends UDP instead (udp.c): to the multicast
 * port for a group, to the unicast port for a source, from the unicast
 * port, with no Router Alert (routers do not look into UDP).
 */

#include <linux/ip.h>
#include <linux/udp.h>
#include <net/arp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>

#include "pgm.h"
#include "wire.h"

/* Room for the link layer, an IPv4 header with Router Alert or a UDP
 * header, and PGM.
 */
#define PGM_MAX_HEADER	(MAX_HEADER + 24 + 128)

/**
 * pgm_headroom() - headroom to reserve in a packet before its PGM header
 *
 * Return: bytes.
 */
unsigned int pgm_headroom(void)
{
	return PGM_MAX_HEADER;
}

/**
 * pgm_alloc_ctl() - allocate a control packet (SPM, NCF, NAK, SPMR)
 * @sk: the socket it is for
 * @len: its PGM length
 *
 * Context: any; atomic allocation.
 * Return: the skb with headroom reserved and @len bytes put, or NULL.
 */
struct sk_buff *pgm_alloc_ctl(struct sock *sk, unsigned int len)
{
	struct sk_buff *skb = alloc_skb(PGM_MAX_HEADER + len, GFP_ATOMIC);

	if (!skb)
		return NULL;
	skb_reserve(skb, PGM_MAX_HEADER);
	skb_put(skb, len);
	skb->priority = READ_ONCE(sk->sk_priority);
	skb->mark = READ_ONCE(sk->sk_mark);
	return skb;
}

/* The UDP header of PGM_UDP_ENCAP, in front of the PGM packet at
 * skb->data. Its checksum comes almost free: a PGM packet with its
 * checksum filled in sums to zero (ones' complement), so only the pseudo
 * header and the UDP header are added up. A PGM checksum left at 0 ("no
 * checksum", control packets only) means summing the packet.
 */
static void pgm_push_udp(struct sk_buff *skb, __be32 saddr, __be32 daddr,
			 __be16 sport, __be16 dport)
{
	const struct pgm_hdr *ph = (const struct pgm_hdr *)skb->data;
	unsigned int len = skb->len + sizeof(struct udphdr);
	__wsum csum = ph->check ? 0 : skb_checksum(skb, 0, skb->len, 0);
	struct udphdr *uh;

	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = sport;
	uh->dest = dport;
	uh->len = htons(len);
	uh->check = 0;
	csum = csum_partial(uh, sizeof(*uh), csum);
	uh->check = csum_tcpudp_magic(saddr, daddr, len, IPPROTO_UDP, csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
}

/* Is the link-layer address of @rt's next hop towards @daddr still
 * unknown? Then a packet sent now waits for neighbour resolution (ARP):
 * on a link that lost the reply, until the kernel asks again, after
 * net.ipv4.neigh.DEV.retrans_time_ms (a second by default). A receiver's
 * NAKs to a source wait so the first time it needs them, and a transmit
 * window shorter than the wait loses what they ask for (see pgm.rst,
 * "Repairs take time"). Counted in PgmOutUnresolved. Context: RCU read.
 */
static bool pgm_neigh_unresolved(const struct rtable *rt, __be32 daddr)
{
	const struct net_device *dev = rt->dst.dev;
	struct neighbour *n;

	if (dev->flags & (IFF_NOARP | IFF_LOOPBACK) || !dev->header_ops ||
	    rt->rt_gw_family == AF_INET6)
		return false;
	n = __ipv4_neigh_lookup_noref(rt->dst.dev,
				      (__force u32)rt_nexthop(rt, daddr));
	return !n || !(READ_ONCE(n->nud_state) & NUD_VALID);
}

/**
 * pgm_xmit() - send a PGM packet
 * @sk: the sending socket (for routing, marks and multicast loop)
 * @skb: the packet, data at the PGM header, checksum filled in
 * @saddr: source address, 0 to let routing choose (a source always
 *	gives its own, which makes its route cacheable)
 * @daddr: destination, a group or a unicast address
 * @oif: output interface, 0 to let routing choose
 * @ttl: IP TTL
 * @router_alert: add the IP Router Alert option (not with UDP)
 *
 * Consumes @skb.
 *
 * Return: 0 or a negative errno (counted in PgmOutErrors).
 */
int pgm_xmit(struct sock *sk, struct sk_buff *skb, __be32 saddr, __be32 daddr,
	     int oif, u8 ttl, bool router_alert)
{
	struct net *net = sock_net(sk);
	struct pgm_sock *ps = pgm_sk(sk);
	bool udp = ps->params.udp_mcast;
	struct dst_entry *dst = NULL;
	unsigned int iplen;
	__be16 sport = 0, dport = 0;
	struct iphdr *iph;
	bool cache;
	int err;

	if (udp) {
		router_alert = false;
		sport = htons(ps->params.udp_ucast);
		dport = htons(ipv4_is_multicast(daddr) ? ps->params.udp_mcast :
			      ps->params.udp_ucast);
	}
	iplen = router_alert ? 24 : 20;

	/* A source sends to one group: keep that route in sk_dst_cache
	 * (the source is always sent from by its owner). Others look up.
	 */
	cache = ps->role == PGM_ROLE_SOURCE && daddr == ps->group;
	rcu_read_lock();
	if (cache)
		dst = __sk_dst_check(sk, 0);
	if (!dst) {
		struct flowi4 fl4;
		struct rtable *rt;

		rt = ip_route_output_ports(net, &fl4, sk, daddr, saddr, dport,
					   sport, udp ? IPPROTO_UDP : IPPROTO_PGM,
					   RT_TOS(inet_sk(sk)->tos), oif);
		if (IS_ERR(rt)) {
			rcu_read_unlock();
			kfree_skb(skb);
			PGM_INC_STATS(net, PGM_MIB_OUTERRORS);
			return PTR_ERR(rt);
		}
		dst = &rt->dst;
		saddr = fl4.saddr;
		if (!ipv4_is_multicast(daddr) &&
		    pgm_neigh_unresolved(rt, daddr))
			PGM_INC_STATS(net, PGM_MIB_OUTUNRESOLVED);
		if (cache)
			sk_dst_set(sk, dst);
		else
			skb_dst_set(skb, dst);
	}
	if (cache)
		skb_dst_set_noref(skb, dst);

	if (udp)
		pgm_push_udp(skb, saddr, daddr, sport, dport);
	skb_push(skb, iplen);
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = iplen / 4;
	iph->tos = inet_sk(sk)->tos;
	iph->frag_off = htons(IP_DF);
	iph->ttl = ttl;
	iph->protocol = udp ? IPPROTO_UDP : IPPROTO_PGM;
	iph->saddr = saddr;
	iph->daddr = daddr;
	if (router_alert) {
		u8 *opt = (u8 *)(iph + 1);

		opt[0] = IPOPT_RA;
		opt[1] = 4;
		opt[2] = 0;
		opt[3] = 0;
	}
	ip_select_ident(net, skb, NULL);
	/* The PGM checksum was computed here, in full: a local receiver
	 * (loopback, veth) need not verify it again; on a real device this
	 * means the same as CHECKSUM_NONE.
	 */
	skb->ip_summed = CHECKSUM_UNNECESSARY;

	err = ip_local_out(net, sk, skb);
	rcu_read_unlock();
	if (unlikely(net_xmit_eval(err))) {
		PGM_INC_STATS(net, PGM_MIB_OUTERRORS);
		return net_xmit_errno(err);
	}
	if (udp)
		PGM_INC_STATS(net, PGM_MIB_OUTUDP);
	return 0;
}
