// SPDX-License-Identifier: GPL-2.0
/*
 * PGM sources (RFC 3208 section 5): connect() starts a session, send()
 * numbers the data into the transmit window, the transmit engine paces
 * ODATA and RDATA through one token bucket, NAKs for what it sent and
 * still holds get an NCF at once and a repair (each at most once per
 * repair interval and sequence), SPMs go out as ambient and heartbeat,
 * and a closed source keeps serving repairs until its window has drained.
 *
 * RM_SENDER_STATISTICS counts a packet when it leaves (pgm_xmit() took
 * it), in the same place as /proc/net/pgm/snmp's PgmOut* counters: a
 * snapshot describes one moment.
 */

#include <linux/inetdevice.h>
#include <linux/random.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>

#include "pgm.h"
#include "seq.h"
#include "wire.h"

/* Headers on the wire besides the payload: IPv4 (+RA) and PGM (+options). */
#define PGM_TSDU_RESERVE	100

static struct pgm_source *pgm_src(const struct sock *sk)
{
	return pgm_sk(sk)->src;
}

static bool pgm_source_dead(const struct sock *sk)
{
	return sk->sk_state == TCP_CLOSE || !pgm_src(sk);
}

/* A payload leaves the transmit window: its protocol charge goes back
 * (the socket's, sk_wmem_alloc, with the skb).
 */
static void pgm_payload_free(struct sock *sk, struct sk_buff *skb)
{
	pgm_tx_uncharge(sk, skb->truesize);
	kfree_skb(skb);
}

/* Payload bytes a source may still queue, within its buffer and window. */
static bool pgm_room(const struct sock *sk, size_t bytes)
{
	const struct pgm_source *src = pgm_src(sk);
	u32 n = DIV_ROUND_UP(bytes, src->tsdu_max);
	u64 need = bytes + (u64)n * (SKB_TRUESIZE(0) + pgm_headroom());

	if (src->txw.mask + 1 - pgm_txw_len(&src->txw) < n)
		return false;
	return sk_wmem_alloc_get(sk) + need <= READ_ONCE(sk->sk_sndbuf);
}

/**
 * pgm_source_writable() - may a send() proceed without blocking?
 * @sk: the socket
 *
 * Context: any; lockless (poll, write_space), tolerates staleness.
 * Return: true if a source has room for a full packet.
 */
bool pgm_source_writable(const struct sock *sk)
{
	const struct pgm_sock *ps = pgm_sk(sk);

	if (READ_ONCE(ps->role) != PGM_ROLE_SOURCE || !READ_ONCE(ps->src))
		return false;
	return pgm_room(sk, ps->src->tsdu_max);
}

static u8 pgm_src_ttl(const struct sock *sk)
{
	return pgm_sk(sk)->params.ttl;
}

/* Send an SPM now: ambient, heartbeat, answer to an SPMR, FIN or RST. */
static void pgm_send_spm(struct sock *sk, u64 now)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_source *src = ps->src;
	struct sk_buff *skb;
	unsigned int len;

	skb = pgm_build_spm(sk, src->spm_sqn++, src->txw.trail,
			    pgm_txw_lead(&src->txw), src->src_addr,
			    src->fin_sent, src->rst);
	if (!skb)
		return;
	src->last_spm = now;
	len = skb->len;
	if (pgm_rate_has(&src->rate, len + 24))
		pgm_rate_spend(&src->rate, len + 24);
	if (pgm_xmit(sk, skb, src->src_addr, ps->group, src->oif,
		     pgm_src_ttl(sk), true))
		return;
	ps->sstats.total_bytes_sent += len;
	PGM_INC_STATS(sock_net(sk), PGM_MIB_OUTSPM);
}

/* Data went out: heartbeats start again from the shortest interval. */
static void pgm_heartbeat_reset(struct pgm_source *src, u64 now,
				const struct pgm_params *p)
{
	src->hb_ivl = (u64)p->spm_heartbeat * PGM_MS;
	src->hb_next = now + src->hb_ivl;
}

/* Once everything is sent, a closing source says so (RFC 3208 5.x, OPT_FIN). */
static void pgm_maybe_fin(struct sock *sk, u64 now)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_source *src = ps->src;

	if (!src->fin || src->fin_sent || pgm_txw_has_unsent(&src->txw))
		return;
	/* The last group's parity, then the end (its SPM says the size). */
	if (src->fec) {
		pgm_fec_tx_close(sk);
		pgm_tx_timer_arm(sk, 0);
	}
	src->fin_sent = true;
	pgm_send_spm(sk, now);
	pgm_heartbeat_reset(src, now, &ps->params);
	pgm_reset_timer(sk, &ps->spm_timer, src->hb_next);
}

/* kbit/s of @bytes over @ns (no overflow for any byte count). */
static u64 pgm_kbps(u64 bytes, u64 ns)
{
	return ns ? mul_u64_u64_div_u64(bytes, 8 * 1000000ULL, ns) : 0;
}

