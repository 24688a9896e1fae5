// SPDX-License-Identifier: GPL-2.0
/*
 * PGM receiver sessions (RFC 3208 section 6): one socket per source,
 * made by a listener (listener.c) and accepted Windows style. A session's
 * receive window (rxw.c) holds what arrived out of order and drives the
 * NAKs for the gaps; contiguous data goes to the receive queue, charged
 * to the session's receive buffer, message by message; recvmsg() reads
 * it. SPMs keep the window's edges and the source's address; NCFs
 * suppress or confirm NAKs; FEC (fec_rx.c) rebuilds lost data from parity.
 */

#include <linux/igmp.h>
#include <linux/sched/mm.h>
#include <net/ip.h>
#include <net/sock.h>
#include <linux/unaligned.h>

#include "pgm.h"
#include "seq.h"
#include "wire.h"

/* Sessions start with a window that atomic context can allocate and grow
 * to one sized by the receive buffer (a slot per 256 bytes of it) from
 * process context.
 */
#define PGM_RXW_MIN	256
#define PGM_RXW_START	1024
#define PGM_RXW_MAX	65536

static struct pgm_session *pgm_sess(const struct sock *sk)
{
	return pgm_sk(sk)->sess;
}

/* recvmsg()'s source address: the sender's unicast address and PGM port. */
static void pgm_msg_name(struct sock *sk, struct msghdr *msg, int *addr_len)
{
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, msg->msg_name);

	if (!sin)
		return;
	sin->sin_family = AF_INET;
	sin->sin_port = inet_sk(sk)->inet_dport;
	sin->sin_addr.s_addr = inet_sk(sk)->inet_daddr;
	memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
	*addr_len = sizeof(*sin);
}

/* Nothing queued: the end of the session (0), its failure (ECONNRESET
 * once, then end of file), or nothing yet.
 */
static int pgm_recv_empty(struct sock *sk)
{
	struct pgm_session *sess = pgm_sk(sk)->sess;

	if (sess->reset && !(sk->sk_shutdown & RCV_SHUTDOWN)) {
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
		return -ECONNRESET;
	}
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		return 0;
	return -EAGAIN;
}

/* Is the message at the head of the queue whole, or enough for @len? */
static bool pgm_msg_ready(struct sock *sk, size_t len)
{
	struct sk_buff *skb;
	size_t queued = 0;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		queued += skb->len - PGM_SKB_CB(skb)->consumed;
		if (PGM_SKB_CB(skb)->flags & PGM_CB_EOR || queued >= len)
			return true;
	}
	return false;
}

/**
 * pgm_recvmsg() - read from a session
 * @sk: the socket
 * @msg: where to
 * @len: room in @msg
 * @flags: MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL (SOCK_STREAM), MSG_TRUNC
 * @addr_len: length of the address written to msg_name
 *
 * Data comes in order, exactly once. SOCK_RDM: one message per call; a
 * message longer than @len takes several calls, and the call that ends
 * the message sets MSG_EOR. SOCK_STREAM: bytes, no boundaries. 0 at the
 * end of the session, -ECONNRESET (once) when it failed, after all the
 * data before the failure.
 *
 * Return: bytes read or a negative errno.
 */
