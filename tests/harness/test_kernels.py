# SPDX-License-Identifier: GPL-2.0
# pytest: scripts/kernels.py, the reader of config/kernels (Debian's
# python3-pytest; tests/harness/run.sh runs it with the other self-tests).
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../scripts'))
import kernels  # noqa: E402

ROWS = '''# comment
6.12   check  x86_64  series               the series
6.12   check  x86_64  base                 the negative control
6.12   full   arm64   revert-33-32+noafdbm control of patch 32, no AF hardware
mainline check arm64  base                 unpatched 7.x
'''


def test_rows_in_order():
	t = kernels.parse(ROWS.splitlines())
	assert [k.name for k in t.select('6.12', 'check', 'x86_64')] == ['series', 'base']
	assert t.select('6.12', 'check', 'arm64') == []


def test_kernel_name_parts():
	k = kernels.parse(ROWS.splitlines()).select(tier='full')[0]
	assert (k.tree, k.fragments, k.reverts) == ('revert-33-32', ['noafdbm'], [33, 32])
	assert k.why == 'control of patch 32, no AF hardware'


def test_the_table_is_well_formed():
	t = kernels.load(os.path.join(kernels.TOP, 'config/kernels'))
	assert t.errors() == []
	# make check's kernels, as the CI has run them.
	assert [k.name for k in t.select('6.12', 'check', 'x86_64')] == ['series', 'base']
	assert [k.name for k in t.select('mainline', 'check', 'arm64')] == ['series', 'base']


def test_bad_rows_are_named():
	t = kernels.parse('''6.12 check x86_64 series fine
6.12 check x86_64 series again
6.99 weekly sparc revert-x+nosuch
'''.splitlines())
	errors = t.errors()
	assert len(errors) == 2
	assert 'twice' in errors[0]
	for want in ('no scripts/base/6.99.sh', "tier 'weekly'", 'no scripts/arch/sparc.sh',
		     "kernel tree 'revert-x'", 'no config/nosuch.config', 'no reason'):
		assert want in errors[1]


def test_a_third_base_is_rows():
	t = kernels.load(os.path.join(kernels.TOP, 'config/kernels'))
	assert [k.name for k in t.select('6.1', 'check', 'x86_64')] == ['series', 'base']


def test_cli_list_and_has(capsys):
	assert kernels.main(['list', '--base', 'mainline', '--tier', 'check', '--arch', 'x86_64']) == 0
	assert capsys.readouterr().out == 'series base\n'
	assert kernels.main(['has', '--base', '6.12', '--tier', 'mutants', '--arch', 'arm64', 'revert-17']) == 0
	assert kernels.main(['has', '--base', '6.12', '--tier', 'mutants', '--arch', 'arm64', 'revert-99']) == 1