/* The send rate of the last second or more: sampled as packets go out,
 * by the SPM timer and by RM_SENDER_STATISTICS, so that an idle source
 * does not keep reporting the rate of its last burst.
 */
static void pgm_rate_sample(struct pgm_sock *ps, u64 now)
{
	struct pgm_source *src = ps->src;
	u64 dt = now - src->rate_mark;

	if (dt < NSEC_PER_SEC)
		return;
	src->rate_last = pgm_kbps(ps->sstats.total_bytes_sent -
				  src->bytes_rate_mark, dt);
	src->bytes_rate_mark = ps->sstats.total_bytes_sent;
	src->rate_mark = now;
}

/* One parity packet, if one is due and the rate allows: 1 sent, 0 none
 * due, -1 the pacing timer will call again.
 */
static int pgm_source_push_parity(struct sock *sk, u64 now)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_source *src = ps->src;
	unsigned int wire, len;
	struct sk_buff *pkt;
	u8 type;

	pkt = pgm_fec_tx_peek(sk, &type);
	if (!pkt)
		return 0;
	wire = (type == PGM_TYPE_RDATA ? 24 : 20) + pkt->len;
	if (!pgm_rate_has(&src->rate, wire)) {
		u64 delay = pgm_rate_delay(&src->rate, wire,
					   pgm_now_precise());

		if (delay) {
			pgm_tx_timer_arm(sk, delay);
			return -1;
		}
	}
	pkt = pgm_fec_tx_sent(sk);
	pgm_rate_spend(&src->rate, wire);
	len = pkt->len;
	if (!pgm_xmit(sk, pkt, src->src_addr, ps->group, src->oif,
		      pgm_src_ttl(sk), type == PGM_TYPE_RDATA)) {
		ps->sstats.total_bytes_sent += len;
		if (type == PGM_TYPE_RDATA)
			ps->sstats.repair_packets_sent++;
		PGM_INC_STATS(sock_net(sk), type == PGM_TYPE_RDATA ?
			      PGM_MIB_OUTPARITYRDATA : PGM_MIB_OUTPARITYODATA);
	}
	pgm_heartbeat_reset(src, now, &ps->params);
	return 1;
}

/* A data packet of @len PGM bytes, @tsdu of them payload, left. */
static void pgm_count_data(struct pgm_sock *ps, struct net *net, u8 type,
			   u32 len, u32 tsdu)
{
	ps->sstats.total_bytes_sent += len;
	if (type == PGM_TYPE_RDATA) {
		ps->sstats.repair_packets_sent++;
		PGM_INC_STATS(net, PGM_MIB_OUTRDATA);
	} else {
		ps->sstats.data_bytes_sent += tsdu;
		ps->sstats.total_odata_packets_sent++;
		PGM_INC_STATS(net, PGM_MIB_OUTODATA);
	}
}

/**
 * pgm_source_push() - transmit what the token bucket allows
 * @sk: a source
 *
 * Repairs go first, then new data. When the bucket is empty the pacing
 * timer takes over; a burst is bounded so that softirq time stays short.
 *
 * Context: socket owner (process, softirq or release_cb).
 */
void pgm_source_push(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_source *src;
	struct net *net = sock_net(sk);
	int budget = 64;
	u64 now;

	sock_owned_by_me(sk);

	if (pgm_source_dead(sk) || ps->role != PGM_ROLE_SOURCE)
		return;
	src = ps->src;
	now = pgm_now();
	while (budget--) {
		struct pgm_data_opts opts = {};
		u32 sqn, wire, len, tsdu;
		struct sk_buff *skb, *pkt;
		u8 type = PGM_TYPE_RDATA;

		skb = pgm_txw_peek_rtx(&src->txw, &sqn);
		if (!skb && src->fec) {
			int r = pgm_source_push_parity(sk, now);

			if (r < 0)
				return;
			if (r > 0)
				continue;
		}
		if (!skb) {
			type = PGM_TYPE_ODATA;
			skb = pgm_txw_peek_odata(&src->txw, &sqn);
		}
		if (!skb)
			break;

		opts.frag = PGM_SKB_CB(skb)->flags & PGM_CB_FRAG;
		opts.syn = sqn == src->started_sqn;
		if (ps->params.latejoin_pct && type == PGM_TYPE_ODATA) {
			u32 span = sqn - src->txw.trail;

			opts.join = true;
			opts.join_min = sqn - (u32)div_u64((u64)span *
					ps->params.latejoin_pct, 100);
		}
		wire = (type == PGM_TYPE_RDATA ? 24 : 20) +
		       pgm_data_hdr_len(&opts) + skb->len;
		/* Refill (and read the precise clock) only when short. */
		if (!pgm_rate_has(&src->rate, wire)) {
			u64 delay = pgm_rate_delay(&src->rate, wire,
						   pgm_now_precise());

			if (delay) {
				pgm_tx_timer_arm(sk, delay);
				return;
			}
		}
		pkt = pgm_build_data(sk, skb, type, sqn, src->txw.trail, &opts);
		if (!pkt) {
			/* Out of memory: try again shortly. */
			pgm_tx_timer_arm(sk, PGM_MS);
			return;
		}
		pgm_rate_spend(&src->rate, wire);
		/* The payload's length now: a stream's packet grew until
		 * it went out, never after.
		 */
		tsdu = skb->len;
		if (type == PGM_TYPE_RDATA) {
			pgm_txw_rtx_sent(&src->txw, now);
		} else {
			pgm_txw_odata_sent(&src->txw, now);
			pgm_fec_tx_odata_sent(sk, sqn);
		}
		len = pkt->len;
		if (!pgm_xmit(sk, pkt, src->src_addr, ps->group, src->oif,
			      pgm_src_ttl(sk), type == PGM_TYPE_RDATA))
			pgm_count_data(ps, net, type, len, tsdu);
		pgm_heartbeat_reset(src, now, &ps->params);
	}
	if (budget < 0)
		pgm_tx_timer_arm(sk, 0);
	pgm_rate_sample(ps, now);
	pgm_maybe_fin(sk, now);
}

