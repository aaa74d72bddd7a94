import pg from 'pg';

/**
 * The raw-SQL surface the write paths use, shared by Prisma's clients and {@link SqlDatabase}:
 * tagged templates whose interpolations travel as bind parameters, never as SQL text.
 */
export interface SqlTx {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): Promise<T>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  /**
   * Writes COMMIT behind the statements written so far, without waiting for their answers: with
   * the last of them, one round trip. Only a transaction of {@link SqlDatabase} has it (elsewhere
   * the transaction commits when its work returns, as always). The transaction ends there: a
   * statement written after it is refused, and if one before it failed, Postgres rolls back and
   * `$transaction` fails. The work must not fail after calling it: its error would be reported
   * although the transaction may have committed, as when a COMMIT's answer is lost.
   */
  $commitNow?(): void;
}

/** How a transaction begins. */
export interface TransactionOptions {
  /**
   * Transaction-level advisory locks (by name, keyed by `hashtext`) taken before `work` runs, in
   * key order, so two transactions locking overlapping sets wait for each other instead of
   * deadlocking. They travel in BEGIN's round trip: one round trip fewer than a lock statement.
   */
  advisoryLocks?: readonly string[];
  /**
   * Plan each prepared statement once per connection and reuse the plan (`SET LOCAL
   * plan_cache_mode = force_generic_plan`, in BEGIN's round trip; it ends with the transaction).
   * For the hot write paths, whose statements look rows up by key: Postgres otherwise plans a
   * statement over `unnest` of array parameters again on every execution, because only a custom plan
   * sees how short the arrays are and the generic one is priced for longer ones. Measured with
   * pg_stat_statements (docs/benchmarks.md, "Plans made on every execution"): the vehicle situation
   * of every alert was planned on each of its 1,731 calls, 1.13 s of planning for 0.71 s of
   * execution. The trade-off is the generic plan's: made with the statistics of its first use on
   * the connection, until an ANALYZE of one of its tables invalidates it (as after the fifth
   * execution without this).
   */
  genericPlans?: boolean;
}

/** A database that runs transactions over {@link SqlTx}: {@link SqlDatabase}, or Prisma's client. */
export interface SqlTransactional extends SqlTx {
  $transaction<T>(work: (tx: SqlTx) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface SqlDatabaseOptions {
  url: string;
  poolSize: number;
  applicationName?: string;
  /** Idle connections that die (Postgres restarted, connections cut) are reported here, not thrown. */
  onIdleError?: (error: Error) => void;
}

/**
 * A fixed statement whose text is built once from constants (a shared column list, say), as a
 * tagged template's strings: the parts between the bind parameters. Run through `$queryRaw` it is
 * a named prepared statement like any tagged template, where `$queryRawUnsafe` would have Postgres
 * parse and plan it on every call.
 */
export function fixedStatement(...parts: string[]): TemplateStringsArray {
  return Object.freeze(Object.assign([...parts], { raw: Object.freeze([...parts]) })) as unknown as TemplateStringsArray;
}

/** `a${x}b${y}c` -> `a$1b$2c`: the text and the parameters node-postgres expects. */
function toParameterized(strings: TemplateStringsArray): string {
  let text = strings[0] ?? '';
  for (let i = 1; i < strings.length; i++) text += `$${i}${strings[i]}`;
  return text;
}

/**
 * Each tagged template is a fixed statement, so it runs as a named prepared statement: Postgres
 * parses it once per connection instead of on every call, and plans it once unless it prefers a
 * custom plan each time (`TransactionOptions.genericPlans` says when). Measured on this machine
 * for the claim lookup of every crash alert: 296-424 -> 134 us of Postgres CPU and 500-734 ->
 * 270-300 us per round trip. The template object is the same on every call from one call site.
 */
const preparedStatements = new WeakMap<TemplateStringsArray, pg.QueryConfig>();
let preparedCount = 0;

function prepared(strings: TemplateStringsArray): pg.QueryConfig {
  let config = preparedStatements.get(strings);
  if (!config) {
    config = { name: `kc${++preparedCount}`, text: toParameterized(strings) };
    preparedStatements.set(strings, config);
  }
  return config;
}

class ClientTx implements SqlTx {
  constructor(protected readonly client: pg.PoolClient | pg.Pool) {}

  async $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number> {
    return (await this.send({ ...prepared(query), values })).rowCount ?? 0;
  }

  async $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): Promise<T> {
    return (await this.send({ ...prepared(query), values })).rows as T;
  }

  /** Built text (a variable number of rows, say): unnamed, parsed each time. */
  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.send({ text: query, values })).rows as T;
  }

  /** Writes one statement (synchronously: what is written later goes behind it). */
  protected send(config: pg.QueryConfig): Promise<pg.QueryResult> {
    return this.client.query(config);
  }
}

