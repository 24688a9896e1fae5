/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PGM (RFC 3208) reliable multicast: private definitions shared by the
 * socket layer, the input path and the per-namespace state.
 */
#ifndef _NET_PGM_PGM_H
#define _NET_PGM_PGM_H

#include <linux/percpu.h>
#include <net/inet_sock.h>
#include <net/netns/generic.h>
#include <net/snmp.h>
#include <uapi/linux/pgm.h>

/**
 * struct pgm_sock - a PGM socket
 * @inet: the IPv4 socket; must stay first (inet_sk() casts)
 */
struct pgm_sock {
	struct inet_sock	inet;
};

static inline struct pgm_sock *pgm_sk(const struct sock *sk)
{
	return (struct pgm_sock *)sk;
}

/* Counters of /proc/net/pgm/snmp, one enum entry per line there. */
enum pgm_mib_field {
	PGM_MIB_NUM = 0,
	PGM_MIB_INPKTS,			/* PgmInPkts */
	PGM_MIB_INCSUMERRORS,		/* PgmInCsumErrors */
	PGM_MIB_INMALFORMED,		/* PgmInMalformed */
	PGM_MIB_INNOSOCKET,		/* PgmInNoSocket */
	__PGM_MIB_MAX
};

struct pgm_mib {
	unsigned long	mibs[__PGM_MIB_MAX];
};

/**
 * struct pgm_net - per network namespace state
 * @mib: per-cpu protocol counters
 */
struct pgm_net {
	DEFINE_SNMP_STAT(struct pgm_mib, mib);
};

extern unsigned int pgm_net_id;

static inline struct pgm_net *pgm_net(const struct net *net)
{
	return net_generic(net, pgm_net_id);
}

#define PGM_INC_STATS(net, field)	\
	SNMP_INC_STATS(pgm_net(net)->mib, field)
#define __PGM_INC_STATS(net, field)	\
	__SNMP_INC_STATS(pgm_net(net)->mib, field)

extern struct proto pgm_prot;
extern const struct proto_ops pgm_rdm_ops;
extern const struct proto_ops pgm_stream_ops;

/* af_pgm.c is the module's entry; the rest is per responsibility. */
int pgm_rcv(struct sk_buff *skb);

int pgm_setsockopt(struct sock *sk, int level, int optname,
		   sockptr_t optval, unsigned int optlen);
int pgm_getsockopt(struct sock *sk, int level, int optname,
		   char __user *optval, int __user *optlen);

int pgm_mib_net_init(struct net *net);
void pgm_mib_net_exit(struct net *net);

#endif /* _NET_PGM_PGM_H */
