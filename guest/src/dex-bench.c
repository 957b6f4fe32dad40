// SPDX-License-Identifier: GPL-2.0
/*
 * dex-bench: what device-exclusive access (HMM_DMIRROR_EXCLUSIVE of
 * lib/test_hmm.c) costs the CPU, for scripts/bench.sh to compare the series
 * with its base. It is a measurement, not a test: it reports what it sees
 * and fails only when the data comes back wrong.
 *
 * Each figure is one line "@@ bench NAME VALUE UNIT", or
 * "@@ bench NAME nan error=ENAME" when the kernel refused exclusive access
 * (the base kernel does on THP-backed memory):
 *
 *   faults-B-S-A      minor faults per page of one CPU access A (read,
 *                     write) to each page after exclusive access, on
 *                     backing B (4k, thp), in scenario S: plain; mprotect
 *                     (PROT_READ, then back to read/write while exclusive);
 *                     softdirty (clear_refs 4 while exclusive)
 *   softdirty-B-read  fraction of the pages soft-dirty after that read
 *   convert-B-SIZE    pages made exclusive per second (the whole ioctl)
 *   restore-B-SIZE    ns per page for a CPU write to take the pages back
 *   roundtrip-B-SIZE  ns per page, convert + restore
 *   floor-B-SIZE      ns per page of mprotect(PROT_READ), mprotect back to
 *                     read/write and a write to each page, on the same
 *                     buffer: the PTE work a round trip cannot beat
 *
 * Timings are medians of a few runs, each on a fresh buffer. Under QEMU
 * TCG only ratios between kernels booted alike mean anything.
 *
 * The output is also KTAP, one test point per group of figures, so that
 * scripts/report.sh can tell a run that crashed or did not finish.
 *
 * Usage: dex-bench [-r REPS] [SIZE_MIB...]: sizes default to 1 and 256 MiB,
 * REPS to 31 up to 16 MiB and 5 above.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <linux/kernel-page-flags.h>

#include "kselftest.h"
#include "mm/vm_util.h"
#include "test_hmm_uapi.h"

#define MAX_REPS	63

static unsigned long page_size, pmd_size;
static int dmirror_fd, pagemap_fd, kpageflags_fd;

/* The user buffer the ioctl copies the device's view into, sized once. */
static char *mirror;

struct buf {
	char		*map;
	size_t		map_size;
	char		*ptr;
	size_t		size;
	unsigned long	npages;
	bool		thp;
};

enum scenario { PLAIN, MPROTECT, SOFTDIRTY };
static const char * const scenario_name[] = { "plain", "mprotect", "softdirty" };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *err_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "EUNKNOWN";
}

static void figure(const char *name, const char *unit, double value)
{
	printf("@@ bench %s %.6g %s\n", name, value, unit);
}

static void figure_failed(const char *name, const char *why)
{
	printf("@@ bench %s nan error=%s\n", name, why);
}

/*
 * The word each page starts with after @gen writes; the rest of the page
 * is not touched, so checking one word per page is cheap even at TCG
 * speed, and still catches a page that comes back stale or zeroed.
 */
static uint32_t word(unsigned long n, unsigned int gen)
{
	return (uint32_t)(n * 2654435761UL) ^ (gen << 24) ^ 0x5a5a5aU;
}

/* One access to the first word of each page, which the compiler keeps. */
static void touch(struct buf *b, bool write, unsigned int gen)
{
	uint32_t *w;
	unsigned long n;

	for (n = 0; n < b->npages; n++) {
		w = (uint32_t *)(b->ptr + n * page_size);
		if (write)
			__atomic_store_n(w, word(n, gen), __ATOMIC_RELAXED);
		else
			__atomic_load_n(w, __ATOMIC_RELAXED);
	}
}

static bool intact(const char *p, unsigned long npages, unsigned int gen)
{
	unsigned long n;

	for (n = 0; n < npages; n++)
		if (*(const uint32_t *)(p + n * page_size) != word(n, gen))
			return false;
	return true;
}

