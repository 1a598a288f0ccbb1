import { describeSystem, describeVersion, invalidArgument, renderTemplate } from '../../index.js'
import type { Args, PodctlCommand } from '../command.js'
import { renderJson } from '../render.js'

function render (argv: Args, data: Record<string, unknown>, text: () => string, name: string): string {
  const format = argv['format']
  if (format === undefined) return text()
  if (format === 'json') return renderJson(data)
  if (typeof format !== 'string' || format === '') throw invalidArgument('--format takes json or a Go template')
  return renderTemplate(format, [goFields(data)], { name, typeName: name })
}

// Templates name Go's fields (`{{.Store.GraphRoot}}`); the JSON keys are their json tags.
function goFields (v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.charAt(0).toUpperCase() + k.slice(1), goFields(x)]))
}

export const versionCommand: PodctlCommand = {
  command: 'version',
  describe: 'Display the podctl version information',
  examples: [['podctl version --format json', 'as JSON'], ['podctl version --format "{{.Client.Version}}"', 'the version alone']],
  builder: y => y.option('format', { alias: 'f', type: 'string', describe: 'Change the output format to JSON or a Go template' }),
  run (_ctx, argv) {
    const v = describeVersion()
    const c = v['Client'] as Record<string, string>
    const text = (): string => `Client:       podctl\nVersion:      ${c['Version']}\nAPI Version:  ${c['APIVersion']}\nGo Version:   ${c['GoVersion']}\nOS/Arch:      ${c['OsArch']}\n`
    return { stdout: render(argv, v, text, 'version') }
  },
}

export const infoCommand: PodctlCommand = {
  command: 'info',
  describe: 'Display podctl related system information',
  examples: [['podctl info --format json', 'as JSON'], ['podctl info --format "{{.Store.GraphRoot}}"', 'one field']],
  builder: y => y.option('format', { alias: 'f', type: 'string', describe: 'Change the output format to JSON or a Go template' }),
  run (ctx, argv) {
    const info = describeSystem(ctx)
    const text = (): string => toYamlish(info, 0)
    return { stdout: render(argv, info, text, 'info') }
  },
}

// Podman prints info as YAML; nested maps indent by two.
function toYamlish (v: Record<string, unknown>, depth: number): string {
  const pad = '  '.repeat(depth)
  return Object.entries(v).map(([k, x]) => typeof x === 'object' && x !== null
    ? `${pad}${k}:\n${toYamlish(x as Record<string, unknown>, depth + 1)}`
    : `${pad}${k}: ${String(x)}\n`).join('')
}
