// SPDX-License-Identifier: GPL-2.0
/*
 * A throwaway module that commits one deliberate kernel bug on load, so
 * the test lanes can prove that they catch what they claim to catch:
 *
 *	mode=warn	WARN_ON(1)			(stock kernel lane)
 *	mode=uaf	a use-after-free read		(KASAN)
 *	mode=lockdep	an AB-BA lock-order inversion	(PROVE_LOCKING)
 *	mode=leak	an unreferenced allocation	(kmemleak)
 *
 * Never loaded outside those tests.
 */

#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *mode = "";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "the bug to commit: warn, uaf, lockdep or leak");

static DEFINE_MUTEX(canary_a);
static DEFINE_MUTEX(canary_b);
static void *canary_sink;

static noinline void canary_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	OPTIMIZER_HIDE_VAR(p);
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("canary: read after free: %d\n", READ_ONCE(p[8]));
}

static noinline void canary_lockdep(void)
{
	/* A then B, later B then A: a possible deadlock, never a real one. */
	mutex_lock(&canary_a);
	mutex_lock(&canary_b);
	mutex_unlock(&canary_b);
	mutex_unlock(&canary_a);

	mutex_lock(&canary_b);
	mutex_lock(&canary_a);
	mutex_unlock(&canary_a);
	mutex_unlock(&canary_b);
}

static noinline void canary_leak(void)
{
	void *p = kmalloc(512, GFP_KERNEL);

	/* Keep the pointer alive past the compiler, then lose it. */
	WRITE_ONCE(canary_sink, p);
	WRITE_ONCE(canary_sink, NULL);
}

static int __init canary_init(void)
{
	if (!strcmp(mode, "warn"))
		WARN_ON(1);
	else if (!strcmp(mode, "uaf"))
		canary_uaf();
	else if (!strcmp(mode, "lockdep"))
		canary_lockdep();
	else if (!strcmp(mode, "leak"))
		canary_leak();
	else
		return -EINVAL;
	return 0;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deliberate kernel bugs that prove the test lanes' checkers are live");