/* ----- connect ----- */

static u32 pgm_txw_capacity(u32 window_bytes)
{
	u32 n = clamp_t(u32, window_bytes / 512, 1024, 1 << 18);

	return roundup_pow_of_two(n);
}

/* Route to the group: the source address (our NLA) and the path MTU. */
static int pgm_source_route(struct sock *sk, __be32 group, u32 *mtu)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_source *src = ps->src;
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	__be32 saddr = ps->params.send_ifaddr;
	struct flowi4 fl4;
	struct rtable *rt;

	if (saddr) {
		struct net_device *dev;

		rcu_read_lock();
		dev = __ip_dev_find(net, saddr, false);
		src->oif = dev ? dev->ifindex : 0;
		rcu_read_unlock();
		if (!src->oif)
			return -EADDRNOTAVAIL;
	} else {
		src->oif = inet->mc_index ?: sk->sk_bound_dev_if;
		saddr = inet->mc_addr;
	}
	rt = ip_route_output_ports(net, &fl4, sk, group, saddr, 0, 0,
				   IPPROTO_PGM, RT_TOS(inet->tos), src->oif);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	/* Routing picks no source of link scope on lo: take a host one. */
	src->src_addr = fl4.saddr ?: inet_select_addr(rt->dst.dev, 0,
						       RT_SCOPE_HOST);
	*mtu = dst_mtu(&rt->dst);
	if (!src->oif)
		src->oif = rt->dst.dev->ifindex;
	ip_rt_put(rt);
	return src->src_addr ? 0 : -EADDRNOTAVAIL;
}

/* A send buffer for the window: twice its bytes and some, up to
 * net.pgm.wmem_max (the protocol's own maximum, as net.ipv4.tcp_wmem's
 * for TCP; SO_SNDBUF stays within net.core.wmem_max).
 */
static void pgm_source_sndbuf(struct sock *sk)
{
	u64 buf = 2ULL * pgm_sk(sk)->params.window_bytes + (256 << 10);
	u32 max = READ_ONCE(pgm_net(sock_net(sk))->sysctl.wmem_max);

	if (!(sk->sk_userlocks & SOCK_SNDBUF_LOCK))
		WRITE_ONCE(sk->sk_sndbuf, min_t(u64, buf, max));
}

/**
 * pgm_source_connect() - start a session to a group and port
 * @sk: the socket, locked, not yet connected
 * @group: multicast group
 * @port: destination port (the session's port)
 *
 * Picks the TSI (a random GSI and source port), sizes the transmit window
 * and sends the first SPM.
 *
 * Return: 0 or a negative errno.
 */
