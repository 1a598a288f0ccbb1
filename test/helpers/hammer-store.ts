// Child process for the multi-process state test: hammers one state.db with writes.
import type { ContainerId } from '../../src/ids.js'
import { generateId } from '../../src/ids.js'
import { addDependency, deleteContainerRow, insertContainer, listContainers, updateContainer } from '../../src/state/container-rows.js'
import { StateStore } from '../../src/state/sqlite-state-store.js'
import { containerFixture } from './fixtures.js'

const [root, worker, rounds] = process.argv.slice(2)
const store = StateStore.open(root!)
let kept = 0
for (let i = 0; i < Number(rounds); i++) {
  store.write(() => {
    const base = containerFixture({ name: `w${worker}-base-${i}`, id: generateId<ContainerId>() })
    const dep = containerFixture({ name: `w${worker}-dep-${i}`, id: generateId<ContainerId>() })
    insertContainer(store, base)
    insertContainer(store, dep)
    addDependency(store, { containerId: dep.id, dependsOn: base.id, kind: 'network' })
    // read-modify-write inside the transaction: count what this worker sees
    const mine = listContainers(store).filter(c => c.name.startsWith(`w${worker}-`))
    updateContainer(store, base.id, { labels: { seen: String(mine.length) } })
    if (i % 2 === 0) {
      deleteContainerRow(store, dep.id)
      deleteContainerRow(store, base.id)
    } else {
      kept += 2
    }
  })
}
store.close()
process.stdout.write(JSON.stringify({ kept }) + '\n')
