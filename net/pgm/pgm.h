/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PGM (RFC 3208) reliable multicast: private definitions shared by the
 * module's files. Locking and timer rules: see timer.c.
 */
#ifndef _NET_PGM_PGM_H
#define _NET_PGM_PGM_H

#include <linux/hrtimer.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/inet_sock.h>
#include <net/netns/generic.h>
#include <net/snmp.h>
#include <uapi/linux/pgm.h>

#include "fec.h"
#include "rate.h"
#include "rxw.h"
#include "txw.h"

/* SPMRs a session sends at most while it has heard no SPM. */
#define PGM_SPMR_MAX	6

/* Roles: what connect(), listen() or a listener made of the socket. */
enum pgm_role {
	PGM_ROLE_NONE = 0,	/* fresh, or bound only */
	PGM_ROLE_SOURCE,	/* connected sender */
	PGM_ROLE_LISTENER,	/* bound to a group, listening */
	PGM_ROLE_SESSION,	/* one sender's session, made by a listener */
};

/* Bits of pgm_sock.deferred: timer work postponed while the user owns the socket. */
enum {
	PGM_TX_DEFERRED,	/* pacing timer: transmit */
	PGM_SPM_DEFERRED,	/* SPM timer */
	PGM_TXW_DEFERRED,	/* transmit window advance */
	PGM_RX_DEFERRED,	/* receiver NAK/SPMR/expiry timer */
};

/**
 * struct pgm_tsi - transport session identifier: GSI and source port
 * @gsi: global source identifier
 * @sport: data-source port
 */
struct pgm_tsi {
	u8	gsi[6];
	__be16	sport;
};

/**
 * struct pgm_group_key - what a listener is bound to
 * @group: multicast group
 * @port: PGM destination port
 * @pad: zero
 */
struct pgm_group_key {
	__be32	group;
	__be16	port;
	u16	pad;
};

/**
 * struct pgm_session_key - what identifies a session at a receiver
 * @group: multicast group
 * @dport: PGM destination port
 * @tsi: the source's TSI
 * @pad: zero
 */
struct pgm_session_key {
	__be32		group;
	__be16		dport;
	struct pgm_tsi	tsi;
	u16		pad;
} __packed;

/**
 * struct pgm_params - per-socket protocol settings (defaults: sysctls)
 * @rate_kbps: send rate cap, all traffic, kbit/s
 * @window_ms: transmit window, time
 * @window_bytes: transmit window, bytes
 * @adv_pct: trailing-edge advance step, percent of the window
 * @latejoin_pct: share of the window late joiners may ask for
 * @ttl: multicast TTL
 * @send_ifaddr: RM_SET_SEND_IF address, 0 if none
 * @high_speed: RM_HIGH_SPEED_INTRANET_OPT
 * @nak_bo_ivl: NAK back-off interval, ms
 * @nak_rpt_ivl: wait for NCF, ms
 * @nak_rdata_ivl: wait for repair, ms
 * @nak_ncf_retries: NCF retries
 * @nak_data_retries: repair retries
 * @spm_ambient: ambient SPM interval, ms
 * @spm_heartbeat: first heartbeat SPM interval, ms
 * @spmr_bo_ivl: SPMR back-off, ms
 * @peer_expiry: session expiry without packets, ms
 * @repair_ivl: minimum time between two repairs of one sequence, ms
 * @fec: RM_USE_FEC (all zero: no FEC)
 * @udp_ucast: PGM_UDP_ENCAP unicast port, host order (0: raw IP)
 * @udp_mcast: PGM_UDP_ENCAP multicast port, host order (0: raw IP)
 * @fec_openpgm_prm: PGM_FEC_OPENPGM_PRM: OPT_PARITY_PRM bits as OpenPGM's
 */
struct pgm_params {
	u32	rate_kbps;
	u32	window_ms;
	u32	window_bytes;
	u32	adv_pct;
	u32	latejoin_pct;
	u32	ttl;
	__be32	send_ifaddr;
	u32	high_speed;
	u32	nak_bo_ivl;
	u32	nak_rpt_ivl;
	u32	nak_rdata_ivl;
	u32	nak_ncf_retries;
	u32	nak_data_retries;
	u32	spm_ambient;
	u32	spm_heartbeat;
	u32	spmr_bo_ivl;
	u32	peer_expiry;
	u32	repair_ivl;
	struct pgm_fec_params fec;
	u16	udp_ucast;
	u16	udp_mcast;
	bool	fec_openpgm_prm;
};

