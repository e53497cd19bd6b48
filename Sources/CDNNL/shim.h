// oneDNN (Debian's libdnnl-dev, built with the OpenMP CPU runtime) and the two OpenMP calls Orbit needs
// to give oneDNN the thread count of the current part of a split minibatch.
//
// The inline helpers only spell out C arrays (dnnl_dims_t is int64_t[12], a tuple in Swift) and macros
// that Swift cannot import; they contain no logic.
#include <oneapi/dnnl/dnnl.h>

// libgomp (oneDNN's OpenMP runtime). Declared here rather than through <omp.h>, which lives in GCC's
// private include directory that the Swift compiler does not search.
void omp_set_num_threads(int count);
int omp_get_max_threads(void);

/// A 4-D f32 memory descriptor of dims (d0, d1, d2, d3) in `tag` (dnnl_nchw, dnnl_oihw or dnnl_format_tag_any).
static inline dnnl_status_t cdnnl_memory_desc_4d(
    dnnl_memory_desc_t *md, int64_t d0, int64_t d1, int64_t d2, int64_t d3, dnnl_format_tag_t tag) {
    dnnl_dims_t dims = {d0, d1, d2, d3};
    return dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, tag);
}

/// A 1-D f32 memory descriptor of `count` values (a bias).
static inline dnnl_status_t cdnnl_memory_desc_1d(dnnl_memory_desc_t *md, int64_t count) {
    dnnl_dims_t dims = {count};
    return dnnl_memory_desc_init_by_tag(md, 1, dims, dnnl_f32, dnnl_a);
}

/// DNNL_MEMORY_ALLOCATE: the library allocates (and owns) the memory object's buffer.
static inline void *cdnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }

/// A direct convolution forward descriptor with symmetric padding (PyTorch's; oneDNN floors the output
/// size exactly as PyTorch does, so the right padding equals the left one).
static inline dnnl_status_t cdnnl_convolution_forward_desc(
    dnnl_convolution_desc_t *desc, dnnl_prop_kind_t kind, const dnnl_memory_desc_t *src,
    const dnnl_memory_desc_t *weights, const dnnl_memory_desc_t *bias, const dnnl_memory_desc_t *dst,
    int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w) {
    dnnl_dims_t strides = {stride_h, stride_w}, padding = {pad_h, pad_w};
    return dnnl_convolution_forward_desc_init(
        desc, kind, dnnl_convolution_direct, src, weights, bias, dst, strides, padding, padding);
}

/// The backward-data descriptor matching cdnnl_convolution_forward_desc.
static inline dnnl_status_t cdnnl_convolution_backward_data_desc(
    dnnl_convolution_desc_t *desc, const dnnl_memory_desc_t *diff_src, const dnnl_memory_desc_t *weights,
    const dnnl_memory_desc_t *diff_dst, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w) {
    dnnl_dims_t strides = {stride_h, stride_w}, padding = {pad_h, pad_w};
    return dnnl_convolution_backward_data_desc_init(
        desc, dnnl_convolution_direct, diff_src, weights, diff_dst, strides, padding, padding);
}

/// The backward-weights descriptor matching cdnnl_convolution_forward_desc (diff_bias may be NULL).
static inline dnnl_status_t cdnnl_convolution_backward_weights_desc(
    dnnl_convolution_desc_t *desc, const dnnl_memory_desc_t *src, const dnnl_memory_desc_t *diff_weights,
    const dnnl_memory_desc_t *diff_bias, const dnnl_memory_desc_t *diff_dst, int64_t stride_h,
    int64_t stride_w, int64_t pad_h, int64_t pad_w) {
    dnnl_dims_t strides = {stride_h, stride_w}, padding = {pad_h, pad_w};
    return dnnl_convolution_backward_weights_desc_init(
        desc, dnnl_convolution_direct, src, diff_weights, diff_bias, diff_dst, strides, padding, padding);
}
