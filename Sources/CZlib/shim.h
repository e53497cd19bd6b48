// zlib (Debian: zlib1g-dev) for .gz data files and deflated NPZ members.
#include <zlib.h>
