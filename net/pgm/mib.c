// SPDX-License-Identifier: GPL-2.0
/*
 * PGM counters: per-cpu, per network namespace, shown in
 * /proc/net/pgm/snmp as one "Name<TAB>value" line each.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/ip.h>

#include "pgm.h"

static const struct snmp_mib pgm_snmp_list[] = {
	SNMP_MIB_ITEM("PgmInPkts", PGM_MIB_INPKTS),
	SNMP_MIB_ITEM("PgmInCsumErrors", PGM_MIB_INCSUMERRORS),
	SNMP_MIB_ITEM("PgmInMalformed", PGM_MIB_INMALFORMED),
	SNMP_MIB_ITEM("PgmInNoSocket", PGM_MIB_INNOSOCKET),
	SNMP_MIB_ITEM("PgmInOData", PGM_MIB_INODATA),
	SNMP_MIB_ITEM("PgmInRData", PGM_MIB_INRDATA),
	SNMP_MIB_ITEM("PgmInSpm", PGM_MIB_INSPM),
	SNMP_MIB_ITEM("PgmInNak", PGM_MIB_INNAK),
	SNMP_MIB_ITEM("PgmInNakSeqs", PGM_MIB_INNAKSEQS),
	SNMP_MIB_ITEM("PgmInNakDistinct", PGM_MIB_INNAKDISTINCT),
	SNMP_MIB_ITEM("PgmInNcf", PGM_MIB_INNCF),
	SNMP_MIB_ITEM("PgmInSpmr", PGM_MIB_INSPMR),
	SNMP_MIB_ITEM("PgmInOther", PGM_MIB_INOTHER),
	SNMP_MIB_ITEM("PgmInDuplicates", PGM_MIB_INDUPLICATES),
	SNMP_MIB_ITEM("PgmInBehindWindow", PGM_MIB_INBEHIND),
	SNMP_MIB_ITEM("PgmRcvbufErrors", PGM_MIB_RCVBUFERRORS),
	SNMP_MIB_ITEM("PgmBacklogDrop", PGM_MIB_BACKLOGDROP),
	SNMP_MIB_ITEM("PgmSessionsAccepted", PGM_MIB_SESSIONS),
	SNMP_MIB_ITEM("PgmAcceptQueueFull", PGM_MIB_ACCEPTQFULL),
	SNMP_MIB_ITEM("PgmSessionAllocFail", PGM_MIB_SESSIONFAIL),
	SNMP_MIB_ITEM("PgmUnrecoverable", PGM_MIB_UNRECOVERABLE),
	SNMP_MIB_ITEM("PgmLostBehindTrail", PGM_MIB_LOSTTRAIL),
	SNMP_MIB_ITEM("PgmLostRetriesOut", PGM_MIB_LOSTRETRIES),
	SNMP_MIB_ITEM("PgmSessionResets", PGM_MIB_RESETS),
	SNMP_MIB_ITEM("PgmResetWindowFull", PGM_MIB_RESETOVERFLOW),
	SNMP_MIB_ITEM("PgmResetSourceRst", PGM_MIB_RESETRST),
	SNMP_MIB_ITEM("PgmResetExpired", PGM_MIB_RESETEXPIRED),
	SNMP_MIB_ITEM("PgmOutOData", PGM_MIB_OUTODATA),
	SNMP_MIB_ITEM("PgmOutRData", PGM_MIB_OUTRDATA),
	SNMP_MIB_ITEM("PgmOutSpm", PGM_MIB_OUTSPM),
	SNMP_MIB_ITEM("PgmOutNcf", PGM_MIB_OUTNCF),
	SNMP_MIB_ITEM("PgmOutNak", PGM_MIB_OUTNAK),
	SNMP_MIB_ITEM("PgmOutSpmr", PGM_MIB_OUTSPMR),
	SNMP_MIB_ITEM("PgmOutErrors", PGM_MIB_OUTERRORS),
	SNMP_MIB_ITEM("PgmOutParityOData", PGM_MIB_OUTPARITYODATA),
	SNMP_MIB_ITEM("PgmOutParityRData", PGM_MIB_OUTPARITYRDATA),
	SNMP_MIB_ITEM("PgmInParityNak", PGM_MIB_INPARITYNAK),
	SNMP_MIB_ITEM("PgmOutParityNak", PGM_MIB_OUTPARITYNAK),
	SNMP_MIB_ITEM("PgmInParity", PGM_MIB_INPARITY),
	SNMP_MIB_ITEM("PgmFecRecovered", PGM_MIB_FECRECOVERED),
	SNMP_MIB_ITEM("PgmFecQueueFull", PGM_MIB_FECQUEUEFULL),
	SNMP_MIB_ITEM("PgmInUdp", PGM_MIB_INUDP),
	SNMP_MIB_ITEM("PgmOutUdp", PGM_MIB_OUTUDP),
	SNMP_MIB_ITEM("PgmFecPrmSwapped", PGM_MIB_FECPRMSWAPPED),
	SNMP_MIB_ITEM("PgmFecParityGaveUp", PGM_MIB_FECPARITYGAVEUP),
	SNMP_MIB_ITEM("PgmInWrongSource", PGM_MIB_INWRONGSOURCE),
	SNMP_MIB_ITEM("PgmInSpmNlaIgnored", PGM_MIB_INSPMNLA),
	SNMP_MIB_ITEM("PgmOrphansAborted", PGM_MIB_ORPHANSABORTED),
	SNMP_MIB_ITEM("PgmInNakIgnored", PGM_MIB_INNAKIGNORED),
	SNMP_MIB_ITEM("PgmInNakNcfLimited", PGM_MIB_INNAKNCFLIMITED),
	SNMP_MIB_ITEM("PgmInNcfBeyondLead", PGM_MIB_INNCFBEYONDLEAD),
	SNMP_MIB_ITEM("PgmOutUnresolved", PGM_MIB_OUTUNRESOLVED),
	SNMP_MIB_SENTINEL
};

static int pgm_snmp_seq_show(struct seq_file *seq, void *v)
{
	struct pgm_net *pn = pgm_net(seq_file_single_net(seq));
	int i;

	for (i = 0; pgm_snmp_list[i].name; i++)
		seq_printf(seq, "%s\t%lu\n", pgm_snmp_list[i].name,
			   snmp_fold_field(pn->mib, pgm_snmp_list[i].entry));
	return 0;
}

/**
 * pgm_mib_net_init() - set up the counters of a network namespace
 * @net: the namespace
 *
 * Return: 0 or -ENOMEM.
 */
int pgm_mib_net_init(struct net *net)
{
	struct pgm_net *pn = pgm_net(net);
	struct proc_dir_entry *dir;

	BUILD_BUG_ON(ARRAY_SIZE(pgm_snmp_list) != __PGM_MIB_MAX);

	pn->mib = alloc_percpu(struct pgm_mib);
	if (!pn->mib)
		return -ENOMEM;

	dir = proc_net_mkdir(net, "pgm", net->proc_net);
	if (!dir)
		goto err_free;
	if (!proc_create_net_single("snmp", 0444, dir, pgm_snmp_seq_show, NULL))
		goto err_proc;
	return 0;

err_proc:
	remove_proc_subtree("pgm", net->proc_net);
err_free:
	free_percpu(pn->mib);
	return -ENOMEM;
}

/**
 * pgm_mib_net_exit() - release the counters of a network namespace
 * @net: the namespace
 */
void pgm_mib_net_exit(struct net *net)
{
	remove_proc_subtree("pgm", net->proc_net);
	free_percpu(pgm_net(net)->mib);
}
