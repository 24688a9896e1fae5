/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out of tree only: backports of the kernel interfaces net/pgm uses that
 * older supported kernels lack, each switched on by its probe in
 * Kbuild.include. Included before every source file of an out-of-tree
 * build; never part of an in-tree one.
 */
#ifndef _PGM_COMPAT_H
#define _PGM_COMPAT_H

#include <linux/types.h>

#ifdef PGM_COMPAT_NO_ACCEPT_ARG
/*
 * Before 6.10, struct proto's accept() took (flags, err, kern). net/pgm
 * implements the new form; the macro renames its definition and callers
 * to pgm_accept_arg(), and struct proto { .accept = pgm_accept } (no
 * parenthesis follows, so the macro is not expanded there) takes the
 * adapter below.
 */
struct sock;

struct proto_accept_arg {
	int flags;
	int err;
	int is_empty;
	bool kern;
};

struct sock *pgm_accept_arg(struct sock *sk, struct proto_accept_arg *arg);

static inline struct sock *pgm_accept(struct sock *sk, int flags, int *err,
				      bool kern)
{
	struct proto_accept_arg arg = { .flags = flags, .kern = kern };
	struct sock *newsk = pgm_accept_arg(sk, &arg);

	*err = arg.err;
	return newsk;
}

#define pgm_accept(sk, arg) pgm_accept_arg(sk, arg)
#endif

#ifdef PGM_COMPAT_NO_SYSCTL_SZ
/* Before 6.6, a sysctl table ends at an empty entry (net/pgm keeps one). */
#define register_net_sysctl_sz(net, path, table, size) \
	register_net_sysctl(net, path, table)
#endif

#ifdef PGM_COMPAT_NO_INET_FLAGS
/* Before 6.6, inet_sock's flags were bit-fields of their own name. */
#define PGM_COMPAT_INET_MC_LOOP mc_loop
#define inet_clear_bit(nr, sk) ((void)(inet_sk(sk)->PGM_COMPAT_INET_##nr = 0))
#endif

#endif /* _PGM_COMPAT_H */
