// SPDX-License-Identifier: GPL-2.0
/*
 * PGM socket options: level SOL_PGM, the Windows RM_* options.
 * Other levels go to the IP layer.
 */

#include <linux/build_bug.h>
#include <net/ip.h>
#include <net/sock.h>

#include "pgm.h"

/* The option structures are Windows' byte for byte. */
static_assert(sizeof(struct rm_send_window) == 12);
static_assert(sizeof(struct rm_fec_info) == 6);
static_assert(sizeof(struct rm_sender_stats) == 13 * 8);
static_assert(sizeof(struct rm_receiver_stats) == 18 * 8);
static_assert(RM_RATE_WINDOW_SIZE == 1001);
static_assert(RM_HIGH_SPEED_INTRANET_OPT == 1014);

/**
 * pgm_setsockopt() - set a socket option
 * @sk: the socket
 * @level: SOL_PGM, or a level handled by the IP layer
 * @optname: option name
 * @optval: option value
 * @optlen: length of @optval
 *
 * Return: 0 or a negative errno; -ENOPROTOOPT for an unknown SOL_PGM option.
 */
int pgm_setsockopt(struct sock *sk, int level, int optname,
		   sockptr_t optval, unsigned int optlen)
{
	if (level != SOL_PGM)
		return ip_setsockopt(sk, level, optname, optval, optlen);

	switch (optname) {
	default:
		return -ENOPROTOOPT;
	}
}

/**
 * pgm_getsockopt() - read a socket option
 * @sk: the socket
 * @level: SOL_PGM, or a level handled by the IP layer
 * @optname: option name
 * @optval: user buffer for the value
 * @optlen: user pointer to the buffer length, updated to the value length
 *
 * Return: 0 or a negative errno; -ENOPROTOOPT for an unknown SOL_PGM option.
 */
int pgm_getsockopt(struct sock *sk, int level, int optname,
		   char __user *optval, int __user *optlen)
{
	if (level != SOL_PGM)
		return ip_getsockopt(sk, level, optname, optval, optlen);

	switch (optname) {
	default:
		return -ENOPROTOOPT;
	}
}