/**
 * struct pgm_source - a sender's session state
 * @txw: transmit window (payload skbs)
 * @rate: token bucket for all transmissions
 * @spm_sqn: next SPM sequence number
 * @last_spm: when the last SPM went out, ns
 * @hb_next: next heartbeat SPM, ns (0: none due)
 * @hb_ivl: current heartbeat interval, ns
 * @started: time of connect(), ns
 * @boundary_left: bytes left of an RM_SET_MESSAGE_BOUNDARY message
 * @apdu_first: first sequence of the message being sent in parts
 * @apdu_len: its length
 * @apdu_off: bytes of it sent
 * @tsdu_max: largest payload per packet
 * @fin: end of session requested
 * @fin_sent: an SPM with OPT_FIN went out
 * @rst: abortive close: SPMs carry OPT_RST
 * @syn_sent: the first ODATA (OPT_SYN) went out
 * @dead: final teardown scheduled
 * @orphan: closed, living on to serve repairs (counted in pgm_net.orphans)
 * @orphan_end: when an orphan gives up (aborts), ns
 * @started_sqn: the session's first sequence (OPT_SYN)
 * @slots: the transmit window's storage
 * @slots_bytes: its size, charged to the socket (sk_wmem_queued)
 * @src_addr: our unicast address, the SPM path NLA
 * @oif: output interface index, 0 to let routing choose
 * @bytes_rate_mark: bytes sent at the last rate sample
 * @rate_mark: time of the last rate sample, ns
 * @rate_last: send rate over the last sample, kbit/s
 * @fec: FEC state when RM_USE_FEC was set (fec_tx.c)
 */
struct pgm_source {
	struct pgm_txw		txw;
	struct pgm_rate		rate;
	u32			spm_sqn;
	u64			last_spm;
	u64			hb_next;
	u64			hb_ivl;
	u64			started;
	u32			boundary_left;
	u32			apdu_first;
	u32			apdu_len;
	u32			apdu_off;
	u32			tsdu_max;
	bool			fin;
	bool			fin_sent;
	bool			rst;
	bool			syn_sent;
	bool			dead;
	bool			orphan;
	u64			orphan_end;
	u32			started_sqn;
	struct pgm_txw_slot	*slots;
	u32			slots_bytes;
	__be32			src_addr;
	int			oif;
	u64			bytes_rate_mark;
	u64			rate_mark;
	u64			rate_last;
	struct pgm_fec_tx	*fec;
};

/**
 * struct pgm_session - a receiver's state for one sender
 * @rxw: receive window (TSDU skbs)
 * @spm_sqn: newest SPM sequence seen
 * @spm_seen: an SPM arrived: NAKs allowed
 * @fin: the source ended the session
 * @fin_lead: its last sequence
 * @reset: the session failed (unrecoverable loss, RST, expiry)
 * @apdu_skip: dropping the tail of a message that began before us
 * @apdu_next: offset the next fragment must have
 * @apdu_len: length of the message being delivered
 * @start: where the window starts if @has_start: after the lead of an
 *	SPM heard before the first data
 * @has_start: @start is set
 * @spmr_due: when to send an SPMR, ns (0: none)
 * @spmrs: SPMRs sent (at most PGM_SPMR_MAX, each interval twice the last)
 * @timer_at: when rx_timer is armed for, ns (0: not armed)
 * @last_heard: last packet from the source, ns
 * @started: time the session was made, ns
 * @window_min: smallest window span seen
 * @window_max: largest window span seen
 * @window_sum: sum of spans, for the average
 * @window_samples: number of spans summed
 * @accept_node: entry on the listener's accept queue
 * @sk: the session's socket
 * @group: the group, joined again by the session once accepted
 * @ifaddrs: the listener's receive interfaces
 * @n_ifaddrs: entries in @ifaddrs
 * @slots: the receive window's storage
 * @fec: FEC state, once the source's SPM announced parity (fec_rx.c)
 */
struct pgm_session {
	struct pgm_rxw		rxw;
	u32			spm_sqn;
	bool			spm_seen;
	bool			fin;
	u32			fin_lead;
	bool			reset;
	bool			apdu_skip;
	u32			apdu_next;
	u32			apdu_len;
	u32			start;
	bool			has_start;
	u64			spmr_due;
	u8			spmrs;
	u64			timer_at;
	u64			last_heard;
	u64			started;
	u64			window_min;
	u64			window_max;
	u64			window_sum;
	u64			window_samples;
	struct list_head	accept_node;
	struct sock		*sk;
	__be32			group;
	__be32			ifaddrs[16];
	unsigned int		n_ifaddrs;
	struct pgm_rxw_slot	*slots;
	struct pgm_fec_rx	*fec;
};