static bool is_thp(char *addr)
{
	unsigned long pfn = pagemap_get_pfn(pagemap_fd, addr);
	uint64_t flags = 0;

	if (pfn == -1UL)	/* not present */
		return false;
	if (pread(kpageflags_fd, &flags, sizeof(flags), pfn * sizeof(flags)) != sizeof(flags))
		ksft_exit_fail_msg("reading /proc/kpageflags: %s\n", strerror(errno));
	return flags & (1ULL << KPF_THP);
}

/*
 * mprotect() of one page splits the PMD mapping of its THP but not the
 * folio. THP-backed buffers are measured PTE-mapped: that is what any
 * exclusive access leaves behind, it is the case the base kernel fails
 * on, and it gives mprotect() -- the floor -- PTEs to work on, the same
 * on both kernels.
 */
static bool map_thp_by_ptes(struct buf *b)
{
	unsigned long off;

	for (off = 0; off < b->size; off += pmd_size) {
		if (mprotect(b->ptr + off, page_size, PROT_READ) ||
		    mprotect(b->ptr + off, page_size, PROT_READ | PROT_WRITE))
			ksft_exit_fail_msg("mprotect: %s\n", strerror(errno));
		if (!is_thp(b->ptr + off))
			return false;
	}
	return true;
}

/*
 * A PMD-aligned buffer of @size bytes, every page populated with
 * generation 0: 4 KiB pages (MADV_NOHUGEPAGE; the guest runs with THP
 * "always") or THPs. The advice covers whole PMDs, so that a buffer
 * smaller than a THP still gets one. Returns false if no THP could be had.
 */
static bool buf_map(struct buf *b, size_t size, bool thp)
{
	size_t whole = (size + pmd_size - 1) & ~(pmd_size - 1);

	b->size = size;
	b->npages = size / page_size;
	b->thp = thp;
	b->map_size = whole + pmd_size;
	b->map = mmap(NULL, b->map_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->map == MAP_FAILED)
		ksft_exit_fail_msg("mmap %zu bytes: %s\n", b->map_size, strerror(errno));
	b->ptr = (char *)(((uintptr_t)b->map + pmd_size - 1) & ~(pmd_size - 1));
	if (madvise(b->ptr, whole, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		ksft_exit_fail_msg("madvise: %s\n", strerror(errno));
	touch(b, true, 0);
	return !thp || map_thp_by_ptes(b);
}

static void buf_unmap(struct buf *b)
{
	munmap(b->map, b->map_size);
}

/* Exclusive access for the device; 0 or -errno. */
static int grant(struct buf *b)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)b->ptr,
		.ptr = (uintptr_t)mirror,
		.npages = b->npages,
	};

	while (ioctl(dmirror_fd, HMM_DMIRROR_EXCLUSIVE, &cmd))
		if (errno != EINTR)
			return -errno;
	return cmd.cpages == b->npages ? 0 : -ENODATA;
}

/* True once the CPU has taken back every page from the device. */
static bool revoked(struct buf *b)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)b->ptr,
		.ptr = (uintptr_t)mirror,
		.npages = b->npages,
	};

	return !ioctl(dmirror_fd, HMM_DMIRROR_CHECK_EXCLUSIVE, &cmd);
}

static unsigned long count_soft_dirty(struct buf *b)
{
	unsigned long n, count = 0;

	for (n = 0; n < b->npages; n++)
		if (pagemap_get_entry(pagemap_fd, b->ptr + n * page_size) & PM_SOFT_DIRTY)
			count++;
	return count;
}

static void clear_soft_dirty(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);

	if (fd < 0 || write(fd, "4", 1) != 1)
		ksft_exit_fail_msg("clear_refs: %s\n", strerror(errno));
	close(fd);
}

/*
 * Faults per page of a CPU access to one PMD's worth of pages after
 * exclusive access, in scenario @sc; a read and a write, each on a buffer
 * of its own. One KTAP test point.
 */
