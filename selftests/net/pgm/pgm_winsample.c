// SPDX-License-Identifier: GPL-2.0
/*
 * A Windows reliable multicast program, written the way Windows code is
 * (Microsoft's documented call sequences, wsrm.h names and types), that
 * builds unchanged on Linux against <wsrm.h>. Only the Winsock start-up
 * and the handle type differ, as in any portable sockets program.
 *
 *   pgm_winsample send GROUP PORT IFADDR RATE_KBPS < data
 *	bind, RM_* sender options, connect, one message per 1400 bytes
 *	read; prints RM_SENDER_STATISTICS once the data is out; shutdown.
 *   pgm_winsample recv GROUP PORT IFADDR > data
 *	bind, RM_ADD_RECEIVE_IF, listen, accept one session, receive until
 *	the session ends; prints RM_RECEIVER_STATISTICS on stderr.
 */

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <wsrm.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wsrm.h>
#define SOCKET		int
#define INVALID_SOCKET	(-1)
#define SOCKET_ERROR	(-1)
#define closesocket	close
#define SD_SEND		SHUT_WR
#define Sleep(ms)	poll(NULL, 0, (ms))
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static int sender(const char *group, unsigned short port, const char *ifaddr,
		  ULONG rate)
{
	struct sockaddr_in salocal, sasession;
	RM_SEND_WINDOW sendwindow;
	RM_SENDER_STATS stats;
	RM_FEC_INFO fec;
	ULONG sendif, ttl, latejoin;
	ULONGLONG total = 0;
	socklen_t len;
	char buf[1400];
	int tries;
	size_t n;
	SOCKET s;

	s = socket(AF_INET, SOCK_RDM, IPPROTO_RM);
	if (s == INVALID_SOCKET)
		return fail("socket");

	memset(&salocal, 0, sizeof(salocal));
	salocal.sin_family = AF_INET;
	salocal.sin_port = htons(0);	/* ignored by the transport */
	salocal.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(s, (struct sockaddr *)&salocal, sizeof(salocal)) == SOCKET_ERROR)
		return fail("bind");

	sendwindow.RateKbitsPerSec = rate;
	sendwindow.WindowSizeInMSecs = 10000;
	sendwindow.WindowSizeInBytes = 0;	/* follows from the other two */
	if (setsockopt(s, IPPROTO_RM, RM_RATE_WINDOW_SIZE, (char *)&sendwindow,
		       sizeof(sendwindow)) == SOCKET_ERROR)
		return fail("RM_RATE_WINDOW_SIZE");

	sendif = inet_addr(ifaddr);
	if (setsockopt(s, IPPROTO_RM, RM_SET_SEND_IF, (char *)&sendif,
		       sizeof(sendif)) == SOCKET_ERROR)
		return fail("RM_SET_SEND_IF");

	ttl = 8;
	if (setsockopt(s, IPPROTO_RM, RM_SET_MCAST_TTL, (char *)&ttl,
		       sizeof(ttl)) == SOCKET_ERROR)
		return fail("RM_SET_MCAST_TTL");

	latejoin = 10;
	if (setsockopt(s, IPPROTO_RM, RM_LATEJOIN, (char *)&latejoin,
		       sizeof(latejoin)) == SOCKET_ERROR)
		return fail("RM_LATEJOIN");

	if (getenv("PGM_WINSAMPLE_FEC")) {
		fec.FECBlockSize = 255;
		fec.FECProActivePackets = 0;
		fec.FECGroupSize = 16;
		fec.fFECOnDemandParityEnabled = TRUE;
		if (setsockopt(s, IPPROTO_RM, RM_USE_FEC, (char *)&fec,
			       sizeof(fec)) == SOCKET_ERROR)
			return fail("RM_USE_FEC");
	}

	memset(&sasession, 0, sizeof(sasession));
	sasession.sin_family = AF_INET;
	sasession.sin_port = htons(port);
	sasession.sin_addr.s_addr = inet_addr(group);
	if (connect(s, (struct sockaddr *)&sasession,
		    sizeof(sasession)) == SOCKET_ERROR)
		return fail("connect");

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		if (send(s, buf, (int)n, 0) == SOCKET_ERROR)
			return fail("send");
		total += n;
	}

	/* DataBytesSent counts data as it is transmitted: wait (up to 30 s)
	 * for the last of it to go out.
	 */
	for (tries = 0; tries < 3000; tries++) {
		len = sizeof(stats);
		if (getsockopt(s, IPPROTO_RM, RM_SENDER_STATISTICS,
			       (char *)&stats, &len) == SOCKET_ERROR)
			return fail("RM_SENDER_STATISTICS");
		if (stats.DataBytesSent >= total)
			break;
		Sleep(10);
	}
	fprintf(stderr, "send: %llu data bytes, %llu ODATA, %llu NAKs, %llu repairs\n",
		(unsigned long long)stats.DataBytesSent,
		(unsigned long long)stats.TotalODataPacketsSent,
		(unsigned long long)stats.NaksReceived,
		(unsigned long long)stats.RepairPacketsSent);

	shutdown(s, SD_SEND);
	closesocket(s);
	return 0;
}