int pgm_source_connect(struct sock *sk, __be32 group, __be16 port)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct pgm_params *p = &ps->params;
	struct pgm_source *src;
	struct pgm_txw_slot *slots;
	u32 cap, mtu, first;
	int err, tries;
	u64 now;

	src = kzalloc(sizeof(*src), GFP_KERNEL);
	if (!src)
		return -ENOMEM;
	cap = pgm_txw_capacity(p->window_bytes);
	/* The window's storage is the socket's memory, and its owner's. */
	slots = kvcalloc(cap, sizeof(*slots), GFP_KERNEL_ACCOUNT);
	if (!slots || !pgm_tx_charge(sk, cap * sizeof(*slots))) {
		kvfree(slots);
		kfree(src);
		return -ENOBUFS;
	}
	ps->src = src;
	src->slots = slots;
	src->slots_bytes = cap * sizeof(*slots);
	err = pgm_source_route(sk, group, &mtu);
	if (err)
		goto err_free;
	src->tsdu_max = max_t(u32, mtu, 576) - PGM_TSDU_RESERVE;
	if (p->udp_mcast)
		src->tsdu_max -= sizeof(struct udphdr);
	if (p->fec.n) {
		err = pgm_fec_tx_init(sk, src->tsdu_max, cap);
		if (err)
			goto err_free;
	}

	first = get_random_u32();
	/* With FEC the first transmission group is a whole one. */
	if (p->fec.n)
		first = pgm_fec_tg(&p->fec, first);
	pgm_txw_init(&src->txw, slots, cap, first);
	src->started_sqn = first;
	now = pgm_now();
	/* A small bucket: a few packets, or 2 ms at the rate. */
	pgm_rate_init(&src->rate, (u64)p->rate_kbps * 1000 / 8,
		      max_t(u64, 4 * mtu, (u64)p->rate_kbps * 2 / 8),
		      pgm_now_precise());
	src->started = now;
	src->rate_mark = now;

	err = pgm_encap_start(sk);
	if (err)
		goto err_free;
	ps->group = group;
	ps->dport = port;
	ps->role = PGM_ROLE_SOURCE;
	for (tries = 0; tries < 16; tries++) {
		get_random_bytes(ps->tsi.gsi, sizeof(ps->tsi.gsi));
		ps->tsi.sport = htons(1024 + get_random_u32_below(64512));
		err = pgm_hash_source(sk);
		if (err != -EADDRINUSE)
			break;
	}
	if (err)
		goto err_role;

	inet->inet_daddr = group;
	inet->inet_dport = port;
	if (!inet->inet_saddr)
		inet->inet_saddr = src->src_addr;
	inet->inet_sport = ps->tsi.sport;
	inet->inet_num = ntohs(ps->tsi.sport);
	pgm_source_sndbuf(sk);
	/* The window frees packets in batches and wakes writers once. */
	sock_set_flag(sk, SOCK_USE_WRITE_QUEUE);
	inet_sk_set_state(sk, TCP_ESTABLISHED);

	/* Two SPMs ahead of the data: receivers that hear one start at the
	 * first packet even if they miss it (OpenPGM sends three).
	 */
	pgm_send_spm(sk, now);
	pgm_send_spm(sk, now);
	pgm_heartbeat_reset(src, now, p);
	pgm_reset_timer(sk, &ps->spm_timer, src->hb_next);
	pgm_reset_timer(sk, &ps->txw_timer, now + PGM_MS *
			max_t(u64, div_u64((u64)p->window_ms * p->adv_pct, 100),
			      1));
	return 0;

err_role:
	ps->role = PGM_ROLE_NONE;
	ps->group = 0;
	ps->dport = 0;
	memset(&ps->tsi, 0, sizeof(ps->tsi));
	pgm_encap_stop(sk);
err_free:
	pgm_fec_tx_free(src);
	ps->src = NULL;
	pgm_tx_uncharge(sk, src->slots_bytes);
	kvfree(slots);
	kfree(src);
	return err;
}

/**
 * pgm_source_params_changed() - RM_RATE_WINDOW_SIZE on a running source
 * @sk: the source, locked
 */
void pgm_source_params_changed(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_source *src = ps->src;

	pgm_rate_init(&src->rate, (u64)ps->params.rate_kbps * 1000 / 8,
		      src->rate.burst, pgm_now_precise());
	pgm_source_sndbuf(sk);
	sk->sk_write_space(sk);
}

/* ----- send ----- */

/* Wait for room for @bytes. Once part of a message is queued the rest
 * must follow (@must), or receivers would wait for it forever: only a
 * fatal signal or a socket error stops that wait.
 */
static int pgm_wait_room(struct sock *sk, long *timeo, size_t bytes, bool must)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long forever = MAX_SCHEDULE_TIMEOUT;
	int err = 0;

	if (must)
		timeo = &forever;
	add_wait_queue(sk_sleep(sk), &wait);
	while (!pgm_room(sk, bytes)) {
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if (sk->sk_shutdown & SEND_SHUTDOWN) {
			err = -EPIPE;
			break;
		}
		if (!*timeo) {
			err = -EAGAIN;
			break;
		}
		if (must ? fatal_signal_pending(current) :
			   signal_pending(current)) {
			err = sock_intr_errno(*timeo);
			break;
		}
		sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
		sk_wait_event(sk, timeo, pgm_room(sk, bytes) || sk->sk_err ||
			      (sk->sk_shutdown & SEND_SHUTDOWN), &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}

/* The protocol's memory (net.pgm.mem) or the system's is short: wait a
 * little, as TCP does, then try again (nothing wakes us when it frees).
 * Only a fatal signal or a socket error stops a wait that must finish a
 * message (@must).
 */
static int pgm_wait_mem(struct sock *sk, long *timeo, bool must)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long t = HZ / 5;

	if (must ? fatal_signal_pending(current) : signal_pending(current))
		return sock_intr_errno(*timeo);
	if (!must)
		t = min(t, *timeo);
	add_wait_queue(sk_sleep(sk), &wait);
	sk_wait_event(sk, &t, sk->sk_err ||
		      (sk->sk_shutdown & SEND_SHUTDOWN), &wait);
	remove_wait_queue(sk_sleep(sk), &wait);
	if (!must && *timeo != MAX_SCHEDULE_TIMEOUT)
		*timeo = max(*timeo - (HZ / 5 - t), 0L);
	if (sk->sk_err)
		return sock_error(sk);
	if (sk->sk_shutdown & SEND_SHUTDOWN)
		return -EPIPE;
	return 0;
}

