import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Worker } from 'node:worker_threads'

import type Koffi from 'koffi'

// Authentication for the local registry of registry.ts: htpasswd users (bcrypt through the
// system's libcrypt, called with koffi, so no extra package), auth.json files, and a small
// token server (distribution's `auth: token:`) that signs ES256 JWTs with node:crypto.

export interface Credentials { user: string, password: string }

// A bcrypt htpasswd line, as `htpasswd -B` writes it: libxcrypt's crypt(3) with a $2b$ salt.
export function htpasswdLine ({ user, password }: Credentials): string {
  const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi
  const lib = koffi.load('libcrypt.so.1')
  const gensalt = lib.func('const char *crypt_gensalt(const char *prefix, unsigned long count, const char *rbytes, int nrbytes)')
  const crypt = lib.func('const char *crypt(const char *key, const char *setting)')
  const salt = gensalt('$2b$', 5, null, 0) as string | null
  const hash = salt === null ? null : crypt(password, salt) as string | null
  if (hash === null || !hash.startsWith('$2b$05$')) throw new Error(`libcrypt made no bcrypt hash (got ${String(hash)})`)
  return `${user}:${hash}`
}

// An auth.json (containers-auth.json(5)) with credentials for one registry host.
export function writeAuthFile (file: string, host: string, { user, password }: Credentials): string {
  fs.writeFileSync(file, JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } }))
  return file
}

// libtrust's key ID, which distribution uses to find a token's signing key among the
// rootcertbundle's keys: SHA-256 of the DER public key, 240 bits, base32 in groups of four.
export function libtrustKeyId (key: crypto.KeyObject): string {
  const sum = crypto.createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest().subarray(0, 30)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  let s = ''
  for (const byte of sum) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) { s += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5 }
  }
  return s.match(/.{4}/g)!.join(':')
}

export interface TokenRequest { authorized: boolean, scope: string, service: string, account: string }

export interface TokenServer {
  realm: string
  service: string
  issuer: string
  // The signing key's self-signed certificate (the registry's rootcertbundle).
  certFile: string
  // Every request the server answered so far, in order.
  requests: () => Promise<TokenRequest[]>
  stop: () => Promise<void>
}

// The server runs in a worker thread: the test helpers run skopeo and umoci synchronously
// (execFileSync), which would otherwise stall a server on the test's own event loop while
// skopeo waits for a token.
const WORKER = String.raw`
const crypto = require('node:crypto')
const http = require('node:http')
const { parentPort, workerData } = require('node:worker_threads')
const { keyPem, kid, issuer, service, users } = workerData
const key = crypto.createPrivateKey(keyPem)
const b64url = b => Buffer.from(b).toString('base64url')
const requests = []
function parseScopes (scopes) {
  return scopes.flatMap(s => s.split(' ')).filter(s => s !== '').map(s => {
    const [type, ...rest] = s.split(':')
    const actions = rest.pop() || ''
    return { type, name: rest.join(':'), actions: actions.split(',').filter(a => a !== '') }
  })
}
function sign (sub, access) {
  const now = Math.floor(Date.now() / 1000)
  const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', kid }))
  const claims = b64url(JSON.stringify({ iss: issuer, sub, aud: service, exp: now + 300, nbf: now - 60, iat: now, jti: crypto.randomUUID(), access }))
  const sig = crypto.sign('sha256', Buffer.from(head + '.' + claims), { key, dsaEncoding: 'ieee-p1363' })
  return head + '.' + claims + '.' + b64url(sig)
}
const server = http.createServer((req, res) => {
  const url = new URL(req.url || '/', 'http://127.0.0.1')
  const basic = /^Basic (.+)$/.exec(req.headers.authorization || '')
  const [user, password] = basic === null ? [] : Buffer.from(basic[1], 'base64').toString('utf8').split(/:(.*)/s)
  const known = users.some(u => u.user === user && u.password === password)
  requests.push({ authorized: known, scope: url.searchParams.getAll('scope').join(' '), service: url.searchParams.get('service') || '', account: url.searchParams.get('account') || '' })
  if (basic !== null && !known) {
    res.writeHead(401, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }))
    return
  }
  const token = sign(known ? user : '', known ? parseScopes(url.searchParams.getAll('scope')) : [])
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }))
})
parentPort.on('message', m => {
  if (m === 'requests') parentPort.postMessage({ requests })
  if (m === 'stop') { server.closeAllConnections(); server.close(() => parentPort.close()) }
})
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }))
`

// Starts a token server on 127.0.0.1 for users: a request with a user's Basic credentials
// gets a token granting what it asked for; an anonymous one gets a token granting nothing
// (as Docker Hub does for a private repository); wrong credentials get 401. The key and its
// certificate are made with openssl in dir.
export async function startTokenServer (dir: string, users: Credentials[]): Promise<TokenServer> {
  const keyFile = path.join(dir, 'token-key.pem')
  const certFile = path.join(dir, 'token-cert.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '2', '-subj', '/CN=podctl-test-token-issuer'], { stdio: ['ignore', 'ignore', 'pipe'] })
  const keyPem = fs.readFileSync(keyFile, 'utf8')
  const kid = libtrustKeyId(crypto.createPublicKey(keyPem))
  const issuer = 'podctl-test-issuer'
  const service = 'podctl-test-registry'
  const worker = new Worker(WORKER, { eval: true, workerData: { keyPem, kid, issuer, service, users } })
  const exited = new Promise<void>(resolve => worker.once('exit', () => resolve()))
  const next = (): Promise<Record<string, unknown>> => new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err)
    worker.once('error', onError)
    worker.once('message', (m: Record<string, unknown>) => { worker.off('error', onError); resolve(m) })
  })
  let port: number
  try {
    port = (await next())['port'] as number
  } catch (err) {
    await worker.terminate()
    throw err
  }
  return {
    realm: `http://127.0.0.1:${port}/token`, service, issuer, certFile,
    requests: async () => {
      const reply = next()
      worker.postMessage('requests')
      return (await reply)['requests'] as TokenRequest[]
    },
    stop: async () => {
      worker.postMessage('stop')
      const t = setTimeout(() => { void worker.terminate() }, 3000)
      await exited
      clearTimeout(t)
    },
  }
}
