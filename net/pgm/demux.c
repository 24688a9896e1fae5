// SPDX-License-Identifier: GPL-2.0
/*
 * PGM per-namespace lookup tables, the kernel's rhltables:
 *
 *  listeners  by (group, port): where a source's first ODATA makes a
 *             session; several listeners may share a group and port
 *  sessions   by (group, port, TSI): receiver sessions, one per listener
 *             that saw the source (downstream packets go to each)
 *  sources    by TSI: upstream packets (NAK, SPMR) find their source
 *
 * Lookups run under RCU (the input path holds it); see timer.c for the
 * rules.
 */

#include <net/sock.h>

#include "pgm.h"

static const struct rhashtable_params pgm_listener_params = {
	.key_len		= sizeof(struct pgm_group_key),
	.key_offset		= offsetof(struct pgm_sock, group),
	.head_offset		= offsetof(struct pgm_sock, node),
	.automatic_shrinking	= true,
};

static const struct rhashtable_params pgm_session_params = {
	.key_len		= sizeof(struct pgm_session_key),
	.key_offset		= offsetof(struct pgm_sock, group),
	.head_offset		= offsetof(struct pgm_sock, node),
	.automatic_shrinking	= true,
};

static const struct rhashtable_params pgm_source_params = {
	.key_len		= sizeof(struct pgm_tsi),
	.key_offset		= offsetof(struct pgm_sock, tsi),
	.head_offset		= offsetof(struct pgm_sock, node),
	.automatic_shrinking	= true,
};

/* The keys are read straight out of struct pgm_sock: group, dport, tsi
 * and key_pad lie there as in struct pgm_session_key. A listener's key
 * is the first 8 bytes (its tsi is zero, so the pad matches).
 */
#define PGM_KEY_AT(field, off) \
	static_assert(offsetof(struct pgm_sock, field) == \
		      offsetof(struct pgm_sock, group) + (off))
PGM_KEY_AT(dport, 4);
PGM_KEY_AT(tsi, 6);
PGM_KEY_AT(key_pad, 14);
static_assert(offsetof(struct pgm_session_key, tsi) == 6);
static_assert(sizeof(struct pgm_session_key) == 16);
static_assert(sizeof(struct pgm_group_key) == 8);

/**
 * pgm_demux_net_init() - create a namespace's tables
 * @pn: the namespace's PGM state
 *
 * Return: 0 or a negative errno.
 */
int pgm_demux_net_init(struct pgm_net *pn)
{
	int err;

	spin_lock_init(&pn->lock);
	err = rhltable_init(&pn->listeners, &pgm_listener_params);
	if (err)
		return err;
	err = rhltable_init(&pn->sessions, &pgm_session_params);
	if (err)
		goto err_listeners;
	err = rhltable_init(&pn->sources, &pgm_source_params);
	if (err)
		goto err_sessions;
	return 0;

err_sessions:
	rhltable_destroy(&pn->sessions);
err_listeners:
	rhltable_destroy(&pn->listeners);
	return err;
}

/**
 * pgm_demux_net_exit() - destroy a namespace's tables, all empty by now
 * @pn: the namespace's PGM state
 */
void pgm_demux_net_exit(struct pgm_net *pn)
{
	rhltable_destroy(&pn->sources);
	rhltable_destroy(&pn->sessions);
	rhltable_destroy(&pn->listeners);
}

static struct rhltable *pgm_table(struct pgm_net *pn, u8 role,
				  const struct rhashtable_params **params)
{
	switch (role) {
	case PGM_ROLE_LISTENER:
		*params = &pgm_listener_params;
		return &pn->listeners;
	case PGM_ROLE_SESSION:
		*params = &pgm_session_params;
		return &pn->sessions;
	case PGM_ROLE_SOURCE:
		*params = &pgm_source_params;
		return &pn->sources;
	}
	return NULL;
}

static int pgm_hash(struct sock *sk, u8 role)
{
	const struct rhashtable_params *params;
	struct pgm_sock *ps = pgm_sk(sk);
	struct rhltable *t;
	int err;

	t = pgm_table(pgm_net(sock_net(sk)), role, &params);
	err = rhltable_insert(t, &ps->node, *params);
	if (!err)
		ps->hashed = true;
	return err;
}

