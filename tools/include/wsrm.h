/* SPDX-License-Identifier: GPL-2.0+ WITH Linux-syscall-note */
/*
 * wsrm.h for Linux: the Windows reliable multicast (IPPROTO_RM) API names
 * on top of <linux/pgm.h>, so Windows PGM code that uses RM_SEND_WINDOW,
 * RateKbitsPerSec, RM_FEC_INFO, IPPROTO_RM and friends compiles unchanged.
 *
 * The option numbers and structure layouts are the kernel's, which are
 * Windows' byte for byte. Only the spelling differs: Windows' typedefs
 * and CamelCase field names here, kernel-style names in <linux/pgm.h>.
 *
 * What does not carry over: MSG_PARTIAL (0x8000 is MSG_MORE on Linux; a
 * partial SOCK_RDM read is the recvmsg() without MSG_EOR), WSAEDISCON (a
 * finished session reads 0), and the WSA* error names (errno values:
 * ECONNRESET, EWOULDBLOCK, EMSGSIZE, ENOPROTOOPT, ...).
 */
#ifndef _WSRM_H_
#define _WSRM_H_

#include <stdint.h>
#include <linux/pgm.h>

/*
 * Windows' base types are LLP64: ULONG is 32 bits even on 64-bit
 * Windows, so it must not be Linux's unsigned long. Define
 * WSRM_NO_BASETYPES if another compatibility layer supplies them.
 */
#ifndef WSRM_NO_BASETYPES
typedef uint8_t		UCHAR;
typedef uint8_t		BOOLEAN;
typedef uint16_t	USHORT;
typedef uint32_t	ULONG;
typedef uint64_t	ULONGLONG;
#endif
#ifndef TRUE
#define TRUE	1
#endif
#ifndef FALSE
#define FALSE	0
#endif

#define IPPROTO_RM		IPPROTO_PGM

/* Windows SDK constants (values that Windows uses; Linux defaults are sysctls). */
#define SENDER_DEFAULT_RATE_KBITS_PER_SEC	56
#define SENDER_DEFAULT_WINDOW_SIZE_BYTES	(10 * 1000 * 1000)
#define SENDER_DEFAULT_WINDOW_ADV_PERCENTAGE	15
#define MAX_WINDOW_INCREMENT_PERCENTAGE		25
#define SENDER_DEFAULT_LATE_JOINER_PERCENTAGE	0
#define SENDER_MAX_LATE_JOINER_PERCENTAGE	75
#define MAX_MCAST_TTL				255
#define BITS_PER_BYTE				8
#define LOG2_BITS_PER_BYTE			3

enum eWINDOW_ADVANCE_METHOD {
	E_WINDOW_ADVANCE_BY_TIME = RM_WINDOW_ADVANCE_BY_TIME,
	E_WINDOW_USE_AS_DATA_CACHE = RM_WINDOW_USE_AS_DATA_CACHE
};

typedef struct _RM_SEND_WINDOW {
	ULONG	RateKbitsPerSec;
	ULONG	WindowSizeInMSecs;
	ULONG	WindowSizeInBytes;
} RM_SEND_WINDOW;

typedef struct _RM_SENDER_STATS {
	ULONGLONG	DataBytesSent;
	ULONGLONG	TotalBytesSent;
	ULONGLONG	NaksReceived;
	ULONGLONG	NaksReceivedTooLate;
	ULONGLONG	NumOutstandingNaks;
	ULONGLONG	NumNaksAfterRData;
	ULONGLONG	RepairPacketsSent;
	ULONGLONG	BufferSpaceAvailable;
	ULONGLONG	TrailingEdgeSeqId;
	ULONGLONG	LeadingEdgeSeqId;
	ULONGLONG	RateKBitsPerSecOverall;
	ULONGLONG	RateKBitsPerSecLast;
	ULONGLONG	TotalODataPacketsSent;
} RM_SENDER_STATS;

typedef struct _RM_RECEIVER_STATS {
	ULONGLONG	NumODataPacketsReceived;
	ULONGLONG	NumRDataPacketsReceived;
	ULONGLONG	NumDuplicateDataPackets;
	ULONGLONG	DataBytesReceived;
	ULONGLONG	TotalBytesReceived;
	ULONGLONG	RateKBitsPerSecOverall;
	ULONGLONG	RateKBitsPerSecLast;
	ULONGLONG	TrailingEdgeSeqId;
	ULONGLONG	LeadingEdgeSeqId;
	ULONGLONG	AverageSequencesInWindow;
	ULONGLONG	MinSequencesInWindow;
	ULONGLONG	MaxSequencesInWindow;
	ULONGLONG	FirstNakSequenceNumber;
	ULONGLONG	NumPendingNaks;
	ULONGLONG	NumOutstandingNaks;
	ULONGLONG	NumDataPacketsBuffered;
	ULONGLONG	TotalSelectiveNaksSent;
	ULONGLONG	TotalParityNaksSent;
} RM_RECEIVER_STATS;

typedef struct _RM_FEC_INFO {
	USHORT	FECBlockSize;
	USHORT	FECProActivePackets;
	UCHAR	FECGroupSize;
	BOOLEAN	fFECOnDemandParityEnabled;
} RM_FEC_INFO;

/* The same bytes as the kernel's structures, checked where the compiler can. */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define WSRM_STATIC_ASSERT(e, m)	static_assert(e, m)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define WSRM_STATIC_ASSERT(e, m)	_Static_assert(e, m)
#endif
#ifdef WSRM_STATIC_ASSERT
WSRM_STATIC_ASSERT(sizeof(RM_SEND_WINDOW) == sizeof(struct rm_send_window) &&
		   sizeof(RM_SEND_WINDOW) == 12, "RM_SEND_WINDOW is 12 bytes");
WSRM_STATIC_ASSERT(sizeof(RM_FEC_INFO) == sizeof(struct rm_fec_info) &&
		   sizeof(RM_FEC_INFO) == 6, "RM_FEC_INFO is 6 bytes");
WSRM_STATIC_ASSERT(sizeof(RM_SENDER_STATS) == sizeof(struct rm_sender_stats) &&
		   sizeof(RM_SENDER_STATS) == 104, "RM_SENDER_STATS is 104 bytes");
WSRM_STATIC_ASSERT(sizeof(RM_RECEIVER_STATS) == sizeof(struct rm_receiver_stats) &&
		   sizeof(RM_RECEIVER_STATS) == 144, "RM_RECEIVER_STATS is 144 bytes");
#undef WSRM_STATIC_ASSERT
#endif

#endif /* _WSRM_H_ */
