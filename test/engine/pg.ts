// The suites that need a shared database use the lab's throwaway PostgreSQL cluster.
export { hasPostgres, startPostgres, type Postgres } from '../../lab/postgres.js';