/**
 * struct pgm_spm_seen - an SPM of a source a listener has no session for
 * @tsi: the source
 * @lead: its leading edge then
 * @saddr: the address it came from: a session it starts must be that one's
 * @spm_sqn: its SPM sequence number
 * @when: when it arrived, ns (0: unused entry)
 * @parity_tgs: its OPT_PARITY_PRM group size (0: none)
 * @parity_prm: its OPT_PARITY_PRM bits
 */
struct pgm_spm_seen {
	struct pgm_tsi	tsi;
	u32		lead;
	__be32		saddr;
	u32		spm_sqn;
	u64		when;
	u32		parity_tgs;
	u8		parity_prm;
};

/**
 * struct pgm_listener - a listening socket's state
 * @accept_queue: sessions made, not yet accepted
 * @spms: recent SPMs of sources without a session: a session made later
 *	starts right after the lead they gave (the receiver was there)
 * @spm_next: next entry of @spms to reuse
 * @ifaddrs: RM_ADD_RECEIVE_IF interfaces (0: the default interface)
 * @n_ifaddrs: entries used in @ifaddrs
 */
struct pgm_listener {
	struct list_head	accept_queue;
	struct pgm_spm_seen	spms[8];
	unsigned int		spm_next;
	__be32			ifaddrs[16];
	unsigned int		n_ifaddrs;
};

struct pgm_encap;

/**
 * struct pgm_sock - a PGM socket
 *
 * Who may touch what (the rules of timer.c; "owner" is lock_sock() in
 * process context or bh_lock_sock() in softirq when !sock_owned_by_user(),
 * and is asserted with sock_owned_by_me() where the code relies on it):
 *
 * @inet: the IPv4 socket; must stay first (inet_sk() casts)
 * @role: enum pgm_role; set by the owner in bind/listen/connect (or by
 *	the listener's owner on a new, still locked clone), then constant
 *	until ->destroy(); read locklessly by poll and /proc
 * @hashed: in one of the per-namespace tables; owner
 * @deferred: PGM_*_DEFERRED work postponed by timers; atomic bit
 *	operations from timers (under the socket spinlock), cleared by
 *	release_cb
 * @params: protocol settings; owner (setsockopt); READ_ONCE for
 *	lockless statistics
 * @group: multicast group; owner, constant once hashed
 * @dport: PGM destination port; owner, constant once hashed
 * @tsi: this session's TSI (sources and sessions); zero on listeners;
 *	owner, constant once hashed
 * @key_pad: zero
 * @node: entry in the per-namespace table of its role; inserted and
 *	removed by the owner, walked under RCU by the input path, which
 *	uses a socket it finds only after refcount_inc_not_zero()
 * @cookie: a listener's identity; a session's: its listener's; constant
 *	once hashed (read under RCU by the input path)
 * @src: source state, when @role is PGM_ROLE_SOURCE; owner; freed by
 *	->destroy() under the socket lock after unhash and TCP_CLOSE
 * @sess: session state, when @role is PGM_ROLE_SESSION; owner; as @src
 * @lsn: listener state, when @role is PGM_ROLE_LISTENER; owner; as @src.
 *	Never touched unless @role says so (the three share storage)
 * @tx_timer: pacing (soft hrtimer); armed by the owner, its callback
 *	takes the socket spinlock
 * @spm_timer: SPM heartbeat and ambient; as @tx_timer
 * @txw_timer: trailing-edge advance and teardown of a drained source;
 *	as @tx_timer
 * @rx_timer: NAK state machine, SPMR and session expiry; as @tx_timer
 * @release_work: final release of a closed source, process context
 * @grow_work: moves a session's receive window to its full-size storage
 *	(process context, under lock_sock(); holds a socket reference;
 *	->destroy() cancels it or waits for it before freeing)
 * @encap: with PGM_UDP_ENCAP, the UDP ports it holds (udp.c): unicast,
 *	then multicast if different; set in process context under
 *	pgm_net.encap_lock, constant while hashed
 * @sstats: RM_SENDER_STATISTICS counters; owner
 * @rstats: RM_RECEIVER_STATISTICS counters; owner
 */
