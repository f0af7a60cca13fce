/* cam_lua.c - Lua 5.4 binding of cam.h: `local cam = require "cam"`.

   Built into build/cam.so; the implementation of cam.h is compiled into this
   file so the module needs nothing but libc, libm, pthreads (and SLEEF when the
   build uses it).

   Conventions (those of lua-cjson, LuaFileSystem, lpeg):
   - luaopen_cam returns the module table and sets no globals.
   - Every object is a userdata with a named metatable ("cam.net",
     "cam.tensor", "cam.image") whose __index is a table of methods; each
     has __close and __tostring, and __gc where it owns memory outside the
     Lua heap (nets; see cam_lua_tensor_close for why tensors and images
     have none).
   - Misuse (wrong types, out-of-range indices or classes, shape mismatches of
     Lua-side arithmetic) raises an error naming the argument.
   - I/O and format failures return nil, message, code, where code is the name
     of the cam_result ("CAM_ERR_FORMAT").

   Indices: tensor elements are 1-based like Lua tables; class ids, pixel
   coordinates and boxes keep the library's 0-based values so that they match
   the cam tool, CSV files and the C API.

   Sections: >>lua-errors, >>lua-tensor, >>lua-net, >>lua-cam (images,
   preprocessing, maps, boxes, pictures, features, saliency), >>lua-svm,
   >>lua-module. lua/README.md shows the API from the Lua side.

   Tensors keep their float32 elements inside the userdata block itself
   (lua_newuserdatauv with room for the data) so the garbage collector sees
   their true size and collects large maps promptly. Lua only guarantees
   8-byte alignment for userdata; cam's kernels use unaligned loads on data
   that may come from outside, so a tensor can be handed to cam directly.
   Binary strings are float32 in host byte order (little-endian on every
   target cam supports).

   Define CAM_LUA_NO_IMPLEMENTATION to link against a cam implementation
   compiled elsewhere instead. */
#ifndef CAM_LUA_NO_IMPLEMENTATION
#define CAM_IMPLEMENTATION
#endif
#include "cam.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"

#define CAM_LUA_NET "cam.net"
#define CAM_LUA_TENSOR "cam.tensor"

/* >>lua-errors */

static const char *cam_lua__result_name(cam_result r)
{
    switch (r) {
#define CAM__LUA_RESULT_NAME(name, value, text) \
    case name:                                  \
        return #name;
        CAM_RESULTS(CAM__LUA_RESULT_NAME)
#undef CAM__LUA_RESULT_NAME
    default:
        return "CAM_ERR_UNKNOWN";
    }
}

/* The nil, message, code triple of a failed call. */
static int cam_lua__fail(lua_State *L, cam_result r, const char *message)
{
    lua_pushnil(L);
    if (message && message[0])
        lua_pushstring(L, message);
    else
        lua_pushstring(L, cam_result_str(r));
    lua_pushstring(L, cam_lua__result_name(r));
    return 3;
}

static int cam_lua__failf(lua_State *L, cam_result r, const char *fmt, ...)
{
    va_list ap;
    lua_pushnil(L);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_pushstring(L, cam_lua__result_name(r));
    return 3;
}

/* >>lua-tensor */

/* float32 tensor whose elements live in the same userdata block. */
typedef struct cam_lua_tensor {
    int ndim;
    int64_t dims[CAM_MAX_NDIM];
    int64_t count;
    float data[];
} cam_lua_tensor;

#ifndef CAM_MAX_ELEMENTS
#define CAM_LUA_MAX_ELEMENTS ((int64_t)1 << 31)
#else
#define CAM_LUA_MAX_ELEMENTS ((int64_t)(CAM_MAX_ELEMENTS))
#endif

static cam_lua_tensor *cam_lua__check_tensor(lua_State *L, int idx)
{
    return (cam_lua_tensor *)luaL_checkudata(L, idx, CAM_LUA_TENSOR);
}

static cam_lua_tensor *cam_lua__test_tensor(lua_State *L, int idx)
{
    return (cam_lua_tensor *)luaL_testudata(L, idx, CAM_LUA_TENSOR);
}

/* Product of dims with overflow and limit checks; -1 when too large. */
static int64_t cam_lua__dims_count(int ndim, const int64_t *dims)
{
    int64_t n = 1;
    int i;
    for (i = 0; i < ndim; i++) {
        if (dims[i] < 0)
            return -1;
        if (dims[i] > 0 && n > CAM_LUA_MAX_ELEMENTS / dims[i])
            return -1;
        n *= dims[i];
    }
    return n;
}

/* Pushes a new zero-filled tensor; raises when the shape is too large. */
static cam_lua_tensor *cam_lua__new_tensor(lua_State *L, int ndim, const int64_t *dims)
{
    cam_lua_tensor *t;
    int64_t n = cam_lua__dims_count(ndim, dims);
    size_t bytes;
    if (ndim < 0 || ndim > CAM_MAX_NDIM)
        luaL_error(L, "tensor rank %d outside 0..%d", ndim, CAM_MAX_NDIM);
    if (n < 0 || (uint64_t)n > (SIZE_MAX - sizeof(cam_lua_tensor)) / sizeof(float))
        luaL_error(L, "tensor too large");
    bytes = sizeof(cam_lua_tensor) + (size_t)n * sizeof(float);
    t = (cam_lua_tensor *)lua_newuserdatauv(L, bytes, 0);
    memset(t, 0, bytes);
    t->ndim = ndim;
    if (ndim > 0)
        memcpy(t->dims, dims, (size_t)ndim * sizeof(int64_t));
    t->count = n;
    luaL_setmetatable(L, CAM_LUA_TENSOR);
    return t;
}

static cam_lua_tensor *cam_lua__new_like(lua_State *L, const cam_lua_tensor *src)
{
    return cam_lua__new_tensor(L, src->ndim, src->dims);
}

static void cam_lua__shape_str(luaL_Buffer *b, int ndim, const int64_t *dims)
{
    int i;
    char tmp[32];
    if (ndim == 0) {
        luaL_addstring(b, "scalar");
        return;
    }
    for (i = 0; i < ndim; i++) {
        snprintf(tmp, sizeof tmp, "%s%lld", i ? "x" : "", (long long)dims[i]);
        luaL_addstring(b, tmp);
    }
}

/* Pushes "2x3x4". */
static const char *cam_lua__push_shape(lua_State *L, int ndim, const int64_t *dims)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    cam_lua__shape_str(&b, ndim, dims);
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

/* Reads a shape given either as a table {d1, d2, ...} at idx or as integers
   from idx to last. */
static int cam_lua__read_shape(lua_State *L, int idx, int last, int64_t *dims)
{
    int n, i;
    if (lua_istable(L, idx)) {
        n = (int)luaL_len(L, idx);
        if (n > CAM_MAX_NDIM)
            luaL_argerror(L, idx, lua_pushfstring(L, "rank %d exceeds %d", n, CAM_MAX_NDIM));
        for (i = 0; i < n; i++) {
            lua_Integer d;
            int isnum;
            lua_geti(L, idx, i + 1);
            d = lua_tointegerx(L, -1, &isnum);
            lua_pop(L, 1);
            if (!isnum || d < 0)
                luaL_argerror(L, idx, lua_pushfstring(L, "dimension %d is not a non-negative integer", i + 1));
            dims[i] = (int64_t)d;
        }
        return n;
    }
    n = last - idx + 1;
    if (n < 0)
        n = 0;
    if (n > CAM_MAX_NDIM)
        luaL_argerror(L, idx, lua_pushfstring(L, "rank %d exceeds %d", n, CAM_MAX_NDIM));
    for (i = 0; i < n; i++) {
        lua_Integer d = luaL_checkinteger(L, idx + i);
        if (d < 0)
            luaL_argerror(L, idx + i, "dimension must be non-negative");
        dims[i] = (int64_t)d;
    }
    return n;
}

/* Converts any cam dtype into float32 elements. */
static void cam_lua__convert(float *dst, const cam_tensor *src, int64_t n)
{
    int64_t i;
    switch (src->dtype) {
    case CAM_FLOAT32:
        memcpy(dst, src->data, (size_t)n * sizeof(float));
        break;
    case CAM_DOUBLE:
        for (i = 0; i < n; i++)
            dst[i] = (float)((const double *)src->data)[i];
        break;
    case CAM_INT64:
        for (i = 0; i < n; i++)
            dst[i] = (float)((const int64_t *)src->data)[i];
        break;
    case CAM_INT32:
        for (i = 0; i < n; i++)
            dst[i] = (float)((const int32_t *)src->data)[i];
        break;
    case CAM_UINT8:
    case CAM_BOOL:
        for (i = 0; i < n; i++)
            dst[i] = (float)((const uint8_t *)src->data)[i];
        break;
    case CAM_INT8:
        for (i = 0; i < n; i++)
            dst[i] = (float)((const int8_t *)src->data)[i];
        break;
    default:
        memset(dst, 0, (size_t)n * sizeof(float));
        break;
    }
}

/* Pushes a float32 copy of a cam view. */
static cam_lua_tensor *cam_lua__push_view(lua_State *L, const cam_tensor *v)
{
    cam_lua_tensor *t = cam_lua__new_tensor(L, v->ndim, v->dims);
    if (t->count > 0 && v->data)
        cam_lua__convert(t->data, v, t->count);
    return t;
}

/* A cam view of a Lua tensor (no copy). */
static cam_tensor cam_lua__view(const cam_lua_tensor *t)
{
    cam_tensor v;
    memset(&v, 0, sizeof v);
    v.dtype = CAM_FLOAT32;
    v.ndim = t->ndim;
    if (t->ndim > 0)
        memcpy(v.dims, t->dims, (size_t)t->ndim * sizeof(int64_t));
    v.data = (void *)t->data;
    return v;
}

static int cam_lua__same_shape(const cam_lua_tensor *a, const cam_lua_tensor *b)
{
    int i;
    if (a->ndim != b->ndim)
        return 0;
    for (i = 0; i < a->ndim; i++)
        if (a->dims[i] != b->dims[i])
            return 0;
    return 1;
}

static void cam_lua__check_same_shape(lua_State *L, const cam_lua_tensor *a, const cam_lua_tensor *b,
                                      int arg)
{
    if (!cam_lua__same_shape(a, b)) {
        const char *sa, *sb;
        sa = cam_lua__push_shape(L, a->ndim, a->dims);
        sb = cam_lua__push_shape(L, b->ndim, b->dims);
        luaL_argerror(L, arg, lua_pushfstring(L, "shape %s differs from %s", sb, sa));
    }
}

/* --- building tensors from Lua values --- */

/* Finds the shape of a nested table by following first elements. */
static int cam_lua__nested_shape(lua_State *L, int idx, int64_t *dims)
{
    int ndim = 0;
    lua_pushvalue(L, idx);
    while (lua_istable(L, -1)) {
        if (ndim == CAM_MAX_NDIM)
            luaL_argerror(L, idx, lua_pushfstring(L, "nesting deeper than %d", CAM_MAX_NDIM));
        dims[ndim++] = (int64_t)luaL_len(L, -1);
        if (dims[ndim - 1] == 0)
            break;
        lua_geti(L, -1, 1);
        lua_remove(L, -2);
    }
    lua_pop(L, 1);
    return ndim;
}

/* Fills dst from the nested table on top of the stack, checking that it is
   rectangular. Returns the number of elements written. */
static int64_t cam_lua__fill_nested(lua_State *L, int arg, int level, int ndim, const int64_t *dims,
                                    float *dst)
{
    int64_t i, n = 0;
    if (level == ndim) {
        int isnum;
        lua_Number x = lua_tonumberx(L, -1, &isnum);
        if (!isnum)
            luaL_argerror(L, arg, lua_pushfstring(L, "element is a %s, expected a number", luaL_typename(L, -1)));
        dst[0] = (float)x;
        return 1;
    }
    if (!lua_istable(L, -1) || (int64_t)luaL_len(L, -1) != dims[level])
        luaL_argerror(L, arg, lua_pushfstring(L, "table is not rectangular at depth %d", level + 1));
    luaL_checkstack(L, 2, "nested table");
    for (i = 0; i < dims[level]; i++) {
        lua_geti(L, -1, (lua_Integer)(i + 1));
        n += cam_lua__fill_nested(L, arg, level + 1, ndim, dims, dst + n);
        lua_pop(L, 1);
    }
    return n;
}

/* cam.tensor(data [, shape...]): data is a (nested) table of numbers, a
   binary string of float32, or a tensor (copied). With a shape, the elements
   (taken in order) are laid out in that shape. */
static int cam_lua_tensor_new(lua_State *L)
{
    int64_t dims[CAM_MAX_NDIM];
    int64_t sdims[CAM_MAX_NDIM];
    int ndim, sndim = -1, top = lua_gettop(L);
    cam_lua_tensor *t;
    if (top >= 2)
        sndim = cam_lua__read_shape(L, 2, top, sdims);
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, 1, &len);
        if (len % sizeof(float))
            luaL_argerror(L, 1, "string length is not a multiple of 4 (float32)");
        if (sndim < 0) {
            sndim = 1;
            sdims[0] = (int64_t)(len / sizeof(float));
        }
        if (cam_lua__dims_count(sndim, sdims) != (int64_t)(len / sizeof(float)))
            luaL_argerror(L, 2, lua_pushfstring(L, "shape %s does not hold %d floats",
                                                cam_lua__push_shape(L, sndim, sdims), (int)(len / sizeof(float))));
        t = cam_lua__new_tensor(L, sndim, sdims);
        memcpy(t->data, s, len);
        return 1;
    }
    if (cam_lua__test_tensor(L, 1)) {
        cam_lua_tensor *src = cam_lua__test_tensor(L, 1);
        if (sndim < 0) {
            sndim = src->ndim;
            memcpy(sdims, src->dims, sizeof sdims);
        }
        if (cam_lua__dims_count(sndim, sdims) != src->count)
            luaL_argerror(L, 2, "shape does not match the element count");
        t = cam_lua__new_tensor(L, sndim, sdims);
        memcpy(t->data, src->data, (size_t)src->count * sizeof(float));
        return 1;
    }
    if (lua_type(L, 1) == LUA_TNUMBER && top == 1) {
        t = cam_lua__new_tensor(L, 0, dims);
        t->data[0] = (float)lua_tonumber(L, 1);
        return 1;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    ndim = cam_lua__nested_shape(L, 1, dims);
    {
        int64_t n = cam_lua__dims_count(ndim, dims);
        if (n < 0)
            luaL_argerror(L, 1, "table too large");
        if (sndim >= 0 && cam_lua__dims_count(sndim, sdims) != n)
            luaL_argerror(L, 2, lua_pushfstring(L, "shape %s does not hold the table's %I elements",
                                                cam_lua__push_shape(L, sndim, sdims), (lua_Integer)n));
    }
    t = cam_lua__new_tensor(L, ndim, dims);
    lua_pushvalue(L, 1);
    cam_lua__fill_nested(L, 1, 0, ndim, dims, t->data);
    lua_pop(L, 1);
    if (sndim >= 0) {
        t->ndim = sndim;
        memset(t->dims, 0, sizeof t->dims);
        memcpy(t->dims, sdims, (size_t)sndim * sizeof(int64_t));
    }
    return 1;
}

/* cam.zeros(d1, d2, ...) or cam.zeros{d1, d2, ...}. */
static int cam_lua_tensor_zeros(lua_State *L)
{
    int64_t dims[CAM_MAX_NDIM];
    int ndim = cam_lua__read_shape(L, 1, lua_gettop(L), dims);
    cam_lua__new_tensor(L, ndim, dims);
    return 1;
}

/* cam.full(shape, value). */
static int cam_lua_tensor_full(lua_State *L)
{
    int64_t dims[CAM_MAX_NDIM], i;
    int ndim;
    float v;
    cam_lua_tensor *t;
    luaL_checktype(L, 1, LUA_TTABLE);
    v = (float)luaL_checknumber(L, 2);
    ndim = cam_lua__read_shape(L, 1, 1, dims);
    t = cam_lua__new_tensor(L, ndim, dims);
    for (i = 0; i < t->count; i++)
        t->data[i] = v;
    return 1;
}

/* --- tensor methods --- */

