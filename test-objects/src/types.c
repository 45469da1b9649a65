/*
 * types.c - a types-heavy translation unit for the elfdelta test corpus.
 *
 * Every type defined here is used by at least one global or static variable so
 * that it is emitted into DWARF.  No libc headers: only the compiler-provided
 * <stddef.h>, <stdint.h>, <stdbool.h> and <stdarg.h> (see test-objects/README.md).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- enums */

enum color { RED, GREEN = 5, BLUE, ALPHA = 100 };

enum signed_enum { NEG_BIG = -2147483647 - 1, NEG_ONE = -1, ZERO_VAL = 0, POS_ONE = 1 };

enum small_signed { SS_MINUS2 = -2, SS_MINUS1 = -1, SS_ZERO = 0, SS_ONE = 1 };

enum large_enum { LARGE_SMALL = 1, LARGE_BIG = 0x7fffffff, LARGE_UNSIGNED = 0x80000000u };

/* 64-bit enumerators (GNU C / C23: the enum gets a 64-bit underlying type). */
enum big64_enum {
  BIG64_MIN = -0x7fffffffffffffffLL - 1,
  BIG64_ZERO = 0,
  BIG64_MAX = 0x7fffffffffffffffLL,
};

enum u64_enum { U64_ONE = 1, U64_TOP = 0xffffffffffffffffULL };

typedef enum { ANON_A, ANON_B, ANON_C } anon_enum_t;

enum tiny_enum { TINY_0, TINY_1, TINY_2, TINY_3 } __attribute__((packed));

/* ------------------------------------------------------------ typedefs */

typedef int int_t;
typedef int_t int_tt;
typedef const int_tt cint_ttt;          /* typedef chain with a qualifier in the middle */
typedef volatile cint_ttt vcint_tttt;
typedef unsigned char byte;
typedef byte byte_array16[16];
typedef byte_array16 *byte_array16_ptr;

/* ------------------------------------------------------- function types */

typedef int (*binop_fn)(int, int);
typedef void (*callback_fn)(void *ctx, const char *msg, size_t len);
typedef int (*varargs_fn)(const char *fmt, ...);
typedef binop_fn (*binop_factory_fn)(enum color which);
typedef void (*noproto_fn)();

/* ----------------------------------------------------- bit-field structs */

struct bitfields_u32 {
  unsigned int a : 1;
  unsigned int b : 2;
  unsigned int c : 3;
  unsigned int d : 5;
  unsigned int e : 7;
  unsigned int f : 13; /* 31 bits used */
  unsigned int g : 31; /* new storage unit */
  unsigned int : 0;    /* force alignment to the next unit */
  unsigned int h : 4;
};

struct bitfields_signed {
  signed int s1 : 1;
  signed int s3 : 3;
  int plain9 : 9;
  signed char sc : 5;
  short sh : 11;
  long long sll : 40;
  signed int s31 : 31;
};

struct bitfields_straddle {
  unsigned char c0;
  unsigned int straddle_a : 12; /* may straddle a byte boundary */
  unsigned int straddle_b : 20;
  unsigned long long wide_a : 37;
  unsigned long long wide_b : 27; /* 37 + 27 = 64 */
  unsigned long long wide_c : 63;
  unsigned long long wide_d : 5;  /* straddles out of the previous 64-bit unit */
  unsigned short us : 9;
  unsigned char uc : 7;
};

struct bitfields_misc {
  bool flag : 1;
  bool other_flag : 1;
  enum color color_bits : 8;
  enum tiny_enum tiny_bits : 2;
  enum small_signed se_bits : 2; /* signed enum bit-field */
  unsigned : 3; /* unnamed padding bit-field */
  _Bool underscore_bool : 1;
  uint8_t u8 : 4;
  int16_t i16 : 10;
  uint32_t u32 : 17;
  uint64_t u64 : 50;
  int64_t i64 : 33;
};

struct bitfields_packed {
  unsigned int x : 3;
  unsigned long long y : 61;
  unsigned int z : 30;
  unsigned char tail : 2;
} __attribute__((packed));

/* ---------------------------------------------------- packed / aligned */

struct packed_s {
  char c;
  int i;
  long long ll;
  short s;
  double d;
} __attribute__((packed));

struct member_packed {
  char c;
  int i __attribute__((packed));
  char c2;
};

#pragma pack(push, 2)
struct pragma_pack2 {
  char c;
  int i;
  long long ll;
};
#pragma pack(pop)

struct aligned_members {
  char c;
  int i __attribute__((aligned(16)));
  _Alignas(32) short s;
  char tail;
};

struct aligned_struct {
  int a;
  char b;
} __attribute__((aligned(64)));

