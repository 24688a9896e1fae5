// SPDX-License-Identifier: GPL-2.0
/*
 * net.pgm.* sysctls: per-namespace defaults for new PGM sockets.
 * Documentation/networking/pgm.rst lists them with their defaults and
 * where they differ from Windows'.
 */

#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "pgm.h"

static const struct pgm_sysctl pgm_sysctl_defaults = {
	.p = {
		/* Windows: 56 kbit/s and 10 MB, useless on a LAN today. */
		.rate_kbps		= 50000,
		.window_ms		= 1000,
		.window_bytes		= 50000 / 8 * 1000,
		.adv_pct		= 15,
		.latejoin_pct		= 0,
		/* Windows: 255. One hop keeps a first test on the LAN. */
		.ttl			= 1,
		.nak_bo_ivl		= 50,
		.nak_rpt_ivl		= 200,
		.nak_rdata_ivl		= 200,
		.nak_ncf_retries	= 10,
		.nak_data_retries	= 10,
		.spm_ambient		= 1000,
		.spm_heartbeat		= 100,
		.spmr_bo_ivl		= 50,
		.peer_expiry		= 30000,
		.repair_ivl		= 50,
	},
	.rmem_default	= 4 << 20,
	.wmem_max	= 128 << 20,
	.max_orphans	= 256,
	.orphan_timeout	= 120000,
};

/* The bounds are pgm.h's: the socket options check the same ones. */
static u32 pgm_one = 1;
static u32 pgm_ms_max = PGM_MS_MAX;
static u32 pgm_pct_max = PGM_ADV_PCT_MAX;
static u32 pgm_latejoin_max = PGM_LATEJOIN_PCT_MAX;
static u32 pgm_ttl_max = PGM_TTL_MAX;
static u32 pgm_retries_max = PGM_RETRIES_MAX;
static u32 pgm_rate_max = PGM_RATE_MAX_KBPS;
static u32 pgm_rmem_min = PGM_RMEM_MIN;
static u32 pgm_wmem_limit = PGM_WMEM_LIMIT;
static u32 pgm_orphans_max = 1 << 20;

/* .data holds the field's offset here; each namespace gets a copy of
 * the table pointing at its own struct pgm_sysctl.
 */
#define PGM_SYSCTL(_name, _field, _min, _max) {			\
	.procname	= _name,					\
	.data		= (void *)offsetof(struct pgm_sysctl, _field),	\
	.maxlen		= sizeof(u32),					\
	.mode		= 0644,						\
	.proc_handler	= proc_douintvec_minmax,			\
	.extra1		= _min,						\
	.extra2		= _max,						\
}

