/* weights.c - see weights.h. */
#include "formats/weights.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/npz.h"
#include "formats/pickle.h"

int weights_load_arrays(const char *path, ArrayList *out, char err[ERR_LEN])
{
    *out = (ArrayList){ 0, NULL };
    struct stat st;
    if (stat(path, &st) != 0)
        return set_error(err, "%s: cannot open: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return set_error(err, "%s: is a directory, not a weight file", path);
    if (st.st_size == 0)
        return set_error(err, "%s: empty file, not a weight file (.pkl or .npz)", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return set_error(err, "%s: cannot open: %s", path, strerror(errno));
    unsigned char magic[2] = { 0, 0 };
    const size_t got = fread(magic, 1, 2, f);
    fclose(f);
    if (got == 2 && magic[0] == 'P' && magic[1] == 'K')
        return npz_load(path, out, err);
    if (got >= 1 && magic[0] == 0x80)
        return pickle_load_arrays(path, out, err);
    return set_error(err, "%s: neither a pickle (.pkl) nor a NumPy .npz file", path);
}