static int receiver(const char *group, unsigned short port, const char *ifaddr)
{
	struct sockaddr_in salocal, safrom;
	RM_RECEIVER_STATS stats;
	ULONG recvif, highspeed;
	socklen_t fromlen, len;
	SOCKET s, sclient;
	char buf[65536];
	int n;

	s = socket(AF_INET, SOCK_RDM, IPPROTO_RM);
	if (s == INVALID_SOCKET)
		return fail("socket");

	memset(&salocal, 0, sizeof(salocal));
	salocal.sin_family = AF_INET;
	salocal.sin_port = htons(port);
	salocal.sin_addr.s_addr = inet_addr(group);
	if (bind(s, (struct sockaddr *)&salocal, sizeof(salocal)) == SOCKET_ERROR)
		return fail("bind");

	recvif = inet_addr(ifaddr);
	if (setsockopt(s, IPPROTO_RM, RM_ADD_RECEIVE_IF, (char *)&recvif,
		       sizeof(recvif)) == SOCKET_ERROR)
		return fail("RM_ADD_RECEIVE_IF");

	highspeed = TRUE;
	if (setsockopt(s, IPPROTO_RM, RM_HIGH_SPEED_INTRANET_OPT,
		       (char *)&highspeed, sizeof(highspeed)) == SOCKET_ERROR)
		return fail("RM_HIGH_SPEED_INTRANET_OPT");

	if (listen(s, 10) == SOCKET_ERROR)
		return fail("listen");

	fromlen = sizeof(safrom);
	sclient = accept(s, (struct sockaddr *)&safrom, &fromlen);
	if (sclient == INVALID_SOCKET)
		return fail("accept");
	fprintf(stderr, "recv: session from %s:%u\n",
		inet_ntoa(safrom.sin_addr), ntohs(safrom.sin_port));

	while ((n = recv(sclient, buf, sizeof(buf), 0)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (n == SOCKET_ERROR)
		return fail("recv");

	len = sizeof(stats);
	if (getsockopt(sclient, IPPROTO_RM, RM_RECEIVER_STATISTICS,
		       (char *)&stats, &len) == SOCKET_ERROR)
		return fail("RM_RECEIVER_STATISTICS");
	fprintf(stderr, "recv: %llu data bytes, %llu ODATA, %llu RDATA\n",
		(unsigned long long)stats.DataBytesReceived,
		(unsigned long long)stats.NumODataPacketsReceived,
		(unsigned long long)stats.NumRDataPacketsReceived);

	closesocket(sclient);
	closesocket(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "send"))
		return sender(argv[2], (unsigned short)atoi(argv[3]), argv[4],
			      (ULONG)strtoul(argv[5], NULL, 10));
	if (argc == 5 && !strcmp(argv[1], "recv"))
		return receiver(argv[2], (unsigned short)atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: %s send GROUP PORT IFADDR RATE_KBPS | recv GROUP PORT IFADDR\n",
		argv[0]);
	return 2;
}