int pgm_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		int *addr_len)
{
	bool rdm = sk->sk_type == SOCK_RDM, peek = flags & MSG_PEEK;
	struct pgm_sock *ps = pgm_sk(sk);
	bool flush = false;
	struct sk_buff *skb, *last = NULL;
	size_t copied = 0, target;
	long timeo;
	int err = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;		/* nothing is ever queued there */

	lock_sock(sk);
	if (ps->role != PGM_ROLE_SESSION) {
		err = ps->role == PGM_ROLE_SOURCE ? -EOPNOTSUPP : -ENOTCONN;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = !rdm && (flags & MSG_WAITALL) ? len : 1;
	pgm_msg_name(sk, msg, addr_len);

	skb = skb_peek(&sk->sk_receive_queue);
	while (copied < len) {
		struct pgm_skb_cb *cb;
		size_t chunk;
		bool eor;

		/* SOCK_RDM: a message is read once it is whole, or once
		 * what is queued of it fills the buffer (MSG_EOR marks the
		 * read that ends it).
		 */
		if (skb && rdm && !copied && !flush && !pgm_msg_ready(sk, len))
			skb = NULL;
		if (!skb) {
			if (copied >= target)
				break;
			err = pgm_recv_empty(sk);
			if (err == -EAGAIN && rdm &&
			    !skb_queue_empty(&sk->sk_receive_queue) &&
			    (sk->sk_shutdown & RCV_SHUTDOWN ||
			     pgm_sk(sk)->sess->reset)) {
				/* The rest of the message will never come. */
				skb = skb_peek(&sk->sk_receive_queue);
				err = 0;
				flush = true;
				continue;
			}
			if (err != -EAGAIN || !timeo)
				break;
			if (signal_pending(current)) {
				err = sock_intr_errno(timeo);
				break;
			}
			err = 0;
			sk_wait_data(sk, &timeo, skb_peek_tail(&sk->sk_receive_queue));
			skb = last ? skb_peek_next(last, &sk->sk_receive_queue) :
				     skb_peek(&sk->sk_receive_queue);
			continue;
		}
		/* Only the head can be partly read: cb->consumed is 0 elsewhere. */
		cb = PGM_SKB_CB(skb);
		chunk = min_t(size_t, skb->len - cb->consumed, len - copied);
		if (skb_copy_datagram_msg(skb, cb->consumed, msg, chunk)) {
			err = -EFAULT;
			break;
		}
		copied += chunk;
		if (cb->consumed + chunk < skb->len) {
			if (!peek)
				cb->consumed += chunk;
			break;
		}
		eor = rdm && (cb->flags & PGM_CB_EOR);
		last = skb;
		skb = skb_peek_next(skb, &sk->sk_receive_queue);
		if (!peek) {
			__skb_unlink(last, &sk->sk_receive_queue);
			kfree_skb(last);
			last = NULL;
		}
		if (eor) {
			msg->msg_flags |= MSG_EOR;
			break;
		}
	}
	if (copied)
		err = copied;
out:
	release_sock(sk);
	return err;
}

static u64 pgm_earliest(u64 a, u64 b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return min(a, b);
}

/* Arm rx_timer for the next thing due, unless it already fires earlier. */
static void pgm_session_rearm(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_session *sess = ps->sess;
	u64 t;

	if (sess->reset)
		return;
	t = pgm_rxw_next_deadline(&sess->rxw);
	if (!sess->spm_seen)
		t = pgm_earliest(t, sess->spmr_due);
	t = pgm_earliest(t, sess->last_heard +
			 (u64)ps->params.peer_expiry * PGM_MS);
	if (sess->timer_at && sess->timer_at <= t &&
	    timer_pending(&ps->rx_timer))
		return;
	sess->timer_at = t;
	pgm_reset_timer(sk, &ps->rx_timer, t);
}

/* The session failed: deliver what came before, then ECONNRESET. The
 * reason (a PGM_MIB_* counter, or 0 for unrecoverable data, counted where
 * found) is counted.
 */
static void pgm_session_reset(struct sock *sk, int reason)
{
	struct pgm_session *sess = pgm_sess(sk);
	void *data;

	if (sess->reset)
		return;
	if (reason)
		PGM_INC_STATS(sock_net(sk), reason);
	sess->reset = true;
	while ((data = pgm_rxw_drain(&sess->rxw)))
		kfree_skb(data);
	PGM_INC_STATS(sock_net(sk), PGM_MIB_RESETS);
	sk->sk_data_ready(sk);
}

static void pgm_session_eof(struct sock *sk)
{
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sk->sk_state_change(sk);
	sk->sk_data_ready(sk);
}

/* Hand in-order data to the receive queue, message by message. */
static void pgm_session_deliver(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_session *sess = ps->sess;
	bool delivered = false;
	struct sk_buff *skb;
	void *data;
	u32 sqn;
	int r;

	while (!sess->reset &&
	       (r = pgm_rxw_pop(&sess->rxw, &data, &sqn)) != PGM_RXW_NONE) {
		struct pgm_skb_cb *cb;

		if (r == PGM_RXW_UNRECOVERABLE) {
			struct pgm_rxw_stats *st = &sess->rxw.stats;

			PGM_INC_STATS(sock_net(sk), PGM_MIB_UNRECOVERABLE);
			PGM_ADD_STATS(sock_net(sk), PGM_MIB_LOSTTRAIL,
				      st->lost_trail);
			PGM_ADD_STATS(sock_net(sk), PGM_MIB_LOSTRETRIES,
				      st->lost - st->lost_trail);
			pgm_session_reset(sk, 0);
			break;
		}
		skb = data;
		cb = PGM_SKB_CB(skb);
		if (sess->apdu_skip) {
			/* We joined in the middle of a message: not ours. */
			if ((cb->flags & PGM_CB_FRAG) && cb->apdu_off) {
				kfree_skb(skb);
				continue;
			}
			sess->apdu_skip = false;
		}
		if (cb->flags & PGM_CB_FRAG) {
			if (!cb->apdu_off) {
				sess->apdu_len = cb->apdu_len;
				sess->apdu_next = 0;
			}
			if (cb->apdu_off != sess->apdu_next ||
			    cb->apdu_len != sess->apdu_len) {
				/* A broken message: the source is at fault. */
				kfree_skb(skb);
				pgm_session_reset(sk, PGM_MIB_INMALFORMED);
				break;
			}
			sess->apdu_next += skb->len;
		}
		ps->rstats.data_bytes_received += skb->len;
		__skb_queue_tail(&sk->sk_receive_queue, skb);
		delivered = true;
	}
	if (delivered)
		sk->sk_data_ready(sk);
	if (sess->fin && !sess->reset &&
	    pgm_seq_after(sess->rxw.commit, sess->fin_lead) &&
	    !(sk->sk_shutdown & RCV_SHUTDOWN))
		pgm_session_eof(sk);
}

static void pgm_session_window_sample(struct pgm_session *sess)
{
	u64 span = pgm_rxw_span(&sess->rxw);

	if (!sess->window_samples || span < sess->window_min)
		sess->window_min = span;
	if (span > sess->window_max)
		sess->window_max = span;
	sess->window_sum += span;
	sess->window_samples++;
}

static void pgm_session_data(struct sock *sk, struct sk_buff *skb,
			     const struct pgm_rx *rx, u64 now,
			     struct sk_buff_head *fecq)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_session *sess = ps->sess;
	struct pgm_rxw *w = &sess->rxw;
	struct net *net = sock_net(sk);
	enum pgm_rx_room room;
	struct pgm_skb_cb *cb;
	int r;

	/* The source's trail never passes the data it sends. */
	if (pgm_seq_after(rx->trail, rx->sqn)) {
		__PGM_INC_STATS(net, PGM_MIB_INMALFORMED);
		kfree_skb(skb);
		return;
	}
	if (rx->decoded) {
		/* counted as PgmFecRecovered */
	} else if (rx->type == PGM_TYPE_ODATA) {
		__PGM_INC_STATS(net, PGM_MIB_INODATA);
		ps->rstats.num_odata_packets_received++;
	} else {
		__PGM_INC_STATS(net, PGM_MIB_INRDATA);
		ps->rstats.num_rdata_packets_received++;
	}

	if (!w->defined) {
		u32 first = rx->sqn;

		/* A receiver that heard the source's SPM before its data was
		 * there since that SPM's lead: it wants what followed (a lost
		 * first packet must not go missing silently). A late joiner
		 * may start as far back as OPT_JOIN allows.
		 */
		if (sess->has_start && !pgm_seq_after(sess->start, first) &&
		    first - sess->start < pgm_rxw_capacity(w) / 2)
			first = sess->start;
		if (rx->has_join && pgm_seq_before(rx->join_min, first) &&
		    first - rx->join_min < pgm_rxw_capacity(w) / 2)
			first = rx->join_min;
		if (pgm_seq_before(first, rx->trail) &&
		    !pgm_seq_after(rx->trail, rx->sqn))
			first = rx->trail;
		pgm_rxw_define(w, first);
		sess->apdu_skip = true;
	}
	pgm_rxw_update_trail(w, rx->trail);

	/* The receive buffer bounds what is held, read or not (mem.c): new
	 * data is refused at the limit; what fills a gap gets a quarter
	 * more, the packet the reader waits for half more.
	 */
	if (pgm_seq_after(rx->sqn, w->lead))
		room = PGM_RX_AHEAD;
	else if (rx->sqn == w->commit)
		room = PGM_RX_HEAD;
	else
		room = PGM_RX_FILL;
	if (!pgm_rx_charge(sk, skb, pgm_rx_limit(sk, room))) {
		kfree_skb(skb);
		return;
	}

	__skb_pull(skb, rx->tsdu_off);
	skb_dst_drop(skb);
	cb = PGM_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->sqn = rx->sqn;
	if (rx->has_frag) {
		cb->flags |= PGM_CB_FRAG;
		cb->apdu_first = rx->frag_first;
		cb->apdu_off = rx->frag_off;
		cb->apdu_len = rx->frag_len;
		if (rx->frag_off + rx->tsdu_len == rx->frag_len)
			cb->flags |= PGM_CB_EOR;
	} else {
		cb->flags |= PGM_CB_EOR;
	}

	r = pgm_rxw_add(w, rx->sqn, skb, now, rx->type == PGM_TYPE_RDATA);
	switch (r) {
	case PGM_RXW_ADDED:
		pgm_session_window_sample(sess);
		pgm_fec_rx_data(sk, skb, rx->sqn, fecq);
		return;
	case PGM_RXW_OVERFLOW:
		kfree_skb(skb);
		pgm_session_reset(sk, PGM_MIB_RESETOVERFLOW);
		return;
	default:
		__PGM_INC_STATS(net, r == PGM_RXW_DUPLICATE ?
				PGM_MIB_INDUPLICATES : PGM_MIB_INBEHIND);
		ps->rstats.num_duplicate_data_packets++;
		kfree_skb(skb);
		return;
	}
}