static int cam_lua_tensor_shape(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int i;
    lua_createtable(L, t->ndim, 0);
    for (i = 0; i < t->ndim; i++) {
        lua_pushinteger(L, (lua_Integer)t->dims[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* t:dims() -> d1, d2, ... */
static int cam_lua_tensor_dims(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int i;
    luaL_checkstack(L, t->ndim, "dims");
    for (i = 0; i < t->ndim; i++)
        lua_pushinteger(L, (lua_Integer)t->dims[i]);
    return t->ndim;
}

static int cam_lua_tensor_ndim(lua_State *L)
{
    lua_pushinteger(L, cam_lua__check_tensor(L, 1)->ndim);
    return 1;
}

static int cam_lua_tensor_count(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)cam_lua__check_tensor(L, 1)->count);
    return 1;
}

/* Flat 0-based offset of the 1-based index at arguments first.. (one index
   per dimension, or a single flat index). */
static int64_t cam_lua__offset(lua_State *L, const cam_lua_tensor *t, int first, int nidx)
{
    int64_t off = 0;
    int i;
    if (nidx == 1 && t->ndim != 1) {
        lua_Integer k = luaL_checkinteger(L, first);
        if (k < 1 || k > t->count)
            luaL_argerror(L, first, lua_pushfstring(L, "flat index %I outside 1..%I", k, (lua_Integer)t->count));
        return (int64_t)(k - 1);
    }
    if (nidx != t->ndim)
        luaL_error(L, "tensor of rank %d needs %d indices (or one flat index), got %d", t->ndim, t->ndim, nidx);
    for (i = 0; i < t->ndim; i++) {
        lua_Integer k = luaL_checkinteger(L, first + i);
        if (k < 1 || k > t->dims[i])
            luaL_argerror(L, first + i, lua_pushfstring(L, "index %I outside 1..%I", k, (lua_Integer)t->dims[i]));
        off = off * t->dims[i] + (int64_t)(k - 1);
    }
    return off;
}

/* t:get(i, j, ...) (1-based) or t:get(flat). */
static int cam_lua_tensor_get(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int64_t off = cam_lua__offset(L, t, 2, lua_gettop(L) - 1);
    lua_pushnumber(L, (lua_Number)t->data[off]);
    return 1;
}

/* t:set(i, j, ..., value); returns t. */
static int cam_lua_tensor_set(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int top = lua_gettop(L);
    float v = (float)luaL_checknumber(L, top);
    int64_t off = cam_lua__offset(L, t, 2, top - 2);
    t->data[off] = v;
    lua_settop(L, 1);
    return 1;
}

/* t:fill(value); returns t. */
static int cam_lua_tensor_fill(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    float v = (float)luaL_checknumber(L, 2);
    int64_t i;
    for (i = 0; i < t->count; i++)
        t->data[i] = v;
    lua_settop(L, 1);
    return 1;
}

static void cam_lua__push_nested(lua_State *L, const cam_lua_tensor *t, int level, int64_t *pos)
{
    int64_t i;
    if (level == t->ndim) {
        lua_pushnumber(L, (lua_Number)t->data[(*pos)++]);
        return;
    }
    luaL_checkstack(L, 2, "nested table");
    lua_createtable(L, t->dims[level] > INT_MAX ? 0 : (int)t->dims[level], 0);
    for (i = 0; i < t->dims[level]; i++) {
        cam_lua__push_nested(L, t, level + 1, pos);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
}

/* t:table() -> nested table in the tensor's shape (a number for rank 0). */
static int cam_lua_tensor_table(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int64_t pos = 0;
    cam_lua__push_nested(L, t, 0, &pos);
    return 1;
}

/* t:flat() -> flat table of all elements in C order. */
static int cam_lua_tensor_flat(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int64_t i;
    lua_createtable(L, t->count > INT_MAX ? 0 : (int)t->count, 0);
    for (i = 0; i < t->count; i++) {
        lua_pushnumber(L, (lua_Number)t->data[i]);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
    return 1;
}

/* t:bytes() -> binary string of float32. */
static int cam_lua_tensor_bytes(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    lua_pushlstring(L, (const char *)t->data, (size_t)t->count * sizeof(float));
    return 1;
}

static int cam_lua_tensor_copy(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    cam_lua_tensor *c = cam_lua__new_like(L, t);
    memcpy(c->data, t->data, (size_t)t->count * sizeof(float));
    return 1;
}

/* t:reshape(d1, d2, ...) or t:reshape{...}: a copy in the new shape; one
   dimension may be -1 (inferred). */
static int cam_lua_tensor_reshape(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1), *r;
    int64_t dims[CAM_MAX_NDIM];
    int ndim, i, infer = -1, top = lua_gettop(L);
    int64_t known = 1;
    if (lua_istable(L, 2)) {
        ndim = (int)luaL_len(L, 2);
        if (ndim > CAM_MAX_NDIM)
            luaL_argerror(L, 2, "rank too large");
        for (i = 0; i < ndim; i++) {
            lua_geti(L, 2, i + 1);
            dims[i] = (int64_t)luaL_checkinteger(L, -1);
            lua_pop(L, 1);
        }
    } else {
        ndim = top - 1;
        if (ndim > CAM_MAX_NDIM)
            luaL_argerror(L, 2, "rank too large");
        for (i = 0; i < ndim; i++)
            dims[i] = (int64_t)luaL_checkinteger(L, 2 + i);
    }
    for (i = 0; i < ndim; i++) {
        if (dims[i] == -1 && infer < 0)
            infer = i;
        else if (dims[i] < 0)
            luaL_argerror(L, 2, "dimensions must be non-negative (one may be -1)");
        else
            known *= dims[i];
    }
    if (infer >= 0) {
        if (known == 0 || t->count % known)
            luaL_argerror(L, 2, "cannot infer the -1 dimension");
        dims[infer] = t->count / known;
    }
    if (cam_lua__dims_count(ndim, dims) != t->count)
        luaL_argerror(L, 2, lua_pushfstring(L, "shape %s does not hold %I elements",
                                            cam_lua__push_shape(L, ndim, dims), (lua_Integer)t->count));
    r = cam_lua__new_tensor(L, ndim, dims);
    memcpy(r->data, t->data, (size_t)t->count * sizeof(float));
    return 1;
}

/* Copies elements [lo, hi] (0-based, inclusive) of dimension dim; keep says
   whether the dimension stays (narrow) or goes (select). */
static void cam_lua__subtensor(lua_State *L, const cam_lua_tensor *t, int dim, int64_t lo, int64_t hi, int keep)
{
    int64_t dims[CAM_MAX_NDIM], outer = 1, inner = 1, o, len = hi - lo + 1;
    int i, nd = 0;
    cam_lua_tensor *r;
    for (i = 0; i < dim; i++)
        outer *= t->dims[i];
    for (i = dim + 1; i < t->ndim; i++)
        inner *= t->dims[i];
    for (i = 0; i < t->ndim; i++) {
        if (i == dim) {
            if (keep)
                dims[nd++] = len;
        } else {
            dims[nd++] = t->dims[i];
        }
    }
    r = cam_lua__new_tensor(L, nd, dims);
    for (o = 0; o < outer; o++)
        memcpy(r->data + o * len * inner, t->data + (o * t->dims[dim] + lo) * inner,
               (size_t)(len * inner) * sizeof(float));
}

static int cam_lua__check_dim(lua_State *L, const cam_lua_tensor *t, int arg)
{
    lua_Integer d = luaL_checkinteger(L, arg);
    if (d < 1 || d > t->ndim)
        luaL_argerror(L, arg, lua_pushfstring(L, "dimension %I outside 1..%d", d, t->ndim));
    return (int)(d - 1);
}

static int64_t cam_lua__check_index(lua_State *L, int arg, int64_t size, const char *what)
{
    lua_Integer k = luaL_checkinteger(L, arg);
    if (k < 1 || k > size)
        luaL_argerror(L, arg, lua_pushfstring(L, "%s %I outside 1..%I", what, k, (lua_Integer)size));
    return (int64_t)(k - 1);
}

/* t:select(dim, i): the slice at index i of dimension dim, one rank less. */
static int cam_lua_tensor_select(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int d = cam_lua__check_dim(L, t, 2);
    int64_t i = cam_lua__check_index(L, 3, t->dims[d], "index");
    cam_lua__subtensor(L, t, d, i, i, 0);
    return 1;
}

/* t:narrow(dim, i, j): indices i..j of dimension dim, same rank. */
static int cam_lua_tensor_narrow(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int d = cam_lua__check_dim(L, t, 2);
    int64_t i = cam_lua__check_index(L, 3, t->dims[d], "start");
    int64_t j = cam_lua__check_index(L, 4, t->dims[d], "end");
    if (j < i)
        luaL_argerror(L, 4, "end before start");
    cam_lua__subtensor(L, t, d, i, j, 1);
    return 1;
}

/* t:slice(i) = t:select(1, i); t:slice(i, j) = t:narrow(1, i, j). */
static int cam_lua_tensor_slice(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int64_t i, j;
    if (t->ndim < 1)
        luaL_argerror(L, 1, "cannot slice a scalar");
    i = cam_lua__check_index(L, 2, t->dims[0], "index");
    if (lua_isnoneornil(L, 3)) {
        cam_lua__subtensor(L, t, 0, i, i, 0);
        return 1;
    }
    j = cam_lua__check_index(L, 3, t->dims[0], "end");
    if (j < i)
        luaL_argerror(L, 3, "end before start");
    cam_lua__subtensor(L, t, 0, i, j, 1);
    return 1;
}

/* cam.stack{t1, t2, ...}: a new leading dimension. */
static int cam_lua_tensor_stack(lua_State *L)
{
    int64_t dims[CAM_MAX_NDIM];
    lua_Integer n, i;
    cam_lua_tensor *first, *r;
    luaL_checktype(L, 1, LUA_TTABLE);
    n = luaL_len(L, 1);
    if (n < 1)
        luaL_argerror(L, 1, "empty list");
    lua_geti(L, 1, 1);
    first = cam_lua__test_tensor(L, -1);
    if (!first)
        luaL_argerror(L, 1, "element 1 is not a cam.tensor");
    if (first->ndim >= CAM_MAX_NDIM)
        luaL_argerror(L, 1, "rank too large to stack");
    dims[0] = (int64_t)n;
    memcpy(dims + 1, first->dims, (size_t)first->ndim * sizeof(int64_t));
    r = cam_lua__new_tensor(L, first->ndim + 1, dims);
    for (i = 1; i <= n; i++) {
        cam_lua_tensor *e;
        lua_geti(L, 1, i);
        e = cam_lua__test_tensor(L, -1);
        if (!e)
            luaL_argerror(L, 1, lua_pushfstring(L, "element %I is not a cam.tensor", i));
        if (!cam_lua__same_shape(e, first))
            luaL_argerror(L, 1, lua_pushfstring(L, "element %I has another shape than element 1", i));
        memcpy(r->data + (i - 1) * first->count, e->data, (size_t)first->count * sizeof(float));
        lua_pop(L, 1);
    }
    return 1;
}

/* --- reductions --- */

static int cam_lua_tensor_sum(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    double s = 0;
    int64_t i;
    for (i = 0; i < t->count; i++)
        s += t->data[i];
    lua_pushnumber(L, s);
    return 1;
}

static int cam_lua_tensor_mean(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    double s = 0;
    int64_t i;
    if (t->count == 0)
        luaL_argerror(L, 1, "mean of an empty tensor");
    for (i = 0; i < t->count; i++)
        s += t->data[i];
    lua_pushnumber(L, s / (double)t->count);
    return 1;
}

/* Index (0-based) of the smallest (sign -1) or largest (sign 1) element. */
static int64_t cam_lua__arg_extreme(lua_State *L, const cam_lua_tensor *t, int sign)
{
    int64_t i, best = 0;
    if (t->count == 0)
        luaL_argerror(L, 1, "empty tensor");
    for (i = 1; i < t->count; i++)
        if (sign > 0 ? t->data[i] > t->data[best] : t->data[i] < t->data[best])
            best = i;
    return best;
}

/* t:max() -> value, flat 1-based index. */
static int cam_lua_tensor_max(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int64_t i = cam_lua__arg_extreme(L, t, 1);
    lua_pushnumber(L, t->data[i]);
    lua_pushinteger(L, (lua_Integer)(i + 1));
    return 2;
}

static int cam_lua_tensor_min(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int64_t i = cam_lua__arg_extreme(L, t, -1);
    lua_pushnumber(L, t->data[i]);
    lua_pushinteger(L, (lua_Integer)(i + 1));
    return 2;
}

/* t:argmax() -> 1-based index per dimension (i, j, ...). */
static int cam_lua_tensor_argmax(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    int64_t off = cam_lua__arg_extreme(L, t, 1);
    int64_t idx[CAM_MAX_NDIM];
    int i;
    if (t->ndim == 0) {
        lua_pushinteger(L, 1);
        return 1;
    }
    for (i = t->ndim - 1; i >= 0; i--) {
        idx[i] = off % t->dims[i];
        off /= t->dims[i];
    }
    for (i = 0; i < t->ndim; i++)
        lua_pushinteger(L, (lua_Integer)(idx[i] + 1));
    return t->ndim;
}

typedef struct cam_lua_ranked {
    float v;
    int64_t i;
} cam_lua_ranked;

/* Larger first; NaN last; ties: the lower index first (as cam_scores_topk). */
static int cam_lua__rank_cmp(const void *pa, const void *pb)
{
    const cam_lua_ranked *a = (const cam_lua_ranked *)pa, *b = (const cam_lua_ranked *)pb;
    int na = a->v != a->v, nb = b->v != b->v;
    if (na != nb)
        return na - nb;
    if (!na && a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* t:topk(k) -> {values}, {1-based flat indices}, largest first (ties: lower
   index first; NaN last). */
static int cam_lua_tensor_topk(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    lua_Integer k = luaL_optinteger(L, 2, 1), i;
    cam_lua_ranked *r;
    if (k < 1 || k > t->count || k > INT_MAX)
        luaL_argerror(L, 2, lua_pushfstring(L, "k %I outside 1..%I", k, (lua_Integer)t->count));
    r = (cam_lua_ranked *)lua_newuserdatauv(L, (size_t)t->count * sizeof(cam_lua_ranked), 0);
    for (i = 0; i < t->count; i++) {
        r[i].v = t->data[i];
        r[i].i = (int64_t)i;
    }
    qsort(r, (size_t)t->count, sizeof *r, cam_lua__rank_cmp);
    lua_createtable(L, (int)k, 0);
    lua_createtable(L, (int)k, 0);
    for (i = 0; i < k; i++) {
        lua_pushnumber(L, r[i].v);
        lua_rawseti(L, -3, i + 1);
        lua_pushinteger(L, (lua_Integer)(r[i].i + 1));
        lua_rawseti(L, -2, i + 1);
    }
    return 2;
}

/* --- element-wise maths --- */

typedef enum cam_lua_op { CAM_LUA_ADD, CAM_LUA_SUB, CAM_LUA_MUL, CAM_LUA_DIV } cam_lua_op;

static float cam_lua__apply(cam_lua_op op, float a, float b)
{
    switch (op) {
    case CAM_LUA_ADD:
        return a + b;
    case CAM_LUA_SUB:
        return a - b;
    case CAM_LUA_MUL:
        return a * b;
    default:
        return a / b;
    }
}

static int cam_lua__arith(lua_State *L, cam_lua_op op)
{
    cam_lua_tensor *a = cam_lua__test_tensor(L, 1), *b = cam_lua__test_tensor(L, 2), *r;
    int64_t i;
    if (a && b) {
        cam_lua__check_same_shape(L, a, b, 2);
        r = cam_lua__new_like(L, a);
        for (i = 0; i < a->count; i++)
            r->data[i] = cam_lua__apply(op, a->data[i], b->data[i]);
    } else if (a) {
        float s;
        if (!lua_isnumber(L, 2))
            luaL_argerror(L, 2, lua_pushfstring(L, "expected a number or cam.tensor, got %s", luaL_typename(L, 2)));
        s = (float)lua_tonumber(L, 2);
        r = cam_lua__new_like(L, a);
        for (i = 0; i < a->count; i++)
            r->data[i] = cam_lua__apply(op, a->data[i], s);
    } else {
        float s;
        if (!lua_isnumber(L, 1))
            luaL_argerror(L, 1, lua_pushfstring(L, "expected a number or cam.tensor, got %s", luaL_typename(L, 1)));
        s = (float)lua_tonumber(L, 1);
        r = cam_lua__new_like(L, b);
        for (i = 0; i < b->count; i++)
            r->data[i] = cam_lua__apply(op, s, b->data[i]);
    }
    return 1;
}

static int cam_lua_tensor_add(lua_State *L) { return cam_lua__arith(L, CAM_LUA_ADD); }
static int cam_lua_tensor_sub(lua_State *L) { return cam_lua__arith(L, CAM_LUA_SUB); }
static int cam_lua_tensor_mul(lua_State *L) { return cam_lua__arith(L, CAM_LUA_MUL); }
static int cam_lua_tensor_div(lua_State *L) { return cam_lua__arith(L, CAM_LUA_DIV); }

static int cam_lua_tensor_unm(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1), *r = cam_lua__new_like(L, t);
    int64_t i;
    for (i = 0; i < t->count; i++)
        r->data[i] = -t->data[i];
    return 1;
}

static int cam_lua_tensor_eq(lua_State *L)
{
    cam_lua_tensor *a = cam_lua__test_tensor(L, 1), *b = cam_lua__test_tensor(L, 2);
    lua_pushboolean(L, a && b && cam_lua__same_shape(a, b) &&
                           (a->count == 0 || !memcmp(a->data, b->data, (size_t)a->count * sizeof(float))));
    return 1;
}

static int cam_lua_tensor_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)cam_lua__check_tensor(L, 1)->count);
    return 1;
}

/* t:map(f) -> new tensor with f(x) for each element. */
static int cam_lua_tensor_apply(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1), *r;
    int64_t i;
    luaL_checktype(L, 2, LUA_TFUNCTION);
    r = cam_lua__new_like(L, t);
    for (i = 0; i < t->count; i++) {
        lua_pushvalue(L, 2);
        lua_pushnumber(L, t->data[i]);
        lua_call(L, 1, 1);
        r->data[i] = (float)luaL_checknumber(L, -1);
        lua_pop(L, 1);
    }
    return 1;
}

/* t:clamp(lo, hi) (nil = unbounded): t:clamp(0) is a ReLU. */
static int cam_lua_tensor_clamp(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1), *r;
    double lo = luaL_optnumber(L, 2, -HUGE_VAL), hi = luaL_optnumber(L, 3, HUGE_VAL);
    int64_t i;
    if (lo > hi)
        luaL_argerror(L, 3, "upper bound below lower bound");
    r = cam_lua__new_like(L, t);
    for (i = 0; i < t->count; i++) {
        double x = t->data[i];
        r->data[i] = (float)(x < lo ? lo : x > hi ? hi : x);
    }
    return 1;
}

static const char *const cam_lua__norm_modes[] = {"none", "max", "minmax", NULL};

/* t:normalize([mode]): "minmax" (default) maps [min, max] to [0, 1] (0 when
   flat), "max" divides by the max when it is > 0; NaN stays NaN. Same rule
   as cam_map_normalize. */
static int cam_lua_tensor_normalize(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1), *r;
    int mode = luaL_checkoption(L, 2, "minmax", cam_lua__norm_modes);
    r = cam_lua__new_like(L, t);
    memcpy(r->data, t->data, (size_t)t->count * sizeof(float));
    cam_map_normalize(r->data, (size_t)r->count,
                      mode == 1 ? CAM_NORMALIZE_MAX : mode == 2 ? CAM_NORMALIZE_MINMAX : CAM_NORMALIZE_NONE);
    return 1;
}

static const char *const cam_lua__thr_modes[] = {"max", "range", "value", NULL};

/* The absolute cut-off of a threshold: "max" t * max (cam's box rule; no
   pixel passes when max <= 0), "range" min + t * (max - min), "value" t.
   Returns 0 when nothing can pass. NaN values are ignored as in cam. */
static int cam_lua__cutoff(const cam_lua_tensor *t, double thr, int mode, double *cut)
{
    float mn = 0, mx = 0;
    size_t finite = cam_map_range(t->data, (size_t)t->count, &mn, &mx);
    if (mode == 2) {
        *cut = thr;
        return 1;
    }
    if (finite == 0)
        return 0;
    if (mode == 0) {
        if (mx <= 0)
            return 0;
        *cut = thr * mx;
    } else {
        *cut = mn + thr * ((double)mx - mn);
    }
    return 1;
}

/* t:threshold([thr = 0.2 [, mode = "max"]]) -> 0/1 mask of the values >= the
   cut-off (see cam_lua__cutoff; NaN never passes). */
static int cam_lua_tensor_threshold(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1), *r;
    double thr = luaL_optnumber(L, 2, 0.2), cut = 0;
    int mode = luaL_checkoption(L, 3, "max", cam_lua__thr_modes);
    int any = cam_lua__cutoff(t, thr, mode, &cut);
    int64_t i;
    r = cam_lua__new_like(L, t);
    for (i = 0; any && i < t->count; i++)
        r->data[i] = t->data[i] >= cut ? 1.0f : 0.0f;
    return 1;
}

/* a:corr(b) -> Pearson correlation (NaN when either is constant). */
static int cam_lua_tensor_corr(lua_State *L)
{
    cam_lua_tensor *a = cam_lua__check_tensor(L, 1), *b = cam_lua__check_tensor(L, 2);
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    int64_t i;
    if (a->count != b->count)
        cam_lua__check_same_shape(L, a, b, 2);
    if (a->count == 0)
        luaL_argerror(L, 1, "empty tensor");
    for (i = 0; i < a->count; i++) {
        ma += a->data[i];
        mb += b->data[i];
    }
    ma /= (double)a->count;
    mb /= (double)b->count;
    for (i = 0; i < a->count; i++) {
        double da = a->data[i] - ma, db = b->data[i] - mb;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    lua_pushnumber(L, (saa > 0 && sbb > 0) ? sab / sqrt(saa * sbb) : (double)NAN);
    return 1;
}

/* a:iou(b [, thr = 0.2 [, mode = "max"]]) -> intersection over union of the
   two maps thresholded as by t:threshold (0 when both masks are empty). */
static int cam_lua_tensor_iou(lua_State *L)
{
    cam_lua_tensor *a = cam_lua__check_tensor(L, 1), *b = cam_lua__check_tensor(L, 2);
    double thr = luaL_optnumber(L, 3, 0.2), ca = 0, cb = 0;
    int mode = luaL_checkoption(L, 4, "max", cam_lua__thr_modes), anya, anyb;
    int64_t i, inter = 0, uni = 0;
    if (a->count != b->count)
        cam_lua__check_same_shape(L, a, b, 2);
    anya = cam_lua__cutoff(a, thr, mode, &ca);
    anyb = cam_lua__cutoff(b, thr, mode, &cb);
    for (i = 0; i < a->count; i++) {
        int ma = anya && a->data[i] >= ca, mb = anyb && b->data[i] >= cb;
        inter += ma && mb;
        uni += ma || mb;
    }
    lua_pushnumber(L, uni ? (double)inter / (double)uni : 0.0);
    return 1;
}

/* t:save(path) -> true or nil, message, code (npy, float32). */
static int cam_lua_tensor_save(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    const char *path = luaL_checkstring(L, 2);
    cam_tensor v = cam_lua__view(t);
    cam_error err;
    cam_result r;
    memset(&err, 0, sizeof err);
    r = cam_npy_save(path, &v, &err);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, err.message);
    lua_pushboolean(L, 1);
    return 1;
}

/* The result of cam_npy_load or cam_npy_load_memory: a tensor (copied, so
   the npy buffer is freed here), or nil, message, code. */