typedef struct aligned_struct aligned_struct_array[3];

/* --------------------------------------------------- nested / anonymous */

struct point {
  int x, y;
};

struct rect {
  struct point top_left;
  struct point bottom_right;
  struct {
    unsigned int stroke;
    unsigned int fill;
  } style;            /* named member of anonymous struct type */
  struct {
    int dx;
    int dy;
  };                  /* anonymous struct member (C11) */
  union {
    float f;
    uint32_t bits;
  };                  /* anonymous union member */
};

struct deeply_nested {
  struct {
    struct {
      struct {
        int innermost_value;
        union {
          char as_char;
          short as_short;
          struct {
            unsigned lo : 4, hi : 4;
          };
        };
      } level3;
    } level2;
  } level1;
  struct rect rects[2];
};

union number {
  int8_t i8;
  int16_t i16;
  int32_t i32;
  int64_t i64;
  float f;
  double d;
  long double ld;
  unsigned char raw[16];
  struct point pt;
};

union tagged_payload {
  struct {
    int tag;
    int ivalue;
  } as_int;
  struct {
    int tag;
    double dvalue;
  } as_double;
  struct {
    int tag;
    const char *svalue;
    size_t len;
  } as_string;
};

struct tagged {
  enum { T_INT, T_DOUBLE, T_STRING } kind;
  union tagged_payload payload;
};

/* ------------------------------------------------------------- arrays */

struct arrays {
  int one_d[7];
  int two_d[3][4];
  char three_d[2][3][5];
  struct point points[4];
  struct point grid[2][2];
  const char *names[3];
  double matrix[4][4];
  uint8_t zero_len[0]; /* GNU zero-length array */
};

struct flex {
  size_t count;
  uint16_t kind;
  int values[]; /* flexible array member */
};

struct flex_struct_elems {
  int n;
  struct point pts[];
};

/* -------------------------------------------------- qualified members */

struct qualified {
  const int c_int;
  volatile int v_int;
  const volatile unsigned long cv_ulong;
  int *restrict r_ptr;
  const char *const cp_const;
  volatile struct point *v_pt_ptr;
  _Atomic int atomic_int;
  _Atomic(long) atomic_long;
  _Atomic(struct point *) atomic_ptr;
  const int_tt chained;
  vcint_tttt vchained;
};

/* --------------------------------------------- self-referential types */

struct list_node {
  struct list_node *next;
  struct list_node *prev;
  void *payload;
  struct list_node **indirect;
};

struct tree;
typedef struct tree tree_t;
struct tree {
  tree_t *left, *right, *parent;
  int key;
  struct tree_extra *extra; /* pointer to an incomplete type */
};

struct mutual_b;
struct mutual_a {
  struct mutual_b *b;
  int a;
};
struct mutual_b {
  struct mutual_a *a;
  int b;
};

/* --------------------------------------------- function-pointer structs */

struct ops {
  binop_fn add;
  binop_fn sub;
  int (*mul)(int, int);
  callback_fn log;
  varargs_fn printf_like;
  binop_factory_fn factory;
  noproto_fn legacy;
  void (*(*signal_like)(int, void (*)(int)))(int);
  struct list_node *(*find)(struct list_node *head, int (*pred)(const void *));
};

/* --------------------------------------------- short and long names */

struct s {
  int a;
  char b;
  short c;
  long d;
  int xy;
  int xyz;
};

struct a_struct_with_a_rather_long_and_descriptive_name_for_strp {
  int a_member_with_a_long_name_that_goes_to_debug_str;
  unsigned long another_quite_long_member_name_for_good_measure;
  struct s short_named_struct_member;
};

/* ----------------------------------------------------- misc scalars */

struct scalars {
  char c;
  signed char sc;
  unsigned char uc;
  short s;
  unsigned short us;
  int i;
  unsigned u;
  long l;
  unsigned long ul;
  long long ll;
  unsigned long long ull;
  float f;
  double d;
  long double ld;
  _Complex double cd;
  _Complex float cf;
  bool bo;
  wchar_t wc;
  ptrdiff_t pd;
  intptr_t ip;
  uintptr_t up;
  int_least8_t il8;
  int_fast16_t if16;
  intmax_t im;
};

/* ====================================================== globals */

enum color g_color = BLUE;
enum signed_enum g_signed_enum = NEG_ONE;
enum large_enum g_large_enum = LARGE_UNSIGNED;
enum big64_enum g_big64_enum = BIG64_MIN;
enum u64_enum g_u64_enum = U64_TOP;
anon_enum_t g_anon_enum = ANON_C;
enum tiny_enum g_tiny_enum = TINY_2;
enum small_signed g_small_signed = SS_MINUS2;

