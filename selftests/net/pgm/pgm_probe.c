// SPDX-License-Identifier: GPL-2.0
/*
 * pgm_probe: socket-level probes for the PGM selftest scripts.
 *
 *   pgm_probe socket rdm|stream|rdm0 EXPECT
 *	create an AF_INET socket of that type with protocol IPPROTO_PGM
 *	(rdm0: SOCK_RDM with protocol 0, which must pick PGM); EXPECT is
 *	"ok" or the errno name socket() must fail with. Exit 0 if it did.
 *   pgm_probe hold rdm|stream N
 *	open N sockets, print "ready", then wait to be killed.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/pgm.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "ESOCKTNOSUPPORT", ESOCKTNOSUPPORT },
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT },
	{ "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "EPERM", EPERM },
	{ "EACCES", EACCES },
};

static const char *errno_name(int e)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].value == e)
			return errnos[i].name;
	return strerror(e);
}

static int open_type(const char *type)
{
	if (!strcmp(type, "rdm"))
		return socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	if (!strcmp(type, "stream"))
		return socket(AF_INET, SOCK_STREAM, IPPROTO_PGM);
	if (!strcmp(type, "rdm0"))
		return socket(AF_INET, SOCK_RDM, 0);
	fprintf(stderr, "unknown socket type %s\n", type);
	exit(2);
}

static int probe_socket(const char *type, const char *expect)
{
	int fd = open_type(type);
	int proto = 0;
	socklen_t len = sizeof(proto);

	if (fd < 0) {
		int e = errno;

		printf("socket(%s): %s\n", type, errno_name(e));
		return strcmp(expect, errno_name(e)) ? 1 : 0;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len)) {
		perror("getsockopt(SO_PROTOCOL)");
		return 1;
	}
	printf("socket(%s): ok, protocol %d\n", type, proto);
	close(fd);
	return strcmp(expect, "ok") || proto != IPPROTO_PGM;
}

static int hold(const char *type, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (open_type(type) < 0) {
			perror("socket");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "socket"))
		return probe_socket(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return hold(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: %s socket TYPE EXPECT | hold TYPE N\n", argv[0]);
	return 2;
}