/**
 * pgm_hash_listener() - make a listener findable by (group, port)
 * @sk: the socket, role PGM_ROLE_LISTENER, group and dport set
 *
 * Return: 0 or a negative errno.
 */
int pgm_hash_listener(struct sock *sk)
{
	return pgm_hash(sk, PGM_ROLE_LISTENER);
}

/**
 * pgm_hash_session() - make a session findable by (group, port, TSI)
 * @sk: the socket, role PGM_ROLE_SESSION, group, dport and tsi set
 *
 * Return: 0 or a negative errno.
 */
int pgm_hash_session(struct sock *sk)
{
	return pgm_hash(sk, PGM_ROLE_SESSION);
}

/**
 * pgm_hash_source() - make a source findable by its TSI
 * @sk: the socket, role PGM_ROLE_SOURCE, tsi set
 *
 * Return: 0, -EADDRINUSE if another source has the TSI, or a negative errno.
 */
int pgm_hash_source(struct sock *sk)
{
	struct pgm_net *pn = pgm_net(sock_net(sk));
	struct pgm_sock *ps = pgm_sk(sk);
	int err;

	spin_lock_bh(&pn->lock);
	rcu_read_lock();
	if (rhltable_lookup(&pn->sources, &ps->tsi, pgm_source_params))
		err = -EADDRINUSE;
	else
		err = pgm_hash(sk, PGM_ROLE_SOURCE);
	rcu_read_unlock();
	spin_unlock_bh(&pn->lock);
	return err;
}

/**
 * pgm_unhash() - remove a socket from its table
 * @sk: the socket
 *
 * Safe to call when it is not hashed. Readers may still see it until an
 * RCU grace period passes; the socket is freed only after one.
 */
void pgm_unhash(struct sock *sk)
{
	const struct rhashtable_params *params;
	struct pgm_sock *ps = pgm_sk(sk);
	struct rhltable *t;

	if (!ps->hashed)
		return;
	t = pgm_table(pgm_net(sock_net(sk)), ps->role, &params);
	WARN_ON_ONCE(rhltable_remove(t, &ps->node, *params));
	ps->hashed = false;
}

/**
 * pgm_lookup_listeners() - listeners bound to a group and port
 * @pn: the namespace's PGM state
 * @key: group and port
 *
 * Context: RCU read side.
 * Return: the list to walk with rhl_for_each_entry_rcu(), or NULL.
 */
struct rhlist_head *pgm_lookup_listeners(struct pgm_net *pn,
					 const struct pgm_group_key *key)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "pgm lookup outside RCU");

	return rhltable_lookup(&pn->listeners, key, pgm_listener_params);
}

/**
 * pgm_lookup_sessions() - sessions of one source at one group and port
 * @pn: the namespace's PGM state
 * @key: group, port and the source's TSI
 *
 * Context: RCU read side.
 * Return: the list to walk with rhl_for_each_entry_rcu(), or NULL.
 */
struct rhlist_head *pgm_lookup_sessions(struct pgm_net *pn,
					const struct pgm_session_key *key)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "pgm lookup outside RCU");

	return rhltable_lookup(&pn->sessions, key, pgm_session_params);
}

/**
 * pgm_lookup_source() - the source of a TSI, referenced
 * @pn: the namespace's PGM state
 * @tsi: the TSI
 *
 * Context: RCU read side.
 * Return: the socket with a reference taken, or NULL.
 */
struct sock *pgm_lookup_source(struct pgm_net *pn, const struct pgm_tsi *tsi)
{
	struct rhlist_head *list, *pos;
	struct pgm_sock *ps;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "pgm lookup outside RCU");

	list = rhltable_lookup(&pn->sources, tsi, pgm_source_params);
	rhl_for_each_entry_rcu(ps, pos, list, node) {
		struct sock *sk = pgm_to_sk(ps);

		if (refcount_inc_not_zero(&sk->sk_refcnt))
			return sk;
	}
	return NULL;
}
