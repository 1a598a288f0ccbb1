import { invalidArgument } from '../errors.js'
import type { ImageRecord } from '../state/types.js'

// What an image's config gives a container, and how create's options override it
// (Podman's rules): --entrypoint replaces Entrypoint and drops Cmd ("" drops only the
// entrypoint); arguments replace Cmd;
// -e goes over the image's Env, which goes over the defaults; -w over WorkingDir; -u over
// User (resolved at start through the container's /etc/passwd and /etc/group, as Podman
// does); --stop-signal over StopSignal.

export interface ImageProcess {
  args: string[]
  // The entrypoint in effect (the image's unless overridden); [] for none.
  entrypoint: string[]
  env: string[]
  cwd: string
  // user[:group] as given or from the image; '' for root.
  user: string
  stopSignal: string | undefined
  exposedPorts: string[]
}

export interface ProcessOverrides {
  command: string[]
  entrypoint?: string[] | undefined
  env?: string[]
  workdir?: string
  user?: string
  stopSignal?: string
}

interface OciConfig { Entrypoint?: unknown, Cmd?: unknown, Env?: unknown, WorkingDir?: unknown, User?: unknown, StopSignal?: unknown, ExposedPorts?: unknown }

const strings = (v: unknown): string[] | undefined => Array.isArray(v) && v.every(x => typeof x === 'string') ? v : undefined
const str = (v: unknown): string | undefined => typeof v === 'string' && v !== '' ? v : undefined

// KEY=VALUE lists merged by key: later lists win, first position kept.
export function mergeEnv (...lists: readonly (readonly string[])[]): string[] {
  const out = new Map<string, string>()
  for (const list of lists) {
    for (const e of list) {
      const eq = e.indexOf('=')
      out.set(eq < 0 ? e : e.slice(0, eq), e)
    }
  }
  return [...out.values()]
}

function imageConfigOf (image: ImageRecord | null): OciConfig {
  const c = image?.config?.['config']
  return typeof c === 'object' && c !== null ? c as OciConfig : {}
}

export function resolveImageProcess (image: ImageRecord | null, o: ProcessOverrides, defaultEnv: readonly string[]): ImageProcess {
  const cfg = imageConfigOf(image)
  // Podman's makeCommand: [""] (--entrypoint '[""]') unsets the entrypoint; the image's Cmd
  // is used only when no entrypoint was given (an empty list, --entrypoint "", counts as none).
  const entrypoint = o.entrypoint ?? strings(cfg.Entrypoint) ?? []
  const cmd = o.command.length > 0 ? o.command : (o.entrypoint ?? []).length === 0 ? strings(cfg.Cmd) ?? [] : []
  const effective = entrypoint.length === 1 && entrypoint[0] === '' ? [] : entrypoint
  const args = [...effective, ...cmd]
  if (args.length === 0) throw invalidArgument('no command or entrypoint provided, and no CMD or ENTRYPOINT from image')
  const exposed = cfg.ExposedPorts
  return {
    args,
    entrypoint: effective,
    env: mergeEnv(defaultEnv, strings(cfg.Env) ?? [], o.env ?? []),
    cwd: o.workdir ?? str(cfg.WorkingDir) ?? '/',
    user: o.user ?? str(cfg.User) ?? '',
    stopSignal: o.stopSignal ?? str(cfg.StopSignal),
    exposedPorts: typeof exposed === 'object' && exposed !== null ? Object.keys(exposed).sort() : [],
  }
}

