#ifndef FESTIVALGATE_CSQLITE_SHIM_H
#define FESTIVALGATE_CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro ((sqlite3_destructor_type)-1) that Swift cannot import.
// Binding with it makes SQLite copy the bytes, so Swift buffers may be released right after.
static inline sqlite3_destructor_type csqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
