/* warn-on-line-shift: the patch adds a line at the top, moving every __LINE__ below it. */
#include "kernel.h"

extern int consume(int);
extern void note_line(int line);

KEEP int check_range(int x)
{
	if (WARN_ON(x > 100))
		return -EINVAL;
	return consume(x);
}

KEEP int sleepy(int x)
{
	might_sleep();
	return consume(x + 2);
}

KEEP int chatty(int x)
{
	pr_info("chatty at line %d: %d\n", __LINE__, x);
	return x * 2;
}

KEEP int faulty(const int *p)
{
	might_fault();
	return p[1] + 8;
}

KEEP int rcu_user(int x)
{
	RCU_LOCKDEP_WARN(x < 0, "rcu_user() needs rcu_read_lock()");
	return consume(x - 1);
}

KEEP int bugger(int x)
{
	BUG_ON(x == 13);
	return x + 13;
}

KEEP int warner(int x)
{
	WARN(x == 42, "warner: bad value %d\n", x);
	return x - 42;
}

KEEP int logs_line(int x)
{
	note_line(__LINE__);
	return x + 3;
}

KEEP int real_change(int x)
{
	WARN_ON(x < 0);
	return consume(x * 4);
}

KEEP int no_line(int x)
{
	return consume(x ^ 1);
}
