// SPDX-License-Identifier: GPL-2.0
/*
 * PGM sockets: struct proto, the proto_ops of SOCK_RDM and SOCK_STREAM,
 * and the calls that give a socket its role: bind(), connect() (a
 * source), listen() (a listener; accept() in listener.c), close().
 */

#include <linux/igmp.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>

#include "pgm.h"

static void pgm_release_work(struct work_struct *work)
{
	struct pgm_sock *ps = container_of(work, struct pgm_sock, release_work);

	sk_common_release(pgm_to_sk(ps));
}

static int pgm_init_sock(struct sock *sk)
{
	struct pgm_net *pn = pgm_net(sock_net(sk));
	struct pgm_sock *ps = pgm_sk(sk);

	ps->params = pn->sysctl.p;
	/* As RM_RATE_WINDOW_SIZE's: within net.pgm.wmem_max (and u32). */
	ps->params.window_bytes = min_t(u64, (u64)ps->params.rate_kbps *
					ps->params.window_ms / 8,
					READ_ONCE(pn->sysctl.wmem_max));
	WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(pn->sysctl.rmem_default));
	sk->sk_write_space = pgm_write_space;
	sock_set_flag(sk, SOCK_RCU_FREE);
	pgm_timers_init(sk);
	INIT_WORK(&ps->release_work, pgm_release_work);
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
	return 0;
}

/* The last release of a socket: from close(), from the release work of
 * a closed source that drained, or for a session nobody accepted.
 *
 * First nothing new reaches it: it leaves its table and becomes
 * TCP_CLOSE under its lock. Input, timers and work items that still hold
 * a reference check the state under the lock and drop what they carry
 * (a packet that waited in the backlog meanwhile is dropped by
 * release_sock()). Then the timers and work items stop, and the role's
 * state is freed, as the owner: its charged packets uncharge into the
 * socket's sk_forward_alloc. Sessions a listener made that nobody
 * accepted are released last, without the listener's lock.
 */
static void pgm_destroy_sock(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	LIST_HEAD(children);

	lock_sock(sk);
	inet_sk_set_state(sk, TCP_CLOSE);
	pgm_unhash(sk);
	release_sock(sk);

	pgm_timers_stop(sk);
	if (ps->role == PGM_ROLE_SESSION)
		pgm_session_stop(sk);

	lock_sock(sk);
	switch (ps->role) {
	case PGM_ROLE_SOURCE:
		pgm_source_destroy(sk);
		break;
	case PGM_ROLE_SESSION:
		pgm_session_destroy(sk);
		break;
	default:
		pgm_listener_destroy(sk, &children);
		break;
	}
	release_sock(sk);
	pgm_listener_release(&children);

	pgm_encap_stop(sk);
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
}

/* A closed source serving repairs until its window drains: true if drained. */
static bool pgm_close_wait(struct sock *sk, long timeout)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while (!pgm_source_drained(sk) && timeout && !signal_pending(current))
		sk_wait_event(sk, &timeout, pgm_source_drained(sk), &wait);
	remove_wait_queue(sk_sleep(sk), &wait);
	return pgm_source_drained(sk);
}

static void pgm_close(struct sock *sk, long timeout)
{
	struct pgm_sock *ps = pgm_sk(sk);

	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (ps->role == PGM_ROLE_SOURCE) {
		if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
			pgm_source_abort(sk);
		} else {
			pgm_source_shutdown(sk);
			if (!pgm_close_wait(sk, timeout)) {
				/* Like TCP: closing never loses data a receiver
				 * could still repair. The source lives on as an
				 * orphan, within limits; its txw timer queues
				 * release_work once the window has drained.
				 */
				if (pgm_source_orphan(sk)) {
					sock_orphan(sk);
					release_sock(sk);
					return;
				}
				pgm_source_abort(sk);
			}
		}
	}
	release_sock(sk);
	sk_common_release(sk);
}

static int pgm_hash_noop(struct sock *sk)
{
	return 0;
}

static int pgm_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	switch (READ_ONCE(pgm_sk(sk)->role)) {
	case PGM_ROLE_SOURCE:
		return pgm_source_sendmsg(sk, msg, len);
	case PGM_ROLE_NONE:
		return -ENOTCONN;
	default:
		/* A receiver's sockets only receive. */
		return -EOPNOTSUPP;
	}
}

struct proto pgm_prot = {
	.name		= "PGM",
	.owner		= THIS_MODULE,
	.init		= pgm_init_sock,
	.destroy	= pgm_destroy_sock,
	.close		= pgm_close,
	.accept		= pgm_accept,
	.setsockopt	= pgm_setsockopt,
	.getsockopt	= pgm_getsockopt,
	.sendmsg	= pgm_sendmsg,
	.recvmsg	= pgm_recvmsg,
	.backlog_rcv	= pgm_backlog_rcv,
	.release_cb	= pgm_release_cb,
	.hash		= pgm_hash_noop,
	.unhash		= pgm_unhash,
	.no_autobind	= true,
	.obj_size	= sizeof(struct pgm_sock),
	.memory_allocated	= &pgm_memory_allocated,
	.per_cpu_fw_alloc	= &pgm_memory_per_cpu_fw_alloc,
	.sysctl_mem	= sysctl_pgm_mem,
	.sysctl_rmem	= sysctl_pgm_rmem,
	.sysctl_wmem	= sysctl_pgm_wmem,
};

static int pgm_check_addr(struct sockaddr *uaddr, int addr_len)
{
	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	if (uaddr->sa_family != AF_INET)
		return -EAFNOSUPPORT;
	return 0;
}