struct pgm_sock {
	struct inet_sock	inet;
	u8			role;
	bool			hashed;
	unsigned long		deferred;
	struct pgm_params	params;
	/* The lookup keys of demux.c: in this order, without holes. */
	__be32			group;
	__be16			dport;
	struct pgm_tsi		tsi;
	u16			key_pad;
	struct rhlist_head	node;
	u64			cookie;
	union {
		struct pgm_source	*src;
		struct pgm_session	*sess;
		struct pgm_listener	*lsn;
	};
	struct hrtimer		tx_timer;
	struct timer_list	spm_timer;
	struct timer_list	txw_timer;
	struct timer_list	rx_timer;
	struct work_struct	release_work;
	struct work_struct	grow_work;
	struct pgm_encap	*encap[2];
	struct rm_sender_stats	sstats;
	struct rm_receiver_stats rstats;
};

static inline struct pgm_sock *pgm_sk(const struct sock *sk)
{
	return (struct pgm_sock *)sk;
}

static inline struct sock *pgm_to_sk(struct pgm_sock *ps)
{
	return &ps->inet.sk;
}

/* Per-packet metadata in skb->cb. Received packets: filled by
 * pgm_rcv_session() once parsed; sent payloads: by the send path.
 */
struct pgm_skb_cb {
	u32	sqn;
	u32	apdu_first;	/* OPT_FRAGMENT: first sequence of the message */
	u32	apdu_off;	/* offset of this fragment */
	u32	apdu_len;	/* message length; 0: not fragmented */
	u32	consumed;	/* bytes already read by recvmsg() */
	u8	flags;		/* PGM_CB_* */
};

#define PGM_CB_EOR	0x01	/* the last packet of a message */
#define PGM_CB_FRAG	0x02	/* carries OPT_FRAGMENT */

#define PGM_SKB_CB(skb)	((struct pgm_skb_cb *)&((skb)->cb[0]))

/**
 * struct pgm_rx - what the protocol handlers need of a received packet
 * @type: packet type
 * @options: the header's option flags, PGM_OPT_* (parity ones included)
 * @sqn: data, SPM, NAK or NCF sequence number
 * @trail: trailing edge (data, SPM)
 * @lead: leading edge (SPM)
 * @nla: SPM path NLA; NAK and NCF source NLA
 * @grp_nla: NAK and NCF group NLA
 * @frag_first: OPT_FRAGMENT: first sequence of the message
 * @frag_off: OPT_FRAGMENT: offset of this fragment
 * @frag_len: OPT_FRAGMENT: message length
 * @join_min: OPT_JOIN: the oldest sequence a late joiner may ask for
 * @has_frag: OPT_FRAGMENT present
 * @has_join: OPT_JOIN present
 * @syn: OPT_SYN
 * @fin: OPT_FIN
 * @rst: OPT_RST
 * @rst_n: OPT_RST's N bit: NAKs will go unanswered
 * @has_parity_prm: OPT_PARITY_PRM present (SPM)
 * @decoded: not received: FEC rebuilt it (fec_rx.c)
 * @parity_prm: its PGM_PARITY_PRM_* bits
 * @frag_spec: OPT_FRAGMENT's byte 3 (a parity packet's encoded U bit)
 * @parity_tgs: OPT_PARITY_PRM's transmission group size
 * @parity_grp: OPT_PARITY_GRP (0 without)
 * @curr_tgsize: OPT_CURR_TGSIZE (0 without)
 * @n_naks: sequences in @naks (NAK, NCF: the header's and OPT_NAK_LIST's)
 * @naks: the sequences
 * @tsdu_off: offset of the payload from the PGM header
 * @tsdu_len: payload length
 *
 * pgm_parse_skb() fills it from wire.c's struct pgm_pkt (IPv4 NLAs only;
 * an option's fields are zero when it is absent); FEC fills it for the
 * packets it rebuilds.
 */
struct pgm_rx {
	u8	type;
	u8	options;
	u32	sqn;
	u32	trail;
	u32	lead;
	__be32	nla;
	__be32	grp_nla;
	u32	frag_first;
	u32	frag_off;
	u32	frag_len;
	u32	join_min;
	bool	has_frag;
	bool	has_join;
	bool	syn;
	bool	fin;
	bool	rst;
	bool	rst_n;
	bool	has_parity_prm;
	bool	decoded;
	u8	parity_prm;
	u8	frag_spec;
	u32	parity_tgs;
	u32	parity_grp;
	u32	curr_tgsize;
	u8	n_naks;
	u32	naks[63];
	u16	tsdu_off;
	u16	tsdu_len;
};

