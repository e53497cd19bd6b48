// CBLAS and LAPACKE as shipped by Debian's libopenblas-dev and liblapacke-dev.
// OpenBLAS is linked before LAPACKE so LAPACK symbols bind to OpenBLAS's optimised copies.
#include <cblas.h>
#include <lapacke.h>
