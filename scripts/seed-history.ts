/**
 * `node --import tsx scripts/seed-history.ts --database .parley/demo.db [--site demo]
 *   [--days 21] [--per-day 60] [--seed 1]`
 *
 * Writes a few weeks of realistic conversations (chats, callbacks, offline messages, ratings,
 * scenario invitations, the operators' working days) into a relay database, so the analytics
 * screens show something on first start. Off by default: the relay never runs it. Run the
 * relay once with `--demo` first (it creates the site and its groups), and stop it while
 * this writes. The history's operators are deactivated employees: they take no seat.
 */
import { parseArgs } from 'node:util'
import { seedHistory } from '../packages/relay/src/modules/analytics/seed.ts'
import { createSqliteStores } from '../packages/relay/src/stores.ts'

const argv = process.argv.slice(2)
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    database: { type: 'string', default: '.parley/demo.db' },
    site: { type: 'string', default: 'demo' },
    days: { type: 'string', default: '21' },
    'per-day': { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
  },
})

const stores = createSqliteStores(values.database)
try {
  const site = await stores.sites.get(values.site)
  if (!site) {
    throw new Error(
      `No site "${values.site}" in ${values.database}: start the relay with --demo once first`,
    )
  }
  const groups = await stores.groups.list(values.site)
  if (groups.length === 0) {
    throw new Error(`Site "${values.site}" has no groups yet: start the relay once first`)
  }
  const written = await seedHistory(stores, {
    siteId: values.site,
    groupIds: groups.map((g) => g.id),
    timeZone: site.config.workingHours?.timeZone ?? 'UTC',
    days: Number(values.days),
    perDay: Number(values['per-day']),
    seed: Number(values.seed),
    now: Date.now(),
  })
  // Facts worked out now, so the first report need not.
  await stores.db.transaction((tx) => stores.analytics.refresh(tx, Date.now(), []))
  console.log(`wrote ${written} conversations over ${values.days} days into ${values.database}`)
} finally {
  await stores.db.close()
}