int_t g_int_t = 1;
int_tt g_int_tt = 2;
cint_ttt g_cint_ttt = 3;
vcint_tttt g_vcint_tttt = 4;
byte_array16 g_byte_array16 = {1, 2, 3};
byte_array16_ptr g_byte_array16_ptr = &g_byte_array16;

struct bitfields_u32 g_bitfields_u32 = {1, 2, 5, 17, 100, 8000, 0x7fffffff, 9};
struct bitfields_signed g_bitfields_signed = {-1, -3, -200, -16, -1000, -12345678901LL, -5};
struct bitfields_straddle g_bitfields_straddle = {0xaa, 0xabc, 0xfffff, 0x1234567890ULL, 0x7ffffff, 1, 31, 300, 100};
struct bitfields_misc g_bitfields_misc = {true, false, BLUE, TINY_3, SS_MINUS1, 1, 9, -300, 0x1ffff, 1, -1};
struct bitfields_packed g_bitfields_packed = {5, 0x1fffffffffffffffULL, 12345, 3};

struct packed_s g_packed_s = {'p', 42, 0x1122334455667788LL, 7, 2.5};
struct member_packed g_member_packed = {'a', 1, 'b'};
struct pragma_pack2 g_pragma_pack2 = {'q', 3, 4};
struct aligned_members g_aligned_members = {'x', 1, 2, 'y'};
struct aligned_struct g_aligned_struct = {1, 2};
aligned_struct_array g_aligned_struct_array;

struct rect g_rect = {{0, 0}, {10, 20}, {1, 2}, {.dx = 3, .dy = 4}, {.f = 1.5f}};
struct deeply_nested g_deeply_nested;
union number g_number = {.d = 3.25};
struct tagged g_tagged = {.kind = T_STRING, .payload.as_string = {2, "tagged string", 13}};

struct arrays g_arrays = {.one_d = {1, 2, 3}, .two_d = {{1}, {2, 3}}, .names = {"one", "two", "three"}};
struct flex g_flex;
struct flex_struct_elems g_flex_struct_elems;
struct qualified g_qualified = {.c_int = 5, .cv_ulong = 77, .cp_const = "const", .chained = 9, .vchained = 10};

struct list_node g_list_head = {&g_list_head, &g_list_head, 0, 0};
tree_t g_tree_root;
struct mutual_a g_mutual_a;
struct mutual_b g_mutual_b = {&g_mutual_a, 2};

struct s g_s = {1, 2, 3, 4, 5, 6};
struct a_struct_with_a_rather_long_and_descriptive_name_for_strp g_long_names;
struct scalars g_scalars;

binop_fn g_binop_fn;
callback_fn g_callback_fn;
varargs_fn g_varargs_fn;
binop_factory_fn g_binop_factory_fn;
noproto_fn g_noproto_fn;

/* multi-dimensional arrays and arrays of structs at file scope */
int g_matrix[3][5][7];
struct point g_points[8];
struct rect g_rect_grid[2][3];
const char *const g_strings[] = {"alpha", "beta", "gamma", 0};
static int s_static_array[17] __attribute__((used));
static struct list_node s_static_nodes[4] __attribute__((used));
static union number s_static_number __attribute__((used)) = {.i64 = -1};
static const struct point s_const_point = {7, 8};
volatile int g_volatile_int;
const volatile long g_cv_long = 3;
_Atomic int g_atomic_int;
_Atomic(struct point *) g_atomic_point_ptr;
int *restrict g_restrict_ptr;
_Alignas(128) char g_aligned_buffer[256];

/* ============================================ inlined helpers */

static inline int point_dot(struct point a, struct point b) {
  return a.x * b.x + a.y * b.y;
}

static inline __attribute__((always_inline)) int rect_area(const struct rect *r) {
  int w = r->bottom_right.x - r->top_left.x;
  int h = r->bottom_right.y - r->top_left.y;
  return w * h;
}

static inline unsigned bitfields_sum(const struct bitfields_u32 *b) {
  return b->a + b->b + b->c + b->d + b->e + b->f + b->g + b->h;
}

/* ============================================ noinline functions */

__attribute__((noinline)) int add(int a, int b) {
  return a + b;
}

__attribute__((noinline)) int sub(int a, int b) {
  return a - b;
}

static int mul(int a, int b) {
  return a * b;
}

__attribute__((noinline)) binop_fn pick_binop(enum color which) {
  switch (which) {
  case RED:
    return add;
  case GREEN:
    return sub;
  default:
    return mul;
  }
}

struct ops g_ops = {add, sub, mul, 0, 0, pick_binop, 0, 0, 0};

__attribute__((noinline)) struct point make_point(int x, int y) {
  struct point p = {x, y};
  return p;
}