/* bind(group:port) makes a receiver and joins the group on the default
 * interface; bind(INADDR_ANY or a local address, any port) a sender, the
 * address choosing the send interface (the port is ignored, as on
 * Windows).
 */
static int pgm_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct pgm_sock *ps = pgm_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	__be32 addr;
	int err;

	err = pgm_check_addr(uaddr, addr_len);
	if (err)
		return err;
	addr = sin->sin_addr.s_addr;

	rtnl_lock();
	lock_sock(sk);
	err = -EINVAL;
	if (ps->role != PGM_ROLE_NONE || inet->inet_num || ps->group ||
	    inet->inet_saddr)
		goto out;

	if (ipv4_is_multicast(addr)) {
		if (!sin->sin_port)
			goto out;
		err = -ENOMEM;
		ps->lsn = kzalloc(sizeof(*ps->lsn), GFP_KERNEL);
		if (!ps->lsn)
			goto out;
		INIT_LIST_HEAD(&ps->lsn->accept_queue);
		ps->group = addr;
		ps->dport = sin->sin_port;
		err = pgm_join_groups(sk, addr, NULL, 0);
		if (err) {
			kfree(ps->lsn);
			ps->lsn = NULL;
			ps->group = 0;
			ps->dport = 0;
			goto out;
		}
		inet->inet_rcv_saddr = addr;
		inet->inet_num = ntohs(sin->sin_port);
		inet->inet_sport = sin->sin_port;
	} else if (addr != htonl(INADDR_ANY)) {
		err = -EADDRNOTAVAIL;
		if (inet_addr_type_table(sock_net(sk), addr, RT_TABLE_LOCAL) !=
		    RTN_LOCAL)
			goto out;
		inet->inet_saddr = addr;
		inet->inet_rcv_saddr = addr;
		ps->params.send_ifaddr = addr;
	}
	err = 0;
out:
	release_sock(sk);
	rtnl_unlock();
	return err;
}

static int pgm_connect(struct socket *sock, struct sockaddr *uaddr,
		       int addr_len, int flags)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct pgm_sock *ps = pgm_sk(sk);
	int err;

	err = pgm_check_addr(uaddr, addr_len);
	if (err)
		return err;
	if (!ipv4_is_multicast(sin->sin_addr.s_addr) || !sin->sin_port)
		return -EINVAL;

	lock_sock(sk);
	if (ps->role == PGM_ROLE_SOURCE)
		err = -EISCONN;
	else if (ps->role != PGM_ROLE_NONE || ps->group)
		err = -EINVAL;		/* a receiver's socket */
	else
		err = pgm_source_connect(sk, sin->sin_addr.s_addr,
					 sin->sin_port);
	if (!err)
		sock->state = SS_CONNECTED;
	release_sock(sk);
	return err;
}

static int pgm_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	struct pgm_sock *ps = pgm_sk(sk);
	int err = 0;

	how++;	/* SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN, ... */
	if (how & ~SHUTDOWN_MASK || !how)
		return -EINVAL;

	lock_sock(sk);
	if (ps->role == PGM_ROLE_NONE) {
		err = -ENOTCONN;
	} else {
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		if (ps->role == PGM_ROLE_SOURCE && (how & SEND_SHUTDOWN))
			pgm_source_shutdown(sk);
		sk->sk_state_change(sk);
	}
	release_sock(sk);
	return err;
}

static __poll_t pgm_poll(struct file *file, struct socket *sock,
			 poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct pgm_sock *ps = pgm_sk(sk);
	u8 shutdown;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (READ_ONCE(sk->sk_err) || !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	if (shutdown == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	switch (READ_ONCE(ps->role)) {
	case PGM_ROLE_LISTENER:
		if (READ_ONCE(sk->sk_ack_backlog))
			mask |= EPOLLIN | EPOLLRDNORM;
		break;
	case PGM_ROLE_SESSION:
		/* A failed session is readable: the read reports the error. */
		if (!skb_queue_empty_lockless(&sk->sk_receive_queue) ||
		    READ_ONCE(ps->sess->reset))
			mask |= EPOLLIN | EPOLLRDNORM;
		break;
	case PGM_ROLE_SOURCE:
		if (!(shutdown & SEND_SHUTDOWN) && pgm_source_writable(sk))
			mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
		else
			sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
		break;
	}
	return mask;
}

/**
 * pgm_write_space() - wake writers when a source has room again
 * @sk: the socket
 *
 * Context: any (called when its transmit window frees packets).
 */
void pgm_write_space(struct sock *sk)
{
	struct socket_wq *wq;

	if (!pgm_source_writable(sk))
		return;
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_sync_poll(&wq->wait, EPOLLOUT |
						EPOLLWRNORM | EPOLLWRBAND);
	if (!(READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN))
		sk_wake_async(sk, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* Both socket types share these calls: sendmsg() and recvmsg() look at
 * sk_type (SOCK_RDM: one message per send, message boundaries on receive
 * with MSG_EOR; SOCK_STREAM: a byte stream).
 */
const struct proto_ops pgm_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= pgm_bind,
	.connect	= pgm_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= inet_accept,
	.getname	= inet_getname,
	.poll		= pgm_poll,
	.ioctl		= inet_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= pgm_listen,
	.shutdown	= pgm_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= inet_sendmsg,
	.recvmsg	= inet_recvmsg,
	.mmap		= sock_no_mmap,
};