static int cam_lua__push_npy(lua_State *L, cam_result r, cam_tensor *v, const cam_error *err)
{
    if (r != CAM_OK)
        return cam_lua__fail(L, r, err->message);
    if (cam_lua__dims_count(v->ndim, v->dims) < 0) {
        cam_npy_free(v);
        return cam_lua__fail(L, CAM_ERR_LIMIT, "npy array too large");
    }
    cam_lua__push_view(L, v);
    cam_npy_free(v);
    return 1;
}

/* cam.load_npy(path) -> tensor (converted to float32) or nil, message, code. */
static int cam_lua_npy_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    cam_tensor v;
    cam_error err;
    cam_result r;
    memset(&err, 0, sizeof err);
    memset(&v, 0, sizeof v);
    r = cam_npy_load(path, &v, &err);
    return cam_lua__push_npy(L, r, &v, &err);
}

/* cam.npy_from_string(bytes) -> tensor or nil, message, code. */
static int cam_lua_npy_load_string(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    cam_tensor v;
    cam_error err;
    cam_result r;
    memset(&err, 0, sizeof err);
    memset(&v, 0, sizeof v);
    r = cam_npy_load_memory(s, len, &v, &err);
    return cam_lua__push_npy(L, r, &v, &err);
}

static int cam_lua_tensor_tostring(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "cam.tensor(");
    cam_lua__shape_str(&b, t->ndim, t->dims);
    if (t->count > 0 && t->count <= 8) {
        int64_t i;
        luaL_addstring(&b, ": ");
        for (i = 0; i < t->count; i++) {
            char tmp[48];
            snprintf(tmp, sizeof tmp, "%s%.6g", i ? " " : "", (double)t->data[i]);
            luaL_addstring(&b, tmp);
        }
    }
    luaL_addstring(&b, ")");
    luaL_pushresult(&b);
    return 1;
}

/* t:close() / __close: the data lives in the userdata block, so there is
   nothing to release early; it exists so that every cam object answers the
   same protocol. Tensors and images deliberately have no __gc: a finalizer,
   even an empty one, makes Lua keep every dead tensor for one more GC cycle
   (measured: a full collect left 12 MB of dead 4 MB maps alive), while
   without it the memory goes back at the first sweep. */
static int cam_lua_tensor_close(lua_State *L)
{
    cam_lua__check_tensor(L, 1);
    return 0;
}

static const luaL_Reg cam_lua__tensor_methods[] = {
    {"shape", cam_lua_tensor_shape},
    {"dims", cam_lua_tensor_dims},
    {"ndim", cam_lua_tensor_ndim},
    {"count", cam_lua_tensor_count},
    {"get", cam_lua_tensor_get},
    {"set", cam_lua_tensor_set},
    {"fill", cam_lua_tensor_fill},
    {"table", cam_lua_tensor_table},
    {"flat", cam_lua_tensor_flat},
    {"bytes", cam_lua_tensor_bytes},
    {"copy", cam_lua_tensor_copy},
    {"reshape", cam_lua_tensor_reshape},
    {"select", cam_lua_tensor_select},
    {"narrow", cam_lua_tensor_narrow},
    {"slice", cam_lua_tensor_slice},
    {"sum", cam_lua_tensor_sum},
    {"mean", cam_lua_tensor_mean},
    {"min", cam_lua_tensor_min},
    {"max", cam_lua_tensor_max},
    {"argmax", cam_lua_tensor_argmax},
    {"topk", cam_lua_tensor_topk},
    {"map", cam_lua_tensor_apply},
    {"clamp", cam_lua_tensor_clamp},
    {"normalize", cam_lua_tensor_normalize},
    {"threshold", cam_lua_tensor_threshold},
    {"corr", cam_lua_tensor_corr},
    {"iou", cam_lua_tensor_iou},
    {"save", cam_lua_tensor_save},
    {NULL, NULL},
};

static const luaL_Reg cam_lua__tensor_meta[] = {
    {"__add", cam_lua_tensor_add},
    {"__sub", cam_lua_tensor_sub},
    {"__mul", cam_lua_tensor_mul},
    {"__div", cam_lua_tensor_div},
    {"__unm", cam_lua_tensor_unm},
    {"__eq", cam_lua_tensor_eq},
    {"__len", cam_lua_tensor_len},
    {"__tostring", cam_lua_tensor_tostring},
    {"__close", cam_lua_tensor_close},
    {NULL, NULL},
};

/* >>lua-net */

typedef struct cam_lua_net {
    cam_net *net; /* NULL once closed */
} cam_lua_net;

static cam_lua_net *cam_lua__check_net_ud(lua_State *L, int idx)
{
    return (cam_lua_net *)luaL_checkudata(L, idx, CAM_LUA_NET);
}

static cam_net *cam_lua__check_net(lua_State *L, int idx)
{
    cam_lua_net *n = cam_lua__check_net_ud(L, idx);
    if (!n->net)
        luaL_argerror(L, idx, "net is closed");
    return n->net;
}

static int cam_lua__net_fail(lua_State *L, cam_net *net, cam_result r)
{
    return cam_lua__fail(L, r, cam_net_last_error(net));
}

/* Reads load options from the table at idx into desc; the strings stay
   referenced by that table, which the caller keeps on the stack. */
static void cam_lua__read_desc(lua_State *L, int idx, cam_net_desc *desc, const char **keep, int max_keep)
{
    memset(desc, 0, sizeof *desc);
    if (lua_isnoneornil(L, idx))
        return;
    luaL_checktype(L, idx, LUA_TTABLE);
#define CAM__LUA_INT_OPT(field)                                                           \
    do {                                                                                  \
        if (lua_getfield(L, idx, #field) != LUA_TNIL) {                                   \
            int isnum_;                                                                   \
            lua_Integer v_ = lua_tointegerx(L, -1, &isnum_);                              \
            if (!isnum_ || v_ < 0 || v_ > INT_MAX)                                        \
                luaL_argerror(L, idx, "option '" #field "' must be a non-negative integer"); \
            desc->field = (int)v_;                                                        \
        }                                                                                 \
        lua_pop(L, 1);                                                                    \
    } while (0)
#define CAM__LUA_STR_OPT(field)                                                  \
    do {                                                                         \
        if (lua_getfield(L, idx, #field) != LUA_TNIL) {                          \
            if (lua_type(L, -1) != LUA_TSTRING)                                  \
                luaL_argerror(L, idx, "option '" #field "' must be a string");   \
            desc->field = lua_tostring(L, -1); /* anchored by the options table */ \
        }                                                                        \
        lua_pop(L, 1);                                                           \
    } while (0)
    CAM__LUA_INT_OPT(threads);
    CAM__LUA_INT_OPT(batch);
    CAM__LUA_INT_OPT(height);
    CAM__LUA_INT_OPT(width);
    CAM__LUA_STR_OPT(cam_feature);
    CAM__LUA_STR_OPT(cam_weights);
    CAM__LUA_STR_OPT(cam_bias);
#undef CAM__LUA_INT_OPT
#undef CAM__LUA_STR_OPT
    if (lua_getfield(L, idx, "no_fuse") != LUA_TNIL)
        desc->no_fuse = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "no_winograd") != LUA_TNIL)
        desc->no_winograd = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "keep") != LUA_TNIL) {
        lua_Integer n, i;
        if (!lua_istable(L, -1))
            luaL_argerror(L, idx, "option 'keep' must be a list of tensor names");
        n = luaL_len(L, -1);
        if (n > max_keep)
            luaL_argerror(L, idx, lua_pushfstring(L, "option 'keep' lists more than %d names", max_keep));
        for (i = 1; i <= n; i++) {
            lua_geti(L, -1, i);
            if (lua_type(L, -1) != LUA_TSTRING)
                luaL_argerror(L, idx, "option 'keep' must be a list of tensor names");
            keep[i - 1] = lua_tostring(L, -1); /* anchored by the list */
            lua_pop(L, 1);
        }
        desc->keep = keep;
        desc->n_keep = (int)n;
    }
    lua_pop(L, 1);
}

#define CAM_LUA_MAX_KEEP 64

static int cam_lua__load(lua_State *L, int from_string)
{
    size_t len = 0;
    const char *src = from_string ? luaL_checklstring(L, 1, &len) : luaL_checkstring(L, 1);
    const char *keep[CAM_LUA_MAX_KEEP];
    cam_net_desc desc;
    cam_error err;
    cam_lua_net *ud;
    cam_result r;
    cam_lua__read_desc(L, 2, &desc, keep, CAM_LUA_MAX_KEEP);
    memset(&err, 0, sizeof err);
    /* Make the userdata first so that a failed allocation raises before the
       net exists: nothing can leak. */
    ud = (cam_lua_net *)lua_newuserdatauv(L, sizeof(cam_lua_net), 0);
    ud->net = NULL;
    luaL_setmetatable(L, CAM_LUA_NET);
    if (from_string)
        r = cam_net_load_memory(src, len, &desc, &ud->net, &err);
    else
        r = cam_net_load(src, &desc, &ud->net, &err);
    if (r != CAM_OK) {
        ud->net = NULL;
        if (!from_string && !err.message[0])
            return cam_lua__failf(L, r, "%s: %s", src, cam_result_str(r));
        return cam_lua__fail(L, r, err.message);
    }
    {
        /* The net's weights and arena live outside the Lua heap, where the
           collector cannot see them: advance it as if they had been
           allocated there, so that nets dropped without close() are
           collected before many of them pile up. */
        cam_net_stats st;
        memset(&st, 0, sizeof st);
        if (cam_net_get_stats(ud->net, &st) == CAM_OK && st.peak_bytes > 0)
            lua_gc(L, LUA_GCSTEP, (int)(st.peak_bytes / 1024 > INT_MAX ? INT_MAX : st.peak_bytes / 1024));
    }
    return 1;
}

/* cam.load(path [, options]) -> net or nil, message, code.
   options: threads, batch, height, width, keep = {names}, no_fuse,
   no_winograd, cam_feature, cam_weights, cam_bias (see cam_net_desc). */
static int cam_lua_load(lua_State *L) { return cam_lua__load(L, 0); }
/* cam.load_string(bytes [, options]). */
static int cam_lua_load_string(lua_State *L) { return cam_lua__load(L, 1); }