/* A payload packet of @len bytes copied from @msg, charged to the socket. */
static struct sk_buff *pgm_alloc_payload(struct sock *sk, struct msghdr *msg,
					 size_t len, size_t room, int *err)
{
	struct sk_buff *skb;
	__wsum csum = 0;

	skb = alloc_skb(pgm_headroom() + room, sk->sk_allocation);
	if (!skb) {
		*err = -ENOBUFS;
		return NULL;
	}
	if (!pgm_tx_charge(sk, skb->truesize)) {
		kfree_skb(skb);
		*err = -ENOBUFS;
		return NULL;
	}
	skb_reserve(skb, pgm_headroom());
	skb_set_owner_w(skb, sk);
	if (!csum_and_copy_from_iter_full(skb_put(skb, len), len, &csum,
					  &msg->msg_iter)) {
		pgm_payload_free(sk, skb);
		*err = -EFAULT;
		return NULL;
	}
	skb->csum = csum;
	/* Transmissions are clones that write their headers in front. */
	__skb_header_release(skb);
	memset(PGM_SKB_CB(skb), 0, sizeof(struct pgm_skb_cb));
	return skb;
}

/**
 * pgm_source_sendmsg() - queue data on a source
 * @sk: the source
 * @msg: the data
 * @len: its length
 *
 * SOCK_RDM: @len bytes are one message (or part of the message announced
 * by RM_SET_MESSAGE_BOUNDARY), fragmented with OPT_FRAGMENT when longer
 * than a packet. A non-blocking send queues the whole message or nothing
 * (EAGAIN; EMSGSIZE if it could never fit). SOCK_STREAM: bytes; small
 * sends fill the last packet not yet sent.
 *
 * Return: bytes queued or a negative errno.
 */
int pgm_source_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct pgm_sock *ps = pgm_sk(sk);
	bool rdm = sk->sk_type == SOCK_RDM;
	struct pgm_source *src;
	size_t copied = 0;
	long timeo;
	int err = 0;

	if (!len)
		return 0;
	if (len > INT_MAX)
		return -EMSGSIZE;

	lock_sock(sk);
	src = ps->src;
	if (sk->sk_shutdown & SEND_SHUTDOWN || ps->role != PGM_ROLE_SOURCE) {
		err = sk_stream_error(sk, msg->msg_flags, -EPIPE);
		goto out;
	}
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);

	if (rdm) {
		if (src->boundary_left && len > src->boundary_left) {
			err = -EMSGSIZE;
			goto out;
		}
		/* Whole messages if they fit the buffer, else piece by piece. */
		if (len <= READ_ONCE(sk->sk_sndbuf) / 2) {
			err = pgm_wait_room(sk, &timeo, len, false);
			if (err)
				goto out;
		} else if (!timeo) {
			err = -EMSGSIZE;
			goto out;
		}
		if (!src->apdu_len) {
			/* A new message: its length and first sequence. */
			src->apdu_len = src->boundary_left ?: len;
			src->apdu_first = src->txw.next;
			src->apdu_off = 0;
		}
	}

	while (copied < len) {
		size_t chunk = min_t(size_t, len - copied, src->tsdu_max);
		struct pgm_skb_cb *cb;
		struct sk_buff *skb;
		u32 sqn;

		if (!pgm_room(sk, rdm ? chunk : 1)) {
			/* Send what the rate allows, then wait for room. */
			pgm_source_push(sk);
			err = pgm_wait_room(sk, &timeo, rdm ? chunk : 1,
					    rdm && copied);
			if (err)
				break;
		}
		skb = rdm ? NULL : pgm_txw_peek_unsent_tail(&src->txw, &sqn);
		if (skb && skb->len < src->tsdu_max && !skb_cloned(skb) &&
		    skb_tailroom(skb) >= min_t(size_t, chunk,
					       src->tsdu_max - skb->len)) {
			__wsum csum = 0;

			chunk = min_t(size_t, chunk, src->tsdu_max - skb->len);
			if (!csum_and_copy_from_iter_full(skb_put(skb, chunk),
							  chunk, &csum,
							  &msg->msg_iter)) {
				skb_trim(skb, skb->len - chunk);
				err = -EFAULT;
				break;
			}
			skb->csum = csum_block_add(skb->csum, csum,
						   skb->len - chunk);
			pgm_txw_grow_tail(&src->txw, chunk);
			copied += chunk;
			continue;
		}
		if (!rdm)
			chunk = min_t(size_t, len - copied, src->tsdu_max);
		/* A stream's packet has room for later small writes. */
		skb = pgm_alloc_payload(sk, msg, chunk,
					rdm ? chunk : src->tsdu_max, &err);
		if (!skb) {
			/* Memory is short: part of a message queued must be
			 * followed by the rest (receivers wait for it).
			 */
			if (err == -ENOBUFS && (timeo || (rdm && copied))) {
				err = pgm_wait_mem(sk, &timeo, rdm && copied);
				if (!err)
					continue;
			}
			break;
		}
		cb = PGM_SKB_CB(skb);
		if (rdm) {
			if (src->apdu_len > src->tsdu_max ||
			    src->apdu_len != len) {
				cb->flags |= PGM_CB_FRAG;
				cb->apdu_first = src->apdu_first;
				cb->apdu_off = src->apdu_off;
				cb->apdu_len = src->apdu_len;
			}
			src->apdu_off += chunk;
			if (src->apdu_off == src->apdu_len) {
				cb->flags |= PGM_CB_EOR;
				src->apdu_len = 0;
			}
		}
		WARN_ON_ONCE(pgm_txw_append(&src->txw, skb, chunk, &sqn));
		cb->sqn = sqn;
		copied += chunk;
	}
	if (rdm && src->boundary_left)
		src->boundary_left -= copied;
	pgm_source_push(sk);
