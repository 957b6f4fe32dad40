# SPDX-License-Identifier: GPL-2.0
# The one formula for how long a guest program may run. guest/init sources
# it (as /etc/harness-limits.sh) to stop each program at its limit, and
# scripts/boot.sh sources it to give the whole guest time for every
# program to reach its own limit. POSIX sh.
#
# limit_of NAME: seconds program NAME may run: the mm selftests' limit
# (HARNESS_TEST_TIMEOUT, their settings file's timeout=, 180); dex-stress
# (also as dex-stress-memcg, and under guest/bin/failinject) runs for
# DEX_STRESS_SECONDS by design and gets that on top; a category of run_vmtests.sh (guest/mm:
# vmtests-CATEGORY) runs many programs and gets HARNESS_VMTESTS_TIMEOUT.
limit_of()
{
	case $1 in
	dex-stress*|failinject) echo $((${DEX_STRESS_SECONDS:-60} + ${HARNESS_TEST_TIMEOUT:-180})) ;;
	vmtests-*) echo "${HARNESS_VMTESTS_TIMEOUT:-900}" ;;
	*) echo "${HARNESS_TEST_TIMEOUT:-180}" ;;
	esac
}
