// SPDX-License-Identifier: GPL-2.0
/*
 * PGM sockets: struct proto and the proto_ops of both socket types.
 *
 * The socket calls that carry the protocol (bind, connect, listen,
 * accept, send and receive) arrive with the core protocol; until then
 * they fail with EOPNOTSUPP.
 */

#include <linux/net.h>
#include <net/inet_common.h>
#include <net/sock.h>

#include "pgm.h"

static int pgm_init_sock(struct sock *sk)
{
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
	return 0;
}

static void pgm_destroy_sock(struct sock *sk)
{
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
}

static void pgm_close(struct sock *sk, long timeout)
{
	sk_common_release(sk);
}

static int pgm_hash(struct sock *sk)
{
	return 0;
}

static void pgm_unhash(struct sock *sk)
{
}

struct proto pgm_prot = {
	.name		= "PGM",
	.owner		= THIS_MODULE,
	.init		= pgm_init_sock,
	.destroy	= pgm_destroy_sock,
	.close		= pgm_close,
	.setsockopt	= pgm_setsockopt,
	.getsockopt	= pgm_getsockopt,
	.hash		= pgm_hash,
	.unhash		= pgm_unhash,
	.no_autobind	= true,
	.obj_size	= sizeof(struct pgm_sock),
};

const struct proto_ops pgm_rdm_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= sock_no_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= inet_getname,
	.poll		= datagram_poll,
	.ioctl		= inet_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
};

const struct proto_ops pgm_stream_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= sock_no_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= inet_getname,
	.poll		= datagram_poll,
	.ioctl		= inet_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
};
