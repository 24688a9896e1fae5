// SPDX-License-Identifier: GPL-2.0
/*
 * PGM timers, deferral, and the locking rules of the whole module.
 *
 * LOCKS
 *
 *  - Socket state (roles, windows, timers' targets, counters) belongs to
 *    whoever holds the socket: process context with lock_sock(), or
 *    softirq with bh_lock_sock() when !sock_owned_by_user(). Nothing
 *    else touches it. Lockless readers (poll, /proc, statistics sampled
 *    outside the lock) use READ_ONCE and tolerate staleness.
 *  - Softirq (input, timers) never sleeps and never waits for the user:
 *    a packet for an owned socket goes to its backlog (sk_add_backlog,
 *    drop counted as PgmBacklogDrop), a timer sets a PGM_*_DEFERRED bit
 *    and takes a socket reference. release_sock() replays the backlog
 *    through pgm_backlog_rcv() and then calls pgm_release_cb(), which
 *    runs the deferred timer work, still as owner, under
 *    sk_lock.slock with BH off (so that work must not sleep either).
 *  - Per-namespace lookup tables (demux.c) are rhltables: readers under
 *    RCU, which the input path already holds; a socket found there is
 *    used only after refcount_inc_not_zero(). Sockets are freed after an
 *    RCU grace period (SOCK_RCU_FREE). Writers insert and remove under
 *    the owning socket's lock; pgm_net.lock serialises the creation of
 *    sessions so two CPUs never make two sessions for one source.
 *  - Lock order: rtnl_lock (group joins) before lock_sock; a listener's
 *    lock before its new session's (the session is created locked by
 *    sk_clone_lock() while the listener is held: pgm_queue_rcv() takes
 *    every socket's spinlock with bh_lock_sock_nested() for that, so
 *    lockdep sees two subclasses, as with TCP; a session the listener's
 *    path finds already made is taken as a new one, not nested:
 *    pgm_queue_rcv_session()).
 *  - Transmission (ip_local_out) is allowed in every context above.
 *  - pgm_net.encap_lock (a mutex: the UDP ports of PGM_UDP_ENCAP, udp.c)
 *    is process context only, taken inside lock_sock() by listen() and
 *    connect() and without it by ->destroy(). Softirq only raises the
 *    count of a port a listener already holds (a new session).
 *
 * TIMERS (all embedded in struct pgm_sock; each pending timer holds a
 * socket reference: sk_reset_timer()/sk_stop_timer() for timer_list,
 * sock_hold()/sock_put() around the soft hrtimer)
 *
 *  tx_timer   soft hrtimer, sources: the token bucket has no credit for
 *             the next packet (RDATA first, then ODATA); fires when it
 *             will, transmits what the bucket allows.
 *  spm_timer  sources: the earlier of the next ambient SPM
 *             (spm_ambient after the last SPM) and the next heartbeat SPM
 *             (spm_heartbeat after the last data, doubling while idle up
 *             to spm_ambient) (RFC 3208 3.5, 5).
 *  txw_timer  sources: every window_ms * adv_pct / 100, expire packets
 *             first sent more than window_ms ago (the trailing edge,
 *             RM_SEND_WINDOW_ADV_RATE steps); once a closed source has
 *             sent everything and its trail passed the last sequence,
 *             queue its final release.
 *  rx_timer   sessions: the earliest of the receive window's NAK
 *             deadlines (back-off, NCF wait, repair wait), the SPMR
 *             back-off (data before any SPM) and the session expiry
 *             (no packet for peer_expiry ms).
 *
 * A timer firing while the user owns the socket sets its deferred bit
 * (taking a reference unless already set); pgm_release_cb() clears the
 * bits, runs the work and drops those references.
 *
 * WORK (pgm_wq)
 *
 *  release_work  a closed source whose window drained: its final release.
 *  grow_work     a new session's receive window moves to storage sized
 *                by its receive buffer (GFP_KERNEL), under lock_sock();
 *                holds a socket reference; ->destroy() cancels it or
 *                waits for it first.
 *
 * TEARDOWN (->destroy(), socket.c, process context)
 *
 *  1. Under lock_sock(): the state becomes TCP_CLOSE and the socket
 *     leaves its per-namespace table. From then on every entry point
 *     that runs as owner (input, backlog, timers, release_cb) finds
 *     TCP_CLOSE and does nothing: no new session is made, no packet is
 *     queued into a window, no timer is re-armed (pgm_reset_timer() and
 *     pgm_tx_timer_arm() refuse).
 *  2. Without the lock: pgm_timers_stop() cancels every timer
 *     synchronously, pgm_session_stop() the grow work.
 *  3. Under lock_sock() again: the role's state is freed
 *     (pgm_source_destroy(), pgm_session_destroy(),
 *     pgm_listener_destroy(), which takes the unaccepted sessions off
 *     the queue); a softirq that found the socket before step 1 and
 *     holds a reference waits for the lock and then sees TCP_CLOSE.
 *  4. The unaccepted sessions are closed (pgm_listener_release()), the
 *     UDP ports released; the socket itself is freed after an RCU grace
 *     period (SOCK_RCU_FREE), once the last reference is gone.
 *
 * pgm_timers_stop() is never called from a timer.
 *
 * MEMORY (mem.c)
 *
 *  Every byte a socket keeps is charged, by its owner, to the socket
 *  (sk_rmem_alloc / sk_wmem_queued), to the protocol (memory_allocated,
 *  net.pgm.mem) and to the owner's memory cgroup: received packets with
 *  pgm_rx_charge() (skb_set_owner_r), window storage and FEC copies with
 *  pgm_rx_charge_bytes(), sent payloads with pgm_tx_charge().
 */

