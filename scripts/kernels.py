#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The table of kernels, config/kernels: one row per kernel of every target
# (BASE TIER ARCH KERNEL WHY), read into dataclasses. The shell scripts ask
# it for the kernels of a base, tier and architecture (scripts/lib.sh:
# table_kernels, table_has, table_check); this is the first part of the
# harness in Python, in the shape of the tree's tools/testing/kunit/kunit.py
# (argparse sub-commands, data as dataclasses, standard library only).
#
#   kernels.py list --base 6.12 --tier check --arch x86_64
#   kernels.py has --base mainline --tier mutants --arch arm64 revert-1
#   kernels.py check
#   kernels.py show [--base B] [--tier T] [--arch A]

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Iterable, List, Optional

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIERS = ('check', 'full', 'regressions', 'bench', 'mutants', 'coverage', 'sanitizers', 'soak')
TREE_RE = re.compile(r'^(series|base|revert-[0-9]+(-[0-9]+)*|prefix-[0-9]+)$')


@dataclass(frozen=True)
class Kernel:
	"""One row: a kernel that a target of one base builds and boots."""
	base: str
	tier: str
	arch: str
	name: str
	why: str
	line: int = 0

	@property
	def tree(self) -> str:
		"""series, base, revert-N[-M...] or prefix-N (scripts/kernel.sh)."""
		return self.name.split('+', 1)[0]

	@property
	def fragments(self) -> List[str]:
		"""The config/FRAGMENT.config files merged on top, in order."""
		return self.name.split('+')[1:]

	@property
	def reverts(self) -> List[int]:
		"""The patches a revert-N[-M...] kernel reverts, in that order."""
		if not self.tree.startswith('revert-'):
			return []
		return [int(n) for n in self.tree.split('-')[1:]]

	def key(self) -> tuple:
		return (self.base, self.tier, self.arch, self.name)


@dataclass
class Table:
	"""config/kernels, in its order (rows of one base, tier and arch
	run in the order given)."""
	path: str
	kernels: List[Kernel] = field(default_factory=list)

	def select(self, base: Optional[str] = None, tier: Optional[str] = None,
		   arch: Optional[str] = None) -> List[Kernel]:
		return [k for k in self.kernels
			if (base is None or k.base == base) and
			(tier is None or k.tier == tier) and
			(arch is None or k.arch == arch)]

	def errors(self, top: str = TOP) -> List[str]:
		"""What is wrong with each bad row, one message per row."""
		out = []
		seen = set()
		for k in self.kernels:
			err = []
			if not os.path.isfile(os.path.join(top, 'scripts/base', k.base + '.sh')):
				err.append(f'no scripts/base/{k.base}.sh')
			if k.tier not in TIERS:
				err.append(f"tier '{k.tier}' is none of {', '.join(TIERS)}")
			if not os.path.isfile(os.path.join(top, 'scripts/arch', k.arch + '.sh')):
				err.append(f'no scripts/arch/{k.arch}.sh')
			if not TREE_RE.match(k.tree):
				err.append(f"kernel tree '{k.tree}' is none of series, base, revert-N[-M...], prefix-N")
			for frag in k.fragments:
				if not os.path.isfile(os.path.join(top, 'config', frag + '.config')):
					err.append(f'no config/{frag}.config')
			if not k.why:
				err.append('no reason (WHY)')
			if err:
				out.append(f"config/kernels: row '{' '.join(k.key())}':" +
					   ''.join(f' {e};' for e in err))
			if k.key() in seen:
				out.append(f'config/kernels: row "{" ".join(k.key())}" twice')
			seen.add(k.key())
		return out


def parse(lines: Iterable[str], path: str = '') -> Table:
	"""Rows of BASE TIER ARCH KERNEL WHY; '#' starts a comment line."""
	table = Table(path)
	for n, line in enumerate(lines, 1):
		line = line.rstrip('\n')
		if not line.strip() or line.lstrip().startswith('#'):
			continue
		words = line.split(None, 4)
		words += [''] * (5 - len(words))
		table.kernels.append(Kernel(*words, line=n))
	return table


def load(path: str) -> Table:
	with open(path, encoding='utf-8') as f:
		return parse(f, path)


def add_select(p: argparse.ArgumentParser, required: bool) -> None:
	p.add_argument('--base', required=required, help='scripts/base/BASE.sh (6.12, mainline, 6.1)')
	p.add_argument('--tier', required=required, help='one of ' + ', '.join(TIERS))
	p.add_argument('--arch', required=required, help='an architecture of scripts/arch/ (x86_64, arm64; built only: i386, arm, riscv)')


def main(argv: List[str]) -> int:
	parser = argparse.ArgumentParser(description='The table of kernels, config/kernels.')
	parser.add_argument('--table', default=os.environ.get('KERNEL_TABLE',
				os.path.join(TOP, 'config/kernels')),
			    help='the table (KERNEL_TABLE; default config/kernels)')
	sub = parser.add_subparsers(dest='command', required=True)
	p = sub.add_parser('list', help='the kernels of a base, tier and architecture, on one line')
	add_select(p, True)
	p = sub.add_parser('has', help='exit 0 when the table has that row')
	add_select(p, True)
	p.add_argument('kernel')
	sub.add_parser('check', help='every row well formed: print each bad one, exit 1 if any')
	p = sub.add_parser('show', help='the rows, as a table, with what each kernel is')
	add_select(p, False)
	args = parser.parse_args(argv)

	table = load(args.table)
	if args.command == 'list':
		print(' '.join(k.name for k in table.select(args.base, args.tier, args.arch)))
		return 0
	if args.command == 'has':
		return 0 if any(k.name == args.kernel for k in
				table.select(args.base, args.tier, args.arch)) else 1
	if args.command == 'check':
		errors = table.errors()
		for e in errors:
			print(e, file=sys.stderr)
		return 1 if errors else 0
	for k in table.select(args.base, args.tier, args.arch):
		what = k.tree
		if k.reverts:
			what = 'series - ' + ', '.join(str(n) for n in k.reverts)
		if k.fragments:
			what += ' + ' + ' + '.join(k.fragments)
		print(f'{k.base:9} {k.tier:12} {k.arch:7} {k.name:22} {what:28} {k.why}')
	return 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
