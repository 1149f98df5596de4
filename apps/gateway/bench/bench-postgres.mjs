// A throwaway PostgreSQL database for the usage benches: created on the server of BENCH_DATABASE_URL under a fresh
// name, dropped again by `close`, so a bench never touches the data of the database it was pointed at.
import pg from 'pg';

/** `{ label, query(sql, params) => rows, close() }` over a new database named `<prefix>_<now>`. */
export async function openBenchPostgres(url, prefix) {
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  const version = (await client.query('SHOW server_version')).rows[0].server_version;
  return {
    label: `PostgreSQL ${version}`,
    query: async (sql, params = []) => (await client.query(sql, params)).rows,
    close: async () => {
      await client.end();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    },
  };
}
