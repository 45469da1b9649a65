// Differential test: our dump vs llvm-readobj-19 on every member of Debian's ppc64 libc.a (see readobj.ts).
import { libcDifferential } from "./readobj.js";

libcDifferential("ppc64");