static void bench_faults(bool thp, enum scenario sc)
{
	const char *bk = thp ? "thp" : "4k", *scn = scenario_name[sc];
	int code = KSFT_PASS, access;
	char name[64], why[64] = "";
	struct buf b;

	for (access = 0; access < 2; access++) {
		bool write = access;
		const char *acc = write ? "write" : "read";
		const char *fail = NULL;
		long faults;
		int err;

		snprintf(name, sizeof(name), "faults-%s-%s-%s", bk, scn, acc);
		if (!buf_map(&b, pmd_size, thp)) {
			fail = "NOTHP";
		} else {
			err = grant(&b);
			if (err)
				fail = err_name(-err);
		}
		if (fail) {
			figure_failed(name, fail);
			if (sc == SOFTDIRTY && !write) {
				snprintf(name, sizeof(name), "softdirty-%s-read", bk);
				figure_failed(name, fail);
			}
			snprintf(why, sizeof(why), "%s", fail);
			buf_unmap(&b);
			if (code == KSFT_PASS)
				code = KSFT_SKIP;
			continue;
		}
		if (!intact(mirror, b.npages, 0))
			code = KSFT_FAIL;

		if (sc == MPROTECT &&
		    (mprotect(b.ptr, b.size, PROT_READ) ||
		     mprotect(b.ptr, b.size, PROT_READ | PROT_WRITE)))
			ksft_exit_fail_msg("mprotect: %s\n", strerror(errno));
		if (sc == SOFTDIRTY)
			clear_soft_dirty();

		faults = minflt();
		touch(&b, write, 1);
		faults = minflt() - faults;
		figure(name, "faults/page", (double)faults / b.npages);

		if (sc == SOFTDIRTY && !write) {
			snprintf(name, sizeof(name), "softdirty-%s-read", bk);
			figure(name, "fraction",
			       (double)count_soft_dirty(&b) / b.npages);
		}
		if (!revoked(&b) || !intact(b.ptr, b.npages, write ? 1 : 0))
			code = KSFT_FAIL;
		buf_unmap(&b);
	}
	snprintf(name, sizeof(name), "faults-%s-%s", bk, scn);
	ksft_test_result_code(code, name, code == KSFT_FAIL ?
			      "data changed across exclusive access" :
			      code == KSFT_SKIP ? why : NULL);
}

/*
 * Time, per page, of the floor (mprotect RO + RW + write), of the
 * conversion (the ioctl) and of the restore (a CPU write), on @size bytes.
 * The floor runs first on each fresh buffer, so that it sees the same
 * page tables on every kernel, even one that refuses the conversion.
 */
static void bench_cost(bool thp, size_t size, int reps)
{
	double floor_ns[MAX_REPS], conv_ns[MAX_REPS], rest_ns[MAX_REPS];
	double round_ns[MAX_REPS];
	const char *bk = thp ? "thp" : "4k";
	char name[64], tag[32], why[64] = "";
	int code = KSFT_PASS, r, err, done = 0;
	struct buf b;
	uint64_t t;

	snprintf(tag, sizeof(tag), "%s-%zuMiB", bk, size >> 20);
	for (r = 0; r < reps; r++) {
		if (!buf_map(&b, size, thp)) {
			snprintf(why, sizeof(why), "NOTHP");
			buf_unmap(&b);
			break;
		}
		t = now_ns();
		if (mprotect(b.ptr, size, PROT_READ) ||
		    mprotect(b.ptr, size, PROT_READ | PROT_WRITE))
			ksft_exit_fail_msg("mprotect: %s\n", strerror(errno));
		touch(&b, true, 1);
		floor_ns[r] = (double)(now_ns() - t) / b.npages;

		if (!why[0]) {
			t = now_ns();
			err = grant(&b);
			conv_ns[r] = (double)(now_ns() - t) / b.npages;
			if (err) {
				snprintf(why, sizeof(why), "%s", err_name(-err));
			} else {
				t = now_ns();
				touch(&b, true, 2);
				rest_ns[r] = (double)(now_ns() - t) / b.npages;
				round_ns[r] = conv_ns[r] + rest_ns[r];
				done++;
				if (!intact(mirror, b.npages, 1) ||
				    !revoked(&b) || !intact(b.ptr, b.npages, 2))
					code = KSFT_FAIL;
			}
		}
		buf_unmap(&b);
	}

	snprintf(name, sizeof(name), "floor-%s", tag);
	if (r == reps)
		figure(name, "ns/page", median(floor_ns, reps));
	else
		figure_failed(name, why);
	snprintf(name, sizeof(name), "convert-%s", tag);
	if (done == reps) {
		figure(name, "pages/s", 1e9 / median(conv_ns, reps));
		snprintf(name, sizeof(name), "restore-%s", tag);
		figure(name, "ns/page", median(rest_ns, reps));
		snprintf(name, sizeof(name), "roundtrip-%s", tag);
		figure(name, "ns/page", median(round_ns, reps));
	} else {
		figure_failed(name, why);
		snprintf(name, sizeof(name), "restore-%s", tag);
		figure_failed(name, why);
		snprintf(name, sizeof(name), "roundtrip-%s", tag);
		figure_failed(name, why);
		if (code == KSFT_PASS)
			code = KSFT_SKIP;
	}
	snprintf(name, sizeof(name), "cost-%s", tag);
	ksft_test_result_code(code, name, code == KSFT_FAIL ?
			      "data changed across exclusive access" :
			      code == KSFT_SKIP ? why : NULL);
}

