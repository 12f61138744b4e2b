/* weights.c - see weights.h. */
#include "formats/weights.h"

#include "formats/bytes.h"
#include "formats/npz.h"
#include "formats/pickle.h"

int weights_load_checked(const char *path, ArrayCheck check, void *ctx, ArrayList *out,
                         char err[ERR_LEN])
{
    *out = (ArrayList){ 0, NULL };
    ByteSource src;
    if (byte_source_open(&src, path, "a weight file", err) != 0)
        return -1;
    unsigned char magic[2] = { 0, 0 };
    int rc;
    if (src.size == 0)
        rc = set_error(err, "%s: empty file, not a weight file (.pkl or .npz)", path);
    else if (byte_source_read(&src, 0, magic, src.size < 2 ? 1 : 2, err) != 0)
        rc = -1;
    else if (src.size >= 2 && magic[0] == 'P' && magic[1] == 'K')
        rc = npz_read_checked(&src, check, ctx, out, err);
    else if (magic[0] == 0x80)
        rc = pickle_read_checked(&src, check, ctx, out, err);
    else
        rc = set_error(err, "%s: neither a pickle (.pkl) nor a NumPy .npz file", path);
    byte_source_close(&src);
    return rc;
}

int weights_load(const char *path, ArrayList *out, char err[ERR_LEN])
{
    return weights_load_checked(path, NULL, NULL, out, err);
}

int weights_load_arrays(const char *path, ArrayList *out, char err[ERR_LEN])
{
    return weights_load_checked(path, NULL, NULL, out, err);
}