out:
	release_sock(sk);
	return copied ? copied : err;
}

/* ----- input: NAK, NNAK, SPMR, POLR ----- */

/* Confirm @n sequences of a NAK, its NLAs echoed, with one NCF to the
 * group; none confirmed, no NCF.
 */
static void pgm_source_ncf(struct sock *sk, const struct pgm_rx *rx,
			   const u32 *sqns, unsigned int n, bool parity)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_source *src = ps->src;
	struct sk_buff *ncf;

	if (!n)
		return;
	ncf = pgm_build_nak(sk, PGM_TYPE_NCF, ps->tsi.sport, ps->dport,
			    ps->tsi.gsi, sqns, n, rx->nla, rx->grp_nla, parity);
	if (!ncf)
		return;
	/* All traffic counts against the rate; an NCF does not wait. */
	if (pgm_rate_has(&src->rate, ncf->len + 24))
		pgm_rate_spend(&src->rate, ncf->len + 24);
	if (!pgm_xmit(sk, ncf, src->src_addr, ps->group, src->oif,
		      pgm_src_ttl(sk), true))
		PGM_INC_STATS(sock_net(sk), PGM_MIB_OUTNCF);
}

/* A NAK (selective or, with OPT_PARITY, parity: each sequence a group |
 * (count - 1)): confirm what was sent, is held and was not confirmed
 * within the repair interval, and queue its repair. Everything else is
 * counted and costs nothing more: a NAK is anyone's to forge.
 */
static void pgm_source_nak(struct sock *sk, const struct pgm_rx *rx, u64 now)
{
	bool parity = rx->options & PGM_OPT_PARITY, queued = false;
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_source *src = ps->src;
	u64 ivl = (u64)ps->params.repair_ivl * PGM_MS;
	unsigned int i, n = 0, ignored = 0, limited = 0;
	struct net *net = sock_net(sk);
	u32 ok[ARRAY_SIZE(rx->naks)];
	u64 distinct;

	if (parity)
		PGM_INC_STATS(net, PGM_MIB_INPARITYNAK);
	distinct = src->txw.stats.naks_distinct;
	for (i = 0; i < rx->n_naks; i++) {
		bool confirm;
		int r;

		if (parity)
			r = pgm_fec_tx_nak(sk, rx->naks[i], now, &confirm);
		else
			r = pgm_txw_nak(&src->txw, rx->naks[i], now, ivl,
					&confirm);
		queued |= r == PGM_TXW_NAK_QUEUED;
		if (confirm)
			ok[n++] = rx->naks[i];
		else if (r == PGM_TXW_NAK_TOO_LATE || r == PGM_TXW_NAK_INVALID)
			ignored++;
		else
			limited++;
	}
	if (!parity) {
		PGM_ADD_STATS(net, PGM_MIB_INNAKSEQS, rx->n_naks);
		PGM_ADD_STATS(net, PGM_MIB_INNAKDISTINCT,
			      src->txw.stats.naks_distinct - distinct);
	}
	if (ignored)
		PGM_ADD_STATS(net, PGM_MIB_INNAKIGNORED, ignored);
	if (limited)
		PGM_ADD_STATS(net, PGM_MIB_INNAKNCFLIMITED, limited);
	/* Confirm at once (RFC 3208 5.2), then repair. */
	pgm_source_ncf(sk, rx, ok, n, parity);
	if (queued)
		pgm_source_push(sk);
}

