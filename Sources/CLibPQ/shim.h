// Debian's libpq (package libpq-dev); pkg-config adds -I/usr/include/postgresql.
#include <libpq-fe.h>