/**
 * struct pgm_data_opts - options of an ODATA or RDATA packet
 * @frag: add OPT_FRAGMENT from the payload's cb
 * @join: add OPT_JOIN with @join_min
 * @join_min: the oldest sequence a late joiner may ask for
 * @syn: add OPT_SYN (the session's first data)
 */
struct pgm_data_opts {
	bool	frag;
	bool	join;
	u32	join_min;
	bool	syn;
};

/* Counters of /proc/net/pgm/snmp, one enum entry per line there. */
enum pgm_mib_field {
	PGM_MIB_NUM = 0,
	PGM_MIB_INPKTS,			/* PgmInPkts */
	PGM_MIB_INCSUMERRORS,		/* PgmInCsumErrors */
	PGM_MIB_INMALFORMED,		/* PgmInMalformed */
	PGM_MIB_INNOSOCKET,		/* PgmInNoSocket */
	PGM_MIB_INODATA,		/* PgmInOData */
	PGM_MIB_INRDATA,		/* PgmInRData */
	PGM_MIB_INSPM,			/* PgmInSpm */
	PGM_MIB_INNAK,			/* PgmInNak */
	PGM_MIB_INNAKSEQS,		/* PgmInNakSeqs */
	PGM_MIB_INNAKDISTINCT,		/* PgmInNakDistinct */
	PGM_MIB_INNCF,			/* PgmInNcf */
	PGM_MIB_INSPMR,			/* PgmInSpmr */
	PGM_MIB_INOTHER,		/* PgmInOther */
	PGM_MIB_INDUPLICATES,		/* PgmInDuplicates */
	PGM_MIB_INBEHIND,		/* PgmInBehindWindow */
	PGM_MIB_RCVBUFERRORS,		/* PgmRcvbufErrors */
	PGM_MIB_BACKLOGDROP,		/* PgmBacklogDrop */
	PGM_MIB_SESSIONS,		/* PgmSessionsAccepted */
	PGM_MIB_ACCEPTQFULL,		/* PgmAcceptQueueFull */
	PGM_MIB_SESSIONFAIL,		/* PgmSessionAllocFail */
	PGM_MIB_UNRECOVERABLE,		/* PgmUnrecoverable */
	PGM_MIB_LOSTTRAIL,		/* PgmLostBehindTrail */
	PGM_MIB_LOSTRETRIES,		/* PgmLostRetriesOut */
	PGM_MIB_RESETS,			/* PgmSessionResets */
	PGM_MIB_RESETOVERFLOW,		/* PgmResetWindowFull */
	PGM_MIB_RESETRST,		/* PgmResetSourceRst */
	PGM_MIB_RESETEXPIRED,		/* PgmResetExpired */
	PGM_MIB_OUTODATA,		/* PgmOutOData */
	PGM_MIB_OUTRDATA,		/* PgmOutRData */
	PGM_MIB_OUTSPM,			/* PgmOutSpm */
	PGM_MIB_OUTNCF,			/* PgmOutNcf */
	PGM_MIB_OUTNAK,			/* PgmOutNak */
	PGM_MIB_OUTSPMR,		/* PgmOutSpmr */
	PGM_MIB_OUTERRORS,		/* PgmOutErrors */
	PGM_MIB_OUTPARITYODATA,		/* PgmOutParityOData */
	PGM_MIB_OUTPARITYRDATA,		/* PgmOutParityRData */
	PGM_MIB_INPARITYNAK,		/* PgmInParityNak */
	PGM_MIB_OUTPARITYNAK,		/* PgmOutParityNak */
	PGM_MIB_INPARITY,		/* PgmInParity */
	PGM_MIB_FECRECOVERED,		/* PgmFecRecovered */
	PGM_MIB_FECQUEUEFULL,		/* PgmFecQueueFull */
	PGM_MIB_INUDP,			/* PgmInUdp */
	PGM_MIB_OUTUDP,			/* PgmOutUdp */
	PGM_MIB_FECPRMSWAPPED,		/* PgmFecPrmSwapped */
	PGM_MIB_FECPARITYGAVEUP,	/* PgmFecParityGaveUp */
	PGM_MIB_INWRONGSOURCE,		/* PgmInWrongSource */
	PGM_MIB_INSPMNLA,		/* PgmInSpmNlaIgnored */
	PGM_MIB_ORPHANSABORTED,		/* PgmOrphansAborted */
	PGM_MIB_INNAKIGNORED,		/* PgmInNakIgnored */
	PGM_MIB_INNAKNCFLIMITED,	/* PgmInNakNcfLimited */
	PGM_MIB_INNCFBEYONDLEAD,	/* PgmInNcfBeyondLead */
	PGM_MIB_OUTUNRESOLVED,		/* PgmOutUnresolved */
	__PGM_MIB_MAX
};

