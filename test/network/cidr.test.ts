import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import { cidrsOverlap, formatCidr, formatIp, parseCidr, parseIp, requireCidr } from '../../src/network/cidr.js'

const test = suite('cidr')

test('parses strict IPv4 and IPv6 addresses, rejects everything else', () => {
  const table: [string, string | undefined][] = [
    ['10.88.0.1', '10.88.0.1'], ['0.0.0.0', '0.0.0.0'], ['255.255.255.255', '255.255.255.255'],
    ['256.1.1.1', undefined], ['1.2.3', undefined], ['1.2.3.4.5', undefined], ['01.2.3.4', undefined],
    ['1.2.3.4 ', undefined], ['', undefined], ['a.b.c.d', undefined], ['1..2.3', undefined],
    ['::', '::'], ['::1', '::1'], ['fd00::', 'fd00::'], ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:DB8::1', '2001:db8::1'], ['::ffff:10.0.0.1', '::ffff:a00:1'], ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7:8:9', undefined], ['1::2::3', undefined], ['12345::', undefined], ['fe80::1%eth0', undefined],
    ['1:2:3:4:5:6:7::8', undefined], [':1', undefined],
  ]
  for (const [input, want] of table) {
    const got = parseIp(input)
    assert.is(got === undefined ? undefined : formatIp(got), want, input)
  }
})

test('parses CIDRs; strict mode refuses host bits', () => {
  const table: [string, string | undefined, string | undefined][] = [
    ['10.89.0.0/24', '10.89.0.0/24', '10.89.0.0/24'],
    ['10.89.0.5/24', '10.89.0.0/24', undefined],
    ['10.0.0.0/33', undefined, undefined], ['10.0.0.0/', undefined, undefined], ['10.0.0.0', undefined, undefined],
    ['10.0.0.0/08', undefined, undefined], ['0.0.0.0/0', '0.0.0.0/0', '0.0.0.0/0'],
    ['fd00:1::/64', 'fd00:1::/64', 'fd00:1::/64'], ['fd00::1/64', 'fd00::/64', undefined], ['fd00::/129', undefined, undefined],
  ]
  for (const [input, loose, strict] of table) {
    const l = parseCidr(input); const s = parseCidr(input, { strict: true })
    assert.is(l === undefined ? undefined : formatCidr(l), loose, `loose ${input}`)
    assert.is(s === undefined ? undefined : formatCidr(s), strict, `strict ${input}`)
  }
})

test('requireCidr says what is wrong', () => {
  assert.throws(() => requireCidr('10.1.2.3/24'), /host bits are set, did you mean 10\.1\.2\.0\/24\?/)
  assert.throws(() => requireCidr('nope'), /invalid subnet "nope": invalid CIDR address: nope/)
})

test('overlap table', () => {
  const table: [string, string, boolean][] = [
    ['10.89.0.0/24', '10.89.0.0/24', true], ['10.89.0.0/24', '10.89.1.0/24', false],
    ['10.88.0.0/16', '10.88.200.0/24', true], ['10.88.200.0/24', '10.88.0.0/16', true],
    ['10.0.0.0/8', '11.0.0.0/8', false], ['0.0.0.0/0', '192.168.1.0/24', true],
    ['10.89.0.0/25', '10.89.0.128/25', false], ['fd00::/64', 'fd00::/48', true], ['fd00::/64', '10.0.0.0/8', false],
  ]
  for (const [a, b, want] of table) assert.is(cidrsOverlap(parseCidr(a)!, parseCidr(b)!), want, `${a} vs ${b}`)
})

test.run()