int main(int argc, char **argv)
{
	size_t sizes_mib[8] = { 1, 256 }, max_size = 0;
	int nsizes = 2, reps = 0, opt, i, s;

	while ((opt = getopt(argc, argv, "r:")) != -1) {
		if (opt != 'r')
			ksft_exit_fail_msg("usage: %s [-r REPS] [SIZE_MIB...]\n", argv[0]);
		reps = atoi(optarg);
		if (reps < 1 || reps > MAX_REPS)
			ksft_exit_fail_msg("-r: 1 to %d\n", MAX_REPS);
	}
	if (optind < argc) {
		for (nsizes = 0; optind < argc && nsizes < 8; nsizes++)
			sizes_mib[nsizes] = strtoul(argv[optind++], NULL, 0);
	}

	ksft_print_header();
	ksft_set_plan(3 * 2 + 2 * nsizes);

	page_size = sysconf(_SC_PAGESIZE);
	pmd_size = read_pmd_pagesize();
	if (!pmd_size)
		ksft_exit_fail_msg("no THP: hpage_pmd_size unreadable\n");
	dmirror_fd = open("/dev/hmm_dmirror0", O_RDWR);
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	kpageflags_fd = open("/proc/kpageflags", O_RDONLY);
	if (dmirror_fd < 0 || pagemap_fd < 0 || kpageflags_fd < 0)
		ksft_exit_fail_msg("need /dev/hmm_dmirror0 (test_hmm), pagemap and kpageflags (root)\n");

	for (s = 0; s < nsizes; s++) {
		if (!sizes_mib[s])
			ksft_exit_fail_msg("sizes are in MiB, at least 1\n");
		if (sizes_mib[s] << 20 > max_size)
			max_size = sizes_mib[s] << 20;
	}
	if (max_size < pmd_size)
		max_size = pmd_size;
	/* Populated up front, so that no timed ioctl faults it in. */
	mirror = mmap(NULL, max_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mirror == MAP_FAILED)
		ksft_exit_fail_msg("mmap mirror: %s\n", strerror(errno));

	ksft_print_msg("page %lu, PMD %lu bytes; only ratios between kernels run alike mean anything\n",
		       page_size, pmd_size);
	for (i = 0; i < 2; i++) {
		bench_faults(i, PLAIN);
		bench_faults(i, MPROTECT);
	}
	for (s = 0; s < nsizes; s++)
		for (i = 0; i < 2; i++)
			bench_cost(i, sizes_mib[s] << 20,
				   reps ?: sizes_mib[s] <= 16 ? 31 : 5);
	/*
	 * Last: clear_refs arms soft-dirty tracking on the whole process,
	 * and the mirror's pages would then take a write fault inside the
	 * timed ioctls. Without soft-dirty (arm64 in 6.12) clear_refs 4
	 * does nothing, so the figures would mean nothing.
	 */
	for (i = 0; i < 2; i++) {
		if (softdirty_supported())
			bench_faults(i, SOFTDIRTY);
		else
			ksft_test_result_code(KSFT_SKIP, i ? "faults-thp-softdirty" :
					      "faults-4k-softdirty", "soft-dirty not supported");
	}
	ksft_finished();
}