/* Data FEC rebuilt (fec_rx.c: the TSDU, its sequence and OPT_FRAGMENT
 * in the cb, checked as a received packet's): it goes the way of a
 * repair (RDATA). Rebuilding may let more be rebuilt: @fecq takes it.
 */
static void pgm_session_fec_data(struct sock *sk, struct sk_buff_head *fecq,
				 u64 now)
{
	struct pgm_session *sess = pgm_sess(sk);
	struct sk_buff *skb;

	sock_owned_by_me(sk);

	while ((skb = __skb_dequeue(fecq))) {
		const struct pgm_skb_cb *cb = PGM_SKB_CB(skb);
		struct pgm_rx rx = {
			.type = PGM_TYPE_RDATA,
			.decoded = true,
			.sqn = cb->sqn,
			.has_frag = cb->flags & PGM_CB_FRAG,
			.frag_first = cb->apdu_first,
			.frag_off = cb->apdu_off,
			.frag_len = cb->apdu_len,
			.tsdu_len = skb->len,
		};

		if (sess->reset) {
			kfree_skb(skb);
			continue;
		}
		rx.trail = pgm_seq_after(sess->rxw.trail, rx.sqn) ? rx.sqn :
			   sess->rxw.trail;
		pgm_session_data(sk, skb, &rx, now, fecq);
	}
}

