// SPDX-License-Identifier: GPL-2.0
/*
 * Wire format definitions: header layout and packet type helpers.
 */

#include <stddef.h>
#include "wire.h"

#include "kselftest_harness.h"

TEST(common_header_layout)
{
	ASSERT_EQ(PGM_HDR_LEN, sizeof(struct pgm_hdr));
	ASSERT_EQ(0, offsetof(struct pgm_hdr, sport));
	ASSERT_EQ(2, offsetof(struct pgm_hdr, dport));
	ASSERT_EQ(4, offsetof(struct pgm_hdr, type));
	ASSERT_EQ(5, offsetof(struct pgm_hdr, options));
	ASSERT_EQ(6, offsetof(struct pgm_hdr, check));
	ASSERT_EQ(8, offsetof(struct pgm_hdr, gsi));
	ASSERT_EQ(14, offsetof(struct pgm_hdr, tsdu_len));
}

TEST(data_types)
{
	unsigned int t;

	for (t = 0; t < 256; t++) {
		bool data = (t & 0x0f) == 0x04 || (t & 0x0f) == 0x05;

		ASSERT_EQ(data, pgm_type_is_data(t)) TH_LOG("type %#x", t);
	}
}

TEST_HARNESS_MAIN
