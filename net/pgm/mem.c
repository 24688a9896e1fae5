// SPDX-License-Identifier: GPL-2.0
/*
 * PGM memory accounting: every byte a PGM socket keeps is charged, as
 * the kernel's transports do.
 *
 *  - To the socket: a session's packets (held out of order, queued in
 *    order, parity, FEC's copies) and its receive window's storage count
 *    in sk_rmem_alloc against sk_rcvbuf; a source's queued payloads in
 *    sk_wmem_alloc against sk_sndbuf, its transmit window's storage in
 *    sk_wmem_queued.
 *  - To the protocol: all of it in pgm_memory_allocated against
 *    net.pgm.mem (pages: min, pressure, max, as net.ipv4.udp_mem), through
 *    sk_rmem_schedule()/sk_wmem_schedule() and sk_forward_alloc; the
 *    memory cgroup of the socket's owner with it (a session is charged to
 *    its listener's).
 *
 * The limits of one session's receive memory: new data beyond the
 * window's lead is refused once sk_rmem_alloc would pass sk_rcvbuf;
 * anything that lets held data go (a repair, the packet the reader waits
 * for, parity) may go up to 1.5 x sk_rcvbuf. So a session nobody reads
 * holds at most 1.5 x its receive buffer, and one whose window is full
 * of out-of-order data still takes the packet that releases it. Packets
 * that wait in a session's backlog while its reader holds the socket are
 * held to the highest limit there (input.c), and to theirs once
 * processed.
 *
 * sk_forward_alloc is the socket owner's (see timer.c): every charge and
 * uncharge here, and every free of a charged skb, runs as the owner.
 */

#include <linux/mm.h>
#include <linux/percpu.h>
#include <net/sock.h>

#include "pgm.h"

atomic_long_t pgm_memory_allocated;
DEFINE_PER_CPU(int, pgm_memory_per_cpu_fw_alloc);
long sysctl_pgm_mem[3];
/* The minimum buffers __sk_mem_schedule() grants under pressure. */
int sysctl_pgm_rmem[3] = { 4096, 0, 0 };
int sysctl_pgm_wmem[3] = { 4096, 0, 0 };

/**
 * pgm_mem_init() - the protocol's memory limits, from the machine's size
 *
 * As UDP: pressure at 1/8 of the memory buffers may use, the hard limit
 * at 1.5 times that.
 */
void pgm_mem_init(void)
{
	unsigned long limit = max(nr_free_buffer_pages() / 8, 128UL);

	sysctl_pgm_mem[0] = limit / 4 * 3;
	sysctl_pgm_mem[1] = limit;
	sysctl_pgm_mem[2] = sysctl_pgm_mem[0] * 2;
}

/**
 * pgm_rx_limit() - how far a session's receive memory may grow
 * @sk: the session
 * @room: what the memory is for
 *
 * New data beyond the lead may fill the receive buffer; what fills a gap
 * (repairs, parity, FEC's copies, window storage) a quarter more; the
 * packet the reader waits for half more. Everything but that packet
 * stays below its limit, so it always finds room and the session never
 * deadlocks on memory it holds out of order.
 *
 * Return: the limit for sk_rmem_alloc, bytes.
 */
unsigned int pgm_rx_limit(const struct sock *sk, enum pgm_rx_room room)
{
	unsigned int rcvbuf = READ_ONCE(sk->sk_rcvbuf);

	switch (room) {
	case PGM_RX_AHEAD:
		return rcvbuf;
	case PGM_RX_FILL:
		return rcvbuf + rcvbuf / 4;
	default:
		return rcvbuf + rcvbuf / 2;
	}
}

static void pgm_rx_refused(struct sock *sk)
{
	__PGM_INC_STATS(sock_net(sk), PGM_MIB_RCVBUFERRORS);
	atomic_inc(&sk->sk_drops);
}

/**
 * pgm_rx_charge() - charge a packet a session keeps to its receive memory
 * @sk: the session
 * @skb: the packet; orphaned, then owned by @sk on success
 * @limit: the most sk_rmem_alloc may reach with it (pgm_rx_limit())
 *
 * Every packet a session keeps is charged here: to the socket, the
 * protocol and its memory cgroup. A refusal is counted (PgmRcvbufErrors,
 * the socket's drops); the caller frees the packet.
 *
 * Context: socket owner.
 * Return: true if charged.
 */
bool pgm_rx_charge(struct sock *sk, struct sk_buff *skb, unsigned int limit)
{
	sock_owned_by_me(sk);
	if ((u64)atomic_read(&sk->sk_rmem_alloc) + skb->truesize > limit ||
	    !sk_rmem_schedule(sk, skb, skb->truesize)) {
		pgm_rx_refused(sk);
		return false;
	}
	skb_set_owner_r(skb, sk);
	return true;
}

/**
 * pgm_rx_charge_bytes() - charge memory that is not a packet (a receive
 *	window's storage) to a session's receive memory
 * @sk: the session
 * @size: bytes
 * @limit: the most sk_rmem_alloc may reach with it
 *
 * Context: socket owner.
 * Return: true if charged; undo with pgm_rx_uncharge_bytes().
 */
bool pgm_rx_charge_bytes(struct sock *sk, unsigned int size,
			 unsigned int limit)
{
	sock_owned_by_me(sk);
	if ((u64)atomic_read(&sk->sk_rmem_alloc) + size > limit ||
	    !__sk_rmem_schedule(sk, size, false)) {
		pgm_rx_refused(sk);
		return false;
	}
	atomic_add(size, &sk->sk_rmem_alloc);
	sk_mem_charge(sk, size);
	return true;
}

/**
 * pgm_rx_uncharge_bytes() - return what pgm_rx_charge_bytes() charged
 * @sk: the session
 * @size: bytes
 *
 * Context: socket owner.
 */
void pgm_rx_uncharge_bytes(struct sock *sk, unsigned int size)
{
	sock_owned_by_me(sk);
	atomic_sub(size, &sk->sk_rmem_alloc);
	sk_mem_uncharge(sk, size);
}

/**
 * pgm_tx_charge() - charge a source's queued payload or window storage to
 *	the protocol (the socket's own limit, sk_sndbuf, is checked by the
 *	caller)
 * @sk: the source
 * @size: bytes
 *
 * Context: socket owner.
 * Return: true if charged; undo with pgm_tx_uncharge().
 */
bool pgm_tx_charge(struct sock *sk, unsigned int size)
{
	sock_owned_by_me(sk);
	if (!sk_wmem_schedule(sk, size))
		return false;
	sk_wmem_queued_add(sk, size);
	sk_mem_charge(sk, size);
	return true;
}

/**
 * pgm_tx_uncharge() - return what pgm_tx_charge() charged
 * @sk: the source
 * @size: bytes
 *
 * Context: socket owner.
 */
void pgm_tx_uncharge(struct sock *sk, unsigned int size)
{
	sock_owned_by_me(sk);
	sk_wmem_queued_add(sk, -(int)size);
	sk_mem_uncharge(sk, size);
}