/* A parity packet: FEC keeps it (fec_rx.c). */
static void pgm_session_parity(struct sock *sk, struct sk_buff *skb,
			       const struct pgm_rx *rx,
			       struct sk_buff_head *fecq)
{
	if (rx->type == PGM_TYPE_ODATA)
		pgm_sk(sk)->rstats.num_odata_packets_received++;
	else
		pgm_sk(sk)->rstats.num_rdata_packets_received++;
	pgm_fec_rx_parity(sk, skb, rx, fecq);
}

static void pgm_session_spm(struct sock *sk, const struct pgm_rx *rx, u64 now)
{
	struct pgm_session *sess = pgm_sess(sk);

	__PGM_INC_STATS(sock_net(sk), PGM_MIB_INSPM);
	/* Out-of-sequence SPMs are discarded (RFC 3208 6.1). */
	if (sess->spm_seen && !pgm_seq_after(rx->sqn, sess->spm_sqn))
		return;
	sess->spm_sqn = rx->sqn;
	if (!sess->spm_seen) {
		sess->spm_seen = true;
		sess->spmr_due = 0;
		pgm_rxw_enable_naks(&sess->rxw, now);
	}
	if (rx->rst) {
		pgm_session_reset(sk, PGM_MIB_RESETRST);
		return;
	}
	if (rx->has_parity_prm) {
		pgm_fec_rx_spm(sk, rx->parity_tgs, rx->parity_prm);
		pgm_fec_rx_tgsize(sk, rx->lead, rx->curr_tgsize);
	}
	/* trail 0 and lead 2^31: no window information; a trail past the
	 * lead is no information either.
	 */
	if (!(rx->trail == 0 && rx->lead == 0x80000000) &&
	    !pgm_seq_after(rx->trail, rx->lead + 1)) {
		pgm_rxw_update_trail(&sess->rxw, rx->trail);
		if (pgm_rxw_update_lead(&sess->rxw, rx->lead, now)) {
			pgm_session_reset(sk, PGM_MIB_RESETOVERFLOW);
			return;
		}
	}
	if (rx->fin && !sess->fin) {
		sess->fin = true;
		sess->fin_lead = rx->lead;
	}
}

