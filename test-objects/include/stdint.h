/*
 * test-objects/include/stdint.h - used only for gcc builds (build.sh passes
 * -nostdinc -isystem test-objects/include -isystem <gcc's own include dir>).
 * GCC's <stdint.h> wrapper forwards to the C library's header in hosted mode,
 * and not every cross target has a C library installed (mips-linux-gnu has
 * none), so forward straight to GCC's freestanding definitions instead.
 * clang builds use -nostdlibinc, where clang's own <stdint.h> does the same.
 */
#ifndef ELFDELTA_TEST_OBJECTS_STDINT_H
#define ELFDELTA_TEST_OBJECTS_STDINT_H
#include <stdint-gcc.h>
#endif
