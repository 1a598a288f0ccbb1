import { composePlatform, pullImage } from '../index.js'
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
    ['podctl pull --platform linux/arm64 127.0.0.1:5000/multi:1', 'another platform from a manifest list'],
  ],
  builder: y => y.positional('name', { type: 'string' })
    .option('tls-verify', { type: 'boolean', default: true, describe: 'Require HTTPS and verify certificates when contacting registries' })
    .option('authfile', { type: 'string', describe: 'Path of the authentication file (auth.json)' })
    .option('platform', { type: 'string', describe: 'Pick the image for OS/ARCH[/VARIANT] from a manifest list (conflicts with --arch and --os)' })
    .option('arch', { type: 'string', describe: 'Use ARCH instead of the architecture of the machine for choosing images' })
    .option('os', { type: 'string', describe: 'Use OS instead of the running OS for choosing images' })
    .option('variant', { type: 'string', describe: 'Use VARIANT instead of the running architecture variant for choosing images' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Suppress output information when pulling images' }),
  async run (ctx, argv) {
    const stderr = streamsOf(ctx).stderr
    const str = (k: string): string | undefined => typeof argv[k] === 'string' ? argv[k] : undefined
    const platform = composePlatform({ platform: str('platform'), os: str('os'), arch: str('arch'), variant: str('variant') })
    const image = await pullImage(ctx, String(argv['name']), {
      tlsVerify: argv['tls-verify'] !== false,
      ...(typeof argv['authfile'] === 'string' ? { authfile: argv['authfile'] } : {}),
      ...(platform === undefined ? {} : { platform }),
      ...(argv['quiet'] === true ? {} : { progress: (line: string) => stderr(`${line}\n`) }),
    })
    return { stdout: `${image.id}\n` }
  },
}