static void cam_lua__push_info(lua_State *L, const cam_tensor_info *info)
{
    int i;
    lua_createtable(L, 0, 3);
    lua_pushstring(L, info->name ? info->name : "");
    lua_setfield(L, -2, "name");
    lua_pushstring(L, cam_dtype_name(info->dtype));
    lua_setfield(L, -2, "dtype");
    lua_createtable(L, info->ndim, 0);
    for (i = 0; i < info->ndim; i++) {
        lua_pushinteger(L, (lua_Integer)info->dims[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "shape");
}

static void cam_lua__push_io(lua_State *L, cam_net *net, int outputs)
{
    int n = outputs ? cam_net_output_count(net) : cam_net_input_count(net), i;
    lua_createtable(L, n, 0);
    for (i = 0; i < n; i++) {
        cam_tensor_info info;
        memset(&info, 0, sizeof info);
        if ((outputs ? cam_net_output_info(net, i, &info) : cam_net_input_info(net, i, &info)) != CAM_OK)
            continue;
        cam_lua__push_info(L, &info);
        lua_rawseti(L, -2, i + 1);
    }
}

/* net:inputs() -> { {name=, dtype=, shape={...}}, ... } */
static int cam_lua_net_inputs(lua_State *L)
{
    cam_lua__push_io(L, cam_lua__check_net(L, 1), 0);
    return 1;
}

static int cam_lua_net_outputs(lua_State *L)
{
    cam_lua__push_io(L, cam_lua__check_net(L, 1), 1);
    return 1;
}

/* net:tensor_info(name) -> {name, dtype, shape} or nil, message, code. */
static int cam_lua_net_tensor_info(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    const char *name = luaL_checkstring(L, 2);
    cam_tensor_info info;
    cam_result r;
    memset(&info, 0, sizeof info);
    r = cam_net_tensor_info(net, name, &info);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    cam_lua__push_info(L, &info);
    return 1;
}

static void cam_lua__set_int(lua_State *L, const char *k, int64_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, k);
}

/* net:info() -> {inputs=, outputs=, params=, macs=, weight_bytes=,
   arena_bytes=, peak_bytes=, nodes=, steps=, opset=, threads=, simd=}. */
static int cam_lua_net_info(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    cam_net_stats st;
    memset(&st, 0, sizeof st);
    lua_createtable(L, 0, 12);
    cam_lua__push_io(L, net, 0);
    lua_setfield(L, -2, "inputs");
    cam_lua__push_io(L, net, 1);
    lua_setfield(L, -2, "outputs");
    if (cam_net_get_stats(net, &st) == CAM_OK) {
        cam_lua__set_int(L, "params", st.params);
        cam_lua__set_int(L, "macs", st.macs);
        cam_lua__set_int(L, "weight_bytes", st.weight_bytes);
        cam_lua__set_int(L, "arena_bytes", st.arena_bytes);
        cam_lua__set_int(L, "peak_bytes", st.peak_bytes);
        cam_lua__set_int(L, "nodes", st.n_nodes);
        cam_lua__set_int(L, "steps", st.n_steps);
        cam_lua__set_int(L, "opset", st.opset);
    }
    cam_lua__set_int(L, "threads", cam_net_threads(net));
    lua_pushstring(L, cam_simd_name());
    lua_setfield(L, -2, "simd");
    return 1;
}

/* net:nodes() -> { {name=, op=, inputs={...}, outputs={...}}, ... } */
static int cam_lua_net_nodes(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    int n = cam_net_node_count(net), i, j;
    lua_createtable(L, n, 0);
    for (i = 0; i < n; i++) {
        cam_node_info ni;
        memset(&ni, 0, sizeof ni);
        if (cam_net_node(net, i, &ni) != CAM_OK)
            continue;
        lua_createtable(L, 0, 4);
        lua_pushstring(L, ni.name ? ni.name : "");
        lua_setfield(L, -2, "name");
        lua_pushstring(L, ni.op_type ? ni.op_type : "");
        lua_setfield(L, -2, "op");
        lua_createtable(L, ni.n_inputs, 0);
        for (j = 0; j < ni.n_inputs; j++) {
            lua_pushstring(L, ni.inputs[j] ? ni.inputs[j] : "");
            lua_rawseti(L, -2, j + 1);
        }
        lua_setfield(L, -2, "inputs");
        lua_createtable(L, ni.n_outputs, 0);
        for (j = 0; j < ni.n_outputs; j++) {
            lua_pushstring(L, ni.outputs[j] ? ni.outputs[j] : "");
            lua_rawseti(L, -2, j + 1);
        }
        lua_setfield(L, -2, "outputs");
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* Fills in[i] for graph input i from the argument at arg: a tensor, or a list
   of same-shape tensors stacked into a batch. A stacked batch is left on the
   stack (it must live until forward returns). A 3-D tensor feeding a 4-D input
   gets a batch dimension of 1. */
static void cam_lua__input(lua_State *L, cam_net *net, int i, int arg, cam_tensor *in)
{
    cam_lua_tensor *t;
    cam_tensor_info info;
    if (lua_istable(L, arg)) {
        lua_pushcfunction(L, cam_lua_tensor_stack);
        lua_pushvalue(L, arg);
        lua_call(L, 1, 1);
        t = cam_lua__check_tensor(L, -1);
    } else {
        t = cam_lua__test_tensor(L, arg);
        if (!t)
            luaL_argerror(L, arg, lua_pushfstring(L, "expected a cam.tensor or a list of them, got %s",
                                                  luaL_typename(L, arg)));
        lua_pushvalue(L, arg);
    }
    *in = cam_lua__view(t);
    memset(&info, 0, sizeof info);
    if (cam_net_input_info(net, i, &info) != CAM_OK)
        return;
    /* a list of 1 x C x H x W tensors stacks to N x 1 x C x H x W: drop the 1 */
    if (lua_istable(L, arg) && in->ndim == info.ndim + 1 && in->ndim > 1 && in->dims[1] == 1) {
        memmove(in->dims + 1, in->dims + 2, (size_t)(in->ndim - 2) * sizeof(int64_t));
        in->ndim--;
    }
    if (info.ndim == in->ndim + 1 && in->ndim < CAM_MAX_NDIM) {
        memmove(in->dims + 1, in->dims, (size_t)in->ndim * sizeof(int64_t));
        in->dims[0] = 1;
        in->ndim++;
    }
}

/* Pushes a copy of every graph output and returns their count; on failure
   pushes nil, message, code instead and returns -3. */
static int cam_lua__push_outputs(lua_State *L, cam_net *net)
{
    int n = cam_net_output_count(net), i;
    luaL_checkstack(L, n, "outputs");
    for (i = 0; i < n; i++) {
        cam_tensor out;
        cam_result r;
        memset(&out, 0, sizeof out);
        r = cam_net_output(net, i, &out);
        if (r != CAM_OK) {
            lua_pop(L, i);
            return -cam_lua__net_fail(L, net, r);
        }
        cam_lua__push_view(L, &out);
    }
    return n;
}

#define CAM_LUA_MAX_INPUTS 16

/* net:forward(x1, x2, ...) -> output tensors (copies), or nil, message, code.
   Argument i feeds graph input i: a cam.tensor (a 3-D image tensor gets a
   batch of 1) or a list of same-shape tensors run as one batch. */
static int cam_lua_net_forward(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    int nargs = lua_gettop(L) - 1, nin = cam_net_input_count(net), i, base, n;
    cam_tensor in[CAM_LUA_MAX_INPUTS];
    cam_result r;
    if (nargs != nin)
        return luaL_error(L, "forward: the net has %d input(s), %d given", nin, nargs);
    if (nin > CAM_LUA_MAX_INPUTS)
        return luaL_error(L, "forward: more than %d inputs", CAM_LUA_MAX_INPUTS);
    base = lua_gettop(L);
    for (i = 0; i < nin; i++)
        cam_lua__input(L, net, i, 2 + i, &in[i]);
    r = cam_net_forward(net, in, nin);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    lua_settop(L, base);
    n = cam_lua__push_outputs(L, net);
    return n < 0 ? -n : n;
}

/* net:output(i or name) -> copy of a graph output after forward. */
static int cam_lua_net_output(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    cam_tensor out;
    cam_result r;
    memset(&out, 0, sizeof out);
    if (lua_type(L, 2) == LUA_TSTRING) {
        r = cam_net_tensor(net, lua_tostring(L, 2), &out);
    } else {
        int n = cam_net_output_count(net);
        lua_Integer i = luaL_checkinteger(L, 2);
        if (i < 1 || i > n)
            return luaL_argerror(L, 2, lua_pushfstring(L, "output %I outside 1..%d", i, n));
        r = cam_net_output(net, (int)(i - 1), &out);
    }
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    cam_lua__push_view(L, &out);
    return 1;
}

/* net:tensor(name) -> copy of a kept tensor, output, CAM feature tensor or
   initializer, or nil, message, code. */
static int cam_lua_net_tensor(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    const char *name = luaL_checkstring(L, 2);
    cam_tensor out;
    cam_result r;
    memset(&out, 0, sizeof out);
    r = cam_net_tensor(net, name, &out);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    cam_lua__push_view(L, &out);
    return 1;
}

/* net:set_input_shape(i, shape) -> true or nil, message, code. */
static int cam_lua_net_set_input_shape(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    int n = cam_net_input_count(net), ndim;
    lua_Integer i = luaL_checkinteger(L, 2);
    int64_t dims[CAM_MAX_NDIM];
    cam_result r;
    if (i < 1 || i > n)
        return luaL_argerror(L, 2, lua_pushfstring(L, "input %I outside 1..%d", i, n));
    luaL_checktype(L, 3, LUA_TTABLE);
    ndim = cam_lua__read_shape(L, 3, 3, dims);
    r = cam_net_set_input_shape(net, (int)(i - 1), ndim, dims);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    lua_pushboolean(L, 1);
    return 1;
}

/* net:metadata() -> {key = value} ; net:metadata(key) -> value or nil. */
static int cam_lua_net_metadata(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    int n, i;
    if (!lua_isnoneornil(L, 2)) {
        const char *v = cam_net_metadata_get(net, luaL_checkstring(L, 2));
        if (v)
            lua_pushstring(L, v);
        else
            lua_pushnil(L);
        return 1;
    }
    n = cam_net_metadata_count(net);
    lua_createtable(L, 0, n);
    for (i = 0; i < n; i++) {
        const char *k = NULL, *v = NULL;
        if (cam_net_metadata(net, i, &k, &v) == CAM_OK && k) {
            lua_pushstring(L, v ? v : "");
            lua_setfield(L, -2, k);
        }
    }
    return 1;
}

/* net:labels() -> list of class names from cam.labels metadata, or nil. */
static int cam_lua_net_labels(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    const char *v = cam_net_metadata_get(net, "cam.labels"), *p;
    lua_Integer n = 0;
    if (!v) {
        lua_pushnil(L);
        return 1;
    }
    lua_newtable(L);
    for (p = v;;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len > 0 && p[len - 1] == '\r')
            len--;
        if (e || len > 0) {
            lua_pushlstring(L, p, len);
            lua_rawseti(L, -2, ++n);
        }
        if (!e)
            break;
        p = e + 1;
    }
    return 1;
}

/* net:head() -> {feature=, scores=, pool="avg"|"max", conv_classifier=,
   n_classes=, n_channels=, weights=tensor CxK or nil, bias=tensor C or nil}
   or nil, message, "CAM_ERR_NOT_FOUND". */
static int cam_lua_net_head(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    cam_head h;
    cam_result r;
    memset(&h, 0, sizeof h);
    r = cam_net_head(net, &h);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    lua_createtable(L, 0, 8);
    lua_pushstring(L, h.feature ? h.feature : "");
    lua_setfield(L, -2, "feature");
    lua_pushstring(L, h.scores ? h.scores : "");
    lua_setfield(L, -2, "scores");
    lua_pushstring(L, h.pool == CAM_POOL_MAX ? "max" : "avg");
    lua_setfield(L, -2, "pool");
    lua_pushboolean(L, h.conv_classifier);
    lua_setfield(L, -2, "conv_classifier");
    cam_lua__set_int(L, "n_classes", h.n_classes);
    cam_lua__set_int(L, "n_channels", h.n_channels);
    if (h.weights && h.n_classes > 0 && h.n_channels > 0) {
        cam_tensor v;
        memset(&v, 0, sizeof v);
        v.dtype = CAM_FLOAT32;
        v.ndim = 2;
        v.dims[0] = h.n_classes;
        v.dims[1] = h.n_channels;
        v.data = (void *)h.weights;
        cam_lua__push_view(L, &v);
        lua_setfield(L, -2, "weights");
    }
    if (h.bias && h.n_classes > 0) {
        cam_tensor v;
        memset(&v, 0, sizeof v);
        v.dtype = CAM_FLOAT32;
        v.ndim = 1;
        v.dims[0] = h.n_classes;
        v.data = (void *)h.bias;
        cam_lua__push_view(L, &v);
        lua_setfield(L, -2, "bias");
    }
    return 1;
}

/* net:set_threads(n) -> true or nil, message, code (0 = all cores). */
static int cam_lua_net_set_threads(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    cam_result r;
    if (n < 0 || n > 1024)
        return luaL_argerror(L, 2, "thread count outside 0..1024");
    r = cam_net_set_threads(net, (int)n);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    lua_pushboolean(L, 1);
    return 1;
}

static int cam_lua_net_threads(lua_State *L)
{
    lua_pushinteger(L, cam_net_threads(cam_lua__check_net(L, 1)));
    return 1;
}

static int cam_lua_net_last_error(lua_State *L)
{
    lua_pushstring(L, cam_net_last_error(cam_lua__check_net(L, 1)));
    return 1;
}

/* net:close(): frees the net now (also __close and __gc); idempotent. */
static int cam_lua_net_close(lua_State *L)
{
    cam_lua_net *n = cam_lua__check_net_ud(L, 1);
    if (n->net) {
        cam_net_free(n->net);
        n->net = NULL;
    }
    return 0;
}

/* Adds "name shape, ..." of the net's inputs (outputs = 0) or outputs to b. */
static void cam_lua__add_io(luaL_Buffer *b, const cam_net *net, int outputs)
{
    int i, cnt = outputs ? cam_net_output_count(net) : cam_net_input_count(net);
    for (i = 0; i < cnt; i++) {
        cam_tensor_info info;
        memset(&info, 0, sizeof info);
        if ((outputs ? cam_net_output_info(net, i, &info) : cam_net_input_info(net, i, &info)) != CAM_OK)
            continue;
        if (i)
            luaL_addstring(b, ", ");
        luaL_addstring(b, info.name ? info.name : "?");
        luaL_addstring(b, " ");
        cam_lua__shape_str(b, info.ndim, info.dims);
    }
}

static int cam_lua_net_tostring(lua_State *L)
{
    cam_lua_net *n = cam_lua__check_net_ud(L, 1);
    luaL_Buffer b;
    if (!n->net) {
        lua_pushstring(L, "cam.net(closed)");
        return 1;
    }
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "cam.net(");
    cam_lua__add_io(&b, n->net, 0);
    luaL_addstring(&b, " -> ");
    cam_lua__add_io(&b, n->net, 1);
    luaL_addstring(&b, ")");
    luaL_pushresult(&b);
    return 1;
}

static const luaL_Reg cam_lua__net_methods[] = {
    {"info", cam_lua_net_info},
    {"inputs", cam_lua_net_inputs},
    {"outputs", cam_lua_net_outputs},
    {"tensor_info", cam_lua_net_tensor_info},
    {"nodes", cam_lua_net_nodes},
    {"forward", cam_lua_net_forward},
    {"output", cam_lua_net_output},
    {"tensor", cam_lua_net_tensor},
    {"set_input_shape", cam_lua_net_set_input_shape},
    {"metadata", cam_lua_net_metadata},
    {"labels", cam_lua_net_labels},
    {"head", cam_lua_net_head},
    {"set_threads", cam_lua_net_set_threads},
    {"threads", cam_lua_net_threads},
    {"last_error", cam_lua_net_last_error},
    {"close", cam_lua_net_close},
    {NULL, NULL},
};

static const luaL_Reg cam_lua__net_meta[] = {
    {"__gc", cam_lua_net_close},
    {"__close", cam_lua_net_close},
    {"__tostring", cam_lua_net_tostring},
    {NULL, NULL},
};

/* >>lua-cam */

#define CAM_LUA_IMAGE "cam.image"
#define CAM_LUA_GUARD "cam.guard"

/* Frees what cam allocated for us if Lua raises before we copied it out
   (a memory error while building the result): the guard is a userdata whose
   __gc releases whatever it still holds. */
typedef struct cam_lua_guard {
    cam_image img;
    cam_maps maps;
} cam_lua_guard;

static void cam_lua__guard_release(cam_lua_guard *g)
{
    cam_image_free(&g->img);
    cam_maps_free(&g->maps);
    memset(g, 0, sizeof *g);
}

static int cam_lua_guard_gc(lua_State *L)
{
    cam_lua__guard_release((cam_lua_guard *)luaL_checkudata(L, 1, CAM_LUA_GUARD));
    return 0;
}

static cam_lua_guard *cam_lua__new_guard(lua_State *L)
{
    cam_lua_guard *g = (cam_lua_guard *)lua_newuserdatauv(L, sizeof(cam_lua_guard), 0);
    memset(g, 0, sizeof *g);
    luaL_setmetatable(L, CAM_LUA_GUARD);
    return g;
}

/* --- images: 8-bit RGB pixels inside the userdata, like tensors --- */

typedef struct cam_lua_image {
    int width, height;
    unsigned char pixels[];
} cam_lua_image;

static cam_lua_image *cam_lua__check_image(lua_State *L, int idx)
{
    return (cam_lua_image *)luaL_checkudata(L, idx, CAM_LUA_IMAGE);
}

static cam_lua_image *cam_lua__new_image(lua_State *L, int w, int h)
{
    cam_lua_image *im;
    size_t bytes;
    if (w < 1 || h < 1 || w > CAM_MAX_IMAGE_DIM || h > CAM_MAX_IMAGE_DIM ||
        (int64_t)w * h > CAM_MAX_IMAGE_PIXELS)
        luaL_error(L, "image size %dx%d outside 1..%d per side", w, h, CAM_MAX_IMAGE_DIM);
    bytes = sizeof(cam_lua_image) + (size_t)w * (size_t)h * 3;
    im = (cam_lua_image *)lua_newuserdatauv(L, bytes, 0);
    memset(im, 0, bytes);
    im->width = w;
    im->height = h;
    luaL_setmetatable(L, CAM_LUA_IMAGE);
    return im;
}

static cam_image cam_lua__image_view(cam_lua_image *im)
{
    cam_image v;
    v.width = im->width;
    v.height = im->height;
    v.pixels = im->pixels;
    return v;
}

/* Pushes a copy of a cam_image (the caller frees the original). */
static cam_lua_image *cam_lua__push_image(lua_State *L, const cam_image *src)
{
    cam_lua_image *im = cam_lua__new_image(L, src->width, src->height);
    memcpy(im->pixels, src->pixels, (size_t)src->width * (size_t)src->height * 3);
    return im;
}

static int cam_lua__image_load(lua_State *L, int from_string)
{
    size_t len = 0;
    const char *src = from_string ? luaL_checklstring(L, 1, &len) : luaL_checkstring(L, 1);
    cam_lua_guard *g = cam_lua__new_guard(L);
    cam_error err;
    cam_result r;
    memset(&err, 0, sizeof err);
    r = from_string ? cam_image_load_memory(src, len, &g->img, &err) : cam_image_load(src, &g->img, &err);
    if (r != CAM_OK) {
        cam_lua__guard_release(g);
        if (!from_string && !err.message[0])
            return cam_lua__failf(L, r, "%s: %s", src, cam_result_str(r));
        return cam_lua__fail(L, r, err.message);
    }
    cam_lua__push_image(L, &g->img);
    cam_lua__guard_release(g);
    return 1;
}

/* cam.load_image(path) -> image or nil, message, code (JPEG, PNG, BMP, ...). */
static int cam_lua_image_load(lua_State *L) { return cam_lua__image_load(L, 0); }
/* cam.load_image_string(bytes) -> image or nil, message, code. */
static int cam_lua_image_load_string(lua_State *L) { return cam_lua__image_load(L, 1); }

static void cam_lua__check_rgb(lua_State *L, int idx, unsigned char rgb[3])
{
    int i;
    luaL_checktype(L, idx, LUA_TTABLE);
    for (i = 0; i < 3; i++) {
        lua_Integer v;
        int isnum;
        lua_geti(L, idx, i + 1);
        v = lua_tointegerx(L, -1, &isnum);
        lua_pop(L, 1);
        if (!isnum || v < 0 || v > 255)
            luaL_argerror(L, idx, "colour must be {r, g, b} with integers 0..255");
        rgb[i] = (unsigned char)v;
    }
}

static void cam_lua__opt_rgb(lua_State *L, int idx, unsigned char rgb[3], unsigned char r, unsigned char g,
                             unsigned char b)
{
    if (lua_isnoneornil(L, idx)) {
        rgb[0] = r;
        rgb[1] = g;
        rgb[2] = b;
    } else {
        cam_lua__check_rgb(L, idx, rgb);
    }
}

/* cam.image(w, h [, {r, g, b}]) -> new image (black by default). cam.image(bytes, w, h): from RGB bytes. */
static int cam_lua_image_new(lua_State *L)
{
    cam_lua_image *im;
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, 1, &len);
        lua_Integer w = luaL_checkinteger(L, 2), h = luaL_checkinteger(L, 3);
        if (w < 1 || h < 1 || w > CAM_MAX_IMAGE_DIM || h > CAM_MAX_IMAGE_DIM || (size_t)(w * h * 3) != len)
            return luaL_argerror(L, 1, "string is not width * height * 3 RGB bytes");
        im = cam_lua__new_image(L, (int)w, (int)h);
        memcpy(im->pixels, s, len);
        return 1;
    } else {
        lua_Integer w = luaL_checkinteger(L, 1), h = luaL_checkinteger(L, 2);
        unsigned char rgb[3];
        int64_t i;
        cam_lua__opt_rgb(L, 3, rgb, 0, 0, 0);
        if (w < 1 || w > CAM_MAX_IMAGE_DIM)
            return luaL_argerror(L, 1, "width outside 1..CAM_MAX_IMAGE_DIM");
        if (h < 1 || h > CAM_MAX_IMAGE_DIM)
            return luaL_argerror(L, 2, "height outside 1..CAM_MAX_IMAGE_DIM");
        im = cam_lua__new_image(L, (int)w, (int)h);
        for (i = 0; i < (int64_t)w * h; i++)
            memcpy(im->pixels + i * 3, rgb, 3);
        return 1;
    }
}

static int cam_lua_image_size(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1);
    lua_pushinteger(L, im->width);
    lua_pushinteger(L, im->height);
    return 2;
}

static int cam_lua_image_width(lua_State *L)
{
    lua_pushinteger(L, cam_lua__check_image(L, 1)->width);
    return 1;
}

static int cam_lua_image_height(lua_State *L)
{
    lua_pushinteger(L, cam_lua__check_image(L, 1)->height);
    return 1;
}

/* Pixel coordinates are 0-based, as in cam's boxes. */
static unsigned char *cam_lua__pixel(lua_State *L, cam_lua_image *im, int ix, int iy)
{
    lua_Integer x = luaL_checkinteger(L, ix), y = luaL_checkinteger(L, iy);
    if (x < 0 || x >= im->width)
        luaL_argerror(L, ix, lua_pushfstring(L, "x %I outside 0..%d", x, im->width - 1));
    if (y < 0 || y >= im->height)
        luaL_argerror(L, iy, lua_pushfstring(L, "y %I outside 0..%d", y, im->height - 1));
    return im->pixels + ((size_t)y * (size_t)im->width + (size_t)x) * 3;
}

/* img:get(x, y) -> r, g, b */
static int cam_lua_image_get(lua_State *L)
{
    unsigned char *p = cam_lua__pixel(L, cam_lua__check_image(L, 1), 2, 3);
    lua_pushinteger(L, p[0]);
    lua_pushinteger(L, p[1]);
    lua_pushinteger(L, p[2]);
    return 3;
}

/* img:set(x, y, {r, g, b}) -> img */
static int cam_lua_image_set(lua_State *L)
{
    unsigned char *p = cam_lua__pixel(L, cam_lua__check_image(L, 1), 2, 3);
    cam_lua__check_rgb(L, 4, p);
    lua_settop(L, 1);
    return 1;
}

static int cam_lua_image_bytes(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1);
    lua_pushlstring(L, (const char *)im->pixels, (size_t)im->width * (size_t)im->height * 3);
    return 1;
}

static int cam_lua_image_copy(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1);
    cam_image v = cam_lua__image_view(im);
    cam_lua__push_image(L, &v);
    return 1;
}

/* img:save(path) -> true or nil, message, code (PNG). */
static int cam_lua_image_save(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1);
    const char *path = luaL_checkstring(L, 2);
    cam_image v = cam_lua__image_view(im);
    cam_result r = cam_image_write_png(path, &v);
    if (r != CAM_OK)
        return cam_lua__failf(L, r, "%s: cannot write PNG (%s)", path, cam_result_str(r));
    lua_pushboolean(L, 1);
    return 1;
}

/* img:tensor() -> 3 x h x w float tensor of the raw 0..255 values. */
static int cam_lua_image_tensor(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1);
    int64_t dims[3], hw, i;
    int c;
    cam_lua_tensor *t;
    dims[0] = 3;
    dims[1] = im->height;
    dims[2] = im->width;
    t = cam_lua__new_tensor(L, 3, dims);
    hw = dims[1] * dims[2];
    for (c = 0; c < 3; c++)
        for (i = 0; i < hw; i++)
            t->data[c * hw + i] = im->pixels[i * 3 + c];
    return 1;
}

static const char *const cam_lua__interp_names[] = {"bilinear", "bicubic", "nearest", NULL};

/* img:resize(w, h [, interp = "bilinear"]) -> new image (each channel
   resampled with cam_map_resize: half-pixel centres, no antialiasing, so
   meant for enlarging pictures for display). */
static int cam_lua_image_resize(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1), *out;
    lua_Integer w = luaL_checkinteger(L, 2), h = luaL_checkinteger(L, 3);
    int interp = luaL_checkoption(L, 4, "bilinear", cam_lua__interp_names), c;
    size_t sp = (size_t)im->width * im->height, dp, i;
    float *src, *dst;
    if (w < 1 || w > CAM_MAX_IMAGE_DIM)
        return luaL_argerror(L, 2, "width outside 1..CAM_MAX_IMAGE_DIM");
    if (h < 1 || h > CAM_MAX_IMAGE_DIM)
        return luaL_argerror(L, 3, "height outside 1..CAM_MAX_IMAGE_DIM");
    dp = (size_t)w * (size_t)h;
    src = (float *)lua_newuserdatauv(L, (sp + dp) * sizeof(float), 0);
    dst = src + sp;
    out = cam_lua__new_image(L, (int)w, (int)h);
    for (c = 0; c < 3; c++) {
        cam_result r;
        for (i = 0; i < sp; i++)
            src[i] = im->pixels[i * 3 + c];
        r = cam_map_resize(src, im->width, im->height, dst, (int)w, (int)h, (cam_interp)interp);
        if (r != CAM_OK)
            return cam_lua__fail(L, r, "resize failed");
        for (i = 0; i < dp; i++) {
            float v = dst[i] + 0.5f;
            out->pixels[i * 3 + c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    return 1;
}

/* A map for an image: a tensor of h x w (or 1 x h x w). */
static const cam_lua_tensor *cam_lua__check_map(lua_State *L, int idx, int *w, int *h)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, idx);
    int base = t->ndim - 2, i;
    if (t->ndim < 2)
        luaL_argerror(L, idx, "map must be a h x w tensor");
    for (i = 0; i < base; i++)
        if (t->dims[i] != 1)
            luaL_argerror(L, idx, lua_pushfstring(L, "map must be a h x w tensor, got %s",
                                                  cam_lua__push_shape(L, t->ndim, t->dims)));
    if (t->dims[base] > CAM_MAX_IMAGE_DIM || t->dims[base + 1] > CAM_MAX_IMAGE_DIM || t->count == 0)
        luaL_argerror(L, idx, "map size outside 1..CAM_MAX_IMAGE_DIM");
    *h = (int)t->dims[base];
    *w = (int)t->dims[base + 1];
    return t;
}


/* The map as floats of w x h: the tensor's own data when it already has
   that size, else a resampled copy left on the stack. */
static const float *cam_lua__map_at(lua_State *L, int idx, int w, int h, cam_interp interp)
{
    int mw, mh;
    const cam_lua_tensor *m = cam_lua__check_map(L, idx, &mw, &mh);
    int64_t dims[2];
    cam_lua_tensor *r;
    cam_result res;
    if (mw == w && mh == h)
        return m->data;
    dims[0] = h;
    dims[1] = w;
    r = cam_lua__new_tensor(L, 2, dims);
    res = cam_map_resize(m->data, mw, mh, r->data, w, h, interp);
    if (res != CAM_OK)
        luaL_argerror(L, idx, lua_pushfstring(L, "cannot resize the map: %s", cam_result_str(res)));
    return r->data;
}

/* img:overlay(map [, alpha = 0.5]) -> new image with the map as a jet heat
   map blended over it; a map of another size is resized (bilinear). */