struct pgm_mib {
	unsigned long	mibs[__PGM_MIB_MAX];
};

/* Bounds of the net.pgm sysctls (sysctl.c). The socket options that set
 * the same parameters are held to the same bounds (sockopt.c).
 */
#define PGM_RATE_MAX_KBPS	(100 * 1000 * 1000)	/* 100 Gbit/s */
#define PGM_MS_MAX		(3600 * 1000)		/* an hour */
#define PGM_ADV_PCT_MAX		50	/* Windows' documented bound */
#define PGM_LATEJOIN_PCT_MAX	75	/* Windows' SENDER_MAX_LATE_JOINER_PERCENTAGE */
#define PGM_TTL_MAX		255
#define PGM_RETRIES_MAX		255
#define PGM_RMEM_MIN		(64 << 10)
#define PGM_WMEM_LIMIT		(1024 << 20)	/* the bound of net.pgm.wmem_max */

/**
 * struct pgm_sysctl - per-namespace defaults (net.pgm.*)
 * @p: defaults for new sockets, one sysctl per field
 * @rmem_default: receive buffer of new sockets, bytes
 * @wmem_max: largest transmit window a socket may ask for, and the
 *	largest send buffer a source sizes for itself, bytes
 * @max_orphans: closed sources that may live on to serve repairs
 * @orphan_timeout: the longest a closed source lives on, ms
 */
struct pgm_sysctl {
	struct pgm_params	p;
	u32			rmem_default;
	u32			wmem_max;
	u32			max_orphans;
	u32			orphan_timeout;
};

/**
 * struct pgm_net - per network namespace state
 * @mib: per-cpu protocol counters
 * @sysctl: defaults
 * @sysctl_hdr: the registered net.pgm table
 * @listeners: listeners by group and port
 * @sessions: receiver sessions by group, port and TSI
 * @sources: sources by TSI
 * @lock: serialises session creation
 * @encap_lock: serialises @encaps, process context
 * @encaps: the UDP ports in use by PGM_UDP_ENCAP sockets (udp.c)
 * @orphans: closed sources living on (net.pgm.max_orphans bounds them)
 */
struct pgm_net {
	DEFINE_SNMP_STAT(struct pgm_mib, mib);
	struct pgm_sysctl	sysctl;
	struct ctl_table_header	*sysctl_hdr;
	struct rhltable		listeners;
	struct rhltable		sessions;
	struct rhltable		sources;
	spinlock_t		lock;	/* serialises session creation */
	struct mutex		encap_lock;	/* encaps, process context */
	struct list_head	encaps;	/* UDP ports in use (udp.c) */
	atomic_t		orphans;
};

extern unsigned int pgm_net_id;
extern struct workqueue_struct *pgm_wq;

static inline struct pgm_net *pgm_net(const struct net *net)
{
	return net_generic(net, pgm_net_id);
}

#define PGM_INC_STATS(net, field)	\
	SNMP_INC_STATS(pgm_net(net)->mib, field)
#define __PGM_INC_STATS(net, field)	\
	__SNMP_INC_STATS(pgm_net(net)->mib, field)
#define PGM_ADD_STATS(net, field, val)	\
	SNMP_ADD_STATS(pgm_net(net)->mib, field, val)
#define __PGM_ADD_STATS(net, field, val)	\
	__SNMP_ADD_STATS(pgm_net(net)->mib, field, val)

#define PGM_MS	1000000ULL	/* ns per ms */

extern struct proto pgm_prot;
extern const struct proto_ops pgm_ops;

/* input.c */
int pgm_rcv(struct sk_buff *skb);
void pgm_rcv_encap(struct sk_buff *skb, u16 port);
void pgm_queue_rcv(struct sock *sk, struct sk_buff *skb);
void pgm_queue_rcv_session(struct sock *sk, struct sk_buff *skb);
int pgm_backlog_rcv(struct sock *sk, struct sk_buff *skb);

/* packet.c: skbs to and from the wire format of wire.c */
int pgm_parse_skb(struct sk_buff *skb, struct pgm_rx *rx);
struct sk_buff *pgm_build_data(struct sock *sk, struct sk_buff *payload,
			       u8 type, u32 sqn, u32 trail,
			       const struct pgm_data_opts *opts);