/**
 * pgm_session_rcv() - a downstream packet for a session
 * @sk: the session
 * @skb: the packet, data at the PGM header; consumed
 *
 * Context: socket owner.
 */
void pgm_session_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_session *sess = ps->sess;
	struct net *net = sock_net(sk);
	struct pgm_rx rxbuf, *rx = &rxbuf;
	struct sk_buff_head fecq;
	unsigned int i;
	__be32 saddr;
	u64 now, beyond;

	sock_owned_by_me(sk);

	if (sk->sk_state == TCP_CLOSE || ps->role != PGM_ROLE_SESSION ||
	    sess->reset)
		goto drop;
	/* A session is its source's: another address may name its TSI,
	 * but not speak for it.
	 */
	saddr = ip_hdr(skb)->saddr;
	if (saddr != inet_sk(sk)->inet_daddr) {
		__PGM_INC_STATS(net, PGM_MIB_INWRONGSOURCE);
		goto drop;
	}
	if (pgm_parse_skb(skb, rx)) {
		__PGM_INC_STATS(net, PGM_MIB_INMALFORMED);
		goto drop;
	}
	now = pgm_now();
	sess->last_heard = now;
	if (rx->type == PGM_TYPE_SPM || pgm_type_is_data(rx->type))
		ps->rstats.total_bytes_received += skb->len;

	switch (rx->type) {
	case PGM_TYPE_SPM:
		/* Its path NLA could send our NAKs anywhere: they go to the
		 * source's address, and an NLA that is not it is ignored.
		 */
		if (rx->nla != saddr)
			__PGM_INC_STATS(net, PGM_MIB_INSPMNLA);
		pgm_session_spm(sk, rx, now);
		break;
	case PGM_TYPE_ODATA:
	case PGM_TYPE_RDATA:
		__skb_queue_head_init(&fecq);
		if (rx->options & PGM_OPT_PARITY)
			pgm_session_parity(sk, skb, rx, &fecq);
		else
			pgm_session_data(sk, skb, rx, now, &fecq);
		pgm_session_fec_data(sk, &fecq, now);
		skb = NULL;
		break;
	case PGM_TYPE_NCF:
		__PGM_INC_STATS(net, PGM_MIB_INNCF);
		beyond = sess->rxw.stats.ncf_beyond;
		for (i = 0; i < rx->n_naks; i++) {
			if (rx->options & PGM_OPT_PARITY)
				pgm_fec_rx_ncf(sk, rx->naks[i], now);
			else
				pgm_rxw_ncf(&sess->rxw, rx->naks[i], now);
		}
		if (sess->rxw.stats.ncf_beyond != beyond)
			__PGM_ADD_STATS(net, PGM_MIB_INNCFBEYONDLEAD,
					sess->rxw.stats.ncf_beyond - beyond);
		break;
	default:
		__PGM_INC_STATS(net, PGM_MIB_INOTHER);
		break;
	}
	pgm_session_deliver(sk);
	pgm_session_rearm(sk);
drop:
	kfree_skb(skb);
}

static void pgm_session_send_naks(struct sock *sk, const u32 *naks,
				  unsigned int n, bool parity)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct net *net = sock_net(sk);
	struct sk_buff *skb;

	if (!n)
		return;
	skb = pgm_build_nak(sk, PGM_TYPE_NAK, ps->dport, ps->tsi.sport,
			    ps->tsi.gsi, naks, n, inet_sk(sk)->inet_daddr,
			    ps->group, parity);
	if (!skb)
		return;
	/* To the source's own address, never to one a packet named. */
	if (!pgm_xmit(sk, skb, 0, inet_sk(sk)->inet_daddr, 0,
		      READ_ONCE(net->ipv4.sysctl_ip_default_ttl), false))
		PGM_INC_STATS(net, parity ? PGM_MIB_OUTPARITYNAK :
				   PGM_MIB_OUTNAK);
	if (parity)
		ps->rstats.total_parity_naks_sent += n;
	else
		ps->rstats.total_selective_naks_sent += n;
}