/** The statements of one transaction, on its connection, and its COMMIT once written ({@link SqlTx.$commitNow}). */
class TransactionTx extends ClientTx {
  /** COMMIT's outcome once written: undefined when committed, else why not. */
  committed?: Promise<Error | undefined>;

  $commitNow(): void {
    // Postgres answers COMMIT in a transaction that a failed statement aborted with ROLLBACK, not
    // with an error: that answer must fail the transaction even if the work caught the failure.
    this.committed ??= this.client.query('COMMIT').then(
      (answer) => (answer.command === 'COMMIT' ? undefined : new Error(`the transaction was not committed (${answer.command}): a statement in it failed`)),
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  }

  protected override send(config: pg.QueryConfig): Promise<pg.QueryResult> {
    if (this.committed) return Promise.reject(new Error('a statement written after the transaction was committed with $commitNow'));
    return super.send(config);
  }
}

/**
 * BEGIN, the plan cache mode and the advisory locks in one simple query, which carries no bind
 * parameters: the names travel as escaped literals. Postgres ends a query's text at NUL, so a
 * name holding one is refused, not truncated.
 */
function beginning(client: pg.PoolClient, options: TransactionOptions): string {
  const begin = options.genericPlans ? 'BEGIN; SET LOCAL plan_cache_mode = force_generic_plan' : 'BEGIN';
  const locks = options.advisoryLocks ?? [];
  if (locks.length === 0) return begin;
  if (locks.some((name) => name.includes('\0'))) throw new Error('advisory lock name contains NUL');
  const names = [...new Set(locks)].map((name) => client.escapeLiteral(name));
  if (names.length === 1) return `${begin}; SELECT pg_advisory_xact_lock(hashtext(${names[0]}))`;
  return `${begin}; SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtext(n) AS k FROM unnest(ARRAY[${names.join(', ')}]::text[]) AS n ORDER BY 1) AS ordered`;
}

/**
 * node-postgres for the high-volume write paths (consumers' chunk transactions, the outbox relay,
 * device signals), next to the Prisma client that the read side and the model API use.
 *
 * Why not Prisma here: its runtime keeps the arguments of its last 100 debug calls, query
 * parameters included, for error reports. A chunk's set-based statement carries megabytes of
 * parameters (event envelopes, breakdowns), so a draining consumer held hundreds of MB, and each
 * query cost more than a plain pg round trip (docs/benchmarks.md, design notes). Same SQL, same
 * bind parameters, same transactions.
 *
 * Results are node-postgres's: int8 and numeric columns come back as strings (cast in SQL where a
 * number is wanted), timestamps as Date, json as parsed values.
 */
export class SqlDatabase extends ClientTx implements SqlTransactional {
  private readonly pool: pg.Pool;
  /** Connections the pool may open: what a caller that holds one while it asks for another must budget against. */
  readonly poolSize: number;

  constructor(options: SqlDatabaseOptions) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      application_name: options.applicationName,
      // Each statement is written without waiting for the answer to the one before (each with its
      // own Sync), so a transaction's first statement travels with its BEGIN: see $transaction.
      pipeline: true,
      // Fail fast instead of hanging a Kafka chunk when Postgres is away; the chunk is retried.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // Bounds a stuck statement or transaction (what Prisma's transaction timeout did): the
      // chunk fails, is retried, and its offsets stay uncommitted.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 30_000,
    });
    super(pool);
    this.pool = pool;
    this.poolSize = options.poolSize;
    pool.on('error', (error) => options.onIdleError?.(error));
  }

  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  async $transaction<T>(work: (tx: SqlTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // The pool listens for errors of idle clients only: a connection cut while this one is checked
    // out would emit an unhandled 'error' and end the process. The statement in flight fails with
    // it anyway, and the client is discarded below.
    const cut = (error: Error) => (broken = error);
    client.on('error', cut);
    try {
      // Not awaited: `work`'s first statement goes out behind BEGIN and its locks, and Postgres runs
      // it once they are granted (its snapshot is taken then), one round trip fewer per transaction
      // (docs/benchmarks.md, "Statements written behind BEGIN"). If BEGIN or a lock fails, the
      // statements behind it fail only because the transaction is aborted: its error is the one
      // reported (a lock timeout is not the caller's data). Settled at once, never left unhandled.
      const begun = client.query(beginning(client, options)).then(
        () => undefined,
        (error: unknown) => error,
      );
      const tx = new TransactionTx(client);
      let result: T;
      try {
        result = await work(tx);
      } catch (error) {
        throw (await begun) ?? error;
      }
      const beginError = await begun;
      if (beginError) throw beginError;
      if (!tx.committed) await client.query('COMMIT');
      else {
        const notCommitted = await tx.committed;
        if (notCommitted) throw notCommitted;
      }
      return result;
    } catch (error) {
      // A connection that cannot even roll back is discarded rather than reused.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.off('error', cut);
      client.release(broken);
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}
