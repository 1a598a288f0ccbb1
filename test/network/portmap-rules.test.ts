import * as assert from 'uvu/assert'
import { suite } from 'uvu'

import { destinationAddress, parsePortmapListing, portmapChain } from '../../src/network/portmap-rules.js'

const test = suite('portmap rules')

const ID = '3f82694cb9b2df4ce9b7edb7fa0135f180ae91eaffee25bfb6a75beb21558065'

test('portmap\'s chain name: CNI-DN- + sha512(network + container ID), 28 characters (a chain portmap 1.1.1 made)', () => {
  assert.is(portmapChain('xp890007', ID), 'CNI-DN-e500b6390aaebb7794332')
})

test('a nat listing: entries with the owner from the comment, the chain\'s sources and DNAT destinations; shared chains are not portmap chains', () => {
  const text = [
    '-N CNI-DN-e500b6390aaebb7794332',
    '-N CNI-HOSTPORT-DNAT',
    '-N CNI-DN-0000000000000000000aa',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
    '-A CNI-DN-e500b6390aaebb7794332 -s 10.194.25.0/24 -p tcp -m tcp --dport 31999 -j CNI-HOSTPORT-SETMARK',
    '-A CNI-DN-e500b6390aaebb7794332 -s 127.0.0.1/32 -p tcp -m tcp --dport 31999 -j CNI-HOSTPORT-SETMARK',
    '-A CNI-DN-e500b6390aaebb7794332 -p tcp -m tcp --dport 31999 -j DNAT --to-destination 10.194.25.2:8080',
    `-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"xp890007\\" id: \\"${ID}\\"" -m multiport --dports 31999 -j CNI-DN-e500b6390aaebb7794332`,
    '-A CNI-DN-0000000000000000000aa -p udp -m udp --dport 53 -j DNAT --to-destination [fd00:1::2]:53',
    '-A CNI-HOSTPORT-DNAT -p udp -m multiport --dports 53 -j CNI-DN-0000000000000000000aa',
  ].join('\n')
  assert.equal(parsePortmapListing(text), [
    {
      name: 'CNI-DN-e500b6390aaebb7794332',
      entries: [{ from: 'CNI-HOSTPORT-DNAT', network: 'xp890007', containerId: ID, spec: `CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"xp890007\\" id: \\"${ID}\\"" -m multiport --dports 31999 -j CNI-DN-e500b6390aaebb7794332` }],
      sources: ['10.194.25.0/24', '127.0.0.1/32'],
      destinations: ['10.194.25.2:8080'],
    },
    {
      name: 'CNI-DN-0000000000000000000aa',
      entries: [{ from: 'CNI-HOSTPORT-DNAT', spec: 'CNI-HOSTPORT-DNAT -p udp -m multiport --dports 53 -j CNI-DN-0000000000000000000aa' }],
      sources: [],
      destinations: ['[fd00:1::2]:53'],
    },
  ])
})

test('DNAT destinations to addresses', () => {
  assert.equal(['10.1.2.3:80', '10.1.2.3:80-90', '[fd00::2]:53', '10.1.2.3'].map(destinationAddress), ['10.1.2.3', '10.1.2.3', 'fd00::2', '10.1.2.3'])
})

test.run()