struct sk_buff *pgm_build_spm(struct sock *sk, u32 spm_sqn, u32 trail,
			      u32 lead, __be32 path, bool fin, bool rst);
struct sk_buff *pgm_build_nak(struct sock *sk, u8 type, __be16 sport,
			      __be16 dport, const u8 *gsi, const u32 *sqns,
			      unsigned int n, __be32 src_nla, __be32 grp_nla,
			      bool parity);
struct sk_buff *pgm_build_spmr(struct sock *sk, __be16 sport, __be16 dport,
			       const u8 *gsi);
unsigned int pgm_data_hdr_len(const struct pgm_data_opts *opts);

/* output.c */
struct sk_buff *pgm_alloc_ctl(struct sock *sk, unsigned int len);
int pgm_xmit(struct sock *sk, struct sk_buff *skb, __be32 saddr, __be32 daddr,
	     int oif, u8 ttl, bool router_alert);
unsigned int pgm_headroom(void);

/* source.c */
int pgm_source_connect(struct sock *sk, __be32 group, __be16 port);
int pgm_source_sendmsg(struct sock *sk, struct msghdr *msg, size_t len);
void pgm_source_push(struct sock *sk);
void pgm_source_rcv(struct sock *sk, struct sk_buff *skb);
void pgm_source_spm_timeout(struct sock *sk);
void pgm_source_txw_timeout(struct sock *sk);
void pgm_source_shutdown(struct sock *sk);
bool pgm_source_drained(struct sock *sk);
bool pgm_source_orphan(struct sock *sk);
void pgm_source_abort(struct sock *sk);
void pgm_source_destroy(struct sock *sk);
bool pgm_source_writable(const struct sock *sk);
void pgm_source_stats(struct sock *sk, struct rm_sender_stats *st);
void pgm_source_params_changed(struct sock *sk);

/* listener.c */
int pgm_listen(struct socket *sock, int backlog);
struct sock *pgm_accept(struct sock *sk, struct proto_accept_arg *arg);
void pgm_listener_rcv(struct sock *sk, struct sk_buff *skb);
void pgm_listener_destroy(struct sock *sk, struct list_head *children);
void pgm_listener_release(struct list_head *children);
int pgm_join_groups(struct sock *sk, __be32 group, const __be32 *ifaddrs,
		    unsigned int n);
int pgm_receive_if(struct sock *sk, __be32 addr, bool add);

/* session.c */
int pgm_session_init(struct sock *sk, __be32 group, const __be32 *ifaddrs,
		     unsigned int n_ifaddrs, const struct pgm_spm_seen *spm);
void pgm_session_start(struct sock *sk);
void pgm_session_discard(struct sock *sk);
int pgm_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		int *addr_len);
void pgm_session_rcv(struct sock *sk, struct sk_buff *skb);
void pgm_session_timeout(struct sock *sk);
void pgm_session_stop(struct sock *sk);
void pgm_session_destroy(struct sock *sk);
void pgm_receiver_stats(struct sock *sk, struct rm_receiver_stats *st);

/* demux.c */
int pgm_demux_net_init(struct pgm_net *pn);
void pgm_demux_net_exit(struct pgm_net *pn);
int pgm_hash_listener(struct sock *sk);
int pgm_hash_session(struct sock *sk);
int pgm_hash_source(struct sock *sk);
void pgm_unhash(struct sock *sk);
struct rhlist_head *pgm_lookup_listeners(struct pgm_net *pn,
					 const struct pgm_group_key *key);
struct rhlist_head *pgm_lookup_sessions(struct pgm_net *pn,
					const struct pgm_session_key *key);
struct sock *pgm_lookup_source(struct pgm_net *pn, const struct pgm_tsi *tsi);

/* timer.c */
void pgm_timers_init(struct sock *sk);
void pgm_timers_stop(struct sock *sk);
void pgm_reset_timer(struct sock *sk, struct timer_list *t, u64 when_ns);
void pgm_tx_timer_arm(struct sock *sk, u64 delay_ns);
void pgm_release_cb(struct sock *sk);

/* sockopt.c */
int pgm_setsockopt(struct sock *sk, int level, int optname,
		   sockptr_t optval, unsigned int optlen);
int pgm_getsockopt(struct sock *sk, int level, int optname,
		   char __user *optval, int __user *optlen);

