/* pickle.c - see pickle.h.
 *
 * A pickle is a little stack-machine program: each opcode pushes a value
 * (an int, a string, a tuple built from the values above the last MARK...),
 * stores it in or fetches it from the "memo", or combines values (REDUCE
 * calls a global with an argument tuple, BUILD sets an object's state).
 * The book's file, shortened (python3 -m pickletools sample_weight.pkl):
 *
 *     EMPTY_DICT  MARK
 *       'W1'  GLOBAL numpy.core.multiarray _reconstruct  (GLOBAL numpy ndarray, (0,), b'b')
 *             REDUCE                        -> an empty ndarray
 *             MARK 1 (784, 50) [GLOBAL numpy dtype ('f4', 0, 1) REDUCE
 *                               (3, '<', None, None, None, -1, -1, 0) BUILD]  -> a dtype
 *                  True <156800 bytes> TUPLE BUILD           -> the ndarray's state
 *       'b1'  ...
 *     SETITEMS STOP
 *
 * Here REDUCE never calls anything: it recognises the few NumPy globals and
 * builds our own "array" and "dtype" values from their arguments. Values live
 * in an arena owned by the parser (a memo entry and the stack may share one),
 * so every error path frees everything in one place. Strings and bytes point
 * into the input buffer (only _codecs.encode makes new bytes); the arrays are
 * converted to double at the end, once the whole stream has been checked.
 *
 * A file is read as the machine asks for bytes: the buffer starts at 64 KiB and grows (to
 * twice its size, or to what a length field already checked against the file and the bound
 * asks for) only when an opcode needs bytes beyond it; the machine then starts again from
 * byte 0 on the longer buffer (it never holds pointers into a buffer that moved). An opcode
 * it refuses at byte 2 of an 800 MB file costs 64 KiB.
 */
#include "formats/pickle.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/bytes.h"

/* Limits far above the book's file (about 50 objects, a stack of 10, 3 MARKs open). */
#define MAX_OBJECTS    ((size_t)1 << 18) /* values created */
#define MAX_SLOTS      ((size_t)1 << 22) /* items held by all tuples, lists and dicts */
#define MAX_STACK      ((size_t)1 << 16)
#define MAX_MEMO       ((size_t)1 << 20) /* memo indices */
#define MAX_DICT       4096              /* entries in one dict */
#define MAX_GLOBAL_LEN 256               /* a GLOBAL's module or name, newline included */

typedef enum {
    V_NONE, V_BOOL, V_INT, V_STR, V_BYTES, V_TUPLE, V_LIST, V_DICT, V_GLOBAL, V_DTYPE, V_ARRAY
} Kind;

static const char *const kind_name[] = {  /* for messages: "the key is an int" */
    "None", "a bool", "an int", "a str", "bytes", "a tuple", "a list", "a dict", "a global",
    "a dtype", "an ndarray"
};

/* The globals a NumPy pickle uses; nothing else is ever accepted. */
typedef enum { G_RECONSTRUCT, G_NDARRAY, G_DTYPE, G_FROMBUFFER, G_CODECS_ENCODE } Global;

static const struct { const char *module, *name; Global which; } known_globals[] = {
    { "numpy.core.multiarray", "_reconstruct", G_RECONSTRUCT },       /* NumPy 1.x */
    { "numpy._core.multiarray", "_reconstruct", G_RECONSTRUCT },      /* NumPy 2.x */
    { "numpy.core._multiarray_umath", "_reconstruct", G_RECONSTRUCT },
    { "numpy._core._multiarray_umath", "_reconstruct", G_RECONSTRUCT },
    { "numpy", "ndarray", G_NDARRAY },
    { "numpy", "dtype", G_DTYPE },
    { "numpy.core.numeric", "_frombuffer", G_FROMBUFFER },            /* protocol 5 */
    { "numpy._core.numeric", "_frombuffer", G_FROMBUFFER },
    { "_codecs", "encode", G_CODECS_ENCODE },                         /* bytes at protocol 2 */
};

typedef struct {
    int itemsize;  /* 4 (float32) or 8 (float64) */
    int big;       /* big-endian data */
} Dtype;

typedef struct {
    int built;     /* state set (BUILD) or made whole by _frombuffer */
    int ndim;
    size_t shape[ARRAY_MAX_NDIM];
    size_t count;  /* elements */
    Dtype dtype;
    int fortran;   /* raw holds the elements in Fortran (column-major) order */
    const unsigned char *raw;  /* count * itemsize bytes, in the input or an owned buffer */
} Array;

typedef struct Value Value;
struct Value {
    Kind kind;
    int depth;           /* 1 for a scalar, 1 + the deepest item for a container */
    Value *next;         /* the arena's chain */
    union {
        int64_t i;                                       /* V_BOOL, V_INT */
        struct {                                         /* V_STR, V_BYTES */
            const unsigned char *p;
            size_t n;
            unsigned char *owned;                        /* p, when we allocated it */
            int legacy;                                  /* a Python 2 str (BINSTRING) */
        } s;
        struct { Value **items; size_t n, cap; } seq;    /* V_TUPLE, V_LIST; V_DICT: k, v, k, v */
        Global g;
        Dtype dt;
        Array a;
    } u;
};

typedef struct {
    const unsigned char *buf;
    size_t len, pos;     /* len bytes of the stream are in buf */
    size_t total;        /* the stream's length (the file's size) */
    size_t want;         /* when not 0: run again with the stream's first `want` bytes */
    size_t op_at;        /* where the current opcode starts, for messages */
    const char *name;
    char *err;
    Value *arena;
    size_t nobjects, nslots;
    Value **stack;
    size_t sp, stack_cap;
    size_t marks[PICKLE_MAX_DEPTH];
    int nmarks;
    Value **memo;        /* NULL entries are unset */
    size_t memo_cap, memo_count;
} Parser;

/* ---- errors ------------------------------------------------------------- */