static const struct ctl_table pgm_sysctl_table[] = {
	PGM_SYSCTL("rate_kbps", p.rate_kbps, &pgm_one, &pgm_rate_max),
	PGM_SYSCTL("window_ms", p.window_ms, &pgm_one, &pgm_ms_max),
	PGM_SYSCTL("window_adv_pct", p.adv_pct, &pgm_one, &pgm_pct_max),
	PGM_SYSCTL("latejoin_pct", p.latejoin_pct, SYSCTL_ZERO, &pgm_latejoin_max),
	PGM_SYSCTL("mcast_ttl", p.ttl, &pgm_one, &pgm_ttl_max),
	PGM_SYSCTL("nak_bo_ivl_ms", p.nak_bo_ivl, SYSCTL_ZERO, &pgm_ms_max),
	PGM_SYSCTL("nak_rpt_ivl_ms", p.nak_rpt_ivl, &pgm_one, &pgm_ms_max),
	PGM_SYSCTL("nak_rdata_ivl_ms", p.nak_rdata_ivl, &pgm_one, &pgm_ms_max),
	PGM_SYSCTL("nak_ncf_retries", p.nak_ncf_retries, SYSCTL_ZERO, &pgm_retries_max),
	PGM_SYSCTL("nak_data_retries", p.nak_data_retries, SYSCTL_ZERO, &pgm_retries_max),
	PGM_SYSCTL("spm_ambient_ms", p.spm_ambient, &pgm_one, &pgm_ms_max),
	PGM_SYSCTL("spm_heartbeat_min_ms", p.spm_heartbeat, &pgm_one, &pgm_ms_max),
	PGM_SYSCTL("spmr_bo_ivl_ms", p.spmr_bo_ivl, &pgm_one, &pgm_ms_max),
	PGM_SYSCTL("peer_expiry_ms", p.peer_expiry, &pgm_one, &pgm_ms_max),
	PGM_SYSCTL("repair_ivl_ms", p.repair_ivl, SYSCTL_ZERO, &pgm_ms_max),
	/* Memory: read-only in a namespace of a user namespace (below). */
	PGM_SYSCTL("rmem_default", rmem_default, &pgm_rmem_min, &pgm_wmem_limit),
	PGM_SYSCTL("wmem_max", wmem_max, &pgm_rmem_min, &pgm_wmem_limit),
	PGM_SYSCTL("max_orphans", max_orphans, SYSCTL_ZERO, &pgm_orphans_max),
	PGM_SYSCTL("orphan_timeout_ms", orphan_timeout, &pgm_one, &pgm_ms_max),
	/* Kernels before 6.6 find a table's end at an empty entry; the size
	 * registered leaves it out.
	 */
	{ }
};

/* The entries from here on in pgm_sysctl_table set memory limits. */
#define PGM_SYSCTL_FIRST_MEM	15

/* The protocol's memory, for the whole machine: in the initial namespace
 * only, as net.ipv4.udp_mem.
 */
static struct ctl_table pgm_mem_table[] = {
	{
		.procname	= "mem",
		.data		= &sysctl_pgm_mem,
		.maxlen		= sizeof(sysctl_pgm_mem),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
	{ }
};

static struct ctl_table_header *pgm_mem_hdr;

/**
 * pgm_sysctl_init() - register net.pgm.mem
 *
 * Return: 0 or -ENOMEM.
 */
int pgm_sysctl_init(void)
{
	pgm_mem_hdr = register_net_sysctl_sz(&init_net, "net/pgm", pgm_mem_table,
					     ARRAY_SIZE(pgm_mem_table) - 1);
	return pgm_mem_hdr ? 0 : -ENOMEM;
}

/**
 * pgm_sysctl_exit() - unregister net.pgm.mem
 */
void pgm_sysctl_exit(void)
{
	unregister_net_sysctl_table(pgm_mem_hdr);
}

/**
 * pgm_sysctl_net_init() - register net.pgm for a namespace
 * @net: the namespace
 *
 * Return: 0 or -ENOMEM.
 */
int pgm_sysctl_net_init(struct net *net)
{
	struct pgm_net *pn = pgm_net(net);
	struct ctl_table *t;
	int i;

	pn->sysctl = pgm_sysctl_defaults;
	t = kmemdup(pgm_sysctl_table, sizeof(pgm_sysctl_table), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for (i = 0; t[i].procname; i++) {
		t[i].data = (char *)&pn->sysctl + (uintptr_t)t[i].data;
		/* A user namespace's root may not raise what its users
		 * may make the kernel hold.
		 */
		if (i >= PGM_SYSCTL_FIRST_MEM && net->user_ns != &init_user_ns)
			t[i].mode = 0444;
	}

	pn->sysctl_hdr = register_net_sysctl_sz(net, "net/pgm", t,
						ARRAY_SIZE(pgm_sysctl_table) - 1);
	if (!pn->sysctl_hdr) {
		kfree(t);
		return -ENOMEM;
	}
	return 0;
}

/**
 * pgm_sysctl_net_exit() - unregister net.pgm of a namespace
 * @net: the namespace
 */
void pgm_sysctl_net_exit(struct net *net)
{
	struct pgm_net *pn = pgm_net(net);
	const struct ctl_table *t = pn->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(pn->sysctl_hdr);
	kfree(t);
}