/* NAKs the window wants: with on-demand parity, one parity NAK for each
 * full group (fec_rx.c sizes it), selective ones for the rest.
 */
static void pgm_session_nak(struct sock *sk, const u32 *naks, unsigned int n)
{
	u32 *par, *sel, sqn, lead = pgm_sess(sk)->rxw.lead;
	unsigned int i, j, np = 0, ns = 0;
	u64 now = pgm_now();
	int cnt;

	if (!pgm_sess(sk)->fec) {
		pgm_session_send_naks(sk, naks, n, false);
		return;
	}
	par = kmalloc_array(2 * n, sizeof(*par), GFP_ATOMIC);
	if (!par)
		return;
	sel = par + n;
	for (i = 0; i < n; i++) {
		cnt = pgm_fec_rx_nak_count(sk, naks[i], lead, now);
		if (cnt < 0)
			continue;
		if (!cnt) {
			sel[ns++] = naks[i];
			continue;
		}
		sqn = pgm_fec_rx_nak_sqn(sk, naks[i], cnt);
		for (j = 0; j < np; j++)
			if (par[j] == sqn)
				break;
		if (j == np)
			par[np++] = sqn;
	}
	pgm_session_send_naks(sk, sel, ns, false);
	pgm_session_send_naks(sk, par, np, true);
	kfree(par);
}

static void pgm_session_send_spmr(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct net *net = sock_net(sk);
	struct sk_buff *skb;

	skb = pgm_build_spmr(sk, ps->dport, ps->tsi.sport, ps->tsi.gsi);
	if (skb && !pgm_xmit(sk, skb, 0, inet_sk(sk)->inet_daddr, 0,
			     READ_ONCE(net->ipv4.sysctl_ip_default_ttl), false))
		PGM_INC_STATS(net, PGM_MIB_OUTSPMR);
}

/**
 * pgm_session_timeout() - NAKs due, SPMR due, session expiry
 * @sk: the session
 *
 * Context: socket owner.
 */
void pgm_session_timeout(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_session *sess = ps->sess;
	unsigned int n, i;
	u32 naks[63];
	u64 now, t;

	sock_owned_by_me(sk);

	if (sk->sk_state == TCP_CLOSE || ps->role != PGM_ROLE_SESSION ||
	    sess->reset)
		return;
	now = pgm_now();
	sess->timer_at = 0;
	/* Bounded work per firing: at most PGM_RXW_TIMER_CALLS NAK packets
	 * (and as many times PGM_RXW_TIMER_WORK slots); what is left is due
	 * at once, and the rearm below fires again at the next jiffy.
	 */
	for (i = 0; i < PGM_RXW_TIMER_CALLS; i++) {
		t = pgm_rxw_timer(&sess->rxw, now, naks, ARRAY_SIZE(naks), &n);
		if (n)
			pgm_session_nak(sk, naks, n);
		if (!t || t > now)
			break;
	}

	pgm_fec_rx_trail(sk, sess->rxw.trail);
	if (!sess->spm_seen && sess->spmr_due && now >= sess->spmr_due) {
		/* A few, further and further apart: the source's ambient SPMs
		 * come anyway, and a forged first packet must not make us
		 * send to the address it claimed for long.
		 */
		pgm_session_send_spmr(sk);
		sess->spmr_due = 0;
		if (++sess->spmrs < PGM_SPMR_MAX)
			sess->spmr_due = now + ((u64)max_t(u32,
				ps->params.spmr_bo_ivl, 1) << sess->spmrs) *
				PGM_MS;
	}
	if (now - sess->last_heard >= (u64)ps->params.peer_expiry * PGM_MS) {
		/* The source went silent. If it had ended the session and all
		 * its data was read, the reader saw the end already; otherwise
		 * data is missing for good.
		 */
		pgm_session_reset(sk, PGM_MIB_RESETEXPIRED);
		return;
	}
	pgm_session_deliver(sk);
	pgm_session_rearm(sk);
}

static struct pgm_rxw_slot *pgm_rxw_alloc(u32 *cap)
{
	struct pgm_rxw_slot *slots;
	u32 n;

	/* Atomic context: settle for a smaller window if memory is tight. */
	for (n = PGM_RXW_START; n >= PGM_RXW_MIN; n /= 2) {
		slots = kmalloc_array(n, sizeof(*slots),
				      GFP_ATOMIC | __GFP_NOWARN);
		if (slots) {
			*cap = n;
			return slots;
		}
	}
	return NULL;
}

