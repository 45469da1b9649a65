/* enum-constant-renumbered: a new enumerator inserted in enum state renumbers the later ones. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

enum state {
	ST_IDLE,
	ST_WAIT,
	ST_BUSY,
	ST_DONE,
};

KEEP int is_idle(enum state s)
{
	return s == ST_IDLE;
}

KEEP int is_busy(enum state s)
{
	return s == ST_BUSY;
}

KEEP int is_done(enum state s)
{
	return s == ST_DONE;
}
