// Schema migrations, applied in order; PRAGMA user_version holds the count applied.
// Foreign keys carry the invariants: a dependency row makes SQLite itself refuse to
// delete a container still depended on, and a pod cannot go while it has members.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE images (
    id TEXT PRIMARY KEY CHECK (length(id) = 64),
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT ''
  );

  CREATE TABLE pods (
    id TEXT PRIMARY KEY CHECK (length(id) = 64),
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    infra_id TEXT REFERENCES containers(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    shared TEXT NOT NULL DEFAULT '[]',
    labels TEXT NOT NULL DEFAULT '{}',
    pod_id_file TEXT,
    config TEXT NOT NULL DEFAULT '{}'
  );

  CREATE TABLE containers (
    id TEXT PRIMARY KEY CHECK (length(id) = 64),
    name TEXT NOT NULL UNIQUE,
    image_id TEXT REFERENCES images(id),
    pod_id TEXT REFERENCES pods(id) DEFERRABLE INITIALLY DEFERRED,
    is_infra INTEGER NOT NULL DEFAULT 0,
    command TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL CHECK (state IN ('created', 'running', 'stopped', 'exited', 'removing')),
    pid INTEGER,
    exit_code INTEGER,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    stop_signal TEXT NOT NULL DEFAULT 'SIGTERM',
    stop_timeout INTEGER NOT NULL DEFAULT 10,
    labels TEXT NOT NULL DEFAULT '{}',
    namespaces TEXT NOT NULL DEFAULT '{}',
    cidfile TEXT,
    auto_remove INTEGER NOT NULL DEFAULT 0,
    netns_path TEXT,
    config TEXT NOT NULL DEFAULT '{}',
    owner_pid INTEGER,
    owner_start TEXT,
    removing_since INTEGER
  );
  CREATE INDEX containers_pod ON containers(pod_id);
  CREATE INDEX containers_image ON containers(image_id);

  CREATE TABLE container_deps (
    container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
    depends_on TEXT NOT NULL REFERENCES containers(id),
    kind TEXT NOT NULL CHECK (kind IN ('network', 'ipc', 'pid', 'uts', 'requires', 'infra')),
    PRIMARY KEY (container_id, depends_on, kind),
    CHECK (container_id <> depends_on)
  );
  CREATE INDEX container_deps_target ON container_deps(depends_on);

  CREATE TABLE volumes (
    name TEXT PRIMARY KEY,
    anonymous INTEGER NOT NULL DEFAULT 0,
    mountpoint TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    labels TEXT NOT NULL DEFAULT '{}'
  );

  CREATE TABLE container_volumes (
    container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
    volume_name TEXT NOT NULL REFERENCES volumes(name),
    destination TEXT NOT NULL,
    PRIMARY KEY (container_id, destination)
  );
  CREATE INDEX container_volumes_volume ON container_volumes(volume_name);

  CREATE TABLE container_networks (
    container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    ifname TEXT NOT NULL,
    static_ip TEXT,
    result TEXT,
    PRIMARY KEY (container_id, network),
    UNIQUE (container_id, ifname)
  );
  CREATE INDEX container_networks_network ON container_networks(network);
  `,
  // Deleting a container checks pods.infra_id (ON DELETE SET NULL): without an index
  // that is a scan of every pod per removed container.
  `
  CREATE INDEX IF NOT EXISTS pods_infra ON pods(infra_id);
  `,
  // OCI images: many names per image (image_names), the manifest digest, repo digests,
  // layers and config. images.name (one UNIQUE name) goes: the table is rebuilt, with the
  // containers' foreign keys checked at commit (defer_foreign_keys) once the rows are back.
  `
  PRAGMA defer_foreign_keys = ON;
  CREATE TABLE images_before_names AS SELECT * FROM images;
  DROP TABLE images;
  CREATE TABLE images (
    id TEXT PRIMARY KEY CHECK (length(id) = 64),
    created_at INTEGER NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT '',
    digest TEXT NOT NULL DEFAULT '',
    repo_digests TEXT NOT NULL DEFAULT '[]',
    layers TEXT NOT NULL DEFAULT '[]',
    config TEXT NOT NULL DEFAULT '{}'
  );
  INSERT INTO images (id, created_at, size, source) SELECT id, created_at, size, source FROM images_before_names;
  CREATE TABLE image_names (
    name TEXT PRIMARY KEY,
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    added_at INTEGER NOT NULL
  );
  CREATE INDEX image_names_image ON image_names(image_id);
  INSERT INTO image_names (name, image_id, added_at) SELECT name, id, created_at FROM images_before_names;
  DROP TABLE images_before_names;
  `,
  // The registry's digest of what an image was first pulled by, where it is not the stored
  // manifest's (a manifest list, a converted Docker schema 2 manifest): Podman's Digest.
  `
  ALTER TABLE images ADD COLUMN source_digest TEXT NOT NULL DEFAULT '';
  `,
  // The names an image ever had, newest first (c/storage's NamesHistory: Podman's History
  // and NamesHistory, kept when a name moves to another image). Existing images start from
  // their current names.
  `
  ALTER TABLE images ADD COLUMN names_history TEXT NOT NULL DEFAULT '[]';
  UPDATE images SET names_history = (SELECT json_group_array(name) FROM (SELECT name FROM image_names n WHERE n.image_id = images.id ORDER BY added_at DESC, rowid DESC));
  `,
]

export const SCHEMA_VERSION = MIGRATIONS.length