static u32 pgm_rxw_target(const struct sock *sk)
{
	return roundup_pow_of_two(clamp_t(u32, READ_ONCE(sk->sk_rcvbuf) / 256,
					  PGM_RXW_START, PGM_RXW_MAX));
}

static unsigned int pgm_rxw_bytes(u32 cap)
{
	return cap * sizeof(struct pgm_rxw_slot);
}

/* Process context: move the window to storage sized by the receive buffer
 * (charged to it like the packets, and to the listener's memory cgroup).
 * The work holds a socket reference; a closing session cancels it or
 * waits for it before freeing the window (pgm_session_stop()).
 */
static void pgm_session_grow(struct work_struct *work)
{
	struct pgm_sock *ps = container_of(work, struct pgm_sock, grow_work);
	struct sock *sk = pgm_to_sk(ps);
	struct pgm_rxw_slot *slots, *old = NULL;
	struct mem_cgroup *memcg;
	struct pgm_session *sess;
	u32 cap = pgm_rxw_target(sk), was;

	memcg = set_active_memcg(sk->sk_memcg);
	slots = kvmalloc_array(cap, sizeof(*slots), GFP_KERNEL_ACCOUNT);
	set_active_memcg(memcg);
	lock_sock(sk);
	sess = pgm_sess(sk);
	if (slots && sess && sk->sk_state != TCP_CLOSE && !sess->reset &&
	    cap > pgm_rxw_capacity(&sess->rxw) &&
	    pgm_rx_charge_bytes(sk, pgm_rxw_bytes(cap),
				pgm_rx_limit(sk, PGM_RX_FILL))) {
		was = pgm_rxw_capacity(&sess->rxw);
		old = pgm_rxw_resize(&sess->rxw, slots, cap);
		sess->slots = slots;
		slots = NULL;
		pgm_rx_uncharge_bytes(sk, pgm_rxw_bytes(was));
	}
	release_sock(sk);
	kvfree(slots);
	kvfree(old);
	sock_put(sk);
}

/**
 * pgm_session_init() - give a socket cloned from a listener its session
 * @sk: the new socket, locked, its TSI and source address (inet_daddr) set
 * @group: the listener's group, joined again by the session once accepted
 * @ifaddrs: the listener's receive interfaces
 * @n_ifaddrs: entries in @ifaddrs
 * @spm: the SPM the listener heard of the source before its data, or NULL
 *
 * Context: softirq, the listener's owner; atomic allocations.
 * Return: 0 or -ENOMEM (nothing to undo then).
 */
int pgm_session_init(struct sock *sk, __be32 group, const __be32 *ifaddrs,
		     unsigned int n_ifaddrs, const struct pgm_spm_seen *spm)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_rxw_params rp;
	struct pgm_session *sess;
	u32 cap;

	sock_owned_by_me(sk);

	INIT_WORK(&ps->grow_work, pgm_session_grow);
	sess = kzalloc(sizeof(*sess), GFP_ATOMIC);
	if (!sess)
		return -ENOMEM;
	sess->slots = pgm_rxw_alloc(&cap);
	if (!sess->slots ||
	    !pgm_rx_charge_bytes(sk, pgm_rxw_bytes(cap),
				 pgm_rx_limit(sk, PGM_RX_FILL))) {
		kfree(sess->slots);
		kfree(sess);
		return -ENOMEM;
	}
	sess->sk = sk;
	sess->group = group;
	memcpy(sess->ifaddrs, ifaddrs, sizeof(sess->ifaddrs));
	sess->n_ifaddrs = n_ifaddrs;
	sess->started = pgm_now();
	sess->last_heard = sess->started;
	INIT_LIST_HEAD(&sess->accept_node);
	rp.nak_bo_ivl = (u64)ps->params.nak_bo_ivl * PGM_MS;
	rp.nak_rpt_ivl = (u64)ps->params.nak_rpt_ivl * PGM_MS;
	rp.nak_rdata_ivl = (u64)ps->params.nak_rdata_ivl * PGM_MS;
	rp.nak_ncf_retries = min_t(u32, ps->params.nak_ncf_retries, 255);
	rp.nak_data_retries = min_t(u32, ps->params.nak_data_retries, 255);
	pgm_rxw_init(&sess->rxw, sess->slots, cap, &rp, get_random_u64());
	ps->sess = sess;

	if (spm) {
		/* The receiver was there since that SPM: the session starts
		 * right after the lead it gave, and may NAK at once.
		 */
		sess->has_start = true;
		sess->start = spm->lead + 1;
		sess->spm_seen = true;
		sess->spm_sqn = spm->spm_sqn;
		pgm_rxw_enable_naks(&sess->rxw, sess->started);
		if (spm->parity_tgs)
			pgm_fec_rx_spm(sk, spm->parity_tgs, spm->parity_prm);
	} else {
		/* Data before any SPM: ask for one after a random back-off. */
		sess->spmr_due = sess->started + 1 +
			get_random_u32_below(max_t(u32, ps->params.spmr_bo_ivl,
						   1)) * PGM_MS;
	}
	return 0;
}

