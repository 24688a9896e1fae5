// SPDX-License-Identifier: GPL-2.0
/*
 * PGM (RFC 3208) reliable multicast: module entry.
 *
 * Registers IP protocol 113, the AF_INET socket types SOCK_RDM (message
 * mode) and SOCK_STREAM (byte-stream mode) for IPPROTO_PGM, and the
 * per-network-namespace state.
 */

#include <linux/module.h>
#include <linux/net.h>
#include <net/protocol.h>
#include <net/sock.h>

#include "pgm.h"

unsigned int pgm_net_id __read_mostly;
struct workqueue_struct *pgm_wq __read_mostly;

static int __net_init pgm_net_init(struct net *net)
{
	struct pgm_net *pn = pgm_net(net);
	int err;

	err = pgm_demux_net_init(pn);
	if (err)
		return err;
	pgm_udp_net_init(pn);
	err = pgm_sysctl_net_init(net);
	if (err)
		goto err_demux;
	err = pgm_mib_net_init(net);
	if (err)
		goto err_sysctl;
	return 0;

err_sysctl:
	pgm_sysctl_net_exit(net);
err_demux:
	pgm_demux_net_exit(pn);
	return err;
}

static void __net_exit pgm_net_exit(struct net *net)
{
	pgm_mib_net_exit(net);
	pgm_sysctl_net_exit(net);
	pgm_udp_net_exit(pgm_net(net));
	pgm_demux_net_exit(pgm_net(net));
}

static struct pernet_operations pgm_net_ops = {
	.init = pgm_net_init,
	.exit = pgm_net_exit,
	.id   = &pgm_net_id,
	.size = sizeof(struct pgm_net),
};

static const struct net_protocol pgm_protocol = {
	.handler	= pgm_rcv,
};

static struct inet_protosw pgm_rdm_protosw = {
	.type		= SOCK_RDM,
	.protocol	= IPPROTO_PGM,
	.prot		= &pgm_prot,
	.ops		= &pgm_ops,
};

static struct inet_protosw pgm_stream_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_PGM,
	.prot		= &pgm_prot,
	.ops		= &pgm_ops,
};

static int __init pgm_init(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct pgm_skb_cb) > sizeof_field(struct sk_buff, cb));
	pgm_mem_init();

	/* Final release of closed sources that drained their windows. */
	pgm_wq = alloc_workqueue("pgm", WQ_UNBOUND, 0);
	if (!pgm_wq)
		return -ENOMEM;

	err = register_pernet_subsys(&pgm_net_ops);
	if (err)
		goto out_wq;

	err = pgm_sysctl_init();
	if (err)
		goto out_pernet;

	err = proto_register(&pgm_prot, 1);
	if (err)
		goto out_sysctl;

	if (inet_add_protocol(&pgm_protocol, IPPROTO_PGM)) {
		pr_err("IP protocol %d is already registered\n", IPPROTO_PGM);
		err = -EBUSY;
		goto out_proto;
	}

	inet_register_protosw(&pgm_rdm_protosw);
	inet_register_protosw(&pgm_stream_protosw);

	pr_info("RFC 3208 reliable multicast (IP protocol %d) loaded\n",
		IPPROTO_PGM);
	return 0;

out_proto:
	proto_unregister(&pgm_prot);
out_sysctl:
	pgm_sysctl_exit();
out_pernet:
	unregister_pernet_subsys(&pgm_net_ops);
out_wq:
	destroy_workqueue(pgm_wq);
	return err;
}

static void __exit pgm_exit(void)
{
	inet_unregister_protosw(&pgm_stream_protosw);
	inet_unregister_protosw(&pgm_rdm_protosw);
	inet_del_protocol(&pgm_protocol, IPPROTO_PGM);
	proto_unregister(&pgm_prot);
	pgm_sysctl_exit();
	unregister_pernet_subsys(&pgm_net_ops);
	destroy_workqueue(pgm_wq);
	rcu_barrier();
}

module_init(pgm_init);
module_exit(pgm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PGM (RFC 3208) reliable multicast sockets");
/* Numbers are literal: __stringify() cannot expand the enum values. */
MODULE_ALIAS("net-pf-2-proto-113-type-4");	/* SOCK_RDM */
MODULE_ALIAS("net-pf-2-proto-113-type-1");	/* SOCK_STREAM */
MODULE_ALIAS("net-pf-2-proto-113");
