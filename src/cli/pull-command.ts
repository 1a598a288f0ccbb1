import { pullImage } from '../index.js'
import type { PodctlCommand } from './command.js'
import { streamsOf } from './command.js'

// `pull` (and `image pull`) in a module of its own: a pull loads only what pulling needs,
// not the rest of the image commands (removal engine, archives, the network code they reach).
export const pullCommand: PodctlCommand = {
  command: 'pull <name>',
  describe: 'Pull an image from a registry',
  examples: [
    ['podctl pull --tls-verify=false 127.0.0.1:5000/busybox:latest', 'a fully qualified name'],
    ['podctl pull alpine', 'a short name: registries.conf aliases, then unqualified-search-registries'],
  ],
  builder: y => y.positional('name', { type: 'string' })
    .option('tls-verify', { type: 'boolean', default: true, describe: 'Require HTTPS and verify certificates when contacting registries' })
    .option('authfile', { type: 'string', describe: 'Path of the authentication file (auth.json)' })
    .option('platform', { type: 'string', describe: 'Pick the image for OS/ARCH[/VARIANT] from a manifest list' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Suppress output information when pulling images' }),
  async run (ctx, argv) {
    const stderr = streamsOf(ctx).stderr
    const image = await pullImage(ctx, String(argv['name']), {
      tlsVerify: argv['tls-verify'] !== false,
      ...(typeof argv['authfile'] === 'string' ? { authfile: argv['authfile'] } : {}),
      ...(typeof argv['platform'] === 'string' ? { platform: argv['platform'] } : {}),
      ...(argv['quiet'] === true ? {} : { progress: (line: string) => stderr(`${line}\n`) }),
    })
    return { stdout: `${image.id}\n` }
  },
}
