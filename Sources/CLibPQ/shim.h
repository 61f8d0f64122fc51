// Debian's libpq (package libpq-dev). Included by its path under /usr/include so the build does
// not depend on pkg-config being installed; elsewhere pkg-config's -I finds <libpq-fe.h>.
#if __has_include(<postgresql/libpq-fe.h>)
#include <postgresql/libpq-fe.h>
#else
#include <libpq-fe.h>
#endif
