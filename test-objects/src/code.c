/*
 * code.c - ordinary code for the elfdelta test corpus: jump tables, function
 * pointer tables, string literals, static locals, TLS, weak symbols, a
 * constructor, .cold splitting, IPA clones (.isra/.constprop/.part with gcc -O2),
 * tentative definitions (COMMON with -fcommon) and a custom ELF note.
 *
 * No libc headers (see test-objects/README.md).
 */
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ notes */

/*
 * A well-formed note in its own SHT_NOTE section: namesz = 9 ("elfdelta\0"),
 * descsz = 8, type = 0x454c4644, name padded to 4, desc of two words.  "%note"
 * instead of "@note" because "@" starts a comment on ARM; both GNU as and
 * LLVM's integrated assembler accept "%" on every target.
 */
__asm__(".pushsection .note.elfdelta,\"a\",%note\n"
        "\t.balign 4\n"
        "\t.long 9\n"
        "\t.long 8\n"
        "\t.long 0x454c4644\n"
        "\t.asciz \"elfdelta\"\n"
        "\t.balign 4\n"
        "\t.long 0x12345678\n"
        "\t.long 0x9abcdef0\n"
        "\t.balign 4\n"
        "\t.popsection\n");

/* ------------------------------------------------------ COMMON candidates */

/* Tentative definitions: COMMON symbols when compiled with -fcommon (variant
 * "common"), ordinary .bss definitions otherwise (the gcc >= 10 default). */
int common_counter;
long common_table[32];
char common_buffer[100];

/* ------------------------------------------------------------------- TLS */

__thread int tls_counter;
__thread long tls_initialised = 42;
static __thread const char *tls_last_message;

/* ---------------------------------------------------------- weak symbols */

__attribute__((weak)) int weak_hook(int x) {
  return x + 1;
}

extern int optional_feature(int) __attribute__((weak)); /* weak undefined */

__attribute__((weak)) int weak_data = 7;

/* ---------------------------------------------------------- strings/data */

static const char *const messages[] = {
    "zero",
    "one: a somewhat longer message",
    "two",
    "three: %d items",
    "four",
};

const char greeting[] = "hello, elfdelta";

/* ---------------------------------------------------------- constructor */

int constructed_value;
static int destructed_value;

__attribute__((constructor)) static void code_init(void) {
  constructed_value = 1234;
}

__attribute__((constructor(200))) static void code_init_prio(void) {
  constructed_value += 1;
}

__attribute__((destructor)) static void code_fini(void) {
  destructed_value = 1;
}

/* -------------------------------------------------- switch / jump table */

__attribute__((noinline)) int dispatch(int op, int a, int b) {
  switch (op) {
  case 0:
    return a + b;
  case 1:
    return a - b;
  case 2:
    return a * b;
  case 3:
    return b ? a / b : 0;
  case 4:
    return a << (b & 31);
  case 5:
    return a >> (b & 31);
  case 6:
    return a & b;
  case 7:
    return a | b;
  case 8:
    return a ^ b;
  case 9:
    return ~a;
  case 10:
    return -a;
  case 11:
    return a % (b | 1);
  case 12:
    return a * 3 + b;
  case 13:
    return a * 5 - b;
  default:
    return -1;
  }
}

/* ---------------------------------------------- function pointer table */

static int op_inc(int x) { return x + 1; }
static int op_dec(int x) { return x - 1; }
static int op_dbl(int x) { return x * 2; }
static int op_neg(int x) { return -x; }
static int op_sq(int x) { return x * x; }

typedef int (*unary_fn)(int);

static unary_fn const unary_table[] = {op_inc, op_dec, op_dbl, op_neg, op_sq, weak_hook};
unary_fn mutable_table[] = {op_sq, op_inc};

__attribute__((noinline)) int apply_unary(unsigned idx, int x) {
  if (idx >= sizeof(unary_table) / sizeof(unary_table[0]))
    return x;
  return unary_table[idx](x);
}

/* ---------------------------------------------------------- static locals */

__attribute__((noinline)) int next_id(void) {
  static int counter = 100;
  static const char *last;
  last = messages[counter % 5];
  tls_last_message = last;
  return ++counter;
}

__attribute__((noinline)) const char *message_for(unsigned i) {
  static char scratch[32];
  if (i < 5)
    return messages[i];
  scratch[0] = (char)('0' + (i % 10));
  return scratch;
}