/**
 * pgm_session_start() - a new session was hashed: grow its window
 * @sk: the session, locked
 *
 * The window starts small (atomic allocation) and moves to storage sized
 * by the receive buffer from process context.
 */
void pgm_session_start(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);

	if (pgm_rxw_target(sk) > pgm_rxw_capacity(&ps->sess->rxw)) {
		sock_hold(sk);
		queue_work(pgm_wq, &ps->grow_work);
	}
}

static void pgm_session_free(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_session *sess = ps->sess;
	void *data;

	while ((data = pgm_rxw_drain(&sess->rxw)))
		kfree_skb(data);
	ps->sess = NULL;
	pgm_fec_rx_free(sess);
	pgm_rx_uncharge_bytes(sk, pgm_rxw_bytes(pgm_rxw_capacity(&sess->rxw)));
	kvfree(sess->slots);
	kfree(sess);
}

/**
 * pgm_session_discard() - free the state of a session never started
 * @sk: the new socket, locked, not hashed (pgm_session_start() not called)
 *
 * Context: softirq, the listener's owner.
 */
void pgm_session_discard(struct sock *sk)
{
	sock_owned_by_me(sk);

	if (pgm_sess(sk))
		pgm_session_free(sk);
}

/**
 * pgm_session_stop() - stop a closing session's work
 * @sk: the session, TCP_CLOSE
 *
 * The window's growth work swaps the storage under the socket lock: wait
 * for it (or cancel it) before the storage is freed.
 *
 * Context: process, socket not locked.
 */
void pgm_session_stop(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);

	might_sleep();

	if (ps->sess && cancel_work_sync(&ps->grow_work))
		sock_put(sk);	/* the reference the work would have dropped */
}

/**
 * pgm_session_destroy() - free a session's state
 * @sk: the session, unhashed, TCP_CLOSE, timers and work stopped
 *
 * Context: socket owner, process context.
 */
void pgm_session_destroy(struct sock *sk)
{
	might_sleep();
	sock_owned_by_me(sk);

	sock_owned_by_me(sk);
	if (pgm_sess(sk))
		pgm_session_free(sk);
}

/**
 * pgm_receiver_stats() - RM_RECEIVER_STATISTICS
 * @sk: a session, locked
 * @st: filled in
 */
void pgm_receiver_stats(struct sock *sk, struct rm_receiver_stats *st)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_session *sess = ps->sess;
	u64 elapsed;

	*st = ps->rstats;
	if (!sess)
		return;
	st->trailing_edge_seq_id = sess->rxw.trail;
	st->leading_edge_seq_id = sess->rxw.lead;
	st->min_sequences_in_window = sess->window_min;
	st->max_sequences_in_window = sess->window_max;
	if (sess->window_samples)
		st->average_sequences_in_window =
			div64_u64(sess->window_sum, sess->window_samples);
	st->first_nak_sequence_number = pgm_rxw_first_pending(&sess->rxw);
	st->num_pending_naks = pgm_rxw_pending(&sess->rxw);
	st->num_outstanding_naks = sess->rxw.wait_data.len;
	st->num_data_packets_buffered = sess->rxw.held.len +
					skb_queue_len(&sk->sk_receive_queue);
	elapsed = pgm_now() - sess->started;
	if (elapsed)
		st->rate_kbits_per_sec_overall =
			mul_u64_u64_div_u64(ps->rstats.total_bytes_received,
					    8 * 1000000ULL, elapsed);
	st->rate_kbits_per_sec_last = st->rate_kbits_per_sec_overall;
}