/**
 * pgm_source_rcv() - a packet for a source: NAK, NNAK, SPMR or POLR
 * @sk: the source
 * @skb: the packet, data at the PGM header; consumed
 *
 * NAKs are answered as pgm_source_nak() says, SPMRs with an SPM at most
 * once per heartbeat interval; NNAKs and POLRs (for network elements
 * and DLRs, which a source is not) are counted, nothing more.
 *
 * Context: socket owner.
 */
void pgm_source_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct net *net = sock_net(sk);
	struct pgm_rx rxbuf, *rx = &rxbuf;
	struct pgm_source *src;
	u64 now;

	sock_owned_by_me(sk);

	if (pgm_source_dead(sk) || ps->role != PGM_ROLE_SOURCE)
		goto drop;
	src = ps->src;
	if (pgm_parse_skb(skb, rx)) {
		PGM_INC_STATS(net, PGM_MIB_INMALFORMED);
		goto drop;
	}
	now = pgm_now();

	switch (rx->type) {
	case PGM_TYPE_NAK:
		PGM_INC_STATS(net, PGM_MIB_INNAK);
		pgm_source_nak(sk, rx, now);
		break;
	case PGM_TYPE_SPMR:
		PGM_INC_STATS(net, PGM_MIB_INSPMR);
		/* At most one answer per heartbeat interval. */
		if (now - src->last_spm >= (u64)ps->params.spm_heartbeat * PGM_MS)
			pgm_send_spm(sk, now);
		break;
	default:
		PGM_INC_STATS(net, PGM_MIB_INOTHER);
		break;
	}
drop:
	kfree_skb(skb);
}

/* ----- timers ----- */

/**
 * pgm_source_spm_timeout() - ambient and heartbeat SPMs
 * @sk: the source
 *
 * Context: socket owner.
 */
void pgm_source_spm_timeout(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	u64 ambient = (u64)ps->params.spm_ambient * PGM_MS;
	struct pgm_source *src;
	bool send = false;
	u64 now, next;

	sock_owned_by_me(sk);

	if (pgm_source_dead(sk) || ps->role != PGM_ROLE_SOURCE)
		return;
	src = ps->src;
	now = pgm_now();
	if (now >= src->last_spm + ambient)
		send = true;
	if (now >= src->hb_next) {
		send = true;
		src->hb_ivl = min(src->hb_ivl * 2, ambient);
		src->hb_next = now + src->hb_ivl;
	}
	if (send)
		pgm_send_spm(sk, now);
	pgm_rate_sample(ps, now);
	next = min(src->last_spm + ambient, src->hb_next);
	pgm_reset_timer(sk, &ps->spm_timer, next);
}

/**
 * pgm_source_drained() - has a closed source nothing left to send or repair?
 * @sk: the source
 *
 * Return: true once the end of session went out and the trailing edge
 * passed the last sequence (or the source never had a session).
 */
bool pgm_source_drained(struct sock *sk)
{
	struct pgm_source *src = pgm_src(sk);

	if (pgm_sk(sk)->role != PGM_ROLE_SOURCE || !src)
		return true;
	return src->fin_sent && pgm_txw_empty(&src->txw);
}

/**
 * pgm_source_txw_timeout() - advance the trailing edge by time
 * @sk: the source
 *
 * Packets first sent more than window_ms ago leave the window, checked
 * every window_ms * adv_pct / 100. A closed source whose window has
 * drained is released.
 *
 * Context: socket owner.
 */
void pgm_source_txw_timeout(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_params *p = &ps->params;
	u64 retain = (u64)p->window_ms * PGM_MS, now;
	struct pgm_source *src;
	struct sk_buff *skb;
	bool freed = false;

	sock_owned_by_me(sk);

	if (pgm_source_dead(sk) || ps->role != PGM_ROLE_SOURCE || ps->src->dead)
		return;
	src = ps->src;
	now = pgm_now();
	while ((skb = pgm_txw_advance(&src->txw, now > retain ? now - retain : 0,
				      p->window_bytes))) {
		pgm_payload_free(sk, skb);
		freed = true;
	}
	if (freed)
		sk->sk_write_space(sk);

	/* An orphan that outlived net.pgm.orphan_timeout_ms gives up. */
	if (src->orphan && now >= src->orphan_end)
		pgm_source_abort(sk);
	if (pgm_source_drained(sk)) {
		pgm_send_spm(sk, now);		/* a last FIN */
		sk->sk_state_change(sk);	/* a lingering close() */
		if (sock_flag(sk, SOCK_DEAD) && !src->dead) {
			src->dead = true;
			queue_work(pgm_wq, &ps->release_work);
		}
		return;
	}
	pgm_reset_timer(sk, &ps->txw_timer, now + PGM_MS *
			max_t(u64, div_u64((u64)p->window_ms * p->adv_pct, 100),
			      1));
}