static int cam_lua_image_overlay(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1), *out;
    double alpha = luaL_optnumber(L, 3, 0.5);
    const float *map;
    cam_image v;
    cam_result r;
    if (!(alpha >= 0 && alpha <= 1))
        return luaL_argerror(L, 3, "alpha outside 0..1");
    map = cam_lua__map_at(L, 2, im->width, im->height, CAM_INTERP_BILINEAR);
    v = cam_lua__image_view(im);
    out = cam_lua__push_image(L, &v);
    v = cam_lua__image_view(out);
    r = cam_picture_overlay(&v, map, (float)alpha);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, "overlay failed");
    return 1;
}

/* Reads a box table {x0, y0, x1, y1} (also fields x0=...). */
static void cam_lua__check_box(lua_State *L, int idx, cam_box *b)
{
    static const char *const names[4] = {"x0", "y0", "x1", "y1"};
    int v[4], i;
    luaL_checktype(L, idx, LUA_TTABLE);
    for (i = 0; i < 4; i++) {
        lua_Integer x;
        int isnum;
        if (lua_getfield(L, idx, names[i]) == LUA_TNIL) {
            lua_pop(L, 1);
            lua_geti(L, idx, i + 1);
        }
        x = lua_tointegerx(L, -1, &isnum);
        lua_pop(L, 1);
        if (!isnum || x < INT_MIN || x > INT_MAX)
            luaL_argerror(L, idx, lua_pushfstring(L, "box needs integer %s", names[i]));
        v[i] = (int)x;
    }
    memset(b, 0, sizeof *b);
    b->x0 = v[0];
    b->y0 = v[1];
    b->x1 = v[2];
    b->y1 = v[3];
}

static void cam_lua__push_box(lua_State *L, const cam_box *b)
{
    lua_createtable(L, 4, 6);
    lua_pushinteger(L, b->x0);
    lua_setfield(L, -2, "x0");
    lua_pushinteger(L, b->y0);
    lua_setfield(L, -2, "y0");
    lua_pushinteger(L, b->x1);
    lua_setfield(L, -2, "x1");
    lua_pushinteger(L, b->y1);
    lua_setfield(L, -2, "y1");
    lua_pushinteger(L, (lua_Integer)b->pixels);
    lua_setfield(L, -2, "pixels");
    lua_pushnumber(L, (lua_Number)b->sum);
    lua_setfield(L, -2, "sum");
    lua_pushinteger(L, b->x0);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, b->y0);
    lua_rawseti(L, -2, 2);
    lua_pushinteger(L, b->x1);
    lua_rawseti(L, -2, 3);
    lua_pushinteger(L, b->y1);
    lua_rawseti(L, -2, 4);
}

/* img:box(box [, {r, g, b} = red [, thickness = 2]]) -> img (drawn in place). */
static int cam_lua_image_box(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1);
    cam_box b;
    unsigned char rgb[3];
    lua_Integer th = luaL_optinteger(L, 4, 2);
    cam_image v;
    cam_lua__check_box(L, 2, &b);
    cam_lua__opt_rgb(L, 3, rgb, 255, 0, 0);
    if (th < 1 || th > 1000)
        return luaL_argerror(L, 4, "thickness outside 1..1000");
    v = cam_lua__image_view(im);
    cam_picture_box(&v, &b, rgb, (int)th);
    lua_settop(L, 1);
    return 1;
}

/* img:text(x, y, text [, {r, g, b} = white [, scale = 1]]) -> img, width drawn. */
static int cam_lua_image_text(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1);
    lua_Integer x = luaL_checkinteger(L, 2), y = luaL_checkinteger(L, 3), scale;
    const char *text = luaL_checkstring(L, 4);
    unsigned char rgb[3];
    cam_image v;
    int w;
    cam_lua__opt_rgb(L, 5, rgb, 255, 255, 255);
    scale = luaL_optinteger(L, 6, 1);
    if (scale < 1 || scale > 64)
        return luaL_argerror(L, 6, "scale outside 1..64");
    if (x < INT_MIN / 2 || x > INT_MAX / 2 || y < INT_MIN / 2 || y > INT_MAX / 2)
        return luaL_argerror(L, 2, "position out of range");
    v = cam_lua__image_view(im);
    w = cam_picture_text(&v, (int)x, (int)y, text, rgb, (int)scale);
    lua_settop(L, 1);
    lua_pushinteger(L, w);
    return 2;
}

/* img:paste(src, x, y) -> img: copies src with its top-left at (x, y),
   clipped to img. */
static int cam_lua_image_paste(lua_State *L)
{
    cam_lua_image *dst = cam_lua__check_image(L, 1), *src = cam_lua__check_image(L, 2);
    lua_Integer x = luaL_checkinteger(L, 3), y = luaL_checkinteger(L, 4), row;
    lua_Integer x0 = x < 0 ? -x : 0, x1 = src->width;
    if (x + x1 > dst->width)
        x1 = dst->width - x;
    for (row = 0; x1 > x0 && row < src->height; row++) {
        lua_Integer dy = y + row;
        if (dy < 0 || dy >= dst->height)
            continue;
        memcpy(dst->pixels + ((size_t)dy * dst->width + (size_t)(x + x0)) * 3,
               src->pixels + ((size_t)row * src->width + (size_t)x0) * 3, (size_t)(x1 - x0) * 3);
    }
    lua_settop(L, 1);
    return 1;
}

/* img:grid(maps [, {captions = {...}, alpha = 0.5, cols = 0, cell = 256}])
   -> new image: one overlay per map (maps: n x h x w tensor; resized to the
   image when their size differs). */
static int cam_lua_image_grid(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1);
    cam_lua_tensor *maps = cam_lua__check_tensor(L, 2), *rs = NULL;
    const char *captions[256];
    int n, mh, mw, cols = 0, cell = 0, i, has_caps = 0;
    double alpha = 0.5;
    const float *data;
    cam_lua_guard *g;
    cam_image v;
    cam_result r;
    if (maps->ndim != 3 && maps->ndim != 2)
        return luaL_argerror(L, 2, "maps must be a n x h x w tensor");
    n = maps->ndim == 3 ? (int)maps->dims[0] : 1;
    mh = (int)maps->dims[maps->ndim - 2];
    mw = (int)maps->dims[maps->ndim - 1];
    if (n < 1 || n > 256 || mh < 1 || mw < 1)
        return luaL_argerror(L, 2, "maps must hold 1..256 maps");
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        if (lua_getfield(L, 3, "alpha") != LUA_TNIL)
            alpha = luaL_checknumber(L, -1);
        lua_pop(L, 1);
        if (lua_getfield(L, 3, "cols") != LUA_TNIL)
            cols = (int)luaL_checkinteger(L, -1);
        lua_pop(L, 1);
        if (lua_getfield(L, 3, "cell") != LUA_TNIL)
            cell = (int)luaL_checkinteger(L, -1);
        lua_pop(L, 1);
        if (lua_getfield(L, 3, "captions") != LUA_TNIL) {
            luaL_checktype(L, -1, LUA_TTABLE);
            has_caps = 1;
            for (i = 0; i < n; i++) {
                lua_geti(L, -1, i + 1);
                captions[i] = lua_isstring(L, -1) ? lua_tostring(L, -1) : ""; /* anchored by the table */
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    if (!(alpha >= 0 && alpha <= 1))
        return luaL_argerror(L, 3, "alpha outside 0..1");
    if (cols < 0 || cols > 256 || cell < 0 || cell > 4096)
        return luaL_argerror(L, 3, "cols outside 0..256 or cell outside 0..4096");
    data = maps->data;
    if (mw != im->width || mh != im->height) {
        int64_t dims[3];
        dims[0] = n;
        dims[1] = im->height;
        dims[2] = im->width;
        rs = cam_lua__new_tensor(L, 3, dims);
        for (i = 0; i < n; i++) {
            r = cam_map_resize(maps->data + (size_t)i * mw * mh, mw, mh, rs->data + (size_t)i * im->width * im->height,
                               im->width, im->height, CAM_INTERP_BILINEAR);
            if (r != CAM_OK)
                return cam_lua__fail(L, r, "cannot resize the maps");
        }
        data = rs->data;
    }
    g = cam_lua__new_guard(L);
    v = cam_lua__image_view(im);
    r = cam_picture_grid(&v, data, n, has_caps ? captions : NULL, (float)alpha, cols, cell, &g->img);
    if (r != CAM_OK) {
        cam_lua__guard_release(g);
        return cam_lua__fail(L, r, "grid failed");
    }
    cam_lua__push_image(L, &g->img);
    cam_lua__guard_release(g);
    return 1;
}

static int cam_lua_image_tostring(lua_State *L)
{
    cam_lua_image *im = cam_lua__check_image(L, 1);
    lua_pushfstring(L, "cam.image(%dx%d)", im->width, im->height);
    return 1;
}

/* Pixels live in the userdata block: nothing to release early, and no
   __gc for the reason given at cam_lua_tensor_close. */
static int cam_lua_image_close(lua_State *L)
{
    cam_lua__check_image(L, 1);
    return 0;
}

/* cam.jet(v) -> r, g, b */
static int cam_lua_jet(lua_State *L)
{
    unsigned char rgb[3];
    cam_picture_jet((float)luaL_checknumber(L, 1), rgb);
    lua_pushinteger(L, rgb[0]);
    lua_pushinteger(L, rgb[1]);
    lua_pushinteger(L, rgb[2]);
    return 3;
}

/* --- preprocessing and transforms --- */

static const char *const cam_lua__resize_names[] = {"stretch", "crop", NULL};
static const char *const cam_lua__color_names[] = {"rgb", "bgr", "gray", NULL};

static void cam_lua__push_pp(lua_State *L, const cam_preprocess *pp)
{
    int i;
    lua_createtable(L, 0, 9);
    cam_lua__set_int(L, "width", pp->width);
    cam_lua__set_int(L, "height", pp->height);
    cam_lua__set_int(L, "channels", pp->channels ? pp->channels : pp->color == CAM_COLOR_GRAY ? 1 : 3);
    lua_pushstring(L, cam_lua__resize_names[pp->resize == CAM_RESIZE_CROP]);
    lua_setfield(L, -2, "resize");
    cam_lua__set_int(L, "resize_size", pp->resize_size);
    lua_pushstring(L, cam_lua__color_names[pp->color >= 0 && pp->color <= 2 ? pp->color : 0]);
    lua_setfield(L, -2, "color");
    lua_createtable(L, 3, 0);
    for (i = 0; i < 3; i++) {
        lua_pushnumber(L, pp->mean[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "mean");
    lua_createtable(L, 3, 0);
    for (i = 0; i < 3; i++) {
        lua_pushnumber(L, pp->std[i] != 0 ? pp->std[i] : 1.0f);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "std");
    lua_pushstring(L, cam_lua__interp_names[pp->interp == CAM_INTERP_BICUBIC]);
    lua_setfield(L, -2, "interp");
}

static int cam_lua__opt_enum(lua_State *L, int t, const char *field, const char *const *names, int def)
{
    int i, v = def;
    if (lua_getfield(L, t, field) != LUA_TNIL) {
        const char *s = lua_tostring(L, -1);
        v = -1;
        for (i = 0; s && names[i]; i++)
            if (!strcmp(s, names[i]))
                v = i;
        if (v < 0) {
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            lua_pushfstring(L, "option '%s' must be one of:", field);
            luaL_addvalue(&b);
            for (i = 0; names[i]; i++) {
                luaL_addstring(&b, " ");
                luaL_addstring(&b, names[i]);
            }
            luaL_pushresult(&b);
            luaL_argerror(L, t, lua_tostring(L, -1));
        }
    }
    lua_pop(L, 1);
    return v;
}

static int cam_lua__opt_int(lua_State *L, int t, const char *field, int def, int lo, int hi)
{
    int v = def;
    if (lua_getfield(L, t, field) != LUA_TNIL) {
        int isnum;
        lua_Integer x = lua_tointegerx(L, -1, &isnum);
        if (!isnum || x < lo || x > hi)
            luaL_argerror(L, t, lua_pushfstring(L, "option '%s' must be an integer in %d..%d", field, lo, hi));
        v = (int)x;
    }
    lua_pop(L, 1);
    return v;
}

static double cam_lua__opt_num(lua_State *L, int t, const char *field, double def)
{
    double v = def;
    if (lua_getfield(L, t, field) != LUA_TNIL) {
        int isnum;
        v = lua_tonumberx(L, -1, &isnum);
        if (!isnum)
            luaL_argerror(L, t, lua_pushfstring(L, "option '%s' must be a number", field));
    }
    lua_pop(L, 1);
    return v;
}

static void cam_lua__opt_triple(lua_State *L, int t, const char *field, float *v)
{
    int i;
    if (lua_getfield(L, t, field) != LUA_TNIL) {
        if (lua_isnumber(L, -1)) {
            v[0] = v[1] = v[2] = (float)lua_tonumber(L, -1);
        } else {
            if (!lua_istable(L, -1))
                luaL_argerror(L, t, lua_pushfstring(L, "option '%s' must be a number or a list of 3", field));
            for (i = 0; i < 3; i++) {
                lua_geti(L, -1, i + 1);
                if (!lua_isnil(L, -1)) {
                    if (!lua_isnumber(L, -1))
                        luaL_argerror(L, t, lua_pushfstring(L, "option '%s' must hold numbers", field));
                    v[i] = (float)lua_tonumber(L, -1);
                }
                lua_pop(L, 1);
            }
        }
    }
    lua_pop(L, 1);
}

/* Applies the fields of the table at t over pp. */
static void cam_lua__read_pp(lua_State *L, int t, cam_preprocess *pp)
{
    luaL_checktype(L, t, LUA_TTABLE);
    pp->width = cam_lua__opt_int(L, t, "width", pp->width, 1, CAM_MAX_IMAGE_DIM);
    pp->height = cam_lua__opt_int(L, t, "height", pp->height, 1, CAM_MAX_IMAGE_DIM);
    pp->channels = cam_lua__opt_int(L, t, "channels", pp->channels, 0, 3);
    pp->resize = (cam_resize_mode)cam_lua__opt_enum(L, t, "resize", cam_lua__resize_names, (int)pp->resize);
    pp->resize_size = cam_lua__opt_int(L, t, "resize_size", pp->resize_size, 0, CAM_MAX_IMAGE_DIM);
    pp->color = (cam_color)cam_lua__opt_enum(L, t, "color", cam_lua__color_names, (int)pp->color);
    cam_lua__opt_triple(L, t, "mean", pp->mean);
    cam_lua__opt_triple(L, t, "std", pp->std);
    pp->interp = (cam_interp)cam_lua__opt_enum(L, t, "interp", cam_lua__interp_names, (int)pp->interp);
}

static void cam_lua__push_tf(lua_State *L, const cam_transform *tf)
{
    lua_createtable(L, 0, 8);
    cam_lua__set_int(L, "image_width", tf->image_width);
    cam_lua__set_int(L, "image_height", tf->image_height);
    cam_lua__set_int(L, "input_width", tf->input_width);
    cam_lua__set_int(L, "input_height", tf->input_height);
    lua_pushnumber(L, tf->scale_x);
    lua_setfield(L, -2, "scale_x");
    lua_pushnumber(L, tf->scale_y);
    lua_setfield(L, -2, "scale_y");
    lua_pushnumber(L, tf->offset_x);
    lua_setfield(L, -2, "offset_x");
    lua_pushnumber(L, tf->offset_y);
    lua_setfield(L, -2, "offset_y");
}

static void cam_lua__check_tf(lua_State *L, int t, cam_transform *tf)
{
    luaL_checktype(L, t, LUA_TTABLE);
    memset(tf, 0, sizeof *tf);
    tf->image_width = cam_lua__opt_int(L, t, "image_width", 0, 1, CAM_MAX_IMAGE_DIM);
    tf->image_height = cam_lua__opt_int(L, t, "image_height", 0, 1, CAM_MAX_IMAGE_DIM);
    tf->input_width = cam_lua__opt_int(L, t, "input_width", 0, 1, CAM_MAX_IMAGE_DIM);
    tf->input_height = cam_lua__opt_int(L, t, "input_height", 0, 1, CAM_MAX_IMAGE_DIM);
    tf->scale_x = cam_lua__opt_num(L, t, "scale_x", 1);
    tf->scale_y = cam_lua__opt_num(L, t, "scale_y", 1);
    tf->offset_x = cam_lua__opt_num(L, t, "offset_x", 0);
    tf->offset_y = cam_lua__opt_num(L, t, "offset_y", 0);
    if (!tf->image_width || !tf->image_height || !tf->input_width || !tf->input_height)
        luaL_argerror(L, t, "transform needs image_width, image_height, input_width, input_height");
}

/* Preprocessing of a net, with the fields of the table at opt (may be none) over it. */
static cam_result cam_lua__net_pp(lua_State *L, cam_net *net, int opt, cam_preprocess *pp, cam_error *err)
{
    cam_result r;
    memset(pp, 0, sizeof *pp);
    r = cam_preprocess_from_net(net, pp, err);
    if (r != CAM_OK)
        return r;
    if (!lua_isnoneornil(L, opt))
        cam_lua__read_pp(L, opt, pp);
    return CAM_OK;
}

/* net:preprocess_params([overrides]) -> table {width, height, channels,
   resize, resize_size, color, mean, std, interp} or nil, message, code. */
static int cam_lua_net_pp_params(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    cam_preprocess pp;
    cam_error err;
    cam_result r;
    memset(&err, 0, sizeof err);
    r = cam_lua__net_pp(L, net, 2, &pp, &err);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, err.message);
    cam_lua__push_pp(L, &pp);
    return 1;
}

/* Pushes the preprocessed C x H x W tensor of the image at idx; fills tf. */
static cam_result cam_lua__preprocess(lua_State *L, int idx, const cam_preprocess *pp, cam_transform *tf)
{
    cam_lua_image *im = cam_lua__check_image(L, idx);
    cam_image v = cam_lua__image_view(im);
    int64_t dims[3];
    cam_lua_tensor *t;
    dims[0] = pp->channels ? pp->channels : pp->color == CAM_COLOR_GRAY ? 1 : 3;
    dims[1] = pp->height;
    dims[2] = pp->width;
    t = cam_lua__new_tensor(L, 3, dims);
    if ((size_t)t->count != cam_preprocess_floats(pp)) {
        lua_pop(L, 1);
        return CAM_ERR_INVALID_ARG;
    }
    return cam_image_preprocess(&v, pp, t->data, tf);
}

/* net:preprocess(img [, overrides]) -> tensor C x H x W, transform table. */
static int cam_lua_net_preprocess(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    cam_preprocess pp;
    cam_transform tf;
    cam_result r;
    cam_error err;
    cam_lua__check_image(L, 2);
    memset(&err, 0, sizeof err);
    r = cam_lua__net_pp(L, net, 3, &pp, &err);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, err.message);
    memset(&tf, 0, sizeof tf);
    r = cam_lua__preprocess(L, 2, &pp, &tf);
    if (r != CAM_OK)
        return cam_lua__failf(L, r, "preprocess: %s", cam_result_str(r));
    cam_lua__push_tf(L, &tf);
    return 2;
}

/* cam.preprocess(img, params) -> tensor, transform: preprocessing without a net. */
static int cam_lua_preprocess(lua_State *L)
{
    cam_preprocess pp;
    cam_transform tf;
    cam_result r;
    cam_lua__check_image(L, 1);
    memset(&pp, 0, sizeof pp);
    cam_lua__read_pp(L, 2, &pp);
    if (pp.width < 1 || pp.height < 1)
        return luaL_argerror(L, 2, "params need width and height");
    memset(&tf, 0, sizeof tf);
    r = cam_lua__preprocess(L, 1, &pp, &tf);
    if (r != CAM_OK)
        return cam_lua__failf(L, r, "preprocess: %s", cam_result_str(r));
    cam_lua__push_tf(L, &tf);
    return 2;
}

/* cam.image_from_tensor(x, params or net) -> image: undoes mean/std of a C x H x W tensor. */
static int cam_lua_image_from_tensor(lua_State *L)
{
    cam_lua_tensor *x = cam_lua__check_tensor(L, 1);
    cam_preprocess pp;
    cam_lua_guard *g;
    cam_result r;
    memset(&pp, 0, sizeof pp);
    if (luaL_testudata(L, 2, CAM_LUA_NET)) {
        cam_net *net = cam_lua__check_net(L, 2);
        cam_error err;
        memset(&err, 0, sizeof err);
        r = cam_preprocess_from_net(net, &pp, &err);
        if (r != CAM_OK)
            return cam_lua__fail(L, r, err.message);
    } else {
        cam_lua__read_pp(L, 2, &pp);
    }
    if (x->ndim == 4 && x->dims[0] == 1) {
        pp.channels = (int)x->dims[1];
        pp.height = (int)x->dims[2];
        pp.width = (int)x->dims[3];
    } else if (x->ndim == 3) {
        pp.channels = (int)x->dims[0];
        pp.height = (int)x->dims[1];
        pp.width = (int)x->dims[2];
    } else {
        return luaL_argerror(L, 1, "expected a C x H x W tensor");
    }
    g = cam_lua__new_guard(L);
    r = cam_image_from_tensor(x->data, &pp, &g->img);
    if (r != CAM_OK) {
        cam_lua__guard_release(g);
        return cam_lua__failf(L, r, "image_from_tensor: %s", cam_result_str(r));
    }
    cam_lua__push_image(L, &g->img);
    cam_lua__guard_release(g);
    return 1;
}

/* cam.transform_box(tf, box) -> box on the image, or nil, message, code. */
static int cam_lua_transform_box(lua_State *L)
{
    cam_transform tf;
    cam_box in, out;
    cam_result r;
    cam_lua__check_tf(L, 1, &tf);
    cam_lua__check_box(L, 2, &in);
    memset(&out, 0, sizeof out);
    r = cam_transform_box(&tf, &in, &out);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, "box falls outside the image");
    cam_lua__push_box(L, &out);
    return 1;
}

