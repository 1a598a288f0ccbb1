import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { createLayerWriter, LayerEscapeError, safeComponents } from '../../src/images/layer-writer.js'
import { TarError, TarParser } from '../../src/images/tar-reader.js'
import { withTempDir } from '../helpers/temp.js'

const test = suite('layer-writer')

// Feeds a tar file into a layer writer at dest in odd-sized chunks (headers split across pushes).
function unpack (tarFile: string, dest: string, chunk = 777): void {
  const w = createLayerWriter(dest)
  const p = new TarParser(w)
  const data = fs.readFileSync(tarFile)
  for (let i = 0; i < data.length; i += chunk) p.push(data.subarray(i, i + chunk))
  p.finish()
  w.close()
}

function tar (cwd: string, file: string, args: string[]): string {
  execFileSync('tar', ['-cf', file, '-C', cwd, '--numeric-owner', ...args])
  return file
}

// xattrs through python3's os module (no attr package needed).
function getfattr (p: string, name: string): string {
  try { return execFileSync('python3', ['-c', 'import os,sys; sys.stdout.write(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).decode())', p, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) } catch { return '' }
}

function setfattr (p: string, name: string, value: string): void {
  execFileSync('python3', ['-c', 'import os,sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode())', p, name, value])
}

test('safeComponents: ./, trailing slashes and . go; .. and absolute names are refused', () => {
  assert.equal(safeComponents('./a/b/'), ['a', 'b'])
  assert.equal(safeComponents('.'), [])
  assert.equal(safeComponents('a/./b'), ['a', 'b'])
  for (const bad of ['../x', 'a/../../x', 'a/..', '/etc/passwd', 'a\0b']) assert.throws(() => safeComponents(bad), (e: unknown) => e instanceof LayerEscapeError)
})

test('ownership, modes, setuid, symlinks (absolute kept), hard links, fifo, char device, xattrs, long names', () => withTempDir(dir => {
  const src = path.join(dir, 'src')
  fs.mkdirSync(path.join(src, 'etc'), { recursive: true })
  fs.writeFileSync(path.join(src, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n')
  fs.chownSync(path.join(src, 'etc', 'passwd'), 1234, 5678)
  fs.writeFileSync(path.join(src, 'suid'), 'x')
  fs.chownSync(path.join(src, 'suid'), 7, 8)
  fs.chmodSync(path.join(src, 'suid'), 0o4755)
  fs.symlinkSync('/etc/passwd', path.join(src, 'abs'))
  fs.symlinkSync('../../../../outside', path.join(src, 'rel'))
  fs.linkSync(path.join(src, 'etc', 'passwd'), path.join(src, 'hard'))
  execFileSync('mkfifo', [path.join(src, 'fifo')])
  execFileSync('mknod', [path.join(src, 'null'), 'c', '1', '3'])
  const long = 'd'.repeat(120) + '/' + 'f'.repeat(150)
  fs.mkdirSync(path.join(src, 'd'.repeat(120)))
  fs.writeFileSync(path.join(src, long), 'long')
  fs.writeFileSync(path.join(src, 'attr'), '')
  setfattr(path.join(src, 'attr'), 'user.test', 'hello')
  fs.chmodSync(path.join(src), 0o750)
  const dest = path.join(dir, 'dest')
  fs.mkdirSync(dest)
  for (const format of ['gnu', 'posix']) {
    fs.rmSync(dest, { recursive: true, force: true }); fs.mkdirSync(dest)
    unpack(tar(src, path.join(dir, `${format}.tar`), [`--format=${format}`, '--xattrs', '--xattrs-include=*', '.']), dest)
    const st = fs.statSync(path.join(dest, 'etc', 'passwd'))
    assert.equal([st.uid, st.gid, st.mode & 0o7777], [1234, 5678, 0o644], format)
    const su = fs.statSync(path.join(dest, 'suid'))
    assert.equal([su.uid, su.gid, su.mode & 0o7777], [7, 8, 0o4755], format)
    assert.is(fs.readlinkSync(path.join(dest, 'abs')), '/etc/passwd')
    assert.is(fs.readlinkSync(path.join(dest, 'rel')), '../../../../outside')
    assert.is(fs.statSync(path.join(dest, 'hard')).ino, st.ino)
    assert.ok(fs.lstatSync(path.join(dest, 'fifo')).isFIFO())
    const nul = fs.lstatSync(path.join(dest, 'null'))
    assert.ok(nul.isCharacterDevice())
    assert.is(nul.rdev, 259)
    assert.is(fs.readFileSync(path.join(dest, long), 'utf8'), 'long')
    assert.is(getfattr(path.join(dest, 'attr'), 'user.test'), 'hello', format)
    assert.is(fs.statSync(dest).mode & 0o777, 0o750)
  }
}))

test('whiteouts become 0:0 char devices, .wh..wh..opq the opaque xattr', () => withTempDir(dir => {
  const src = path.join(dir, 'src')
  fs.mkdirSync(path.join(src, 'gone-dir'), { recursive: true })
  fs.writeFileSync(path.join(src, '.wh.deleted'), '')
  fs.writeFileSync(path.join(src, 'gone-dir', '.wh..wh..opq'), '')
  fs.writeFileSync(path.join(src, 'gone-dir', 'new'), 'n')
  const dest = path.join(dir, 'dest')
  fs.mkdirSync(dest)
  unpack(tar(src, path.join(dir, 'w.tar'), ['.']), dest)
  const wh = fs.lstatSync(path.join(dest, 'deleted'))
  assert.ok(wh.isCharacterDevice())
  assert.is(wh.rdev, 0)
  assert.not.ok(fs.existsSync(path.join(dest, '.wh.deleted')))
  assert.is(getfattr(path.join(dest, 'gone-dir'), 'trusted.overlay.opaque'), 'y')
  assert.not.ok(fs.existsSync(path.join(dest, 'gone-dir', '.wh..wh..opq')))
  assert.is(fs.readFileSync(path.join(dest, 'gone-dir', 'new'), 'utf8'), 'n')
}))

// A tar written by hand: one header per [name, type, linkname, body].
function handTar (entries: [string, string, string, string][]): Buffer {
  const blocks: Buffer[] = []
  for (const [name, type, link, body] of entries) {
    const h = Buffer.alloc(512)
    h.write(name, 0, 100, 'utf8')
    h.write('0000644\0', 100); h.write('0000000\0', 108); h.write('0000000\0', 116)
    h.write(body.length.toString(8).padStart(11, '0') + '\0', 124)
    h.write('00000000000\0', 136)
    h.write(type, 156)
    h.write(link, 157, 100, 'utf8')
    h.write('ustar\0', 257); h.write('00', 263)
    h.fill(0x20, 148, 156)
    let sum = 0
    for (const b of h) sum += b
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
    blocks.push(h)
    if (body.length > 0) {
      const b = Buffer.alloc(Math.ceil(body.length / 512) * 512)
      b.write(body)
      blocks.push(b)
    }
  }
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

function unpackBuffer (buf: Buffer, dest: string): void {
  const w = createLayerWriter(dest)
  const p = new TarParser(w)
  p.push(buf)
  p.finish()
  w.close()
}

test('traversal: .., absolute names, writing through a symlink and hard links out are refused; nothing outside is touched', () => withTempDir(dir => {
  const outside = path.join(dir, 'outside')
  fs.mkdirSync(outside)
  const cases: [string, [string, string, string, string][], RegExp][] = [
    ['dotdot', [['../outside/x', '0', '', 'evil']], /escapes the layer directory/],
    ['nested dotdot', [['a/../../outside/x', '0', '', 'evil']], /escapes the layer directory/],
    ['absolute', [['/tmp/x', '0', '', 'evil']], /absolute path/],
    ['symlink then write', [['link', '2', outside, ''], ['link/x', '0', '', 'evil']], /written through the symlink "link"/],
    ['relative symlink then write', [['link', '2', '../outside', ''], ['link/x', '0', '', 'evil']], /written through the symlink/],
    ['symlink dir then mkdir', [['link', '2', outside, ''], ['link/sub/', '5', '', '']], /written through the symlink/],
    ['hard link out', [['h', '1', '../outside/target', '']], /escapes the layer directory/],
    ['hard link through symlink', [['link', '2', outside, ''], ['h', '1', 'link/target', '']], /written through the symlink/],
    ['whiteout through symlink', [['link', '2', outside, ''], ['link/.wh.target', '0', '', '']], /written through the symlink/],
  ]
  fs.writeFileSync(path.join(outside, 'target'), 'keep')
  for (const [what, entries, msg] of cases) {
    const dest = path.join(dir, 'dest')
    fs.rmSync(dest, { recursive: true, force: true }); fs.mkdirSync(dest)
    assert.throws(() => unpackBuffer(handTar(entries), dest), (e: unknown) => e instanceof LayerEscapeError && msg.test(e.message), what)
    assert.equal(fs.readdirSync(outside), ['target'], what)
    assert.is(fs.readFileSync(path.join(outside, 'target'), 'utf8'), 'keep', what)
  }
}))

test('a later entry replaces an earlier one; a symlink replaced by a dir is not followed', () => withTempDir(dir => {
  const outside = path.join(dir, 'outside')
  fs.mkdirSync(outside)
  const dest = path.join(dir, 'dest')
  fs.mkdirSync(dest)
  unpackBuffer(handTar([['a', '0', '', 'one'], ['a', '0', '', 'two'], ['s', '2', outside, ''], ['s/', '5', '', ''], ['s/f', '0', '', 'in']]), dest)
  assert.is(fs.readFileSync(path.join(dest, 'a'), 'utf8'), 'two')
  assert.ok(fs.lstatSync(path.join(dest, 's')).isDirectory())
  assert.is(fs.readFileSync(path.join(dest, 's', 'f'), 'utf8'), 'in')
  assert.equal(fs.readdirSync(outside), [])
}))

test('corrupt and truncated archives are errors', () => withTempDir(dir => {
  const good = handTar([['a', '0', '', 'x'.repeat(600)]])
  const bad = Buffer.from(good); bad[10] = 0x41
  assert.throws(() => unpackBuffer(bad, dir), (e: unknown) => e instanceof TarError && /checksum/.test(e.message))
  const cut = good.subarray(0, 700)
  fs.rmSync(path.join(dir, 'a'), { force: true })
  assert.throws(() => unpackBuffer(cut, dir), (e: unknown) => e instanceof TarError && /unexpected end/.test(e.message))
  assert.throws(() => unpackBuffer(handTar([['x', 'Z', '', '']]), dir), (e: unknown) => e instanceof TarError && /unsupported tar entry type "Z"/.test(e.message))
}))

test.run()