#include <net/sock.h>

#include "pgm.h"

static void pgm_run_deferred(struct sock *sk, int bit)
{
	switch (bit) {
	case PGM_TX_DEFERRED:
		pgm_source_push(sk);
		break;
	case PGM_SPM_DEFERRED:
		pgm_source_spm_timeout(sk);
		break;
	case PGM_TXW_DEFERRED:
		pgm_source_txw_timeout(sk);
		break;
	case PGM_RX_DEFERRED:
		pgm_session_timeout(sk);
		break;
	}
}

/* Common body of the timer callbacks: run now, or defer to release_cb. */
static void pgm_timer_fire(struct sock *sk, int bit)
{
	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		pgm_run_deferred(sk, bit);
	else if (!test_and_set_bit(bit, &pgm_sk(sk)->deferred))
		sock_hold(sk);
	bh_unlock_sock(sk);
}

static enum hrtimer_restart pgm_tx_timer(struct hrtimer *t)
{
	struct pgm_sock *ps = container_of(t, struct pgm_sock, tx_timer);
	struct sock *sk = pgm_to_sk(ps);

	pgm_timer_fire(sk, PGM_TX_DEFERRED);
	sock_put(sk);
	return HRTIMER_NORESTART;
}

static void pgm_spm_timer(struct timer_list *t)
{
	struct pgm_sock *ps = from_timer(ps, t, spm_timer);
	struct sock *sk = pgm_to_sk(ps);

	pgm_timer_fire(sk, PGM_SPM_DEFERRED);
	sock_put(sk);
}

static void pgm_txw_timer(struct timer_list *t)
{
	struct pgm_sock *ps = from_timer(ps, t, txw_timer);
	struct sock *sk = pgm_to_sk(ps);

	pgm_timer_fire(sk, PGM_TXW_DEFERRED);
	sock_put(sk);
}

static void pgm_rx_timer(struct timer_list *t)
{
	struct pgm_sock *ps = from_timer(ps, t, rx_timer);
	struct sock *sk = pgm_to_sk(ps);

	pgm_timer_fire(sk, PGM_RX_DEFERRED);
	sock_put(sk);
}

/**
 * pgm_timers_init() - set up the timers of a new socket (or a clone)
 * @sk: the socket
 */
void pgm_timers_init(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);

	hrtimer_init(&ps->tx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	ps->tx_timer.function = pgm_tx_timer;
	timer_setup(&ps->spm_timer, pgm_spm_timer, 0);
	timer_setup(&ps->txw_timer, pgm_txw_timer, 0);
	timer_setup(&ps->rx_timer, pgm_rx_timer, 0);
	ps->deferred = 0;
}

/**
 * pgm_timers_stop() - stop every timer for good
 * @sk: the socket, no longer reachable by input or by new timers
 *
 * Context: process; not from a timer callback.
 */
void pgm_timers_stop(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);

	might_sleep();

	if (hrtimer_cancel(&ps->tx_timer))
		__sock_put(sk);
	sk_stop_timer_sync(sk, &ps->spm_timer);
	sk_stop_timer_sync(sk, &ps->txw_timer);
	sk_stop_timer_sync(sk, &ps->rx_timer);
}

/**
 * pgm_reset_timer() - arm a timer_list for an absolute time
 * @sk: the socket
 * @t: one of its timers
 * @when_ns: monotonic time in ns; 0 stops the timer
 *
 * Context: socket owner.
 */
void pgm_reset_timer(struct sock *sk, struct timer_list *t, u64 when_ns)
{
	u64 now = pgm_now();
	unsigned long delay;

	sock_owned_by_me(sk);

	if (!when_ns) {
		sk_stop_timer(sk, t);
		return;
	}
	/* Closing: pgm_timers_stop() has shut the timers down, or will. */
	if (sk->sk_state == TCP_CLOSE)
		return;
	delay = when_ns > now ? nsecs_to_jiffies(when_ns - now) : 0;
	/* Round up: firing early only re-arms, firing late delays NAKs. */
	sk_reset_timer(sk, t, jiffies + delay + 1);
}

/**
 * pgm_tx_timer_arm() - transmit again after @delay_ns
 * @sk: the socket
 * @delay_ns: nanoseconds
 *
 * Context: socket owner.
 */
void pgm_tx_timer_arm(struct sock *sk, u64 delay_ns)
{
	struct pgm_sock *ps = pgm_sk(sk);

	sock_owned_by_me(sk);

	if (hrtimer_is_queued(&ps->tx_timer) || sk->sk_state == TCP_CLOSE)
		return;
	sock_hold(sk);
	hrtimer_start(&ps->tx_timer, ns_to_ktime(delay_ns),
		      HRTIMER_MODE_REL_SOFT);
}

/**
 * pgm_release_cb() - run timer work deferred while the user held the socket
 * @sk: the socket
 *
 * Context: release_sock(), socket still owned, sk_lock.slock held, BH off.
 */
void pgm_release_cb(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	unsigned long bits = xchg(&ps->deferred, 0);
	int bit;

	lockdep_assert_held(&sk->sk_lock.slock);

	for_each_set_bit(bit, &bits, BITS_PER_LONG) {
		pgm_run_deferred(sk, bit);
		__sock_put(sk);
	}
}
