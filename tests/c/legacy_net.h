/* The net and inputs of tests/data/models/v1-legacy.vflmodel: shared by the
** generator (run once, with the build of main before issue 11) and the test. */
#include "vfl.h"
static const uint32_t legacy_g_idx[3][5] = {
    {0x00000003u, 0x00000009u, 0x01000005u, 0x01000077u, 0x02000001u},
    {0x00000004u, 0x01000005u, 0x01000010u, 0x02000002u, 0x02000003u},
    {0x00000001u, 0x00000002u, 0x01000003u, 0x01000004u, 0x02000005u}};
static const float legacy_g_val[3][5] = {
    {1.0f, 0.5f, -2.0f, 1.5f, 0.25f}, {0.3f, 1.0f, 1.0f, -0.7f, 2.0f}, {1.0f, -1.0f, 0.5f, 0.5f, 1.2f}};
static const uint32_t legacy_s_idx[3][3] = {{1, 7, 30}, {0, 2, 49}, {5, 6, 11}};
static const float legacy_s_val[3][3] = {{1.0f, -0.5f, 2.0f}, {0.1f, 0.2f, 0.3f}, {-1.0f, 1.0f, 0.5f}};
static const float legacy_d_val[3][3] = {{0.3f, -0.8f, 1.1f}, {0.0f, 0.5f, -0.2f}, {1.0f, 1.0f, 1.0f}};

/* The inputs of tests/data/models/v3-linear-mean.vflmodel (linear layers
** with mean = true, the embedding bags of format 3, before the embedding
** kind): words with repeated indices, and tags. */
static const uint32_t legacy_w_idx[3][6] = {{2, 5, 2, 9, 17, 2}, {0, 0, 3, 11, 29, 29}, {4, 8, 15, 16, 23, 28}};
static const float legacy_w_val[3][6] = {
    {1.0f, 1.0f, 1.0f, 0.5f, 2.0f, 1.0f}, {0.7f, -0.3f, 1.0f, 1.0f, 1.5f, 1.5f}, {1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f}};
static const uint32_t legacy_t_idx[3][2] = {{1, 6}, {0, 7}, {3, 3}};
static const float legacy_t_val[3][2] = {{1.0f, 1.0f}, {0.5f, 2.0f}, {1.0f, 1.0f}};
