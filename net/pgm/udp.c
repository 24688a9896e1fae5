// SPDX-License-Identifier: GPL-2.0
/*
 * PGM over UDP (PGM_UDP_ENCAP): the PGM packet follows a UDP header
 * instead of an IP header with protocol 113, as OpenPGM's PGM/UDP has
 * it, so PGM crosses networks that drop protocol 113 and peers need no
 * raw sockets.
 *
 * Receiving: one kernel UDP socket per namespace and port, bound to the
 * wildcard address and shared (reference-counted) by every PGM socket
 * that uses the port. Its encap_rcv hook strips the UDP header and
 * hands the packet to the PGM input path with the port it came to;
 * demultiplexing then only considers PGM sockets set up for that port
 * (raw packets only reach sockets without encapsulation). The group
 * memberships are the PGM sockets' own, so the UDP socket joins
 * nothing. The hook is set up by hand rather than with udp_tunnel's
 * setup_udp_tunnel_sock() (only its inline helpers are used): that would
 * make pgm.ko depend on the udp_tunnel module for a few assignments.
 *
 * Sending: pgm_xmit() puts the UDP header in front (output.c).
 *
 * Lifetime: a PGM socket takes its ports' references when it starts
 * (listen(), connect()) and drops them when destroyed; a session made by
 * a listener takes its own (the listener holds them meanwhile, so the
 * count never rises from zero in softirq). The table is changed under
 * pgm_net.encap_lock in process context only.
 */

#include <linux/net.h>
#include <linux/udp.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "pgm.h"

/**
 * struct pgm_encap - one UDP port PGM listens on in a namespace
 * @list: entry in pgm_net.encaps
 * @ref: PGM sockets using it
 * @port: the port, host order
 * @sock: the kernel UDP socket bound to it
 */
struct pgm_encap {
	struct list_head	list;
	refcount_t		ref;
	u16			port;
	struct socket		*sock;
};

/* UDP input for a PGM port: always consumes the packet. */
static int pgm_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct pgm_encap *e = rcu_dereference_sk_user_data(sk);

	if (!e || !pskb_may_pull(skb, sizeof(struct udphdr))) {
		kfree_skb(skb);
		return 0;
	}
	__skb_pull(skb, sizeof(struct udphdr));
	skb_reset_transport_header(skb);
	/* UDP's checksum was checked; PGM's own is checked in full again:
	 * it covers the same bytes, but a valid UDP checksum does not make
	 * a wrong PGM one right.
	 */
	skb->ip_summed = CHECKSUM_NONE;
	skb->csum_valid = 0;
	__PGM_INC_STATS(sock_net(sk), PGM_MIB_INUDP);
	pgm_rcv_encap(skb, e->port);
	return 0;
}

static struct pgm_encap *pgm_encap_create(struct net *net, u16 port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_ANY),
		.sin_port = htons(port),
	};
	struct pgm_encap *e;
	struct sock *sk;
	int err;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return ERR_PTR(-ENOMEM);
	err = sock_create_kern(net, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &e->sock);
	if (err)
		goto err_free;
	sk = e->sock->sk;
	/* User-space PGM (OpenPGM sets SO_REUSEADDR) may share the port. */
	sk->sk_reuse = SK_CAN_REUSE;
	err = kernel_bind(e->sock, (struct sockaddr *)&sin, sizeof(sin));
	if (err)
		goto err_sock;
	e->port = port;
	refcount_set(&e->ref, 1);
	inet_clear_bit(MC_LOOP, sk);
	inet_inc_convert_csum(sk);
	rcu_assign_sk_user_data(sk, e);
	WRITE_ONCE(udp_sk(sk)->encap_type, 1);
	WRITE_ONCE(udp_sk(sk)->encap_rcv, pgm_encap_rcv);
	udp_tunnel_encap_enable(sk);	/* inline: no module dependency */
	return e;

err_sock:
	sock_release(e->sock);
err_free:
	kfree(e);
	return ERR_PTR(err);
}

static void pgm_encap_put_one(struct net *net, struct pgm_encap *e)
{
	struct pgm_net *pn = pgm_net(net);

	if (!e || !refcount_dec_and_mutex_lock(&e->ref, &pn->encap_lock))
		return;
	list_del(&e->list);
	mutex_unlock(&pn->encap_lock);
	/* No new packet finds @e after this; those in flight finish
	 * under RCU before the socket (and its user data) goes.
	 */
	rcu_assign_sk_user_data(e->sock->sk, NULL);
	kernel_sock_shutdown(e->sock, SHUT_RDWR);
	sock_release(e->sock);
	synchronize_rcu();
	kfree(e);
}

static struct pgm_encap *pgm_encap_get_one(struct net *net, u16 port)
{
	struct pgm_net *pn = pgm_net(net);
	struct pgm_encap *e;

	mutex_lock(&pn->encap_lock);
	list_for_each_entry(e, &pn->encaps, list) {
		if (e->port == port) {
			refcount_inc(&e->ref);
			goto out;
		}
	}
	e = pgm_encap_create(net, port);
	if (!IS_ERR(e))
		list_add(&e->list, &pn->encaps);
out:
	mutex_unlock(&pn->encap_lock);
	return e;
}

/**
 * pgm_encap_start() - take the UDP ports a socket about to start uses
 * @sk: a listener or source being set up, locked; no-op without
 *	PGM_UDP_ENCAP
 *
 * Context: process.
 * Return: 0, or a negative errno (-EADDRINUSE: a port is taken by a
 * UDP socket that does not share it).
 */
int pgm_encap_start(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct net *net = sock_net(sk);
	struct pgm_encap *u, *m = NULL;

	might_sleep();

	if (!ps->params.udp_mcast)
		return 0;
	u = pgm_encap_get_one(net, ps->params.udp_ucast);
	if (IS_ERR(u))
		return PTR_ERR(u);
	if (ps->params.udp_mcast != ps->params.udp_ucast) {
		m = pgm_encap_get_one(net, ps->params.udp_mcast);
		if (IS_ERR(m)) {
			pgm_encap_put_one(net, u);
			return PTR_ERR(m);
		}
	}
	ps->encap[0] = u;
	ps->encap[1] = m;
	return 0;
}

/**
 * pgm_encap_hold() - a session made by a listener takes its own references
 * @sk: the new session (its encap pointers copied from the listener)
 *
 * Context: any; the listener holds references meanwhile.
 */
void pgm_encap_hold(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);

	if (ps->encap[0])
		refcount_inc(&ps->encap[0]->ref);
	if (ps->encap[1])
		refcount_inc(&ps->encap[1]->ref);
}

/**
 * pgm_encap_stop() - drop a socket's UDP port references
 * @sk: the socket being destroyed
 *
 * Context: process (the last reference releases a kernel socket).
 */
void pgm_encap_stop(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);

	might_sleep();

	pgm_encap_put_one(sock_net(sk), ps->encap[0]);
	pgm_encap_put_one(sock_net(sk), ps->encap[1]);
	ps->encap[0] = NULL;
	ps->encap[1] = NULL;
}

/**
 * pgm_udp_net_init() - a namespace's table of PGM UDP ports
 * @pn: the namespace's PGM state
 */
void pgm_udp_net_init(struct pgm_net *pn)
{
	mutex_init(&pn->encap_lock);
	INIT_LIST_HEAD(&pn->encaps);
}

/**
 * pgm_udp_net_exit() - check the table is empty (every socket is gone)
 * @pn: the namespace's PGM state
 */
void pgm_udp_net_exit(struct pgm_net *pn)
{
	WARN_ON_ONCE(!list_empty(&pn->encaps));
}
