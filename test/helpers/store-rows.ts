// Every row of every table of one of our stores, read directly, for comparisons in tests.
import { openSourceStore } from '../../src/tools/store-database.js';
import { keyOf, type Row, TABLES } from '../../src/tools/tables.js';

export async function allRows(databaseUrl: string): Promise<Record<string, Row[]>> {
  const database = await openSourceStore(databaseUrl);
  try {
    const tables: Record<string, Row[]> = {};
    for (const table of TABLES) {
      tables[table.name] = [];
      let page = await database.readPage(table, undefined, 1000);
      while (page.length > 0) {
        tables[table.name]?.push(...page);
        page = await database.readPage(table, keyOf(table, page.at(-1) as Row), 1000);
      }
    }
    return tables;
  } finally {
    await database.close();
  }
}

/** Row counts per table. */
export async function rowCounts(databaseUrl: string): Promise<Record<string, number>> {
  const rows = await allRows(databaseUrl);
  return Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, list.length]));
}