/* cam.transform_point(tf, u, v) -> x, y */
static int cam_lua_transform_point(lua_State *L)
{
    cam_transform tf;
    double x = 0, y = 0;
    cam_lua__check_tf(L, 1, &tf);
    cam_transform_point(&tf, luaL_checknumber(L, 2), luaL_checknumber(L, 3), &x, &y);
    lua_pushnumber(L, x);
    lua_pushnumber(L, y);
    return 2;
}

/* --- running images, scores, maps --- */

/* The failure triple of cam_lua__run: its own message, else the net's. */
static int cam_lua__run_fail(lua_State *L, cam_net *net, cam_result r, const cam_error *err)
{
    if (err->message[0])
        return cam_lua__fail(L, r, err->message);
    return cam_lua__net_fail(L, net, r);
}

/* Feeds the argument at idx to the net's single input: an image (preprocessed
   with the net's parameters and the overrides at opt), a list of images (one
   batch), or a tensor / list of tensors as in net:forward. Pushes the list of
   transforms (or nil for tensors). */
static cam_result cam_lua__run(lua_State *L, cam_net *net, int idx, int opt, cam_error *err)
{
    cam_preprocess pp;
    cam_result r;
    cam_tensor in;
    int top = lua_gettop(L);
    int is_image = luaL_testudata(L, idx, CAM_LUA_IMAGE) != NULL;
    if (!is_image && lua_istable(L, idx)) {
        lua_geti(L, idx, 1);
        is_image = luaL_testudata(L, -1, CAM_LUA_IMAGE) != NULL;
        lua_pop(L, 1);
    }
    if (cam_net_input_count(net) != 1)
        luaL_error(L, "this net has %d inputs: use net:forward", cam_net_input_count(net));
    if (!is_image) {
        cam_lua__input(L, net, 0, idx, &in);
        r = cam_net_forward(net, &in, 1);
        lua_settop(L, top);
        lua_pushnil(L);
        return r;
    }
    r = cam_lua__net_pp(L, net, opt, &pp, err);
    if (r != CAM_OK)
        return r;
    if (lua_istable(L, idx)) {
        lua_Integer n = luaL_len(L, idx), i;
        int tfs, list;
        lua_newtable(L);
        tfs = lua_gettop(L);
        lua_createtable(L, (int)n, 0);
        list = lua_gettop(L);
        for (i = 1; i <= n; i++) {
            cam_transform tf;
            lua_geti(L, idx, i);
            if (!luaL_testudata(L, -1, CAM_LUA_IMAGE))
                luaL_argerror(L, idx, lua_pushfstring(L, "element %I is not a cam.image", i));
            memset(&tf, 0, sizeof tf);
            r = cam_lua__preprocess(L, lua_gettop(L), &pp, &tf);
            if (r != CAM_OK) {
                snprintf(err->message, sizeof err->message, "image %d: preprocess: %s", (int)i, cam_result_str(r));
                return r;
            }
            lua_rawseti(L, list, i);
            lua_pop(L, 1);
            cam_lua__push_tf(L, &tf);
            lua_rawseti(L, tfs, i);
        }
        cam_lua__input(L, net, 0, list, &in);
        r = cam_net_forward(net, &in, 1);
        lua_settop(L, tfs);
        return r;
    } else {
        cam_transform tf;
        memset(&tf, 0, sizeof tf);
        r = cam_lua__preprocess(L, idx, &pp, &tf);
        if (r != CAM_OK) {
            snprintf(err->message, sizeof err->message, "preprocess: %s", cam_result_str(r));
            return r;
        }
        in = cam_lua__view(cam_lua__check_tensor(L, -1));
        memmove(in.dims + 1, in.dims, 3 * sizeof(int64_t));
        in.dims[0] = 1;
        in.ndim = 4;
        r = cam_net_forward(net, &in, 1);
        lua_pop(L, 1);
        lua_createtable(L, 1, 0);
        cam_lua__push_tf(L, &tf);
        lua_rawseti(L, -2, 1);
        return r;
    }
}

/* net:run(input [, preprocess overrides]) -> outputs..., then the list of
   transforms (one per image; nil for tensor input), or nil, message, code.
   input: a cam.image, a list of images (one batch), or tensors as in forward. */
static int cam_lua_net_run(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    cam_error err;
    cam_result r;
    int n;
    lua_settop(L, 3);
    memset(&err, 0, sizeof err);
    r = cam_lua__run(L, net, 2, 3, &err);
    if (r != CAM_OK)
        return cam_lua__run_fail(L, net, r, &err);
    n = cam_lua__push_outputs(L, net);
    if (n < 0)
        return -n;
    lua_pushvalue(L, 4);
    return n + 1;
}

static int cam_lua__batch_index(lua_State *L, cam_net *net, int arg)
{
    lua_Integer b = luaL_optinteger(L, arg, 1);
    int n = 0;
    if (cam_net_features(net, CAM_POOL_AVG, NULL, &n, NULL) != CAM_OK)
        n = 0;
    if (n > 0 && (b < 1 || b > n))
        luaL_argerror(L, arg, lua_pushfstring(L, "image %I outside 1..%d of the batch", b, n));
    if (b < 1)
        luaL_argerror(L, arg, "image index must be >= 1");
    return (int)(b - 1);
}

/* net:scores([b = 1]) -> tensor of the class logits of image b after forward. */
static int cam_lua_net_scores(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    int b = cam_lua__batch_index(L, net, 2), n = 0;
    const float *s = NULL;
    int64_t dims[1];
    cam_lua_tensor *t;
    cam_result r = cam_net_scores(net, b, &s, &n);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    dims[0] = n;
    t = cam_lua__new_tensor(L, 1, dims);
    memcpy(t->data, s, (size_t)n * sizeof(float));
    return 1;
}

static void cam_lua__push_label(lua_State *L, cam_net *net, int c)
{
    char buf[256];
    const char *s = cam_net_label(net, c, buf, sizeof buf);
    if (s)
        lua_pushstring(L, s);
    else
        lua_pushnil(L);
}

/* net:label(c) -> class name of class id c (0-based) from cam.labels, or nil. */
static int cam_lua_net_label(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    lua_Integer c = luaL_checkinteger(L, 2);
    if (c < 0 || c > INT_MAX)
        return luaL_argerror(L, 2, "class id must be >= 0");
    cam_lua__push_label(L, net, (int)c);
    return 1;
}

/* net:classify(input [, k = 5 [, preprocess overrides]]) -> list of
   {class = id (0-based), score = logit, prob = softmax, label = name} best
   first, for the first image; or nil, message, code. */
static int cam_lua_net_classify(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    lua_Integer k = luaL_optinteger(L, 3, 5);
    const float *s = NULL;
    float *prob, *val;
    int *idx, n = 0, got, i;
    cam_error err;
    cam_result r;
    if (k < 1 || k > 1000000)
        return luaL_argerror(L, 3, "k must be >= 1");
    lua_settop(L, 4);
    memset(&err, 0, sizeof err);
    r = cam_lua__run(L, net, 2, 4, &err);
    if (r != CAM_OK)
        return cam_lua__run_fail(L, net, r, &err);
    r = cam_net_scores(net, 0, &s, &n);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    if (k > n)
        k = n;
    prob = (float *)lua_newuserdatauv(L, (size_t)n * sizeof(float) + (size_t)k * (sizeof(float) + sizeof(int)), 0);
    val = prob + n;
    idx = (int *)(val + k);
    cam_scores_softmax(s, n, prob);
    got = cam_scores_topk(s, n, (int)k, idx, val);
    lua_createtable(L, got, 0);
    for (i = 0; i < got; i++) {
        lua_createtable(L, 0, 4);
        cam_lua__set_int(L, "class", idx[i]);
        lua_pushnumber(L, val[i]);
        lua_setfield(L, -2, "score");
        lua_pushnumber(L, prob[idx[i]]);
        lua_setfield(L, -2, "prob");
        cam_lua__push_label(L, net, idx[i]);
        lua_setfield(L, -2, "label");
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static const char *const cam_lua__target_names[] = {"image", "input", "feature", NULL};
static const char *const cam_lua__rectify_names[] = {"none", "relu", "positive_weights", NULL};
static const char *const cam_lua__order_names[] = {"after_resize", "before_resize", NULL};
static const char *const cam_lua__pool_names[] = {"avg", "max", NULL};

#define CAM_LUA_MAX_MAPS 4096

/* net:maps([options]) -> maps tensor n x h x w, classes {ids}, scores {logits}
   after a forward (or nil, message, code). options:
     image = b (1-based image of the batch, default 1)
     classes = {ids} (0-based) or top = k (default 1)
     target = "image" | "input" | "feature", transform = tf (from preprocess/run)
     interp = "bilinear" | "bicubic" | "nearest"
     rectify = "none" | "relu" | "positive_weights"
     normalize = "none" | "max" | "minmax", order = "after_resize" | "before_resize" */
static int cam_lua_net_maps(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    cam_map_desc md;
    cam_transform tf;
    cam_head head;
    int *classes = NULL, n = 1, b = 0, i, top_given = 0;
    cam_lua_guard *g;
    cam_result r;
    int64_t dims[3];
    cam_lua_tensor *t;
    memset(&md, 0, sizeof md);
    memset(&head, 0, sizeof head);
    lua_settop(L, 2);
    r = cam_net_head(net, &head);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    if (!lua_isnil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        if (lua_getfield(L, 2, "image") != LUA_TNIL) {
            lua_pop(L, 1);
            lua_getfield(L, 2, "image");
            b = cam_lua__batch_index(L, net, lua_gettop(L));
        }
        lua_pop(L, 1);
        md.target = (cam_map_target)cam_lua__opt_enum(L, 2, "target", cam_lua__target_names, 0);
        md.interp = (cam_interp)cam_lua__opt_enum(L, 2, "interp", cam_lua__interp_names, 0);
        md.rectify = (cam_rectify)cam_lua__opt_enum(L, 2, "rectify", cam_lua__rectify_names, 0);
        md.normalize = (cam_normalize)cam_lua__opt_enum(L, 2, "normalize", cam_lua__norm_modes, 0);
        md.order = (cam_norm_order)cam_lua__opt_enum(L, 2, "order", cam_lua__order_names, 0);
        if (lua_getfield(L, 2, "transform") != LUA_TNIL) {
            cam_lua__check_tf(L, lua_gettop(L), &tf);
            md.transform = &tf;
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "top") != LUA_TNIL)
            top_given = 1;
        lua_pop(L, 1);
        n = cam_lua__opt_int(L, 2, "top", 1, 1, CAM_LUA_MAX_MAPS);
        if (lua_getfield(L, 2, "classes") != LUA_TNIL) {
            lua_Integer len;
            if (top_given)
                luaL_argerror(L, 2, "give either 'classes' or 'top'");
            if (lua_isinteger(L, -1)) {
                lua_createtable(L, 1, 0);
                lua_pushvalue(L, -2);
                lua_rawseti(L, -2, 1);
                lua_replace(L, -2);
            }
            if (!lua_istable(L, -1))
                luaL_argerror(L, 2, "option 'classes' must be a class id or a list of them");
            len = luaL_len(L, -1);
            if (len < 1 || len > CAM_LUA_MAX_MAPS)
                luaL_argerror(L, 2, "option 'classes' must list 1..4096 class ids");
            n = (int)len;
            classes = (int *)lua_newuserdatauv(L, (size_t)n * sizeof(int), 0);
            for (i = 0; i < n; i++) {
                lua_Integer c;
                int isnum;
                lua_geti(L, -2, i + 1);
                c = lua_tointegerx(L, -1, &isnum);
                lua_pop(L, 1);
                if (!isnum)
                    luaL_argerror(L, 2, lua_pushfstring(L, "class %d of the list is not an integer", i + 1));
                if (c < 0 || c >= head.n_classes)
                    luaL_argerror(L, 2, lua_pushfstring(L, "class %I outside 0..%d", c, head.n_classes - 1));
                classes[i] = (int)c;
            }
            lua_pop(L, 1); /* the ids stay anchored by the userdata left below */
        }
        lua_pop(L, 1);
    }
    if (!classes && n > head.n_classes)
        n = head.n_classes;
    g = cam_lua__new_guard(L);
    r = cam_net_maps(net, b, classes, n, &md, &g->maps);
    if (r != CAM_OK) {
        cam_lua__guard_release(g);
        return cam_lua__net_fail(L, net, r);
    }
    dims[0] = g->maps.n;
    dims[1] = g->maps.height;
    dims[2] = g->maps.width;
    t = cam_lua__new_tensor(L, 3, dims);
    memcpy(t->data, g->maps.data, (size_t)t->count * sizeof(float));
    lua_createtable(L, g->maps.n, 0);
    lua_createtable(L, g->maps.n, 0);
    for (i = 0; i < g->maps.n; i++) {
        lua_pushinteger(L, g->maps.classes[i]);
        lua_rawseti(L, -3, i + 1);
        lua_pushnumber(L, g->maps.scores[i]);
        lua_rawseti(L, -2, i + 1);
    }
    cam_lua__guard_release(g);
    return 3;
}

/* net:cam(img [, options]) -> maps, classes, scores, transform: preprocess,
   forward and maps on the original image in one call (options as net:maps,
   plus preprocess = {overrides}). */
static int cam_lua_net_cam(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    cam_error err;
    cam_result r;
    int opts;
    cam_lua__check_image(L, 2);
    lua_settop(L, 3);
    if (lua_isnil(L, 3)) {
        lua_newtable(L);
        lua_replace(L, 3);
    }
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_getfield(L, 3, "preprocess"); /* 4 */
    memset(&err, 0, sizeof err);
    r = cam_lua__run(L, net, 2, 4, &err); /* 5: transforms */
    if (r != CAM_OK)
        return cam_lua__run_fail(L, net, r, &err);
    /* copy the options and add the transform of this image */
    lua_newtable(L); /* 6 */
    opts = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, 3)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_settable(L, opts);
    }
    lua_geti(L, 5, 1);
    lua_setfield(L, opts, "transform");
    lua_pushnil(L);
    lua_setfield(L, opts, "preprocess");
    lua_pushcfunction(L, cam_lua_net_maps);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, opts);
    lua_call(L, 2, 3);
    if (lua_isnil(L, -3))
        return 3;
    lua_geti(L, 5, 1);
    return 4;
}

/* cam.map_compute(weights, features, classes [, rectify = "none"]) -> maps
   n x h x w: M_c = sum_k w_ck f_k for the listed class ids (0-based rows of
   weights, C x K) over features K x h x w (or 1 x K x h x w, e.g.
   net:tensor(net:head().feature)). With the weights of a linear SVM trained
   on GAP features this gives maps for classes the CNN never saw (paper,
   section 4). */
static int cam_lua_map_compute(lua_State *L)
{
    cam_lua_tensor *w = cam_lua__check_tensor(L, 1), *f = cam_lua__check_tensor(L, 2), *out;
    int rectify = luaL_checkoption(L, 4, "none", cam_lua__rectify_names);
    int64_t k, h, wd, dims[3];
    lua_Integer n, i;
    int *classes;
    cam_result r;
    if (w->ndim != 2 || w->dims[0] < 1 || w->dims[1] < 1 || w->dims[0] > INT_MAX || w->dims[1] > INT_MAX)
        return luaL_argerror(L, 1, "weights must be a C x K tensor");
    if (!(f->ndim == 3 || (f->ndim == 4 && f->dims[0] == 1)))
        return luaL_argerror(L, 2, "features must be a K x h x w tensor");
    k = f->dims[f->ndim - 3];
    h = f->dims[f->ndim - 2];
    wd = f->dims[f->ndim - 1];
    if (k != w->dims[1])
        return luaL_argerror(L, 2, lua_pushfstring(L, "features have %I channels, weights %I columns", (lua_Integer)k,
                                                   (lua_Integer)w->dims[1]));
    if (h * wd < 1 || h * wd > INT_MAX)
        return luaL_argerror(L, 2, "empty or too large feature maps");
    luaL_checktype(L, 3, LUA_TTABLE);
    n = luaL_len(L, 3);
    if (n < 1 || n > CAM_LUA_MAX_MAPS)
        return luaL_argerror(L, 3, "classes must list 1..4096 ids");
    classes = (int *)lua_newuserdatauv(L, (size_t)n * sizeof(int), 0);
    for (i = 0; i < n; i++) {
        lua_Integer c;
        int isnum;
        lua_geti(L, 3, i + 1);
        c = lua_tointegerx(L, -1, &isnum);
        lua_pop(L, 1);
        if (!isnum || c < 0 || c >= w->dims[0])
            return luaL_argerror(L, 3, lua_pushfstring(L, "class %d of the list outside 0..%I", (int)(i + 1),
                                                       (lua_Integer)(w->dims[0] - 1)));
        classes[i] = (int)c;
    }
    dims[0] = n;
    dims[1] = h;
    dims[2] = wd;
    out = cam_lua__new_tensor(L, 3, dims);
    r = cam_map_compute(w->data, (int)w->dims[0], (int)k, f->data, (int)(h * wd), classes, (int)n,
                        (cam_rectify)rectify, out->data);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, "cam_map_compute failed");
    return 1;
}

/* cam.transform_identity(w, h) -> transform of an image that is the input. */
static int cam_lua_transform_identity(lua_State *L)
{
    lua_Integer w = luaL_checkinteger(L, 1), h = luaL_checkinteger(L, 2);
    cam_transform tf;
    if (w < 1 || w > CAM_MAX_IMAGE_DIM)
        return luaL_argerror(L, 1, "width outside 1..CAM_MAX_IMAGE_DIM");
    if (h < 1 || h > CAM_MAX_IMAGE_DIM)
        return luaL_argerror(L, 2, "height outside 1..CAM_MAX_IMAGE_DIM");
    memset(&tf, 0, sizeof tf);
    cam_transform_identity(&tf, (int)w, (int)h);
    cam_lua__push_tf(L, &tf);
    return 1;
}

/* net:features([pool = "avg"]) -> N x K tensor of pooled CAM features of
   every image of the last forward (the GAP layer's output), or nil, msg, code. */