/**
 * pgm_source_shutdown() - end the session (shutdown(SHUT_WR) or close())
 * @sk: the socket, locked
 *
 * The data already queued still goes out; then SPMs carry OPT_FIN and
 * repairs are served until the window drains.
 */
void pgm_source_shutdown(struct sock *sk)
{
	struct pgm_source *src = pgm_src(sk);

	if (pgm_sk(sk)->role != PGM_ROLE_SOURCE || !src || src->fin)
		return;
	src->fin = true;
	pgm_maybe_fin(sk, pgm_now());
}

/**
 * pgm_source_orphan() - may a closed source live on to serve repairs?
 * @sk: the source, locked, closing with data not yet drained
 *
 * Closed sources are bounded in number (net.pgm.max_orphans per
 * namespace) and in lifetime (net.pgm.orphan_timeout_ms); one that
 * cannot live on is aborted (OPT_RST) by the caller.
 *
 * Return: true if it becomes an orphan (counted until it is released).
 */
bool pgm_source_orphan(struct sock *sk)
{
	struct pgm_net *pn = pgm_net(sock_net(sk));
	struct pgm_source *src = pgm_src(sk);

	if (!src)
		return false;
	if (src->orphan)
		return true;
	if (atomic_inc_return(&pn->orphans) >
	    READ_ONCE(pn->sysctl.max_orphans)) {
		atomic_dec(&pn->orphans);
		__PGM_INC_STATS(sock_net(sk), PGM_MIB_ORPHANSABORTED);
		return false;
	}
	src->orphan = true;
	src->orphan_end = pgm_now() +
		(u64)READ_ONCE(pn->sysctl.orphan_timeout) * PGM_MS;
	return true;
}

/**
 * pgm_source_abort() - abortive close (SO_LINGER with a zero timeout)
 * @sk: the socket, locked
 *
 * Tells receivers with OPT_RST (NAKs will go unanswered) and drops the
 * window.
 */
void pgm_source_abort(struct sock *sk)
{
	struct pgm_source *src = pgm_src(sk);
	struct sk_buff *skb;

	if (pgm_sk(sk)->role != PGM_ROLE_SOURCE || !src)
		return;
	src->rst = true;
	pgm_send_spm(sk, pgm_now());
	while ((skb = pgm_txw_drain(&src->txw)))
		pgm_payload_free(sk, skb);
	src->fin = true;
	src->fin_sent = true;
}

/**
 * pgm_source_destroy() - free a source's state
 * @sk: the socket, unhashed, TCP_CLOSE, timers stopped
 *
 * Context: socket owner, process context.
 */
void pgm_source_destroy(struct sock *sk)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_source *src = ps->src;
	struct sk_buff *skb;

	might_sleep();
	sock_owned_by_me(sk);
	if (!src)
		return;
	while ((skb = pgm_txw_drain(&src->txw)))
		pgm_payload_free(sk, skb);
	pgm_fec_tx_free(src);
	WRITE_ONCE(ps->src, NULL);
	if (src->orphan)
		atomic_dec(&pgm_net(sock_net(sk))->orphans);
	pgm_tx_uncharge(sk, src->slots_bytes);
	kvfree(src->slots);
	kfree(src);
}

/**
 * pgm_source_stats() - RM_SENDER_STATISTICS
 * @sk: a source, locked
 * @st: filled in
 *
 * One moment's counts: every packet counted left at once (see the top of
 * this file), so DataBytesSent never exceeds TotalBytesSent and
 * TotalODataPacketsSent moves with PgmOutOData.
 */
void pgm_source_stats(struct sock *sk, struct rm_sender_stats *st)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_source *src = ps->src;
	u64 now;

	*st = ps->sstats;
	if (!src)
		return;
	now = pgm_now();
	st->naks_received = src->txw.stats.naks;
	st->naks_received_too_late = src->txw.stats.naks_too_late;
	st->num_naks_after_rdata = src->txw.stats.naks_after_rdata;
	st->num_outstanding_naks = src->txw.rtx_len + pgm_fec_tx_pending(sk);
	st->trailing_edge_seq_id = src->txw.trail;
	st->leading_edge_seq_id = pgm_txw_lead(&src->txw);
	st->rate_kbits_per_sec_overall =
		pgm_kbps(ps->sstats.total_bytes_sent, now - src->started);
	pgm_rate_sample(ps, now);
	st->rate_kbits_per_sec_last = src->rate_last;
}
