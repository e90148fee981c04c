/* dhcpd.conf, the parts that say which addresses dhcpd hands out:
 * shared-networks, subnets, ranges (also in pools) and hosts with fixed
 * addresses, read with their include files; and the usage of each range,
 * subnet and shared-network given a lease table, counted the way
 * dhcpd-pools counts (the tests compare the two). */
#ifndef HC_DHCPCONF_H
#define HC_DHCPCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "leases.h"

typedef struct hc_dhcp_shared {
    char *name;             /* raw bytes, NUL-terminated; escape to show */
    uint32_t line;
    const char *file;       /* one of hc_dhcp_conf.files */
} hc_dhcp_shared;

typedef struct hc_dhcp_subnet {
    uint32_t net, mask;     /* host order */
    int shared;             /* index in shared[], -1: none */
    uint32_t line;
    const char *file;
} hc_dhcp_subnet;

typedef struct hc_dhcp_range {
    uint32_t first, last;   /* host order, first <= last */
    int shared;             /* -1: none ("All networks") */
    int subnet;             /* -1: no subnet holds it */
    bool in_pool;
    bool dynamic_bootp;
    uint32_t line;
    const char *file;
} hc_dhcp_range;

typedef struct hc_dhcp_host {
    char *name;
    char *fixed;            /* fixed-address text, NULL if none */
    uint32_t ip;            /* its first address when it is one */
    bool has_ip;
    uint8_t mac[6];
    bool has_mac;
    uint32_t line;
} hc_dhcp_host;

/* A statement or a block's opening line, as written, for a translation
 * of the whole file (core/dhcp2kea.c): every one is recorded, in file
 * order, with where it stands. */
typedef struct hc_dhcp_stmt {
    char **words;           /* NULL-terminated; a quoted string keeps its
                             * quotes, a comma is a word of its own */
    int shared, subnet, host;   /* innermost index, -1: none */
    bool pool;              /* in a pool block */
    bool group;             /* in a group block */
    bool other;             /* in a block that is none of shared-network,
                             * subnet, pool, group, host (class, if, ...) */
    bool block;             /* it opens a block ('{', not ';') */
    bool cut;               /* longer than the parser keeps: words lost */
    uint32_t line;
    const char *file;       /* one of hc_dhcp_conf.files */
} hc_dhcp_stmt;

typedef struct hc_dhcp_conf_error {
    char *file;
    uint32_t line;
    char *msg;
} hc_dhcp_conf_error;

typedef struct hc_dhcp_conf {
    GArray *shared;         /* hc_dhcp_shared */
    GArray *subnets;        /* hc_dhcp_subnet */
    GArray *ranges;         /* hc_dhcp_range, in file order */
    GArray *hosts;          /* hc_dhcp_host */
    GPtrArray *files;       /* paths read, main file first (owned) */
    GArray *errors;         /* hc_dhcp_conf_error */
    GArray *stmts;          /* hc_dhcp_stmt, in file order */
    char *lease_file_name;  /* lease-file-name statement, or NULL */
} hc_dhcp_conf;

hc_dhcp_conf *hc_dhcp_conf_new(void);
void hc_dhcp_conf_free(hc_dhcp_conf *c);

/* Parses one buffer as the file named file (for messages and relative
 * includes).  Includes are read from disk when follow_includes is true.
 * Errors are recorded in c->errors and do not stop the parse.  Returns 0
 * or a negative errno (only for an unreadable main file in _load). */
int hc_dhcp_conf_parse(hc_dhcp_conf *c, const char *buf, size_t len,
                       const char *file, bool follow_includes);

/* Reads path and its includes into a new conf (*ret, hc_dhcp_conf_free).
 * An include that cannot be read is an error in the conf, not a failure. */
int hc_dhcp_conf_load(const char *path, hc_dhcp_conf **ret);

/* How the files are read: *ret_buf (g_free) and *ret_len, or a negative
 * errno (-ENOENT when there is no such file). */
typedef int (*hc_dhcp_conf_reader)(const char *path, char **ret_buf,
                                   size_t *ret_len, void *data);
/* The same with the files, the main one and its includes, read by read
 * (the config on another node, read over ssh). */
int hc_dhcp_conf_load_via(const char *path, hc_dhcp_conf_reader read,
                          void *data, hc_dhcp_conf **ret);

/* Counts of one range, subnet, shared-network or of all ranges, as
 * dhcpd-pools reports them: defined = addresses in the ranges, used =
 * active leases, touched = free/expired/released/abandoned leases, backup
 * = backup leases, free = defined - used. */
typedef struct hc_pool_usage {
    uint64_t defined, used, touched, backup;
} hc_pool_usage;

typedef struct hc_dhcp_usage {
    hc_pool_usage *range;   /* one per c->ranges */
    hc_pool_usage *subnet;  /* one per c->subnets */
    hc_pool_usage *shared;  /* one per c->shared */
    hc_pool_usage all;
    uint64_t outside;       /* leases in no range */
    uint64_t active_outside;
} hc_dhcp_usage;

/* Fills u (free it with hc_dhcp_usage_clear()).  Returns 0 or -errno. */
int hc_dhcp_usage_compute(const hc_dhcp_conf *c, const hc_lease_table *t,
                          hc_dhcp_usage *u);
void hc_dhcp_usage_clear(hc_dhcp_usage *u);

#endif