static int cam_lua_net_features(lua_State *L)
{
    cam_net *net = cam_lua__check_net(L, 1);
    int pool = luaL_checkoption(L, 2, "avg", cam_lua__pool_names), n = 0, k = 0;
    int64_t dims[2];
    cam_lua_tensor *t;
    cam_result r = cam_net_features(net, (cam_pool_kind)pool, NULL, &n, &k);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    dims[0] = n;
    dims[1] = k;
    t = cam_lua__new_tensor(L, 2, dims);
    r = cam_net_features(net, (cam_pool_kind)pool, t->data, &n, &k);
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    return 1;
}

/* --- boxes and map utilities --- */

static const char *const cam_lua__box_modes[] = {"max", "range", NULL};

static void cam_lua__read_box_desc(lua_State *L, int t, cam_box_desc *d, int *max_boxes)
{
    memset(d, 0, sizeof *d);
    if (lua_isnoneornil(L, t))
        return;
    if (lua_isnumber(L, t)) {
        d->threshold = lua_tonumber(L, t);
        if (!(d->threshold >= 0 && d->threshold <= 1))
            luaL_argerror(L, t, "threshold outside 0..1");
        return;
    }
    luaL_checktype(L, t, LUA_TTABLE);
    d->threshold = cam_lua__opt_num(L, t, "threshold", 0.2);
    if (!(d->threshold >= 0 && d->threshold <= 1))
        luaL_argerror(L, t, "threshold outside 0..1");
    if (d->threshold == 0)
        d->threshold = FLT_MIN; /* cam reads 0 as "default": pass a tiny value for 0 */
    if (lua_getfield(L, t, "strict") != LUA_TNIL)
        d->strict = lua_toboolean(L, -1);
    lua_pop(L, 1);
    d->mode = (cam_threshold_mode)cam_lua__opt_enum(L, t, "mode", cam_lua__box_modes, 0);
    d->connectivity = cam_lua__opt_int(L, t, "connectivity", 8, 4, 8);
    if (d->connectivity != 4 && d->connectivity != 8)
        luaL_argerror(L, t, "option 'connectivity' must be 4 or 8");
    if (max_boxes)
        *max_boxes = cam_lua__opt_int(L, t, "max", *max_boxes, 1, 1 << 20);
}

/* cam.boxes(map [, threshold or options]) -> list of boxes
   {x0, y0, x1, y1, pixels, sum} (0-based inclusive pixels, largest component
   first), total number of components. options: threshold = 0.2, mode = "max" |
   "range", strict = false, connectivity = 8 | 4, max = 1 (boxes returned). */
static int cam_lua_boxes(lua_State *L)
{
    int w, h, max_boxes = 1, n, i;
    const cam_lua_tensor *m = cam_lua__check_map(L, 1, &w, &h);
    cam_box_desc d;
    cam_box *boxes;
    cam_lua__read_box_desc(L, 2, &d, &max_boxes);
    boxes = (cam_box *)lua_newuserdatauv(L, (size_t)max_boxes * sizeof(cam_box), 0);
    n = cam_map_boxes(m->data, w, h, &d, boxes, max_boxes, NULL);
    if (n < 0)
        return cam_lua__fail(L, (cam_result)n, "cam_map_boxes failed");
    lua_createtable(L, n < max_boxes ? n : max_boxes, 0);
    for (i = 0; i < n && i < max_boxes; i++) {
        cam_lua__push_box(L, &boxes[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_pushinteger(L, n);
    return 2;
}

/* cam.boxes_ilsvrc(maps [, {tight = 0.5, loose = 0.2, ...box options}]) ->
   up to five boxes, each with rank = 1..3 (which map it came from). maps:
   1..3 x h x w in rank order (net:maps{top = 3}). */
static int cam_lua_boxes_ilsvrc(lua_State *L)
{
    cam_lua_tensor *m = cam_lua__check_tensor(L, 1);
    cam_ilsvrc_desc d;
    cam_box boxes[5];
    int rank[5], n, i, nm, h, w;
    memset(&d, 0, sizeof d);
    if (m->ndim != 3 || m->dims[0] < 1 || m->dims[0] > 3 || m->count == 0 || m->dims[1] > CAM_MAX_IMAGE_DIM ||
        m->dims[2] > CAM_MAX_IMAGE_DIM)
        return luaL_argerror(L, 1, "maps must be a (1..3) x h x w tensor");
    nm = (int)m->dims[0];
    h = (int)m->dims[1];
    w = (int)m->dims[2];
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        d.tight = (float)cam_lua__opt_num(L, 2, "tight", 0.5);
        d.loose = (float)cam_lua__opt_num(L, 2, "loose", 0.2);
        if (!(d.tight > 0 && d.tight <= 1 && d.loose > 0 && d.loose <= 1))
            return luaL_argerror(L, 2, "tight and loose must be in (0, 1]");
        if (lua_getfield(L, 2, "strict") != LUA_TNIL)
            d.box.strict = lua_toboolean(L, -1);
        lua_pop(L, 1);
        d.box.mode = (cam_threshold_mode)cam_lua__opt_enum(L, 2, "mode", cam_lua__box_modes, 0);
        d.box.connectivity = cam_lua__opt_int(L, 2, "connectivity", 8, 4, 8);
    }
    n = cam_map_boxes_ilsvrc(m->data, nm, w, h, &d, boxes, rank);
    if (n < 0)
        return cam_lua__fail(L, (cam_result)n, "cam_map_boxes_ilsvrc failed");
    lua_createtable(L, n, 0);
    for (i = 0; i < n; i++) {
        cam_lua__push_box(L, &boxes[i]);
        lua_pushinteger(L, rank[i] + 1);
        lua_setfield(L, -2, "rank");
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* t:softmax() -> softmax over all elements (cam_scores_softmax). */
static int cam_lua_tensor_softmax(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1), *r;
    if (t->count < 1 || t->count > INT_MAX)
        return luaL_argerror(L, 1, "softmax needs 1..INT_MAX elements");
    r = cam_lua__new_like(L, t);
    cam_scores_softmax(t->data, (int)t->count, r->data);
    return 1;
}

/* cam.box_iou(a, b) -> intersection over union of inclusive boxes (0 when
   either is empty), as the evaluation uses. */
static int cam_lua_box_iou(lua_State *L)
{
    cam_box a, b;
    cam_lua__check_box(L, 1, &a);
    cam_lua__check_box(L, 2, &b);
    lua_pushnumber(L, cam_box_iou(&a, &b));
    return 1;
}

static const char *const cam_lua__convention_names[] = {"paper", "wsol", NULL};

/* cam.box_at(map, tau [, {convention = "paper" | "wsol", connectivity = 8}])
   -> box or false (no component), number of components: the evaluation's box
   rule at one threshold (paper: >= tau * max of the raw map; wsol: min-max,
   uint8, > tau, largest contour), or nil, message, code (NaN in the map). */
static int cam_lua_box_at(lua_State *L)
{
    int w, h, n = 0;
    const cam_lua_tensor *m = cam_lua__check_map(L, 1, &w, &h);
    double tau = luaL_checknumber(L, 2);
    cam_box_rule rule;
    cam_box box;
    cam_result r;
    memset(&rule, 0, sizeof rule);
    memset(&box, 0, sizeof box);
    if (!(tau >= 0 && tau <= 1))
        return luaL_argerror(L, 2, "tau outside 0..1");
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        rule.convention = (cam_convention)cam_lua__opt_enum(L, 3, "convention", cam_lua__convention_names, 0);
        rule.connectivity = cam_lua__opt_int(L, 3, "connectivity", 8, 4, 8);
        if (rule.connectivity != 4 && rule.connectivity != 8)
            return luaL_argerror(L, 3, "option 'connectivity' must be 4 or 8");
    }
    r = cam_map_box_at(m->data, h, w, tau, &rule, &box, &n, NULL, 0);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, "cam_map_box_at failed");
    if (n > 0)
        cam_lua__push_box(L, &box);
    else
        lua_pushboolean(L, 0);
    lua_pushinteger(L, n);
    return 2;
}

/* t:resize(w, h [, interp = "bilinear"]) -> map(s) resampled to w x h (last
   two dimensions; half-pixel centres, border replicated). */
static int cam_lua_tensor_resize(lua_State *L)
{
    cam_lua_tensor *t = cam_lua__check_tensor(L, 1), *r;
    lua_Integer w = luaL_checkinteger(L, 2), h = luaL_checkinteger(L, 3);
    int interp = luaL_checkoption(L, 4, "bilinear", cam_lua__interp_names);
    int64_t dims[CAM_MAX_NDIM], planes, p, sw, sh;
    cam_result res;
    if (t->ndim < 2)
        return luaL_argerror(L, 1, "needs at least 2 dimensions");
    if (w < 1 || w > CAM_MAX_IMAGE_DIM)
        return luaL_argerror(L, 2, "width outside 1..CAM_MAX_IMAGE_DIM");
    if (h < 1 || h > CAM_MAX_IMAGE_DIM)
        return luaL_argerror(L, 3, "height outside 1..CAM_MAX_IMAGE_DIM");
    sh = t->dims[t->ndim - 2];
    sw = t->dims[t->ndim - 1];
    if (sw < 1 || sh < 1 || sw > CAM_MAX_IMAGE_DIM || sh > CAM_MAX_IMAGE_DIM)
        return luaL_argerror(L, 1, "map size outside 1..CAM_MAX_IMAGE_DIM");
    memcpy(dims, t->dims, sizeof dims);
    dims[t->ndim - 2] = h;
    dims[t->ndim - 1] = w;
    r = cam_lua__new_tensor(L, t->ndim, dims);
    planes = t->count / (sw * sh);
    for (p = 0; p < planes; p++) {
        res = cam_map_resize(t->data + p * sw * sh, (int)sw, (int)sh, r->data + p * w * h, (int)w, (int)h,
                             (cam_interp)interp);
        if (res != CAM_OK)
            return cam_lua__fail(L, res, "resize failed");
    }
    return 1;
}

/* t:resize_to_image(tf [, interp]) -> map on the original image (h x w of
   the image) from a map covering the network input. */
static int cam_lua_tensor_resize_to_image(lua_State *L)
{
    int w, h;
    const cam_lua_tensor *m = cam_lua__check_map(L, 1, &w, &h);
    cam_transform tf;
    int interp = luaL_checkoption(L, 3, "bilinear", cam_lua__interp_names);
    int64_t dims[2];
    cam_lua_tensor *r;
    cam_result res;
    cam_lua__check_tf(L, 2, &tf);
    dims[0] = tf.image_height;
    dims[1] = tf.image_width;
    r = cam_lua__new_tensor(L, 2, dims);
    res = cam_map_resize_to_image(m->data, w, h, &tf, r->data, (cam_interp)interp);
    if (res != CAM_OK)
        return cam_lua__fail(L, res, "resize_to_image failed");
    return 1;
}

/* --- backprop saliency (Simonyan et al. 2014, the paper's baseline) --- */

/* Number of classes of the score tensor: the CAM head's, else the last
   dimension of the first output. */
static int cam_lua__n_classes(cam_net *net)
{
    cam_head h;
    cam_tensor_info info;
    memset(&h, 0, sizeof h);
    if (cam_net_head(net, &h) == CAM_OK && h.n_classes > 0)
        return h.n_classes;
    memset(&info, 0, sizeof info);
    if (cam_net_output_info(net, 0, &info) == CAM_OK && info.ndim > 0 && info.dims[info.ndim - 1] <= INT_MAX)
        return (int)info.dims[info.ndim - 1];
    return INT_MAX;
}

/* Shared by gradient and saliency: input (tensor or image) at 2, class at 3
   (nil: the top class), image of the batch at 4. */
static int cam_lua__grad(lua_State *L, int saliency)
{
    cam_net *net = cam_lua__check_net(L, 1);
    int cls = -1, b = 0, used = -1, n_classes, has_tf = 0;
    cam_transform tf;
    cam_tensor in;
    cam_lua_tensor *out;
    int64_t dims[CAM_MAX_NDIM];
    cam_result r;
    lua_settop(L, 4);
    n_classes = cam_lua__n_classes(net);
    if (!lua_isnil(L, 3)) {
        lua_Integer c = luaL_checkinteger(L, 3);
        if (c < 0 || c >= n_classes)
            return luaL_argerror(L, 3, lua_pushfstring(L, "class %I outside 0..%d", c, n_classes - 1));
        cls = (int)c;
    }
    if (luaL_testudata(L, 2, CAM_LUA_IMAGE)) {
        cam_preprocess pp;
        cam_error err;
        memset(&err, 0, sizeof err);
        r = cam_lua__net_pp(L, net, 5, &pp, &err); /* 5: none, no overrides */
        if (r != CAM_OK)
            return cam_lua__fail(L, r, err.message);
        memset(&tf, 0, sizeof tf);
        r = cam_lua__preprocess(L, 2, &pp, &tf); /* pushes the C x H x W tensor */
        if (r != CAM_OK)
            return cam_lua__failf(L, r, "preprocess: %s", cam_result_str(r));
        lua_replace(L, 2);
        has_tf = 1;
    }
    lua_settop(L, 4);
    cam_lua__input(L, net, 0, 2, &in); /* leaves the input on the stack */
    if (in.ndim != 4)
        return luaL_argerror(L, 2, "expected an image, a C x H x W or N x C x H x W tensor");
    if (!lua_isnil(L, 4)) {
        lua_Integer k = luaL_checkinteger(L, 4);
        if (k < 1 || k > in.dims[0])
            return luaL_argerror(L, 4, lua_pushfstring(L, "image %I outside 1..%d of the batch", k, (int)in.dims[0]));
        b = (int)(k - 1);
    }
    if (saliency) {
        dims[0] = in.dims[2];
        dims[1] = in.dims[3];
        out = cam_lua__new_tensor(L, 2, dims);
        r = cam_net_saliency(net, &in, b, cls, out->data, &used);
    } else {
        memcpy(dims, in.dims, sizeof dims);
        out = cam_lua__new_tensor(L, in.ndim, dims);
        r = cam_net_gradient(net, &in, b, cls, out->data, &used);
    }
    if (r != CAM_OK)
        return cam_lua__net_fail(L, net, r);
    lua_pushinteger(L, used);
    if (has_tf) {
        cam_lua__push_tf(L, &tf);
        return 3;
    }
    return 2;
}

/* net:saliency(input [, class [, image]]) -> H x W map of max over channels
   of |dS_c/dx|, the class used, and (for a cam.image input) the transform to
   carry it onto the image (map:resize_to_image(tf)); or nil, message, code.
   input: a cam.image (preprocessed with the net's parameters) or a tensor;
   class nil: the top class; image: 1-based index in a batch. */
static int cam_lua_net_saliency(lua_State *L) { return cam_lua__grad(L, 1); }
/* net:gradient(input [, class [, image]]) -> dS_c/dx (input's shape), class. */
static int cam_lua_net_gradient(lua_State *L) { return cam_lua__grad(L, 0); }

static const luaL_Reg cam_lua__image_methods[] = {
    {"size", cam_lua_image_size},
    {"width", cam_lua_image_width},
    {"height", cam_lua_image_height},
    {"get", cam_lua_image_get},
    {"set", cam_lua_image_set},
    {"bytes", cam_lua_image_bytes},
    {"copy", cam_lua_image_copy},
    {"save", cam_lua_image_save},
    {"tensor", cam_lua_image_tensor},
    {"resize", cam_lua_image_resize},
    {"overlay", cam_lua_image_overlay},
    {"box", cam_lua_image_box},
    {"paste", cam_lua_image_paste},
    {"text", cam_lua_image_text},
    {"grid", cam_lua_image_grid},
    {NULL, NULL},
};

static const luaL_Reg cam_lua__image_meta[] = {
    {"__close", cam_lua_image_close},
    {"__tostring", cam_lua_image_tostring},
    {NULL, NULL},
};

static int cam_lua_guard_tostring(lua_State *L)
{
    luaL_checkudata(L, 1, CAM_LUA_GUARD);
    lua_pushstring(L, "cam.guard");
    return 1;
}

static const luaL_Reg cam_lua__guard_meta[] = {
    {"__gc", cam_lua_guard_gc},
    {"__close", cam_lua_guard_gc},
    {"__tostring", cam_lua_guard_tostring},
    {NULL, NULL},
};

static const luaL_Reg cam_lua__net_cam_methods[] = {
    {"preprocess_params", cam_lua_net_pp_params},
    {"preprocess", cam_lua_net_preprocess},
    {"run", cam_lua_net_run},
    {"scores", cam_lua_net_scores},
    {"label", cam_lua_net_label},
    {"classify", cam_lua_net_classify},
    {"maps", cam_lua_net_maps},
    {"cam", cam_lua_net_cam},
    {"features", cam_lua_net_features},
    {"saliency", cam_lua_net_saliency},
    {"gradient", cam_lua_net_gradient},
    {NULL, NULL},
};

static const luaL_Reg cam_lua__tensor_cam_methods[] = {
    {"boxes", cam_lua_boxes},
    {"boxes_ilsvrc", cam_lua_boxes_ilsvrc},
    {"resize", cam_lua_tensor_resize},
    {"softmax", cam_lua_tensor_softmax},
    {"resize_to_image", cam_lua_tensor_resize_to_image},
    {NULL, NULL},
};

/* >>lua-svm */

#define CAM_LUA_SVM "cam.svm"

/* A liblinear model (cam_svm's arrays are malloc'd: __gc frees them). */
typedef struct cam_lua_svm {
    cam_svm m;
    int live;
} cam_lua_svm;

static cam_lua_svm *cam_lua__check_svm(lua_State *L, int idx)
{
    cam_lua_svm *s = (cam_lua_svm *)luaL_checkudata(L, idx, CAM_LUA_SVM);
    if (!s->live)
        luaL_argerror(L, idx, "svm is closed");
    return s;
}

static cam_lua_svm *cam_lua__new_svm(lua_State *L)
{
    cam_lua_svm *s = (cam_lua_svm *)lua_newuserdatauv(L, sizeof(cam_lua_svm), 0);
    memset(s, 0, sizeof *s);
    luaL_setmetatable(L, CAM_LUA_SVM);
    return s;
}

static int cam_lua_svm_close(lua_State *L)
{
    cam_lua_svm *s = (cam_lua_svm *)luaL_checkudata(L, 1, CAM_LUA_SVM);
    if (s->live) {
        cam_svm_free(&s->m);
        s->live = 0;
    }
    return 0;
}

static int cam_lua__svm_load(lua_State *L, int from_string)
{
    size_t len = 0;
    const char *src = from_string ? luaL_checklstring(L, 1, &len) : luaL_checkstring(L, 1);
    cam_lua_svm *s = cam_lua__new_svm(L); /* first, so that nothing can leak */
    cam_error err;
    cam_result r;
    memset(&err, 0, sizeof err);
    r = from_string ? cam_svm_load_memory(src, len, &s->m, &err) : cam_svm_load(src, &s->m, &err);
    if (r != CAM_OK) {
        cam_svm_free(&s->m);
        return cam_lua__fail(L, r, err.message);
    }
    s->live = 1;
    return 1;
}

/* cam.svm_load(path) -> svm (liblinear model file) or nil, message, code. */
static int cam_lua_svm_load(lua_State *L) { return cam_lua__svm_load(L, 0); }
/* cam.svm_load_string(text) -> svm or nil, message, code. */
static int cam_lua_svm_load_string(lua_State *L) { return cam_lua__svm_load(L, 1); }

/* cam.svm_train(x, labels [, {solver = 1 | 3, C = 1, eps = 0.1, bias = 1,
   max_iter = 1000, seed = 0}]) -> svm or nil, message, code. x: N x D tensor
   (e.g. net:features()), labels: list of N integers. Same solvers and label
   order as liblinear's train -s 1 / -s 3. */
static int cam_lua_svm_train(lua_State *L)
{
    cam_lua_tensor *x = cam_lua__check_tensor(L, 1);
    cam_svm_desc d;
    cam_lua_svm *s;
    cam_error err;
    cam_result r;
    lua_Integer n, i;
    int *y;
    if (x->ndim != 2 || x->dims[0] < 1 || x->dims[1] < 1 || x->dims[0] > INT_MAX || x->dims[1] > INT_MAX)
        return luaL_argerror(L, 1, "x must be an N x D tensor");
    luaL_checktype(L, 2, LUA_TTABLE);
    n = luaL_len(L, 2);
    if (n != x->dims[0])
        return luaL_argerror(L, 2, lua_pushfstring(L, "%I labels for %I rows", n, (lua_Integer)x->dims[0]));
    memset(&d, 0, sizeof d);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        d.solver = cam_lua__opt_int(L, 3, "solver", 0, 0, 3);
        if (d.solver != 0 && d.solver != CAM_SVM_L2LOSS_DUAL && d.solver != CAM_SVM_L1LOSS_DUAL)
            return luaL_argerror(L, 3, "option 'solver' must be 1 or 3 (liblinear -s)");
        d.C = cam_lua__opt_num(L, 3, "C", 0);
        d.eps = cam_lua__opt_num(L, 3, "eps", 0);
        d.bias = cam_lua__opt_num(L, 3, "bias", 0);
        d.max_iter = cam_lua__opt_int(L, 3, "max_iter", 0, 0, INT_MAX);
        d.seed = (uint64_t)cam_lua__opt_num(L, 3, "seed", 0);
        if (d.C < 0 || d.eps < 0)
            return luaL_argerror(L, 3, "C and eps must be positive");
    }
    y = (int *)lua_newuserdatauv(L, (size_t)n * sizeof(int), 0);
    for (i = 0; i < n; i++) {
        lua_Integer v;
        int isnum;
        lua_geti(L, 2, i + 1);
        v = lua_tointegerx(L, -1, &isnum);
        lua_pop(L, 1);
        if (!isnum || v < INT_MIN || v > INT_MAX)
            return luaL_argerror(L, 2, lua_pushfstring(L, "label %I is not an integer", i + 1));
        y[i] = (int)v;
    }
    s = cam_lua__new_svm(L);
    memset(&err, 0, sizeof err);
    r = cam_svm_train(x->data, (int)n, (int)x->dims[1], y, &d, &s->m, &err);
    if (r != CAM_OK) {
        cam_svm_free(&s->m);
        return cam_lua__fail(L, r, err.message);
    }
    s->live = 1;
    return 1;
}

