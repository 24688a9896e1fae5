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

static int __net_init pgm_net_init(struct net *net)
{
	return pgm_mib_net_init(net);
}

static void __net_exit pgm_net_exit(struct net *net)
{
	pgm_mib_net_exit(net);
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
	.ops		= &pgm_rdm_ops,
};

static struct inet_protosw pgm_stream_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_PGM,
	.prot		= &pgm_prot,
	.ops		= &pgm_stream_ops,
};

static int __init pgm_init(void)
{
	int err;

	err = register_pernet_subsys(&pgm_net_ops);
	if (err)
		goto out;

	err = proto_register(&pgm_prot, 1);
	if (err)
		goto out_pernet;

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
out_pernet:
	unregister_pernet_subsys(&pgm_net_ops);
out:
	return err;
}

static void __exit pgm_exit(void)
{
	inet_unregister_protosw(&pgm_stream_protosw);
	inet_unregister_protosw(&pgm_rdm_protosw);
	inet_del_protocol(&pgm_protocol, IPPROTO_PGM);
	proto_unregister(&pgm_prot);
	unregister_pernet_subsys(&pgm_net_ops);
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
