/* switch-jump-table: a case is added to a dense switch compiled as a jump table. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

extern int op_nop(int);
extern int op_load(int);
extern int op_store(int);
extern int op_add(int);
extern int op_sub(int);
extern int op_mul(int);
extern int op_div(int);
extern int op_jump(int);
extern int op_halt(int);

KEEP int dispatch(int op, int x)
{
	switch (op) {
	case 0: return op_nop(x) + 1;
	case 1: return op_load(x) + 2;
	case 2: return op_store(x) + 3;
	case 3: return op_add(x) + 4;
	case 4: return op_sub(x) + 5;
	case 5: return op_mul(x) + 6;
	case 6: return op_div(x) + 7;
	case 7: return op_jump(x) + 8;
	case 8: return op_halt(x) + 9;
	default: return op_nop(-x);
	}
}

KEEP int not_a_switch(int x)
{
	return op_nop(x) * 2;
}
