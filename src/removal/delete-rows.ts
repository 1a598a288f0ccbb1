// The removal engine's row deletes live with the other row functions in src/state.
export { deleteContainerRows, deleteEmptyPodRow } from '../state/delete-rows.js'
export type { DeletedRows } from '../state/delete-rows.js'