__attribute__((noinline)) struct rect make_rect(struct point a, struct point b) {
  struct rect r = {0};
  r.top_left = a;
  r.bottom_right = b;
  r.dx = b.x - a.x;
  r.dy = b.y - a.y;
  return r;
}

__attribute__((noinline)) int area_and_dot(const struct rect *r) {
  /* both helpers are inlined here: DW_TAG_inlined_subroutine */
  return rect_area(r) + point_dot(r->top_left, r->bottom_right);
}

__attribute__((noinline)) unsigned sum_bitfields(const struct bitfields_u32 *b, const struct bitfields_straddle *s) {
  return bitfields_sum(b) + (unsigned)s->straddle_a + (unsigned)s->wide_d + (unsigned)(s->wide_c & 0xff);
}

__attribute__((noinline)) long long signed_bits(struct bitfields_signed *b) {
  b->s3 = -2;
  b->sll = b->sll * 3;
  return b->s1 + b->s3 + b->plain9 + b->sc + b->sh + b->sll + b->s31;
}

__attribute__((noinline)) void set_misc(struct bitfields_misc *m, enum color c, bool f) {
  m->color_bits = c;
  m->flag = f;
  m->u64 = (uint64_t)c << 40;
  m->i64 = -(int64_t)c;
}

__attribute__((noinline)) union number number_from_double(double d) {
  union number n;
  n.d = d;
  return n;
}

__attribute__((noinline)) double tagged_value(const struct tagged *t) {
  switch (t->kind) {
  case T_INT:
    return t->payload.as_int.ivalue;
  case T_DOUBLE:
    return t->payload.as_double.dvalue;
  default:
    return (double)t->payload.as_string.len;
  }
}

__attribute__((noinline)) int sum_flex(const struct flex *f) {
  int total = 0;
  for (size_t i = 0; i < f->count; i++)
    total += f->values[i];
  return total;
}

__attribute__((noinline)) int list_length(const struct list_node *head) {
  int n = 0;
  for (const struct list_node *p = head->next; p && p != head; p = p->next)
    n++;
  return n;
}

__attribute__((noinline)) tree_t *tree_min(tree_t *t) {
  while (t && t->left)
    t = t->left;
  return t;
}

__attribute__((noinline)) int matrix_trace(int m[][5][7], int n) {
  int t = 0;
  for (int i = 0; i < n && i < 5; i++)
    t += m[0][i][i];
  return t;
}

__attribute__((noinline)) int packed_sum(struct packed_s *p, struct pragma_pack2 *q) {
  return p->i + (int)p->ll + q->i + (int)q->ll;
}

__attribute__((noinline)) int qualified_read(struct qualified *q) {
  return q->c_int + q->v_int + q->atomic_int + q->chained;
}

__attribute__((noinline)) int apply_ops(const struct ops *o, int a, int b) {
  return o->add(a, b) * o->sub(a, b) + o->mul(a, b);
}

__attribute__((noinline)) int sum_varargs(int count, ...) {
  va_list ap;
  int total = 0;
  va_start(ap, count);
  for (int i = 0; i < count; i++)
    total += va_arg(ap, int);
  va_end(ap);
  return total;
}

__attribute__((noinline)) struct scalars *scalars_touch(struct scalars *s, long double ld, _Complex double cd) {
  s->ld = ld;
  s->cd = cd;
  s->wc = L'w';
  s->bo = true;
  return s;
}

static int static_counter;

static __attribute__((noinline)) int bump_static(int by) {
  static int calls; /* function-scope static */
  calls++;
  static_counter += by;
  return static_counter + calls + s_static_array[by & 15] + s_const_point.x;
}

int types_entry(int argc) {
  struct rect r = make_rect(make_point(argc, 1), make_point(10, 20));
  int v = area_and_dot(&r);
  v += (int)sum_bitfields(&g_bitfields_u32, &g_bitfields_straddle);
  v += (int)signed_bits(&g_bitfields_signed);
  set_misc(&g_bitfields_misc, GREEN, argc & 1);
  v += (int)number_from_double(1.0).i32;
  v += (int)tagged_value(&g_tagged);
  v += sum_flex(&g_flex) + list_length(&g_list_head);
  v += tree_min(&g_tree_root) ? 1 : 0;
  v += matrix_trace(g_matrix, 3) + packed_sum(&g_packed_s, &g_pragma_pack2);
  v += qualified_read(&g_qualified) + apply_ops(&g_ops, argc, 3);
  v += sum_varargs(3, 1, 2, argc) + bump_static(argc);
  v += pick_binop(g_color)(v, 2);
  v += scalars_touch(&g_scalars, 1.0L, 2.0)->i;
  return v;
}