/* mem.c */
extern atomic_long_t pgm_memory_allocated;
DECLARE_PER_CPU(int, pgm_memory_per_cpu_fw_alloc);
extern long sysctl_pgm_mem[3];
extern int sysctl_pgm_rmem[3];
extern int sysctl_pgm_wmem[3];
void pgm_mem_init(void);
/* How much room a packet a session keeps may use (pgm_rx_limit()). */
enum pgm_rx_room {
	PGM_RX_AHEAD,	/* new data beyond the window's lead */
	PGM_RX_FILL,	/* fills a gap, parity, the window's own storage */
	PGM_RX_HEAD,	/* the packet the reader waits for */
};

unsigned int pgm_rx_limit(const struct sock *sk, enum pgm_rx_room room);
bool pgm_rx_charge(struct sock *sk, struct sk_buff *skb, unsigned int limit);
bool pgm_rx_charge_bytes(struct sock *sk, unsigned int size,
			 unsigned int limit);
void pgm_rx_uncharge_bytes(struct sock *sk, unsigned int size);
bool pgm_tx_charge(struct sock *sk, unsigned int size);
void pgm_tx_uncharge(struct sock *sk, unsigned int size);

/* sysctl.c */
int pgm_sysctl_init(void);
void pgm_sysctl_exit(void);
int pgm_sysctl_net_init(struct net *net);
void pgm_sysctl_net_exit(struct net *net);

/* udp.c */
int pgm_encap_start(struct sock *sk);
void pgm_encap_hold(struct sock *sk);
void pgm_encap_stop(struct sock *sk);
void pgm_udp_net_init(struct pgm_net *pn);
void pgm_udp_net_exit(struct pgm_net *pn);

/* A packet that came to UDP port @encap (0: raw IP protocol 113) is for
 * a socket set up for it: raw sockets take raw packets only.
 */
static inline bool pgm_encap_match(const struct pgm_sock *ps, u16 encap)
{
	if (!encap)
		return !ps->params.udp_mcast;
	return encap == ps->params.udp_mcast || encap == ps->params.udp_ucast;
}

/* mib.c */
int pgm_mib_net_init(struct net *net);
void pgm_mib_net_exit(struct net *net);

/* fec_tx.c */
int pgm_fec_tx_init(struct sock *sk, unsigned int tsdu_max, u32 capacity);
void pgm_fec_tx_free(struct pgm_source *src);
void pgm_fec_tx_odata_sent(struct sock *sk, u32 sqn);
int pgm_fec_tx_nak(struct sock *sk, u32 sqn, u64 now, bool *confirm);
u64 pgm_fec_tx_pending(struct sock *sk);
struct sk_buff *pgm_fec_tx_peek(struct sock *sk, u8 *type);
struct sk_buff *pgm_fec_tx_sent(struct sock *sk);
bool pgm_fec_tx_spm_opts(struct sock *sk, u32 *tgs, u8 *prm, u32 *cur);
void pgm_fec_tx_close(struct sock *sk);

/* fec_rx.c */
void pgm_fec_rx_free(struct pgm_session *sess);
void pgm_fec_rx_spm(struct sock *sk, u32 tgs, u8 prm);
void pgm_fec_rx_data(struct sock *sk, struct sk_buff *skb, u32 sqn,
		     struct sk_buff_head *out);
void pgm_fec_rx_parity(struct sock *sk, struct sk_buff *skb,
		       const struct pgm_rx *rx, struct sk_buff_head *out);
int pgm_fec_rx_nak_count(struct sock *sk, u32 sqn, u32 lead, u64 now);
u32 pgm_fec_rx_nak_sqn(struct sock *sk, u32 sqn, unsigned int count);
void pgm_fec_rx_ncf(struct sock *sk, u32 sqn, u64 now);
void pgm_fec_rx_tgsize(struct sock *sk, u32 lead, u32 tgsize);
void pgm_fec_rx_trail(struct sock *sk, u32 trail);

/* socket.c */
void pgm_sock_done(struct sock *sk);
void pgm_write_space(struct sock *sk);

/* Protocol time: the monotonic clock at tick resolution, which costs no
 * clocksource read. NAK, SPM, window and expiry timers are timer_list
 * timers anyway; only the token bucket needs pgm_now_precise().
 */
static inline u64 pgm_now(void)
{
	return ktime_get_coarse_ns();
}

static inline u64 pgm_now_precise(void)
{
	return ktime_get_ns();
}

#endif /* _NET_PGM_PGM_H */