/* svm:info() -> {classes = n, features = d, labels = {...}, bias = b, solver = s} */
static int cam_lua_svm_info(lua_State *L)
{
    cam_lua_svm *s = cam_lua__check_svm(L, 1);
    int i;
    lua_createtable(L, 0, 5);
    cam_lua__set_int(L, "classes", s->m.n_classes);
    cam_lua__set_int(L, "features", s->m.n_features);
    cam_lua__set_int(L, "solver", s->m.solver);
    lua_pushnumber(L, s->m.bias);
    lua_setfield(L, -2, "bias");
    lua_createtable(L, s->m.n_classes, 0);
    for (i = 0; i < s->m.n_classes; i++) {
        lua_pushinteger(L, s->m.labels[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "labels");
    return 1;
}

/* svm:predict(x) -> label, {decision values} for a D tensor; for N x D, a
   list of labels and a list of decision-value lists. */
static int cam_lua_svm_predict(lua_State *L)
{
    cam_lua_svm *s = cam_lua__check_svm(L, 1);
    cam_lua_tensor *x = cam_lua__check_tensor(L, 2);
    int64_t rows, r;
    double *dec;
    int j, batch = x->ndim == 2;
    if (x->count == 0 || x->dims[x->ndim - 1] != s->m.n_features || x->ndim > 2)
        return luaL_argerror(L, 2, lua_pushfstring(L, "expected %d features (a D or N x D tensor)", s->m.n_features));
    rows = batch ? x->dims[0] : 1;
    dec = (double *)lua_newuserdatauv(L, (size_t)(s->m.n_w > 0 ? s->m.n_w : 1) * sizeof(double), 0);
    lua_createtable(L, (int)rows, 0); /* labels */
    lua_createtable(L, (int)rows, 0); /* decision values */
    for (r = 0; r < rows; r++) {
        int label = cam_svm_predict(&s->m, x->data + r * s->m.n_features, dec);
        lua_pushinteger(L, label);
        lua_rawseti(L, -3, (lua_Integer)(r + 1));
        lua_createtable(L, s->m.n_w, 0);
        for (j = 0; j < s->m.n_w; j++) {
            lua_pushnumber(L, dec[j]);
            lua_rawseti(L, -2, j + 1);
        }
        lua_rawseti(L, -2, (lua_Integer)(r + 1));
    }
    if (!batch) {
        lua_geti(L, -2, 1);
        lua_geti(L, -2, 1);
    }
    return 2;
}

/* svm:save(path) -> true or nil, message, code (liblinear's format). */
static int cam_lua_svm_save(lua_State *L)
{
    cam_lua_svm *s = cam_lua__check_svm(L, 1);
    const char *path = luaL_checkstring(L, 2);
    cam_error err;
    cam_result r;
    memset(&err, 0, sizeof err);
    r = cam_svm_save(&s->m, path, &err);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, err.message);
    lua_pushboolean(L, 1);
    return 1;
}

/* svm:cam_weights() -> weights (classes x features tensor), bias (classes
   tensor), labels {...}: row c scores labels[c]; use with cam.map_compute
   and the net's feature tensor (generic localization, paper section 4). */
static int cam_lua_svm_cam_weights(lua_State *L)
{
    cam_lua_svm *s = cam_lua__check_svm(L, 1);
    cam_lua_tensor *w, *b;
    int64_t dims[2];
    cam_result r;
    int i;
    dims[0] = s->m.n_classes;
    dims[1] = s->m.n_features;
    w = cam_lua__new_tensor(L, 2, dims);
    b = cam_lua__new_tensor(L, 1, dims);
    r = cam_svm_cam_weights(&s->m, w->data, b->data);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, "cam_svm_cam_weights failed");
    lua_createtable(L, s->m.n_classes, 0);
    for (i = 0; i < s->m.n_classes; i++) {
        lua_pushinteger(L, s->m.labels[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 3;
}

static int cam_lua_svm_tostring(lua_State *L)
{
    cam_lua_svm *s = (cam_lua_svm *)luaL_checkudata(L, 1, CAM_LUA_SVM);
    if (!s->live)
        lua_pushstring(L, "cam.svm(closed)");
    else
        lua_pushfstring(L, "cam.svm(%d classes, %d features)", s->m.n_classes, s->m.n_features);
    return 1;
}

static const luaL_Reg cam_lua__svm_methods[] = {
    {"info", cam_lua_svm_info},
    {"predict", cam_lua_svm_predict},
    {"save", cam_lua_svm_save},
    {"cam_weights", cam_lua_svm_cam_weights},
    {"close", cam_lua_svm_close},
    {NULL, NULL},
};

static const luaL_Reg cam_lua__svm_meta[] = {
    {"__gc", cam_lua_svm_close},
    {"__close", cam_lua_svm_close},
    {"__tostring", cam_lua_svm_tostring},
    {NULL, NULL},
};

/* >>lua-eval */

#define CAM_LUA_EVAL "cam.evaluator"

/* A cam_eval accumulator: images stream through add(), summary() reads the
   rates (the same numbers `cam eval --json` prints). */
typedef struct cam_lua_eval {
    cam_eval *ev;
} cam_lua_eval;

static cam_lua_eval *cam_lua__check_eval(lua_State *L, int idx)
{
    cam_lua_eval *e = (cam_lua_eval *)luaL_checkudata(L, idx, CAM_LUA_EVAL);
    if (!e->ev)
        luaL_argerror(L, idx, "evaluator is closed");
    return e;
}

static int cam_lua_eval_close(lua_State *L)
{
    cam_lua_eval *e = (cam_lua_eval *)luaL_checkudata(L, 1, CAM_LUA_EVAL);
    cam_eval_free(e->ev);
    e->ev = NULL;
    return 0;
}

/* cam.evaluator([{convention = "paper" | "wsol", connectivity = 8 | 4,
   tau = 0.2, iou = 0.5, top_k = 5, thresholds = 100}]) -> evaluator or nil,
   message, code. */
static int cam_lua_eval_new(lua_State *L)
{
    cam_eval_desc d;
    cam_lua_eval *e;
    cam_result r;
    memset(&d, 0, sizeof d);
    if (!lua_isnoneornil(L, 1)) {
        luaL_checktype(L, 1, LUA_TTABLE);
        d.rule.convention = (cam_convention)cam_lua__opt_enum(L, 1, "convention", cam_lua__convention_names, 0);
        d.rule.connectivity = cam_lua__opt_int(L, 1, "connectivity", 8, 4, 8);
        if (d.rule.connectivity != 4 && d.rule.connectivity != 8)
            luaL_argerror(L, 1, "connectivity must be 4 or 8");
        d.tau = cam_lua__opt_num(L, 1, "tau", 0.2);
        d.iou = cam_lua__opt_num(L, 1, "iou", 0.5);
        d.top_k = cam_lua__opt_int(L, 1, "top_k", 5, 1, 1 << 20);
        d.n_thresholds = cam_lua__opt_int(L, 1, "thresholds", 100, 1, 100000);
        if (!(d.tau > 0 && d.tau <= 1) || !(d.iou > 0 && d.iou <= 1))
            luaL_argerror(L, 1, "tau and iou must be in (0, 1]");
    }
    e = (cam_lua_eval *)lua_newuserdatauv(L, sizeof *e, 0);
    e->ev = NULL;
    luaL_setmetatable(L, CAM_LUA_EVAL);
    r = cam_eval_create(&d, &e->ev);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, "cam_eval_create failed");
    return 1;
}

/* Scratch that the collector frees, so an error raised halfway leaks nothing. */
static void *cam_lua__scratch(lua_State *L, size_t size)
{
    return lua_newuserdatauv(L, size ? size : 1, 0);
}

/* The list at field `name` of table t as boxes (nil: 0 boxes). */
static cam_box *cam_lua__field_boxes(lua_State *L, int t, const char *name, int *n)
{
    cam_box *b = NULL;
    int i, top;
    *n = 0;
    if (lua_getfield(L, t, name) == LUA_TNIL) {
        lua_pop(L, 1);
        return NULL;
    }
    luaL_argcheck(L, lua_istable(L, -1), t, "gt must be a list of boxes");
    top = lua_gettop(L);
    *n = (int)luaL_len(L, top);
    b = (cam_box *)cam_lua__scratch(L, sizeof(cam_box) * (size_t)*n);
    lua_insert(L, top); /* keep the scratch below the list */
    for (i = 0; i < *n; i++) {
        lua_geti(L, top + 1, i + 1);
        cam_lua__check_box(L, lua_gettop(L), &b[i]);
        lua_pop(L, 1);
    }
    lua_pop(L, 1); /* the list; the scratch stays on the stack until return */
    return b;
}

/* evaluator:add{label = c, scores = tensor | {numbers}, gt = {boxes},
   guesses = {{class = c, box = box}, ...}, map = tensor (h x w, the map of
   class `label` in gt coordinates)} -> true, or nil, message, code. Every
   field but label is optional: what is given is counted. Classes are 0-based
   like the C API. */
static int cam_lua_eval_add(lua_State *L)
{
    cam_lua_eval *e = cam_lua__check_eval(L, 1);
    cam_eval_sample smp;
    cam_result r;
    int i, w = 0, h = 0;
    luaL_checktype(L, 2, LUA_TTABLE);
    memset(&smp, 0, sizeof smp);
    if (lua_getfield(L, 2, "label") != LUA_TNUMBER || !lua_isinteger(L, -1))
        luaL_argerror(L, 2, "label must be an integer class");
    smp.label = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, 2, "scores");
    if (cam_lua__test_tensor(L, -1)) {
        cam_lua_tensor *t = cam_lua__test_tensor(L, -1);
        smp.scores = t->data;
        smp.n_classes = (int)t->count; /* the tensor stays referenced by the table */
    } else if (lua_istable(L, -1)) {
        int n = (int)luaL_len(L, -1), top = lua_gettop(L);
        float *sc = (float *)cam_lua__scratch(L, sizeof(float) * (size_t)n);
        for (i = 0; i < n; i++) {
            lua_geti(L, top, i + 1);
            sc[i] = (float)luaL_checknumber(L, -1);
            lua_pop(L, 1);
        }
        smp.scores = sc;
        smp.n_classes = n;
    } else if (!lua_isnil(L, -1)) {
        luaL_argerror(L, 2, "scores must be a tensor or a list of numbers");
    }
    smp.gt = cam_lua__field_boxes(L, 2, "gt", &smp.n_gt);
    if (lua_getfield(L, 2, "guesses") == LUA_TTABLE) {
        int n = (int)luaL_len(L, -1), top = lua_gettop(L);
        int *cls = (int *)cam_lua__scratch(L, sizeof(int) * (size_t)n);
        cam_box *bx = (cam_box *)cam_lua__scratch(L, sizeof(cam_box) * (size_t)n);
        for (i = 0; i < n; i++) {
            lua_geti(L, top, i + 1);
            luaL_argcheck(L, lua_istable(L, -1), 2, "each guess must be {class = c, box = {...}}");
            lua_getfield(L, -1, "class");
            cls[i] = (int)luaL_checkinteger(L, -1);
            lua_pop(L, 1);
            lua_getfield(L, -1, "box");
            cam_lua__check_box(L, lua_gettop(L), &bx[i]);
            lua_pop(L, 2);
        }
        smp.guess_classes = cls;
        smp.guess_boxes = bx;
        smp.n_guesses = n;
    }
    lua_getfield(L, 2, "map");
    if (!lua_isnil(L, -1)) {
        const cam_lua_tensor *m = cam_lua__check_map(L, lua_gettop(L), &w, &h);
        smp.map = m->data;
        smp.map_w = w;
        smp.map_h = h;
    }
    r = cam_eval_add(e->ev, &smp);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, cam_eval_last_error(e->ev));
    lua_pushboolean(L, 1);
    return 1;
}

/* evaluator:summary() -> {images, top1_cls, top5_cls, top1_loc, top5_loc,
   gt_known_loc, maxboxacc, maxboxacc_v2, best_tau}: the keys and meaning of
   `cam eval --json` (cls and loc are error rates, the rest accuracies;
   "top5" is top_k). */
static int cam_lua_eval_summary(lua_State *L)
{
    cam_lua_eval *e = cam_lua__check_eval(L, 1);
    cam_eval_summary s;
    cam_result r = cam_eval_summarize(e->ev, &s);
    if (r != CAM_OK)
        return cam_lua__fail(L, r, cam_eval_last_error(e->ev));
    lua_createtable(L, 0, 9);
    lua_pushinteger(L, (lua_Integer)s.images);
    lua_setfield(L, -2, "images");
    lua_pushnumber(L, s.top1_cls_err);
    lua_setfield(L, -2, "top1_cls");
    lua_pushnumber(L, s.topk_cls_err);
    lua_setfield(L, -2, "top5_cls");
    lua_pushnumber(L, s.top1_loc_err);
    lua_setfield(L, -2, "top1_loc");
    lua_pushnumber(L, s.topk_loc_err);
    lua_setfield(L, -2, "top5_loc");
    lua_pushnumber(L, s.gt_known_loc);
    lua_setfield(L, -2, "gt_known_loc");
    lua_pushnumber(L, s.maxboxacc);
    lua_setfield(L, -2, "maxboxacc");
    lua_pushnumber(L, s.maxboxacc_v2);
    lua_setfield(L, -2, "maxboxacc_v2");
    lua_pushnumber(L, s.best_tau);
    lua_setfield(L, -2, "best_tau");
    return 1;
}

static int cam_lua_eval_tostring(lua_State *L)
{
    cam_lua_eval *e = (cam_lua_eval *)luaL_checkudata(L, 1, CAM_LUA_EVAL);
    cam_eval_summary s;
    if (!e->ev)
        lua_pushstring(L, "cam.evaluator(closed)");
    else if (cam_eval_summarize(e->ev, &s) == CAM_OK)
        lua_pushfstring(L, "cam.evaluator(%d images)", (int)s.images);
    else
        lua_pushstring(L, "cam.evaluator");
    return 1;
}

static const luaL_Reg cam_lua__eval_methods[] = {
    {"add", cam_lua_eval_add},
    {"summary", cam_lua_eval_summary},
    {"close", cam_lua_eval_close},
    {NULL, NULL},
};

static const luaL_Reg cam_lua__eval_meta[] = {
    {"__gc", cam_lua_eval_close},
    {"__close", cam_lua_eval_close},
    {"__tostring", cam_lua_eval_tostring},
    {NULL, NULL},
};

/* >>lua-module */

static int cam_lua_supports_op(lua_State *L)
{
    lua_pushboolean(L, cam_net_supports_op(luaL_checkstring(L, 1)));
    return 1;
}

static void cam_lua__new_class(lua_State *L, const char *name, const luaL_Reg *meta, const luaL_Reg *methods,
                               const luaL_Reg *more)
{
    luaL_newmetatable(L, name);
    luaL_setfuncs(L, meta, 0);
    lua_newtable(L);
    if (methods)
        luaL_setfuncs(L, methods, 0);
    if (more)
        luaL_setfuncs(L, more, 0);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__name");
    lua_pop(L, 1);
}

static const luaL_Reg cam_lua__functions[] = {
    {"load", cam_lua_load},
    {"load_string", cam_lua_load_string},
    {"tensor", cam_lua_tensor_new},
    {"zeros", cam_lua_tensor_zeros},
    {"full", cam_lua_tensor_full},
    {"stack", cam_lua_tensor_stack},
    {"load_npy", cam_lua_npy_load},
    {"npy_from_string", cam_lua_npy_load_string},
    {"supports_op", cam_lua_supports_op},
    {"load_image", cam_lua_image_load},
    {"load_image_string", cam_lua_image_load_string},
    {"image", cam_lua_image_new},
    {"image_from_tensor", cam_lua_image_from_tensor},
    {"preprocess", cam_lua_preprocess},
    {"transform_box", cam_lua_transform_box},
    {"transform_point", cam_lua_transform_point},
    {"boxes", cam_lua_boxes},
    {"boxes_ilsvrc", cam_lua_boxes_ilsvrc},
    {"jet", cam_lua_jet},
    {"map_compute", cam_lua_map_compute},
    {"transform_identity", cam_lua_transform_identity},
    {"box_iou", cam_lua_box_iou},
    {"box_at", cam_lua_box_at},
    {"svm_train", cam_lua_svm_train},
    {"svm_load", cam_lua_svm_load},
    {"svm_load_string", cam_lua_svm_load_string},
    {"evaluator", cam_lua_eval_new},
    {NULL, NULL},
};

int luaopen_cam(lua_State *L);

int luaopen_cam(lua_State *L)
{
    cam_lua__new_class(L, CAM_LUA_TENSOR, cam_lua__tensor_meta, cam_lua__tensor_methods, cam_lua__tensor_cam_methods);
    cam_lua__new_class(L, CAM_LUA_NET, cam_lua__net_meta, cam_lua__net_methods, cam_lua__net_cam_methods);
    cam_lua__new_class(L, CAM_LUA_IMAGE, cam_lua__image_meta, cam_lua__image_methods, NULL);
    cam_lua__new_class(L, CAM_LUA_GUARD, cam_lua__guard_meta, NULL, NULL);
    cam_lua__new_class(L, CAM_LUA_SVM, cam_lua__svm_meta, cam_lua__svm_methods, NULL);
    cam_lua__new_class(L, CAM_LUA_EVAL, cam_lua__eval_meta, cam_lua__eval_methods, NULL);
    luaL_newlib(L, cam_lua__functions);
    lua_pushfstring(L, "%d.%d.%d", CAM_VERSION_MAJOR, CAM_VERSION_MINOR, CAM_VERSION_PATCH);
    lua_setfield(L, -2, "version");
    lua_pushstring(L, cam_simd_name());
    lua_setfield(L, -2, "simd");
    return 1;
}