static int fail(Parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(Parser *p, const char *fmt, ...)
{
    char msg[ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return set_error(p->err, "%s: %s", p->name, msg);
}

/* Bytes from the file, made safe to print on one line (at most 40 shown). */
static const char *show(char out[64], const unsigned char *s, size_t n)
{
    return printable(out, 48, s, n);
}

static const char *opcode_name(unsigned char op)
{
    static const struct { unsigned char code; const char *name; } names[] = {
        { 'I', "INT" }, { 'J', "BININT" }, { 'K', "BININT1" }, { 'M', "BININT2" },
        { 'L', "LONG" }, { 0x8a, "LONG1" }, { 0x8b, "LONG4" }, { 'S', "STRING" },
        { 'T', "BINSTRING" }, { 'U', "SHORT_BINSTRING" }, { 'B', "BINBYTES" },
        { 'C', "SHORT_BINBYTES" }, { 0x8e, "BINBYTES8" }, { 0x96, "BYTEARRAY8" },
        { 0x97, "NEXT_BUFFER" }, { 0x98, "READONLY_BUFFER" }, { 'N', "NONE" },
        { 0x88, "NEWTRUE" }, { 0x89, "NEWFALSE" }, { 'V', "UNICODE" },
        { 0x8c, "SHORT_BINUNICODE" }, { 'X', "BINUNICODE" }, { 0x8d, "BINUNICODE8" },
        { 'F', "FLOAT" }, { 'G', "BINFLOAT" }, { ']', "EMPTY_LIST" }, { 'a', "APPEND" },
        { 'e', "APPENDS" }, { 'l', "LIST" }, { ')', "EMPTY_TUPLE" }, { 't', "TUPLE" },
        { 0x85, "TUPLE1" }, { 0x86, "TUPLE2" }, { 0x87, "TUPLE3" }, { '}', "EMPTY_DICT" },
        { 'd', "DICT" }, { 's', "SETITEM" }, { 'u', "SETITEMS" }, { 0x8f, "EMPTY_SET" },
        { 0x90, "ADDITEMS" }, { 0x91, "FROZENSET" }, { '0', "POP" }, { '2', "DUP" },
        { '(', "MARK" }, { '1', "POP_MARK" }, { 'g', "GET" }, { 'h', "BINGET" },
        { 'j', "LONG_BINGET" }, { 'p', "PUT" }, { 'q', "BINPUT" }, { 'r', "LONG_BINPUT" },
        { 0x94, "MEMOIZE" }, { 0x82, "EXT1" }, { 0x83, "EXT2" }, { 0x84, "EXT4" },
        { 'c', "GLOBAL" }, { 0x93, "STACK_GLOBAL" }, { 'R', "REDUCE" }, { 'b', "BUILD" },
        { 'i', "INST" }, { 'o', "OBJ" }, { 0x81, "NEWOBJ" }, { 0x92, "NEWOBJ_EX" },
        { 0x80, "PROTO" }, { '.', "STOP" }, { 0x95, "FRAME" }, { 'P', "PERSID" },
        { 'Q', "BINPERSID" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == op)
            return names[i].name;
    return NULL;
}

static const char *cur_op(const Parser *p) { return opcode_name(p->buf[p->op_at]); }

/* ---- the arena ---------------------------------------------------------- */

static Value *new_value(Parser *p, Kind kind)
{
    if (p->nobjects >= MAX_OBJECTS) {
        fail(p, "more than %zu objects (at byte %zu); not a weight file", MAX_OBJECTS, p->op_at);
        return NULL;
    }
    Value *v = calloc(1, sizeof *v);
    if (!v) {
        fail(p, "out of memory at byte %zu", p->op_at);
        return NULL;
    }
    v->kind = kind;
    v->depth = 1;
    v->next = p->arena;
    p->arena = v;
    p->nobjects++;
    return v;
}

static void free_arena(Parser *p)
{
    for (Value *v = p->arena, *next; v; v = next) {
        next = v->next;
        if (v->kind == V_TUPLE || v->kind == V_LIST || v->kind == V_DICT)
            free(v->u.seq.items);
        else if (v->kind == V_STR || v->kind == V_BYTES)
            free(v->u.s.owned);
        free(v);
    }
    p->arena = NULL;
    free(p->stack);
    free(p->memo);
}

/* Append item to a tuple, list or dict, tracking its nesting depth and the slot budget. */
static int seq_add(Parser *p, Value *seq, Value *item)
{
    if (item->depth + 1 > seq->depth) {
        seq->depth = item->depth + 1;
        if (seq->depth > PICKLE_MAX_DEPTH)
            return fail(p, "containers nested deeper than %d levels at byte %zu",
                        PICKLE_MAX_DEPTH, p->op_at);
    }
    if (p->nslots >= MAX_SLOTS)
        return fail(p, "containers hold more than %zu items (at byte %zu)", MAX_SLOTS, p->op_at);
    if (seq->u.seq.n == seq->u.seq.cap) {
        size_t cap = seq->u.seq.cap ? 2 * seq->u.seq.cap : 4;
        Value **items = realloc(seq->u.seq.items, cap * sizeof *items);
        if (!items)
            return fail(p, "out of memory at byte %zu", p->op_at);
        seq->u.seq.items = items;
        seq->u.seq.cap = cap;
    }
    seq->u.seq.items[seq->u.seq.n++] = item;
    p->nslots++;
    return 0;
}

/* ---- the stack and its MARKs ------------------------------------------- */

static size_t fence(const Parser *p) { return p->nmarks ? p->marks[p->nmarks - 1] : 0; }

static int push(Parser *p, Value *v)
{
    if (!v)
        return -1;  /* new_value failed and said why */
    if (p->sp == p->stack_cap) {
        if (p->stack_cap >= MAX_STACK)
            return fail(p, "stack deeper than %zu at byte %zu", MAX_STACK, p->op_at);
        size_t cap = p->stack_cap ? 2 * p->stack_cap : 64;
        Value **s = realloc(p->stack, cap * sizeof *s);
        if (!s)
            return fail(p, "out of memory at byte %zu", p->op_at);
        p->stack = s;
        p->stack_cap = cap;
    }
    p->stack[p->sp++] = v;
    return 0;
}

static int pop(Parser *p, Value **v)
{
    if (p->sp <= fence(p))
        return fail(p, "stack underflow at byte %zu (%s)", p->op_at, cur_op(p));
    *v = p->stack[--p->sp];
    return 0;
}

static int top(Parser *p, Value **v)
{
    if (p->sp <= fence(p))
        return fail(p, "stack underflow at byte %zu (%s)", p->op_at, cur_op(p));
    *v = p->stack[p->sp - 1];
    return 0;
}

/* Close the last MARK: the values above it are stack[*start .. sp). */
static int pop_mark(Parser *p, size_t *start)
{
    if (p->nmarks == 0)
        return fail(p, "%s at byte %zu without a MARK", cur_op(p), p->op_at);
    *start = p->marks[--p->nmarks];
    return 0;
}

/* ---- reading the stream ------------------------------------------------- */

/* The stream holds n more bytes after pos (they may not be in the buffer yet). */
static int within(Parser *p, uint64_t n, const char *what)
{
    if (n > p->total - p->pos)
        return fail(p, "truncated at byte %zu: %s needs %llu bytes, %zu remain", p->pos, what,
                    (unsigned long long)n, p->total - p->pos);
    return 0;
}

/* Ask for a longer buffer holding the first `upto` bytes (at most the stream's length). */
static int more(Parser *p, size_t upto)
{
    p->want = upto < p->total ? upto : p->total;
    return -1;
}

/* The n bytes after pos are in the buffer: else -1, and either a truncation error or a
 * request for more (p->want). */
static int need(Parser *p, uint64_t n, const char *what)
{
    if (within(p, n, what) != 0)
        return -1;
    if (n > p->len - p->pos)
        return more(p, p->pos + (size_t)n);
    return 0;
}

/* Little-endian unsigned integer of n bytes (n <= 8); the caller has checked need(). */
static uint64_t read_le(Parser *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p->buf[p->pos + (size_t)i] << (8 * i);
    p->pos += (size_t)n;
    return v;
}

static int read_uint(Parser *p, int n, uint64_t *v)
{
    if (need(p, (uint64_t)n, cur_op(p)) != 0)
        return -1;
    *v = read_le(p, n);
    return 0;
}

static int push_int(Parser *p, Kind kind, int64_t i)
{
    Value *v = new_value(p, kind);
    if (v)
        v->u.i = i;
    return push(p, v);
}

/* A string or bytes whose length is a little-endian integer of lenbytes bytes. */
static int push_string(Parser *p, Kind kind, int lenbytes, int legacy)
{
    uint64_t n;
    if (read_uint(p, lenbytes, &n) != 0)
        return -1;
    if (legacy && lenbytes == 4 && n > INT32_MAX)  /* BINSTRING's length is signed */
        return fail(p, "negative BINSTRING length at byte %zu", p->op_at);
    if (need(p, n, cur_op(p)) != 0)
        return -1;
    Value *v = new_value(p, kind);
    if (!v)
        return -1;
    v->u.s.p = p->buf + p->pos;
    v->u.s.n = (size_t)n;
    v->u.s.legacy = legacy;
    p->pos += (size_t)n;
    return push(p, v);
}

/* LONG1: a little-endian two's-complement integer of up to 8 bytes. */
static int push_long1(Parser *p)
{
    uint64_t n;
    if (read_uint(p, 1, &n) != 0)
        return -1;
    if (n > 8)
        return fail(p, "integer of %llu bytes at byte %zu is too large", (unsigned long long)n,
                    p->op_at);
    if (need(p, n, "LONG1") != 0)
        return -1;
    uint64_t u = read_le(p, (int)n);
    if (n > 0 && n < 8 && (u >> (8 * n - 1)) & 1)
        u |= ~(uint64_t)0 << (8 * n);  /* sign-extend */
    int64_t i;
    memcpy(&i, &u, sizeof i);
    return push_int(p, V_INT, i);
}

/* ---- globals ------------------------------------------------------------ */

static int push_global(Parser *p, const unsigned char *module, size_t mlen,
                       const unsigned char *name, size_t nlen)
{
    for (size_t i = 0; i < sizeof known_globals / sizeof known_globals[0]; i++)
        if (strlen(known_globals[i].module) == mlen && strlen(known_globals[i].name) == nlen &&
            memcmp(known_globals[i].module, module, mlen) == 0 &&
            memcmp(known_globals[i].name, name, nlen) == 0) {
            Value *v = new_value(p, V_GLOBAL);
            if (v)
                v->u.g = known_globals[i].which;
            return push(p, v);
        }
    char m[64], n[64];
    return fail(p, "refusing global %s.%s (only NumPy arrays are read)",
                show(m, module, mlen), show(n, name, nlen));
}

/* One newline-terminated line of a GLOBAL opcode. */
static int read_line(Parser *p, const unsigned char **s, size_t *n)
{
    size_t avail = p->len - p->pos;
    size_t look = avail < MAX_GLOBAL_LEN ? avail : MAX_GLOBAL_LEN;
    const unsigned char *nl = memchr(p->buf + p->pos, '\n', look);
    if (!nl) {
        if (avail < MAX_GLOBAL_LEN && p->len < p->total)
            return more(p, p->pos + MAX_GLOBAL_LEN);
        if (avail < MAX_GLOBAL_LEN)
            return fail(p, "truncated at byte %zu: GLOBAL has no newline", p->total);
        return fail(p, "GLOBAL at byte %zu: name longer than %d bytes", p->op_at,
                    MAX_GLOBAL_LEN - 1);
    }
    *s = p->buf + p->pos;
    *n = (size_t)(nl - *s);
    p->pos += *n + 1;
    return 0;
}

static int op_global(Parser *p)
{
    const unsigned char *module, *name;
    size_t mlen, nlen;
    if (read_line(p, &module, &mlen) != 0 || read_line(p, &name, &nlen) != 0)
        return -1;
    return push_global(p, module, mlen, name, nlen);
}

static int op_stack_global(Parser *p)
{
    Value *module, *name;
    if (pop(p, &name) != 0 || pop(p, &module) != 0)
        return -1;
    if (module->kind != V_STR || name->kind != V_STR)
        return fail(p, "STACK_GLOBAL at byte %zu needs two strings", p->op_at);
    return push_global(p, module->u.s.p, module->u.s.n, name->u.s.p, name->u.s.n);
}

/* ---- typed views of values ---------------------------------------------- */

static int is_int(const Value *v) { return v->kind == V_INT || v->kind == V_BOOL; }

static int is_text(const Value *v, const char *s)
{
    return v->kind == V_STR && v->u.s.n == strlen(s) && memcmp(v->u.s.p, s, v->u.s.n) == 0;
}

/* bytes, bytearray, or a Python 2 str (the raw data of an array in a Python 2 pickle) */
static int is_bytes(const Value *v)
{
    return v->kind == V_BYTES || (v->kind == V_STR && v->u.s.legacy);
}

static int is_tuple(const Value *v, size_t n) { return v->kind == V_TUPLE && v->u.seq.n == n; }

/* A shape tuple as Python would print what the file holds: (784, 50), ('784', 50), (None,) */
static void format_shape_value(char *out, size_t size, const Value *shape)
{
    size_t k = (size_t)snprintf(out, size, "(");
    for (size_t i = 0; i < shape->u.seq.n && k < size; i++) {
        const Value *d = shape->u.seq.items[i];
        char text[64];
        const char *sep = i ? ", " : "";
        if (d->kind == V_INT)
            k += (size_t)snprintf(out + k, size - k, "%s%lld", sep, (long long)d->u.i);
        else if (d->kind == V_BOOL)
            k += (size_t)snprintf(out + k, size - k, "%s%s", sep, d->u.i ? "True" : "False");
        else if (d->kind == V_STR || d->kind == V_BYTES)
            k += (size_t)snprintf(out + k, size - k, "%s%s'%s'", sep, d->kind == V_BYTES ? "b" : "",
                                  printable(text, 24, d->u.s.p, d->u.s.n));
        else if (d->kind == V_NONE)
            k += (size_t)snprintf(out + k, size - k, "%sNone", sep);
        else
            k += (size_t)snprintf(out + k, size - k, "%s<%s>", sep, kind_name[d->kind]);
    }
    if (k < size)
        snprintf(out + k, size - k, shape->u.seq.n == 1 ? ",)" : ")");
}

/* Give array a its shape, dtype and data, checking they agree. */
static int set_array(Parser *p, Array *a, const Value *shape, const Value *dtype, int fortran,
                     const Value *raw)
{
    if (shape->kind != V_TUPLE)
        return fail(p, "array shape at byte %zu is %s, not a tuple", p->op_at,
                    kind_name[shape->kind]);
    if (shape->u.seq.n > ARRAY_MAX_NDIM)
        return fail(p, "array at byte %zu has %zu dimensions (at most %d)", p->op_at,
                    shape->u.seq.n, ARRAY_MAX_NDIM);
    if (dtype->kind != V_DTYPE)
        return fail(p, "array dtype at byte %zu is %s", p->op_at, kind_name[dtype->kind]);
    if (!is_bytes(raw))
        return fail(p, "array data at byte %zu is %s, not bytes", p->op_at,
                    kind_name[raw->kind]);
    char text[160];
    format_shape_value(text, sizeof text, shape);
    /* bound is the product ignoring zeros, so (0, 2**62, 2**62) overflows too, as in NumPy */
    size_t count = 1, bound = 1;
    for (size_t i = 0; i < shape->u.seq.n; i++) {
        const Value *d = shape->u.seq.items[i];
        if (!is_int(d))
            return fail(p, "array shape %s at byte %zu is not a tuple of sizes: item %zu is %s",
                        text, p->op_at, i, kind_name[d->kind]);
        if (d->u.i < 0)
            return fail(p, "array shape %s at byte %zu is not a tuple of sizes: item %zu is "
                        "negative", text, p->op_at, i);
        uint64_t n = (uint64_t)d->u.i;
        if (n > SIZE_MAX || (n > 1 && bound > SIZE_MAX / (size_t)dtype->u.dt.itemsize / n))
            return fail(p, "array shape %s at byte %zu overflows", text, p->op_at);
        a->shape[i] = (size_t)n;
        count *= (size_t)n;
        bound *= n ? (size_t)n : 1;
    }
    size_t bytes = count * (size_t)dtype->u.dt.itemsize;
    if (bytes != raw->u.s.n)
        return fail(p, "array shape %s float%d needs %zu bytes, the data at byte %zu holds %zu",
                    text, 8 * dtype->u.dt.itemsize, bytes, p->op_at, raw->u.s.n);
    a->ndim = (int)shape->u.seq.n;
    a->count = count;
    a->dtype = dtype->u.dt;
    a->fortran = fortran;
    a->raw = raw->u.s.p;
    a->built = 1;
    return 0;
}

/* ---- REDUCE: the calls NumPy pickles make, recognised, never performed --- */

/* numpy.dtype('f4' or 'f8', align, copy): the byte order comes later, from BUILD. */
static Value *make_dtype(Parser *p, const Value *args)
{
    if (!is_tuple(args, 3) || args->u.seq.items[0]->kind != V_STR ||
        !is_int(args->u.seq.items[1]) || !is_int(args->u.seq.items[2])) {
        fail(p, "numpy.dtype called with unexpected arguments at byte %zu", p->op_at);
        return NULL;
    }
    const Value *code = args->u.seq.items[0];
    int itemsize = is_text(code, "f4") ? 4 : is_text(code, "f8") ? 8 : 0;
    if (!itemsize) {
        char c[64];
        fail(p, "dtype '%s' at byte %zu is not float32 ('f4') or float64 ('f8')",
             show(c, code->u.s.p, code->u.s.n), p->op_at);
        return NULL;
    }
    Value *v = new_value(p, V_DTYPE);
    if (v) {
        v->u.dt.itemsize = itemsize;
        v->u.dt.big = host_is_big_endian();
    }
    return v;
}

/* _codecs.encode(text, 'latin1'): Python 3 writes bytes this way at protocol 2. */
static Value *make_latin1(Parser *p, const Value *args)
{
    if (!is_tuple(args, 2) || args->u.seq.items[0]->kind != V_STR ||
        !(is_text(args->u.seq.items[1], "latin1") || is_text(args->u.seq.items[1], "latin-1"))) {
        fail(p, "_codecs.encode called with unexpected arguments at byte %zu", p->op_at);
        return NULL;
    }
    const Value *text = args->u.seq.items[0];
    unsigned char *out = malloc(text->u.s.n ? text->u.s.n : 1);
    if (!out) {
        fail(p, "out of memory at byte %zu", p->op_at);
        return NULL;
    }
    size_t k = 0;
    const unsigned char *s = text->u.s.p;
    for (size_t i = 0; i < text->u.s.n; k++) {
        if (s[i] < 0x80 || text->u.s.legacy) {
            out[k] = s[i++];
        } else if ((s[i] == 0xc2 || s[i] == 0xc3) && i + 1 < text->u.s.n &&
                   (s[i + 1] & 0xc0) == 0x80) {  /* U+0080..U+00FF in UTF-8 */
            out[k] = (unsigned char)(((s[i] & 0x03) << 6) | (s[i + 1] & 0x3f));
            i += 2;
        } else {
            free(out);
            fail(p, "_codecs.encode at byte %zu: text is not latin-1", p->op_at);
            return NULL;
        }
    }
    Value *v = new_value(p, V_BYTES);
    if (!v) {
        free(out);
        return NULL;
    }
    v->u.s.p = v->u.s.owned = out;
    v->u.s.n = k;
    return v;
}

static int op_reduce(Parser *p)
{
    Value *args, *callable, *v = NULL;
    if (pop(p, &args) != 0 || pop(p, &callable) != 0)
        return -1;
    if (callable->kind != V_GLOBAL)
        return fail(p, "REDUCE at byte %zu calls %s", p->op_at, kind_name[callable->kind]);
    if (args->kind != V_TUPLE)
        return fail(p, "REDUCE at byte %zu: arguments are %s, not a tuple", p->op_at,
                    kind_name[args->kind]);
    Value **arg = args->u.seq.items;
    switch (callable->u.g) {
    case G_RECONSTRUCT:  /* _reconstruct(ndarray, (0,), b'b'): an empty array, BUILD fills it */
        if (!is_tuple(args, 3) || arg[0]->kind != V_GLOBAL || arg[0]->u.g != G_NDARRAY ||
            arg[1]->kind != V_TUPLE || !is_bytes(arg[2]))
            return fail(p, "_reconstruct called with unexpected arguments at byte %zu",
                        p->op_at);
        v = new_value(p, V_ARRAY);
        break;
    case G_FROMBUFFER:   /* _frombuffer(data, dtype, shape, 'C' or 'F'): protocol 5 */
        if (!is_tuple(args, 4) || !(is_text(arg[3], "C") || is_text(arg[3], "F")))
            return fail(p, "_frombuffer called with unexpected arguments at byte %zu", p->op_at);
        v = new_value(p, V_ARRAY);
        if (v && set_array(p, &v->u.a, arg[2], arg[1], is_text(arg[3], "F"), arg[0]) != 0)
            return -1;
        break;
    case G_DTYPE:
        v = make_dtype(p, args);
        break;
    case G_CODECS_ENCODE:
        v = make_latin1(p, args);
        break;
    case G_NDARRAY:
        return fail(p, "numpy.ndarray called directly at byte %zu", p->op_at);
    }
    return push(p, v);
}

/* ---- BUILD: a dtype's or an array's state ------------------------------- */

/* (3, '<', None, None, None, -1, -1, 0), with a 9th item (metadata) in version 4 */
static int build_dtype(Parser *p, Dtype *dt, const Value *state)
{
    if (!(is_tuple(state, 8) || is_tuple(state, 9)))
        return fail(p, "dtype state at byte %zu is not an 8- or 9-item tuple", p->op_at);
    Value **s = state->u.seq.items;
    if (!is_int(s[0]) || (s[1]->kind != V_STR) || s[1]->u.s.n != 1 ||
        !memchr("<>|=", s[1]->u.s.p[0], 4))
        return fail(p, "dtype state at byte %zu has no byte order", p->op_at);
    if (s[2]->kind != V_NONE || s[3]->kind != V_NONE || s[4]->kind != V_NONE)
        return fail(p, "dtype at byte %zu has fields or a subarray (only plain float arrays "
                    "are read)", p->op_at);
    if (!is_int(s[5]) || !(s[5]->u.i == -1 || s[5]->u.i == dt->itemsize) || !is_int(s[6]) ||
        !is_int(s[7]) || (state->u.seq.n == 9 && s[8]->kind != V_NONE && s[8]->kind != V_DICT))
        return fail(p, "dtype state at byte %zu is not a float dtype's", p->op_at);
    char order = (char)s[1]->u.s.p[0];
    dt->big = order == '>' ? 1 : order == '<' ? 0 : host_is_big_endian();  /* '=', '|': native */
    return 0;
}

/* (1, shape, dtype, is_fortran, data), or without the leading version as in old pickles */
static int build_array(Parser *p, Array *a, const Value *state)
{
    if (a->built)
        return fail(p, "BUILD at byte %zu: the array already has its data", p->op_at);
    size_t off;
    if (is_tuple(state, 5) && is_int(state->u.seq.items[0]) && state->u.seq.items[0]->u.i == 1)
        off = 1;
    else if (is_tuple(state, 4))
        off = 0;
    else
        return fail(p, "array state at byte %zu is not (1, shape, dtype, is_fortran, data)",
                    p->op_at);
    Value **s = state->u.seq.items + off;
    if (!is_int(s[2]))
        return fail(p, "array state at byte %zu: is_fortran is %s", p->op_at,
                    kind_name[s[2]->kind]);
    return set_array(p, a, s[0], s[1], s[2]->u.i != 0, s[3]);
}

static int op_build(Parser *p)
{
    Value *state, *obj;
    if (pop(p, &state) != 0 || top(p, &obj) != 0)
        return -1;
    if (obj->kind == V_DTYPE)
        return build_dtype(p, &obj->u.dt, state);
    if (obj->kind == V_ARRAY)
        return build_array(p, &obj->u.a, state);
    return fail(p, "BUILD at byte %zu sets the state of %s (only arrays and dtypes)", p->op_at,
                kind_name[obj->kind]);
}

/* ---- containers --------------------------------------------------------- */

/* A tuple of the n values on top of the stack (TUPLE1..3), or of those above the MARK. */
static int op_tuple(Parser *p, size_t n, int from_mark)
{
    size_t start = 0;
    if (from_mark) {
        if (pop_mark(p, &start) != 0)
            return -1;
    } else {
        if (p->sp - fence(p) < n)
            return fail(p, "stack underflow at byte %zu (%s)", p->op_at, cur_op(p));
        start = p->sp - n;
    }
    Value *t = new_value(p, V_TUPLE);
    if (!t)
        return -1;
    for (size_t i = start; i < p->sp; i++)
        if (seq_add(p, t, p->stack[i]) != 0)
            return -1;
    p->sp = start;
    return push(p, t);
}

static int dict_set(Parser *p, Value *d, Value *key, Value *val)
{
    if (key->kind != V_STR)
        return fail(p, "dict key at byte %zu is %s, not a string", p->op_at,
                    kind_name[key->kind]);
    for (size_t i = 0; i < d->u.seq.n; i += 2) {
        const Value *k = d->u.seq.items[i];
        if (k->u.s.n == key->u.s.n && memcmp(k->u.s.p, key->u.s.p, k->u.s.n) == 0) {
            if (val->depth + 1 > d->depth) {  /* replace, as Python does */
                d->depth = val->depth + 1;
                if (d->depth > PICKLE_MAX_DEPTH)
                    return fail(p, "containers nested deeper than %d levels at byte %zu",
                                PICKLE_MAX_DEPTH, p->op_at);
            }
            d->u.seq.items[i + 1] = val;
            return 0;
        }
    }
    if (d->u.seq.n / 2 >= MAX_DICT)
        return fail(p, "dict at byte %zu holds more than %d entries", p->op_at, MAX_DICT);
    return seq_add(p, d, key) != 0 ? -1 : seq_add(p, d, val);
}

/* SETITEM(S), APPEND(S), DICT: the values stack[start .. sp) go into container c. */
static int fill(Parser *p, Value *c, size_t start)
{
    if (c->kind == V_DICT) {
        if ((p->sp - start) % 2)
            return fail(p, "%s at byte %zu: a key without a value", cur_op(p), p->op_at);
        for (size_t i = start; i < p->sp; i += 2)
            if (dict_set(p, c, p->stack[i], p->stack[i + 1]) != 0)
                return -1;
    } else if (c->kind == V_LIST) {
        for (size_t i = start; i < p->sp; i++)
            if (seq_add(p, c, p->stack[i]) != 0)
                return -1;
    } else {
        return fail(p, "%s at byte %zu on %s", cur_op(p), p->op_at, kind_name[c->kind]);
    }
    p->sp = start;
    return 0;
}

/* SETITEM, APPEND: the last one or two values go into the container below them. */
static int op_add_one(Parser *p, size_t n)
{
    if (p->sp - fence(p) < n + 1)
        return fail(p, "stack underflow at byte %zu (%s)", p->op_at, cur_op(p));
    return fill(p, p->stack[p->sp - n - 1], p->sp - n);
}

/* SETITEMS, APPENDS: the values above the MARK go into the container below it. */
static int op_add_many(Parser *p)
{
    size_t start = 0;
    if (pop_mark(p, &start) != 0)
        return -1;
    if (start == 0 || start <= fence(p))
        return fail(p, "stack underflow at byte %zu (%s)", p->op_at, cur_op(p));
    return fill(p, p->stack[start - 1], start);
}

static int op_dict(Parser *p)
{
    size_t start = 0;
    if (pop_mark(p, &start) != 0)
        return -1;
    Value *d = new_value(p, V_DICT);
    if (!d || fill(p, d, start) != 0)
        return -1;
    return push(p, d);
}

static int op_mark(Parser *p)
{
    if (p->nmarks >= PICKLE_MAX_DEPTH)
        return fail(p, "MARKs nested deeper than %d at byte %zu", PICKLE_MAX_DEPTH, p->op_at);
    p->marks[p->nmarks++] = p->sp;
    return 0;
}

/* ---- the memo ----------------------------------------------------------- */

static int memo_put(Parser *p, uint64_t index)
{
    Value *v;
    if (top(p, &v) != 0)
        return -1;
    if (index >= MAX_MEMO)
        return fail(p, "memo index %llu at byte %zu is out of range", (unsigned long long)index,
                    p->op_at);
    if (index >= p->memo_cap) {
        size_t cap = p->memo_cap ? p->memo_cap : 64;
        while (cap <= index)
            cap *= 2;
        Value **m = realloc(p->memo, cap * sizeof *m);
        if (!m)
            return fail(p, "out of memory at byte %zu", p->op_at);
        memset(m + p->memo_cap, 0, (cap - p->memo_cap) * sizeof *m);
        p->memo = m;
        p->memo_cap = cap;
    }
    if (!p->memo[index])
        p->memo_count++;
    p->memo[index] = v;
    return 0;
}

static int memo_get(Parser *p, uint64_t index)
{
    if (index >= p->memo_cap || !p->memo[index])
        return fail(p, "%s at byte %zu: memo index %llu was never stored", cur_op(p), p->op_at,
                    (unsigned long long)index);
    return push(p, p->memo[index]);
}

/* ---- the machine -------------------------------------------------------- */

/* Run opcodes up to STOP; *result is the value STOP returns. */
static int run(Parser *p, Value **result)
{
    uint64_t u;
    if (p->total == 0)
        return fail(p, "empty file, not a pickle");
    if (p->buf[0] != 0x80)
        return fail(p, "not a pickle of protocol 2 or later (it must start with PROTO, 0x80)");
    for (;;) {
        if (p->pos >= p->len && p->len < p->total)
            return more(p, p->pos + 1);
        if (p->pos >= p->len)
            return fail(p, "truncated at byte %zu: no STOP opcode", p->total);
        p->op_at = p->pos;
        unsigned char op = p->buf[p->pos++];
        int rc = 0;
        switch (op) {
        case 0x80: /* PROTO */
            if ((rc = read_uint(p, 1, &u)) == 0 && (u < 2 || u > 5))
                rc = fail(p, "pickle protocol %llu is not supported (2 to 5 are)",
                          (unsigned long long)u);
            break;
        case 0x95: /* FRAME: a length we only check; the opcodes inside are read as usual */
            if ((rc = read_uint(p, 8, &u)) == 0)
                rc = within(p, u, "FRAME");
            break;
        case '.': /* STOP */
            if (p->nmarks)
                return fail(p, "STOP at byte %zu with %d MARK(s) open", p->op_at, p->nmarks);
            if (p->sp != 1)
                return fail(p, "STOP at byte %zu with %zu values on the stack (1 expected)",
                            p->op_at, p->sp);
            if (p->pos != p->total)
                return fail(p, "%zu trailing byte(s) after STOP at byte %zu", p->total - p->pos,
                            p->op_at);
            *result = p->stack[0];
            return 0;
        case '(': rc = op_mark(p); break;
        case 'N': rc = push(p, new_value(p, V_NONE)); break;
        case 0x88: rc = push_int(p, V_BOOL, 1); break;  /* NEWTRUE */
        case 0x89: rc = push_int(p, V_BOOL, 0); break;  /* NEWFALSE */
        case 'J': /* BININT: signed */
            if ((rc = read_uint(p, 4, &u)) == 0)
                rc = push_int(p, V_INT, (int64_t)u - (u >= 0x80000000u ? 0x100000000 : 0));
            break;
        case 'K': if ((rc = read_uint(p, 1, &u)) == 0) rc = push_int(p, V_INT, (int64_t)u); break;
        case 'M': if ((rc = read_uint(p, 2, &u)) == 0) rc = push_int(p, V_INT, (int64_t)u); break;
        case 0x8a: rc = push_long1(p); break;
        case 'X': rc = push_string(p, V_STR, 4, 0); break;    /* BINUNICODE */
        case 0x8c: rc = push_string(p, V_STR, 1, 0); break;   /* SHORT_BINUNICODE */
        case 0x8d: rc = push_string(p, V_STR, 8, 0); break;   /* BINUNICODE8 */
        case 'T': rc = push_string(p, V_STR, 4, 1); break;    /* BINSTRING */
        case 'U': rc = push_string(p, V_STR, 1, 1); break;    /* SHORT_BINSTRING */
        case 'B': rc = push_string(p, V_BYTES, 4, 0); break;  /* BINBYTES */
        case 'C': rc = push_string(p, V_BYTES, 1, 0); break;  /* SHORT_BINBYTES */
        case 0x8e: rc = push_string(p, V_BYTES, 8, 0); break; /* BINBYTES8 */
        case 0x96: rc = push_string(p, V_BYTES, 8, 0); break; /* BYTEARRAY8 */
        case ')': rc = push(p, new_value(p, V_TUPLE)); break;
        case 't': rc = op_tuple(p, 0, 1); break;
        case 0x85: rc = op_tuple(p, 1, 0); break;
        case 0x86: rc = op_tuple(p, 2, 0); break;
        case 0x87: rc = op_tuple(p, 3, 0); break;
        case ']': rc = push(p, new_value(p, V_LIST)); break;
        case 'a': rc = op_add_one(p, 1); break;  /* APPEND */
        case 'e': rc = op_add_many(p); break;    /* APPENDS */
        case '}': rc = push(p, new_value(p, V_DICT)); break;
        case 'd': rc = op_dict(p); break;
        case 's': rc = op_add_one(p, 2); break;  /* SETITEM */
        case 'u': rc = op_add_many(p); break;    /* SETITEMS */
        case 'c': rc = op_global(p); break;
        case 0x93: rc = op_stack_global(p); break;
        case 'R': rc = op_reduce(p); break;
        case 'b': rc = op_build(p); break;
        case 'q': if ((rc = read_uint(p, 1, &u)) == 0) rc = memo_put(p, u); break;
        case 'r': if ((rc = read_uint(p, 4, &u)) == 0) rc = memo_put(p, u); break;
        case 0x94: rc = memo_put(p, p->memo_count); break;  /* MEMOIZE */
        case 'h': if ((rc = read_uint(p, 1, &u)) == 0) rc = memo_get(p, u); break;
        case 'j': if ((rc = read_uint(p, 4, &u)) == 0) rc = memo_get(p, u); break;
        default:
            if (opcode_name(op))
                return fail(p, "opcode %s (0x%02x) at byte %zu is not supported (only NumPy "
                            "arrays are read)", opcode_name(op), op, p->op_at);
            return fail(p, "unknown opcode 0x%02x at byte %zu", op, p->op_at);
        }
        if (rc != 0)
            return -1;
    }
}

/* ---- to doubles, in C order --------------------------------------------- */

/* The top-level dict {name: array} becomes an ArrayList: names, kinds and sizes are checked
 * for every entry (and shown to check) before any value is converted. */
static int collect(Parser *p, const Value *d, ArrayCheck check, void *ctx, ArrayList *out)
{
    if (d->kind != V_DICT)
        return fail(p, "the pickle holds %s, not a dict of arrays", kind_name[d->kind]);
    const size_t n = d->u.seq.n / 2;
    size_t total = 0;
    ArrayInfo *info = calloc(n ? n : 1, sizeof *info);
    if (!info)
        return fail(p, "out of memory for %zu array names", n);
    for (size_t i = 0; i < n; i++) {
        const Value *key = d->u.seq.items[2 * i], *val = d->u.seq.items[2 * i + 1];
        char name[64];
        show(name, key->u.s.p, key->u.s.n);
        int rc = 0;
        if (key->u.s.n >= ARRAY_NAME_LEN || memchr(key->u.s.p, '\0', key->u.s.n))
            rc = fail(p, "key '%s' is not a usable array name (at most %d bytes, no NUL)",
                      name, ARRAY_NAME_LEN - 1);
        else if (val->kind != V_ARRAY)
            rc = fail(p, "'%s' is %s, not a NumPy array", name, kind_name[val->kind]);
        else if (!val->u.a.built)
            rc = fail(p, "'%s' is an array without data (no BUILD)", name);
        else if (val->u.a.count > ARRAYS_MAX_VALUES - total)
            rc = fail(p, "arrays hold more than %zu values (%zu MiB as doubles), more than a "
                      "weight file may hold", ARRAYS_MAX_VALUES, ARRAYS_MAX_VALUES >> 17);
        if (rc != 0) {
            free(info);
            return -1;
        }
        const Array *a = &val->u.a;
        total += a->count;
        memcpy(info[i].name, key->u.s.p, key->u.s.n);
        info[i].name[key->u.s.n] = '\0';
        info[i].ndim = a->ndim;
        memcpy(info[i].shape, a->shape, sizeof a->shape);
        info[i].size = a->count;
    }
    if (check && check(info, n, p->name, ctx, p->err) != 0) {
        free(info);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const Array *a = &d->u.seq.items[2 * i + 1]->u.a;
        double *data = malloc(a->count ? a->count * sizeof *data : 1);
        size_t bad;
        double v;
        int rc = 0;
        if (!data)
            rc = fail(p, "out of memory for '%s' (%zu values)", info[i].name, a->count);
        else if (elements_to_doubles(data, a->raw, a->ndim, a->shape, a->count,
                                     a->dtype.itemsize, a->dtype.big, a->fortran, &bad, &v)) {
            char name[64];
            rc = fail(p, "%s holds %s (element %zu in C order)",
                      show(name, (const unsigned char *)info[i].name, strlen(info[i].name)),
                      isnan(v) ? "NaN" : "Inf", bad);
            free(data);
        } else if (!arraylist_add(out, info[i].name, a->ndim, a->shape, data)) {
            rc = fail(p, "out of memory for the list of arrays");
        }
        if (rc != 0) {
            free(info);
            return -1;
        }
    }
    free(info);
    return 0;
}

/* Run the machine on the first len bytes of a stream of total bytes. Returns 0 with *out
 * filled; or -1 with err set, or -1 with *want > 0: run again with the first *want bytes. */
static int parse(const unsigned char *buf, size_t len, size_t total, const char *name,
                 ArrayCheck check, void *ctx, ArrayList *out, char *err, size_t *want)
{
    Parser p = { .buf = buf, .len = len, .total = total, .name = name, .err = err };
    ArrayList list = { 0, NULL };
    Value *result = NULL;
    int rc = run(&p, &result);
    if (rc == 0)
        rc = collect(&p, result, check, ctx, &list);
    free_arena(&p);
    if (rc != 0)
        arraylist_free(&list);
    *out = list;
    *want = rc != 0 ? p.want : 0;
    return rc;
}

int pickle_read_checked(const ByteSource *src, ArrayCheck check, void *ctx, ArrayList *out,
                        char err[ERR_LEN])
{
    assert(src && out && err && "pickle_read_checked: NULL argument");
    *out = (ArrayList){ 0, NULL };
    if (src->size > SIZE_MAX)
        return set_error(err, "%s: too large", src->name);
    /* A buffer in memory is read the same way as a file, its first bytes first (without a
     * copy), so tests and fuzzing go through the same path as a real file. */
    const int in_memory = src->fd < 0;
    const size_t total = (size_t)src->size;
    size_t len = total < PICKLE_FIRST_READ ? total : PICKLE_FIRST_READ, have = 0, want = 0;
    unsigned char *buf = NULL;
    for (;;) {
        if (!in_memory) {
            unsigned char *b = realloc(buf, len ? len : 1);
            if (!b) {
                free(buf);
                return set_error(err, "%s: out of memory reading %zu bytes", src->name, len);
            }
            buf = b;
            if (byte_source_read(src, have, buf + have, len - have, err) != 0) {
                free(buf);
                return -1;
            }
            have = len;
        }
        const unsigned char *bytes = in_memory ? (src->mem ? src->mem : (const unsigned char *)"")
                                               : buf;
        int rc = parse(bytes, len, total, src->name, check, ctx, out, err, &want);
        if (rc == 0 || want == 0) {
            free(buf);
            return rc;
        }
        /* the machine asked for bytes up to `want`: twice the buffer, or what it asked */
        size_t next = len > total / 2 ? total : 2 * len;
        next = want > next ? want : next;
        if (next > PICKLE_MAX_FILE) {
            free(buf);
            return set_error(err, "%s: a pickle of more than %zu bytes (reading needs the first "
                             "%zu of its %zu); a weight file holds at most %zu values", src->name,
                             PICKLE_MAX_FILE, want, total, ARRAYS_MAX_VALUES);
        }
        if (next <= len) {          /* cannot happen: the machine asked for nothing new */
            free(buf);
            return set_error(err, "%s: internal error reading the pickle", src->name);
        }
        len = next;
    }
}

int pickle_parse_arrays(const unsigned char *buf, size_t len, const char *name_for_errors,
                        ArrayList *out, char err[ERR_LEN])
{
    assert(buf && name_for_errors && out && err && "pickle_parse_arrays: NULL argument");
    const ByteSource src = byte_source_memory(buf, len, name_for_errors);
    return pickle_read_checked(&src, NULL, NULL, out, err);
}

int pickle_load_arrays(const char *path, ArrayList *out, char err[ERR_LEN])
{
    assert(path && out && err && "pickle_load_arrays: NULL argument");
    *out = (ArrayList){ 0, NULL };
    ByteSource src;
    if (byte_source_open(&src, path, "a weight file", err) != 0)
        return -1;
    const int rc = pickle_read_checked(&src, NULL, NULL, out, err);
    byte_source_close(&src);
    return rc;
}