/* ------------------------------------------------------------ cold paths */

__attribute__((cold, noinline)) static void report_failure(const char *what, int code) {
  common_buffer[0] = what[0];
  common_counter = code;
}

__attribute__((noinline)) int checked_divide(int a, int b) {
  if (__builtin_expect(b == 0, 0)) {
    /* unlikely block: gcc moves it to .text.unlikely as checked_divide.cold */
    report_failure("division by zero", a);
    common_table[a & 31]++;
    return -1;
  }
  if (__builtin_expect(a == -2147483647 - 1 && b == -1, 0)) {
    report_failure("overflow", b);
    return 0;
  }
  return a / b;
}

__attribute__((noinline)) long sum_checked(const int *v, size_t n) {
  long s = 0;
  for (size_t i = 0; i < n; i++) {
    if (__builtin_expect(v[i] < 0, 0)) {
      report_failure("negative", v[i]);
      s -= v[i] * 3;
      continue;
    }
    s += v[i];
  }
  return s;
}

/* ------------------------------------------------------------ IPA clones */

struct config {
  int verbose;
  int scale;
  int offset;
  long unused_a;
  long unused_b;
  char name[64];
};

/* Reads only two fields of *cfg: IPA-SRA turns it into scale_value.isra.0
 * taking the two ints by value. */
static __attribute__((noinline)) int scale_value(const struct config *cfg, int v) {
  int r = v;
  for (int i = 0; i < 4; i++)
    r = r * cfg->scale + cfg->offset + i;
  return r;
}

/* Always called with mode == 3: IPA-CP makes mix.constprop.0. */
static __attribute__((noinline)) int mix(int mode, int a, int b) {
  int acc = 0;
  for (int i = 0; i < a; i++) {
    if (mode & 1)
      acc += i * b;
    if (mode & 2)
      acc ^= i + b;
    if (mode & 4)
      acc -= b;
  }
  return acc;
}

/* Cheap early exit + expensive tail: ipa-split inlines the head into callers
 * and outlines the rest as lookup.part.0. */
struct cache {
  int valid;
  int value;
  int data[64];
};

static int lookup(struct cache *c, int key) {
  if (c->valid)
    return c->value;
  int best = 0;
  for (int i = 0; i < 64; i++) {
    int d = c->data[i] - key;
    if (d < 0)
      d = -d;
    if (d > best)
      best = d;
    c->data[i] ^= best;
  }
  for (int i = 63; i > 0; i--)
    c->data[i] += c->data[i - 1] * key;
  c->value = best;
  c->valid = 1;
  return best;
}

struct config global_config = {0, 3, 7, 0, 0, "global"};
struct cache global_cache;
static struct cache other_cache;

int ipa_user_one(int v) {
  return scale_value(&global_config, v) + mix(3, v, 5) + lookup(&global_cache, v);
}

int ipa_user_two(int v, struct config *c) {
  return scale_value(c, v + 1) + mix(3, v + 2, 9) + lookup(&other_cache, v);
}

int ipa_user_three(int v) {
  struct config local = {1, 5, 1, 0, 0, "local"};
  return scale_value(&local, v) * mix(3, v, v) + lookup(&global_cache, v * 2);
}

/* ------------------------------------------------------- misc attributes */

__attribute__((visibility("hidden"))) int hidden_function(int x) {
  return dispatch(x & 15, x, 3);
}

__attribute__((section(".text.elfdelta_custom"), noinline)) int in_custom_section(int x) {
  return x * 7 + greeting[x & 7];
}

__attribute__((section(".data.elfdelta_custom"))) int custom_data[4] = {1, 2, 3, 4};

int aliased_target(int x) {
  return x + weak_data;
}
extern int alias_of_target(int x) __attribute__((alias("aliased_target")));

int code_entry(int argc) {
  int v = dispatch(argc & 15, argc, 2) + apply_unary((unsigned)argc, argc);
  v += next_id() + (int)message_for((unsigned)argc)[0];
  v += checked_divide(v, argc) + (int)sum_checked(&custom_data[0], 4);
  v += ipa_user_one(argc) + ipa_user_three(argc);
  v += hidden_function(v) + in_custom_section(argc) + alias_of_target(argc);
  v += mutable_table[argc & 1](v);
  if (optional_feature)
    v += optional_feature(v);
  tls_counter += v;
  return v + (int)tls_initialised + constructed_value;
}
