/* The version and agent checksums, generated from debian/changelog and
 * agents/ into build/gen/hc_version.h. */
#include "version.h"

#include "hc_version.h"

static const hc_agent_sum agent_sums[] = { HC_AGENT_SUMS };

const char *hc_version(void)
{
    return HC_VERSION;
}

const hc_agent_sum *hc_agent_sums(size_t *n)
{
    *n = sizeof(agent_sums) / sizeof(agent_sums[0]);
    return agent_sums;
}
